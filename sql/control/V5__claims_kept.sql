-- Rows production changed that a sync kept as production left them (onProductionEdit: keep), by key: the claim's
-- verified state includes them as production's, so a later run neither copies over them nor asks again, unless the
-- source changes the same row (a conflict) or a run is told to overwrite.
ALTER TABLE ferry.table_claims ADD COLUMN kept jsonb NOT NULL DEFAULT '[]';
