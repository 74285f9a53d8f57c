CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE SCHEMA app;
CREATE TYPE app.status AS ENUM ('new', 'active', 'adopted', 'retired');
CREATE DOMAIN app.email AS text CHECK (VALUE LIKE '%@%');
CREATE TABLE app.orgs (id serial PRIMARY KEY, name varchar(200) NOT NULL, email app.email, UNIQUE (name));
CREATE TABLE app.dogs (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, org_id int NOT NULL REFERENCES app.orgs(id),
  name text NOT NULL DEFAULT 'unnamed', status app.status NOT NULL DEFAULT 'new', weight numeric(5,2) CHECK (weight > 0),
  tags text[], name_upper text GENERATED ALWAYS AS (upper(name)) STORED);
CREATE INDEX dogs_name_trgm ON app.dogs USING gin (name gin_trgm_ops);
CREATE INDEX dogs_active ON app.dogs (org_id) WHERE status = 'active';
CREATE TABLE app.events (id int, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE app.events_2026 PARTITION OF app.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE VIEW app.active_dogs AS SELECT id, name FROM app.dogs WHERE status = 'active';
CREATE VIEW app.active_names AS SELECT name FROM app.active_dogs;
