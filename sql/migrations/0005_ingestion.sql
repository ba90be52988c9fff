-- Ingestion bookkeeping: what was loaded from which file, in which batches, and every rejected row with its reason.
-- Exactly once rests on three things (see src/Ingest/Loading/EventLoader.cs):
--   * a file is known by the SHA-256 of its bytes: a file already loaded whole is not read again;
--   * each batch of a file is recorded in ingest_batches after its events are stored, so an interrupted file resumes
--     at its first unrecorded batch;
--   * before a batch is stored, the events it carries that are already in events (same dossier, same event_id) are
--     dropped: one stored by an interrupted attempt at this same batch (events.load_id) counts as accepted, any other
--     as a duplicate. Inserts carry an insert_deduplication_token derived from their content, so a retried request whose
--     first attempt did arrive is dropped by ClickHouse itself.

CREATE TABLE IF NOT EXISTS ingest_files {on_cluster}
(
    file_key FixedString(64) COMMENT 'SHA-256 of the file bytes (compressed bytes for .gz)',
    file_name String,
    size UInt64,
    status Enum8('loading' = 1, 'done' = 2, 'failed' = 3),
    rows UInt64 COMMENT 'data rows read (status done)',
    accepted UInt64,
    duplicates UInt64,
    rejected UInt64,
    message String COMMENT 'why a file failed as a whole',
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {replicated}ReplacingMergeTree(updated_at)
ORDER BY file_key;

CREATE TABLE IF NOT EXISTS ingest_batches {on_cluster}
(
    file_key FixedString(64),
    batch UInt32 COMMENT 'batch number within the file, from 0',
    first_row UInt64 COMMENT 'first data row of the batch (1 = the first row after the header)',
    last_row UInt64,
    accepted UInt32,
    duplicates UInt32,
    rejected UInt32,
    committed_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {replicated}ReplacingMergeTree(committed_at)
ORDER BY (file_key, batch);

CREATE TABLE IF NOT EXISTS quarantine {on_cluster}
(
    file_key FixedString(64),
    source String COMMENT 'file name, or the source system of an HTTP intake',
    row_number UInt64 COMMENT 'line of the file (1 = the first line, the header for CSV)',
    raw String COMMENT 'the row as received (first 64 KiB)',
    field LowCardinality(String) COMMENT 'the field at fault, or row when the row as a whole is unreadable',
    reason String COMMENT 'why it was rejected, in Vietnamese',
    quarantined_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {replicated}MergeTree
PARTITION BY toYYYYMM(quarantined_at)
ORDER BY (file_key, row_number)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS api_sources {on_cluster}
(
    name LowCardinality(String) COMMENT 'source system allowed to POST /api/events',
    key_sha256 FixedString(64) COMMENT 'SHA-256 of its API key; the key itself is shown once and never stored',
    created_at DateTime64(3, 'UTC') DEFAULT now64(3),
    revoked Bool DEFAULT false
)
ENGINE = {replicated}ReplacingMergeTree(created_at)
ORDER BY name;

-- The dossiers of the batch being stored, for the look-up of events already stored: a set too large to pass as a
-- query parameter (ClickHouse caps form fields at 128 KiB). Emptied after each batch; one loader at a time.
CREATE TABLE IF NOT EXISTS ingest_lookup {on_cluster}
(
    dossier_id String
)
ENGINE = Memory;
