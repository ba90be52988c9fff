-- Raw dossier events, as accepted by ingestion: append-only, one row per accepted event (design.md, data
-- contract). Duplicates of an event_id are tolerated here and ignored by every computation (they use the
-- distinct events of a dossier), so counts never depend on a merge or a de-duplication having happened.

CREATE TABLE IF NOT EXISTS events {on_cluster}
(
    event_id String COMMENT 'unique id in the source system; the idempotency key',
    dossier_id String COMMENT 'mã hồ sơ',
    event_type Enum8('received' = 1, 'supplement_requested' = 2, 'supplement_received' = 3, 'due_changed' = 4,
                     'resolved' = 5, 'returned' = 6, 'withdrawn' = 7, 'apologized' = 8, 'paid_online' = 9, 'rated' = 10),
    occurred_at DateTime64(3, 'Asia/Ho_Chi_Minh') COMMENT 'when it happened (stored as an instant, shown in Vietnam time)',
    province_code LowCardinality(String) COMMENT 'received: province code in the geography in force on occurred_at; empty otherwise',
    level Nullable(Enum8('province' = 1, 'district' = 2, 'commune' = 3)),
    agency_code LowCardinality(String),
    sector_code LowCardinality(String),
    procedure_code LowCardinality(String),
    channel Nullable(Enum8('direct' = 1, 'online' = 2, 'postal' = 3)) COMMENT 'received: how it was submitted; returned: how the result went back',
    online_enabled Nullable(Bool),
    due_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')) COMMENT 'received, due_changed: the statutory deadline (ngày hẹn trả)',
    outcome Nullable(Enum8('approved' = 1, 'rejected' = 2)),
    rating Nullable(Enum8('very_satisfied' = 1, 'satisfied' = 2, 'dissatisfied' = 3)),
    reason String,
    source LowCardinality(String) COMMENT 'file or intake the event came from',
    load_id LowCardinality(String) DEFAULT '' COMMENT 'the load that stored it: SHA-256 of the file (or request body) and batch number; tells a resumed batch from a duplicate',
    ingested_at DateTime64(6, 'UTC') DEFAULT now64(6) COMMENT 'when it was stored; drives the refresh of dossier_state and the aggregates',
    INDEX idx_ingested_at ingested_at TYPE minmax GRANULARITY 1,
    INDEX idx_received_type event_type TYPE set(16) GRANULARITY 4
)
ENGINE = {replicated}MergeTree
PARTITION BY toYYYYMM(occurred_at)
-- A dossier's events together: the state of a set of dossiers is computed with a primary-key lookup. The province
-- is carried only by the received event, so it cannot lead the key; province queries go to dossier_state.
ORDER BY (dossier_id, occurred_at, event_id)
SETTINGS non_replicated_deduplication_window = 10000;

-- Where dossier_state and the aggregates have been brought up to (see DossierRefresher).
CREATE TABLE IF NOT EXISTS refresh_watermark {on_cluster}
(
    name LowCardinality(String),
    watermark DateTime64(6, 'UTC'),
    refreshed_at DateTime64(3, 'UTC') DEFAULT now64(3),
    cohorts UInt32,
    dossiers UInt64
)
ENGINE = {replicated}MergeTree
ORDER BY (name, watermark);
