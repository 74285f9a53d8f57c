-- The target transactions Ferry wrote each table with since that table's last claim (runs that were not verified:
-- failed, cancelled, or run with --skip-validation). A later comparison does not take those rows for production's
-- own edits. Recording a claim for a table clears its row here: the claim covers what came before.
CREATE TABLE ferry.table_writes (
  source      text     NOT NULL,          -- the source database: system identifier / database oid
  table_name  text     NOT NULL,          -- the target table, quoted
  xids        bigint[] NOT NULL,
  PRIMARY KEY (source, table_name)
);
