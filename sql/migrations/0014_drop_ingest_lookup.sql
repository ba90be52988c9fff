-- The look-up of stored events passes a batch's dossiers as query parameters of at most 64 KiB each (any number of them)
-- instead of through this table, which made the look-ups of loads running at the same time take turns (issue 20).
DROP TABLE IF EXISTS ingest_lookup {on_cluster};
