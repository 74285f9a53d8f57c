CREATE SCHEMA app;
CREATE SCHEMA legacy;
CREATE TYPE app.status AS ENUM ('active', 'retired');
CREATE TABLE app.orgs (id serial PRIMARY KEY, name varchar(100) NOT NULL, phone text);
CREATE TABLE app.dogs (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, org_id int,
  name text, status app.status NOT NULL DEFAULT 'active', weight numeric(5,2) CHECK (weight >= 0), tags text[],
  name_upper text GENERATED ALWAYS AS (upper(name)) STORED);
CREATE INDEX dogs_old ON app.dogs (name);
CREATE TABLE legacy.stuff (id int PRIMARY KEY, dog_id bigint REFERENCES app.dogs(id));
