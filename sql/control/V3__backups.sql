-- Backups Ferry takes before destructive steps (and on demand), kept next to the data they copy: each backed-up
-- table is a plain copy in the ferry_backup schema, so taking and restoring one never leaves the server.
CREATE SCHEMA IF NOT EXISTS ferry_backup;

CREATE TABLE ferry.backups (
  id          bigserial   PRIMARY KEY,
  created_at  timestamptz NOT NULL DEFAULT now(),
  reason      text        NOT NULL,
  run_id      uuid,                               -- the sync run it was taken for, if any
  restored_at timestamptz
);

CREATE TABLE ferry.backup_tables (
  backup_id  bigint NOT NULL REFERENCES ferry.backups ON DELETE CASCADE,
  schema_name text  NOT NULL,
  table_name text   NOT NULL,
  copy_name  text   NOT NULL,                     -- ferry_backup.<copy>
  rows       bigint NOT NULL,
  kind       text   NOT NULL DEFAULT 'table',     -- table: its whole contents; deleted rows: what a mirror run deleted
  PRIMARY KEY (backup_id, schema_name, table_name)
);
