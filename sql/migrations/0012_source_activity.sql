-- When each source system last had events accepted through POST /api/events (reform sources list, the administration
-- page, which flags a source silent for longer than Feed:SilentSourceAfter).
--
-- Why a table of its own: the question "when did source X last send something that was stored" has three other
-- answers, none cheap at production scale. events.source is in every event but leads no key (the events are ordered by
-- dossier), so max(ingested_at) per source reads a column of 700 M rows; ingest_files holds one row per request body
-- (ordered by its SHA-256), hundreds of thousands a day, and would be scanned whole; quarantine holds rejects only. The
-- intake instead writes one row here per request that stored at least one event (src/Store/Sources/SourceActivity.cs):
-- rows merge down to one per source, and reading every source's latest reads a few rows per source.
--
-- Numbered 0012: 0011 is the incremental refresh's.

CREATE TABLE IF NOT EXISTS source_activity {on_cluster}
(
    source LowCardinality(String) COMMENT 'the source system (api_sources.name)',
    last_accepted_at DateTime64(6, 'UTC') COMMENT 'when its latest request with accepted events was stored (the server clock, as events.ingested_at)',
    accepted UInt64 COMMENT 'events that request stored'
)
ENGINE = {replicated}ReplacingMergeTree(last_accepted_at)
ORDER BY source;

-- What the ledger already knows (request bodies the intake recorded as file names "api:<source>"), so that a store
-- upgraded to this migration does not show every source as silent until it sends again. Running it twice adds rows
-- with the same times, which the reading's max() and the merges make one.
INSERT INTO source_activity (source, last_accepted_at, accepted)
SELECT substring(file_name, 5), max(updated_at), argMax(accepted, updated_at)
FROM ingest_files
WHERE startsWith(file_name, 'api:') AND status = 'done' AND accepted > 0
GROUP BY file_name;
