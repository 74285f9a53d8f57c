-- Ferry's control schema: the history of sync runs started by the server. Applied by Flyway
-- (history table ferry.flyway_schema_history), on the target unless api.controlDatabase names another database.
-- Ferry never syncs, counts or compares the ferry schema.

CREATE TABLE ferry.runs (
  id           uuid PRIMARY KEY,
  trigger      text        NOT NULL,            -- api, webhook:<name>, cli
  target       text        NOT NULL,            -- the target's redacted URL (never a password)
  mode         text        NOT NULL,
  dry_run      boolean     NOT NULL,
  options      jsonb       NOT NULL,
  status       text        NOT NULL,            -- running, succeeded, partial, failed, refused, cancelled, interrupted
  message      text,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz,
  rows_written bigint,
  summary      jsonb                            -- the whole RunSummary once the run ends
);
CREATE INDEX runs_newest_first ON ferry.runs (started_at DESC, id);

CREATE TABLE ferry.run_tables (
  run_id             uuid   NOT NULL REFERENCES ferry.runs ON DELETE CASCADE,
  table_name         text   NOT NULL,
  outcome            text   NOT NULL,
  path               text,
  source_rows        bigint,
  target_rows_before bigint,
  inserted           bigint NOT NULL,
  updated            bigint NOT NULL,
  deleted            bigint NOT NULL,
  linked             bigint NOT NULL,
  attempts           int    NOT NULL,
  duration_ms        bigint NOT NULL,
  message            text,
  PRIMARY KEY (run_id, table_name)
);

-- A compact log: phases, tables started and finished, warnings (not every progress tick).
CREATE TABLE ferry.run_events (
  run_id uuid        NOT NULL REFERENCES ferry.runs ON DELETE CASCADE,
  seq    int         NOT NULL,
  at     timestamptz NOT NULL,
  event  jsonb       NOT NULL,
  PRIMARY KEY (run_id, seq)
);
