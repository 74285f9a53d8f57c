-- What ferry migrate did to the database holding this schema: migrations applied, undone, baselined, repaired.
-- (Flyway's own flyway_schema_history keeps only what is applied now; an undo removes its row there.)
CREATE TABLE ferry.migration_log (
  id          bigserial   PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  action      text        NOT NULL,          -- migrate, undo, baseline, repair
  version     text,
  description text,
  script      text,
  detail      text
);
