-- The transactions at or after a claim's horizon that had already ended when the verifying run started (its
-- snapshot did not list them as running): their rows were verified too. Without them, every row written after the
-- oldest transaction still open anywhere on the server (a long report, a session left idle in a transaction) looked
-- unverified, and a row production deleted could not be told from one the source had just added.
ALTER TABLE ferry.table_claims
  ADD COLUMN source_seen bigint[] NOT NULL DEFAULT '{}',
  ADD COLUMN target_seen bigint[] NOT NULL DEFAULT '{}';
