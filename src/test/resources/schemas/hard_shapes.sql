-- Ferry test fixture: hard types and shapes (DDL only).
-- Plain SQL, no psql meta-commands; meant to be sent as ONE multi-statement
-- simple query into a fresh database. Data lives in hard_shapes_data.sql,
-- which runs after this file. Everything here is also valid as the target
-- side schema (load this file alone to get an empty target).

CREATE SCHEMA billing;

-- ---------------------------------------------------------------- types
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'very happy', 'it''s "complicated"');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE TYPE address AS (street text, zip character(5), tags text[]);
CREATE TYPE billing.invoice_status AS ENUM ('draft', 'open', 'paid', 'void');
CREATE DOMAIN billing.currency_code AS character(3) CHECK (VALUE ~ '^[A-Z]{3}$');

-- ---------------------------------------------------------------- keys
-- uuid primary key; expression index and partial index live here too.
CREATE TABLE accounts (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email       text NOT NULL,
    display     text,
    mood        mood,
    credit      positive_int,
    home        address,
    created_at  timestamptz NOT NULL DEFAULT now(),
    obsolete    text
);
-- a dropped column leaves a hole in pg_attribute (attisdropped, attnum gap)
ALTER TABLE accounts DROP COLUMN obsolete;
CREATE UNIQUE INDEX accounts_email_lower_uq ON accounts (lower(email));

-- composite primary key (int, text)
CREATE TABLE tenant_items (
    tenant_id   integer NOT NULL,
    code        text    NOT NULL,
    label       varchar(40),
    qty         positive_int,
    PRIMARY KEY (tenant_id, code)
);

-- only key is a UNIQUE NOT NULL constraint (no primary key)
CREATE TABLE external_refs (
    ref_code    text NOT NULL UNIQUE,
    source      text,
    note        text
);

-- ---------------------------------------------------------------- FK ordering
-- self-referencing tree; parents have HIGHER ids than children
CREATE TABLE categories (
    id          integer PRIMARY KEY,
    parent_id   integer REFERENCES categories (id),
    name        text NOT NULL
);

-- FK cycle between two tables (nullable, NOT deferrable)
CREATE TABLE cycle_a (
    id          integer PRIMARY KEY,
    name        text,
    b_id        integer
);
CREATE TABLE cycle_b (
    id          integer PRIMARY KEY,
    name        text,
    a_id        integer REFERENCES cycle_a (id)
);
ALTER TABLE cycle_a ADD CONSTRAINT cycle_a_b_id_fkey FOREIGN KEY (b_id) REFERENCES cycle_b (id);

-- ---------------------------------------------------------------- arrays
CREATE TABLE array_samples (
    id          integer PRIMARY KEY,
    ints        integer[],
    texts       text[],
    grid        integer[][],
    moods       mood[],
    uuids       uuid[],
    credits     positive_int[],
    codes       varchar(3)[],
    addresses   address[]
);

-- ---------------------------------------------------------------- json
CREATE TABLE json_docs (
    id          integer PRIMARY KEY,
    doc         json,
    docb        jsonb,
    docs        json[]
);

-- ---------------------------------------------------------------- numbers
CREATE TABLE numeric_samples (
    id          integer PRIMARY KEY,
    n           numeric,
    n_money     numeric(12,2),
    n_neg_scale numeric(5,-2),
    f8          double precision,
    f4          real,
    i2          smallint,
    i8          bigint,
    b           boolean
);

-- ---------------------------------------------------------------- time
CREATE TABLE temporal_samples (
    id          integer PRIMARY KEY,
    ts          timestamp without time zone,
    ts3         timestamp(3) without time zone,
    tstz        timestamp with time zone,
    d           date,
    t           time without time zone,
    ttz         time with time zone,
    iv          interval,
    iv_ds       interval day to second(3)
);

-- ---------------------------------------------------------------- misc types
CREATE TABLE misc_types (
    id          integer PRIMARY KEY,
    mac         macaddr,
    mac8        macaddr8,
    ip          inet,
    net         cidr,
    x           xml,
    bits        bit(8),
    vbits       bit varying,
    tsv         tsvector,
    tsq         tsquery,
    o           oid,
    r_int       int4range,
    r_tstz      tstzrange,
    mr_int      int4multirange,
    pt          point,
    bx          box,
    circ        circle,
    fixed       character(5),
    vc          varchar(10),
    ch          "char",
    blob        bytea,
    body        text
);

-- ---------------------------------------------------------------- quoted identifiers
CREATE TABLE "Order Lines" (
    "Tenant"      integer NOT NULL,
    "Item Code"   text    NOT NULL,
    "Line No"     integer NOT NULL,
    "select"      text,
    "from"        date,
    "user"        text,
    "Qté"         numeric(10,3),
    "weird""name" text,
    "a.b"         integer,
    PRIMARY KEY ("Tenant", "Item Code", "Line No"),
    FOREIGN KEY ("Tenant", "Item Code") REFERENCES tenant_items (tenant_id, code)
);
CREATE INDEX "Order Lines_user_from_idx" ON "Order Lines" ("user", "from" DESC);

-- ---------------------------------------------------------------- cross-schema FKs
CREATE TABLE billing.invoices (
    id          bigserial PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES public.accounts (id),
    ext_ref     text REFERENCES public.external_refs (ref_code),
    status      billing.invoice_status NOT NULL DEFAULT 'draft',
    currency    billing.currency_code NOT NULL,
    amount      numeric(14,2) NOT NULL,
    issued_on   date
);

CREATE TABLE refunds (
    id          uuid PRIMARY KEY,
    invoice_id  bigint NOT NULL REFERENCES billing.invoices (id) ON DELETE CASCADE,
    amount      numeric(14,2),
    reason      text
);

-- same table name in two schemas (no key at all, duplicates allowed)
CREATE TABLE billing.audit_log (
    at          timestamptz,
    message     text
);

-- ---------------------------------------------------------------- partitioning
CREATE TABLE measurements (
    id          bigint NOT NULL,
    taken_on    date   NOT NULL,
    sensor      text,
    reading     double precision,
    PRIMARY KEY (id, taken_on)
) PARTITION BY RANGE (taken_on);
-- this partition is created stand-alone with a DIFFERENT column order, then attached
CREATE TABLE measurements_2023 (
    reading     double precision,
    sensor      text,
    taken_on    date   NOT NULL,
    id          bigint NOT NULL
);
ALTER TABLE measurements ATTACH PARTITION measurements_2023
    FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE measurements_2024 PARTITION OF measurements
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE measurements_default PARTITION OF measurements DEFAULT;

-- ---------------------------------------------------------------- generated / identity / serial
CREATE TABLE products (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku         text NOT NULL,
    price       numeric(12,2) NOT NULL,
    qty         integer NOT NULL,
    total       numeric(14,2) GENERATED ALWAYS AS (price * qty) STORED
);

CREATE TABLE tickets (
    id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    ticket_no   serial,
    title       text NOT NULL,
    product_id  integer REFERENCES products (id),
    closed_at   timestamptz
);
-- partial index
CREATE INDEX tickets_open_idx ON tickets (title) WHERE closed_at IS NULL;

-- ---------------------------------------------------------------- no key at all
CREATE TABLE audit_log (
    logged_at   timestamptz,
    level       text,
    message     text,
    detail      jsonb
);
-- multi-column index
CREATE INDEX audit_log_level_logged_at_idx ON audit_log (level, logged_at);
