-- What a verified run lets the next one skip (dev.ferry.sync.Claims): per table, the transaction horizons on both
-- sides up to which the table's rows were found identical, and the run's own target transactions. A later run does
-- not hash rows no transaction has touched since. Deleting rows here only makes the next comparison hash everything.
CREATE TABLE ferry.table_claims (
  source      text        NOT NULL,          -- the source database: system identifier / database oid
  table_name  text        NOT NULL,          -- the target table, quoted
  fingerprint text        NOT NULL,          -- what the claim holds for: digest SQL, both sides' identity and columns
  source_xmin bigint      NOT NULL,          -- source rows written before this transaction were verified
  target_xmin bigint      NOT NULL,          -- likewise on the target
  ferry_xids  bigint[]    NOT NULL,          -- and the target rows the run itself wrote, verified after its commits
  run_id      text        NOT NULL,
  verified_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, table_name)
);
