-- Ferry test fixture: hostile identifiers (DDL only).
-- Every name here must be quoted to survive: double quotes inside, spaces, unicode, reserved words, mixed case,
-- semicolons and "--", dollar signs, a 63-byte (the maximum) table and column name. Plain SQL, sent as ONE
-- multi-statement simple query into a fresh database; also the target's schema. Data: odd_identifiers_data.sql.

CREATE SCHEMA "Ünïcødé 表 ""schéma""";

CREATE TYPE "Ünïcødé 表 ""schéma"""."Mood ""enum""; --" AS ENUM
  ('happy', 'it''s "complicated"', 'semi;colon -- x', 'Ünï 表', 'UPPER lower', '$1');

-- A sequence no column owns, used as a column default.
CREATE SEQUENCE "Ünïcødé 表 ""schéma"""."Seq ""s"" $1" START 7 INCREMENT 3;

-- Identity ALWAYS key, a reserved word as its unique column, an enum with an odd name, and a self-reference
-- to higher ids (loaded by the second pass). The table's name reads like an injection.
CREATE TABLE "Ünïcødé 表 ""schéma"""."Parent ""Table""; DROP TABLE y; --" (
  "ID" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "table" text NOT NULL UNIQUE,
  "Mood 😀" "Ünïcødé 表 ""schéma"""."Mood ""enum""; --",
  "select" integer,
  "Reports To" bigint REFERENCES "Ünïcødé 表 ""schéma"""."Parent ""Table""; DROP TABLE y; --" ("ID")
);

-- A reserved word in public: composite key on quoted columns (one with a dot), a foreign key, a serial, a
-- dollar sign, a 63-byte column name, a plain and an expression index with odd names.
CREATE TABLE public."order" (
  "user" integer NOT NULL,
  "Line No." integer NOT NULL,
  "parent ID" bigint NOT NULL REFERENCES "Ünïcødé 表 ""schéma"""."Parent ""Table""; DROP TABLE y; --" ("ID"),
  "cost$usd" numeric(10,2),
  "x"";--" text,
  "Ωmega ""column"" as long as PostgreSQL allows: sixty-three bytes" text,
  "Serial Nº" serial,
  PRIMARY KEY ("user", "Line No.")
);
CREATE INDEX "Idx ""x""; --" ON public."order" ("x"";--", "cost$usd" DESC);
CREATE INDEX "lower(x) $idx" ON public."order" (lower("x"";--"));

-- Big enough for the differential path (a keyed table of at least 2,000 rows): an integer key, a 63-byte name.
CREATE TABLE "Ünïcødé 表 ""schéma"""."Bïg ""tâble"" $1; -- its name is as long as PostgreSQL allows!!" (
  "Kéy ""id""" integer PRIMARY KEY,
  "parent ID" bigint REFERENCES "Ünïcødé 表 ""schéma"""."Parent ""Table""; DROP TABLE y; --" ("ID"),
  "Value ""v""" text,
  "Mood" "Ünïcødé 表 ""schéma"""."Mood ""enum""; --",
  "Seq" bigint DEFAULT nextval('"Ünïcødé 表 ""schéma"""."Seq ""s"" $1"')
);

-- Big and keyed by text: the differential path cuts its ranges by boundaries read from the source.
CREATE TABLE public."user" (
  "Tag; --" text NOT NULL,
  "n" integer NOT NULL,
  "select" text,
  PRIMARY KEY ("Tag; --", "n")
);

-- No key at all: compared and replaced as a whole.
CREATE TABLE "Ünïcødé 表 ""schéma"""."no key; -- ""at all""" (
  "a b" text,
  "C" integer
);

CREATE VIEW "Ünïcødé 表 ""schéma"""."View ""v""; --" AS
  SELECT p."table", count(o."user") AS "Orders ""n"""
  FROM "Ünïcødé 表 ""schéma"""."Parent ""Table""; DROP TABLE y; --" p
  LEFT JOIN public."order" o ON o."parent ID" = p."ID"
  GROUP BY p."table";
