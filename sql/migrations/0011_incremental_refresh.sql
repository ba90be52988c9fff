-- Incremental refresh (issue 20): a late event on one dossier must cost what that dossier costs, not its month.
--
-- dossier_state becomes a view over dossier_state_rows, a ReplacingMergeTree of versioned rows: a refresh writes the
-- new rows of the dossiers it recomputed (and a deletion row where a dossier's key or partition changed) with the run
-- number as version, and FINAL shows the newest row of each dossier. Every reader of dossier_state sees one row per
-- dossier, as before. A deletion row always goes to the partition of the row it hides, so FINAL need not merge
-- across partitions.
--
-- The pre-aggregates take signed deltas: a run adds what its dossiers contribute now and subtracts what they
-- contributed before (dossier_state_delta holds both, signed), so kpi_daily and kpi_monthly become
-- AggregatingMergeTree tables of SimpleAggregateFunction(sum) columns that add the delta rows up as they merge.
-- A run is recorded in refresh_runs before it writes anything live; a run found unfinished is repaired by
-- rebuilding its cohorts whole (DossierRefresher).
--
-- The derived tables are recreated empty and the watermark is cleared: the next refresh rebuilds them from the events.

DROP TABLE IF EXISTS dossier_state {on_cluster} SYNC;

DROP TABLE IF EXISTS dossier_state_build {on_cluster} SYNC;

CREATE TABLE IF NOT EXISTS dossier_state_rows {on_cluster}
(
    dossier_id String,
    has_received Bool,
    cohort Date COMMENT 'month of the first received event; 1970-01-01 for dossiers without one (incomplete)',
    status Enum8('incomplete' = 0, 'in_progress' = 1, 'resolved' = 2, 'withdrawn' = 3),
    received_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    recorded_geo UInt16 COMMENT '2008 when received before 2025-07-01, else 2025; 0 when incomplete',
    province_code LowCardinality(String) COMMENT 'as recorded, in the geography recorded_geo',
    province_2025 LowCardinality(String) COMMENT 'the province in the 2025 geography (the 34)',
    province_2008 LowCardinality(String) COMMENT 'the province in the 2008 geography (the 63); N<code> for a 2025 unit with no single 2008 equivalent',
    level Nullable(Enum8('province' = 1, 'district' = 2, 'commune' = 3)),
    agency_code LowCardinality(String),
    sector_code LowCardinality(String),
    procedure_code LowCardinality(String),
    channel Nullable(Enum8('direct' = 1, 'online' = 2, 'postal' = 3)),
    online_enabled UInt8,
    has_fee UInt8,
    due_source Enum8('changed' = 1, 'received' = 2, 'procedure' = 3, 'missing' = 4),
    received_due_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    effective_due_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    supplement_requests UInt32,
    supplement_wait_wd Int32,
    paused_since Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    ended_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    outcome Nullable(Enum8('approved' = 1, 'rejected' = 2)),
    resolution_class Nullable(Enum8('early' = 1, 'on_time' = 2, 'overdue' = 3)),
    resolution_class_766 Nullable(Enum8('early' = 1, 'on_time' = 2, 'overdue' = 3)),
    processing_wd Nullable(Int32),
    overdue_wd Nullable(Int32),
    overdue_from Nullable(Date),
    returned_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    return_channel Nullable(Enum8('direct' = 1, 'online' = 2, 'postal' = 3)),
    apologized UInt8,
    apologized_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    paid_online UInt8,
    rating Nullable(Enum8('very_satisfied' = 1, 'satisfied' = 2, 'dissatisfied' = 3)),
    rated_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    events UInt32,
    anomalies Array(LowCardinality(String)),
    first_event_at DateTime64(3, 'Asia/Ho_Chi_Minh'),
    last_event_at DateTime64(3, 'Asia/Ho_Chi_Minh'),
    last_ingested_at DateTime64(6, 'UTC'),
    version UInt64 COMMENT 'the refresh run that wrote the row; the newest row of a dossier is its state',
    is_deleted UInt8 COMMENT '1: hides the older rows of the dossier under this key (its key or partition changed)',
    INDEX idx_dossier_id dossier_id TYPE bloom_filter(0.001) GRANULARITY 1
)
ENGINE = {replicated}ReplacingMergeTree(version, is_deleted)
PARTITION BY toYYYYMM(cohort)
ORDER BY (province_2025, dossier_id)
SETTINGS index_granularity = 1024;

-- Where a cohort rebuilt whole is written before it replaces the live partition; never read by users.
CREATE TABLE IF NOT EXISTS dossier_state_build {on_cluster}
(
    dossier_id String,
    has_received Bool,
    cohort Date COMMENT 'month of the first received event; 1970-01-01 for dossiers without one (incomplete)',
    status Enum8('incomplete' = 0, 'in_progress' = 1, 'resolved' = 2, 'withdrawn' = 3),
    received_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    recorded_geo UInt16 COMMENT '2008 when received before 2025-07-01, else 2025; 0 when incomplete',
    province_code LowCardinality(String) COMMENT 'as recorded, in the geography recorded_geo',
    province_2025 LowCardinality(String) COMMENT 'the province in the 2025 geography (the 34)',
    province_2008 LowCardinality(String) COMMENT 'the province in the 2008 geography (the 63); N<code> for a 2025 unit with no single 2008 equivalent',
    level Nullable(Enum8('province' = 1, 'district' = 2, 'commune' = 3)),
    agency_code LowCardinality(String),
    sector_code LowCardinality(String),
    procedure_code LowCardinality(String),
    channel Nullable(Enum8('direct' = 1, 'online' = 2, 'postal' = 3)),
    online_enabled UInt8,
    has_fee UInt8,
    due_source Enum8('changed' = 1, 'received' = 2, 'procedure' = 3, 'missing' = 4),
    received_due_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    effective_due_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    supplement_requests UInt32,
    supplement_wait_wd Int32,
    paused_since Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    ended_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    outcome Nullable(Enum8('approved' = 1, 'rejected' = 2)),
    resolution_class Nullable(Enum8('early' = 1, 'on_time' = 2, 'overdue' = 3)),
    resolution_class_766 Nullable(Enum8('early' = 1, 'on_time' = 2, 'overdue' = 3)),
    processing_wd Nullable(Int32),
    overdue_wd Nullable(Int32),
    overdue_from Nullable(Date),
    returned_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    return_channel Nullable(Enum8('direct' = 1, 'online' = 2, 'postal' = 3)),
    apologized UInt8,
    apologized_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    paid_online UInt8,
    rating Nullable(Enum8('very_satisfied' = 1, 'satisfied' = 2, 'dissatisfied' = 3)),
    rated_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    events UInt32,
    anomalies Array(LowCardinality(String)),
    first_event_at DateTime64(3, 'Asia/Ho_Chi_Minh'),
    last_event_at DateTime64(3, 'Asia/Ho_Chi_Minh'),
    last_ingested_at DateTime64(6, 'UTC'),
    version UInt64,
    is_deleted UInt8,
    INDEX idx_dossier_id dossier_id TYPE bloom_filter(0.001) GRANULARITY 1
)
ENGINE = {replicated}ReplacingMergeTree(version, is_deleted)
PARTITION BY toYYYYMM(cohort)
ORDER BY (province_2025, dossier_id)
SETTINGS index_granularity = 1024;

-- One row per dossier: the newest row of each key, deletion rows left out.
CREATE OR REPLACE VIEW dossier_state {on_cluster} AS
SELECT dossier_id, has_received, cohort, status, received_at, recorded_geo, province_code, province_2025, province_2008, level, agency_code, sector_code, procedure_code, channel, online_enabled, has_fee, due_source, received_due_at, effective_due_at, supplement_requests, supplement_wait_wd, paused_since, ended_at, outcome, resolution_class, resolution_class_766, processing_wd, overdue_wd, overdue_from, returned_at, return_channel, apologized, apologized_at, paid_online, rating, rated_at, events, anomalies, first_event_at, last_event_at, last_ingested_at
FROM dossier_state_rows FINAL
SETTINGS do_not_merge_across_partitions_select_final = 1;

-- The rows a refresh run recomputed: sign +1 the new state, -1 the state it replaces. Emptied at the start of a run.
CREATE TABLE IF NOT EXISTS dossier_state_delta {on_cluster}
(
    run UInt64,
    sign Int8,
    dossier_id String,
    has_received Bool,
    cohort Date COMMENT 'month of the first received event; 1970-01-01 for dossiers without one (incomplete)',
    status Enum8('incomplete' = 0, 'in_progress' = 1, 'resolved' = 2, 'withdrawn' = 3),
    received_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    recorded_geo UInt16 COMMENT '2008 when received before 2025-07-01, else 2025; 0 when incomplete',
    province_code LowCardinality(String) COMMENT 'as recorded, in the geography recorded_geo',
    province_2025 LowCardinality(String) COMMENT 'the province in the 2025 geography (the 34)',
    province_2008 LowCardinality(String) COMMENT 'the province in the 2008 geography (the 63); N<code> for a 2025 unit with no single 2008 equivalent',
    level Nullable(Enum8('province' = 1, 'district' = 2, 'commune' = 3)),
    agency_code LowCardinality(String),
    sector_code LowCardinality(String),
    procedure_code LowCardinality(String),
    channel Nullable(Enum8('direct' = 1, 'online' = 2, 'postal' = 3)),
    online_enabled UInt8,
    has_fee UInt8,
    due_source Enum8('changed' = 1, 'received' = 2, 'procedure' = 3, 'missing' = 4),
    received_due_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    effective_due_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    supplement_requests UInt32,
    supplement_wait_wd Int32,
    paused_since Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    ended_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    outcome Nullable(Enum8('approved' = 1, 'rejected' = 2)),
    resolution_class Nullable(Enum8('early' = 1, 'on_time' = 2, 'overdue' = 3)),
    resolution_class_766 Nullable(Enum8('early' = 1, 'on_time' = 2, 'overdue' = 3)),
    processing_wd Nullable(Int32),
    overdue_wd Nullable(Int32),
    overdue_from Nullable(Date),
    returned_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    return_channel Nullable(Enum8('direct' = 1, 'online' = 2, 'postal' = 3)),
    apologized UInt8,
    apologized_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    paid_online UInt8,
    rating Nullable(Enum8('very_satisfied' = 1, 'satisfied' = 2, 'dissatisfied' = 3)),
    rated_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    events UInt32,
    anomalies Array(LowCardinality(String)),
    first_event_at DateTime64(3, 'Asia/Ho_Chi_Minh'),
    last_event_at DateTime64(3, 'Asia/Ho_Chi_Minh'),
    last_ingested_at DateTime64(6, 'UTC')
)
ENGINE = {replicated}MergeTree
ORDER BY (run, dossier_id);

-- The stale dossiers a refresh pass found (recomputed by the run that follows). Emptied at the start of a pass.
CREATE TABLE IF NOT EXISTS refresh_stale {on_cluster}
(
    dossier_id String
)
ENGINE = {replicated}MergeTree
ORDER BY dossier_id;

-- The journal of refresh runs: 'staged' before a run writes to the live tables, 'done' after.
CREATE TABLE IF NOT EXISTS refresh_runs {on_cluster}
(
    run UInt64,
    state Enum8('staged' = 1, 'done' = 2),
    kind Enum8('incremental' = 1, 'cohorts' = 2),
    cohorts Array(Date),
    dossiers UInt64,
    at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {replicated}MergeTree
ORDER BY (run, state);

DROP TABLE IF EXISTS kpi_daily {on_cluster} SYNC;

DROP TABLE IF EXISTS kpi_daily_build {on_cluster} SYNC;

DROP TABLE IF EXISTS kpi_monthly {on_cluster} SYNC;

DROP TABLE IF EXISTS kpi_monthly_build {on_cluster} SYNC;

CREATE TABLE IF NOT EXISTS kpi_daily {on_cluster}
(
    cohort Date,
    day Date,
    province_2025 LowCardinality(String),
    province_2008 LowCardinality(String),
    level LowCardinality(String),
    agency_code LowCardinality(String),
    sector_code LowCardinality(String),
    procedure_code LowCardinality(String),
    channel LowCardinality(String) COMMENT 'submission channel',
    received SimpleAggregateFunction(sum, Int64),
    received_enabled SimpleAggregateFunction(sum, Int64),
    with_fee SimpleAggregateFunction(sum, Int64),
    paid_online SimpleAggregateFunction(sum, Int64),
    resolved_early SimpleAggregateFunction(sum, Int64),
    resolved_on_time SimpleAggregateFunction(sum, Int64),
    resolved_overdue SimpleAggregateFunction(sum, Int64),
    resolved_overdue_766 SimpleAggregateFunction(sum, Int64),
    resolved_overdue_apologized SimpleAggregateFunction(sum, Int64),
    withdrawn SimpleAggregateFunction(sum, Int64),
    returned SimpleAggregateFunction(sum, Int64),
    returned_postal SimpleAggregateFunction(sum, Int64),
    rated_very_satisfied SimpleAggregateFunction(sum, Int64),
    rated_satisfied SimpleAggregateFunction(sum, Int64),
    rated_dissatisfied SimpleAggregateFunction(sum, Int64),
    processing_wd_sum SimpleAggregateFunction(sum, Int64),
    processing_wd_hist SimpleAggregateFunction(sumMap, Map(UInt16, Int64)),
    pending_delta SimpleAggregateFunction(sum, Int64),
    pending_overdue_delta SimpleAggregateFunction(sum, Int64),
    pending_overdue_apologized_delta SimpleAggregateFunction(sum, Int64)
)
ENGINE = {replicated}AggregatingMergeTree
PARTITION BY toYYYYMM(cohort)
ORDER BY (province_2025, day, sector_code, agency_code, procedure_code, channel, level, province_2008);

CREATE TABLE IF NOT EXISTS kpi_daily_build {on_cluster}
(
    cohort Date,
    day Date,
    province_2025 LowCardinality(String),
    province_2008 LowCardinality(String),
    level LowCardinality(String),
    agency_code LowCardinality(String),
    sector_code LowCardinality(String),
    procedure_code LowCardinality(String),
    channel LowCardinality(String) COMMENT 'submission channel',
    received SimpleAggregateFunction(sum, Int64),
    received_enabled SimpleAggregateFunction(sum, Int64),
    with_fee SimpleAggregateFunction(sum, Int64),
    paid_online SimpleAggregateFunction(sum, Int64),
    resolved_early SimpleAggregateFunction(sum, Int64),
    resolved_on_time SimpleAggregateFunction(sum, Int64),
    resolved_overdue SimpleAggregateFunction(sum, Int64),
    resolved_overdue_766 SimpleAggregateFunction(sum, Int64),
    resolved_overdue_apologized SimpleAggregateFunction(sum, Int64),
    withdrawn SimpleAggregateFunction(sum, Int64),
    returned SimpleAggregateFunction(sum, Int64),
    returned_postal SimpleAggregateFunction(sum, Int64),
    rated_very_satisfied SimpleAggregateFunction(sum, Int64),
    rated_satisfied SimpleAggregateFunction(sum, Int64),
    rated_dissatisfied SimpleAggregateFunction(sum, Int64),
    processing_wd_sum SimpleAggregateFunction(sum, Int64),
    processing_wd_hist SimpleAggregateFunction(sumMap, Map(UInt16, Int64)),
    pending_delta SimpleAggregateFunction(sum, Int64),
    pending_overdue_delta SimpleAggregateFunction(sum, Int64),
    pending_overdue_apologized_delta SimpleAggregateFunction(sum, Int64)
)
ENGINE = {replicated}AggregatingMergeTree
PARTITION BY toYYYYMM(cohort)
ORDER BY (province_2025, day, sector_code, agency_code, procedure_code, channel, level, province_2008);

-- Monthly rollup without agency and procedure: the national overview reads thousands of rows from here.
CREATE TABLE IF NOT EXISTS kpi_monthly {on_cluster}
(
    cohort Date,
    month Date,
    province_2025 LowCardinality(String),
    province_2008 LowCardinality(String),
    level LowCardinality(String),
    sector_code LowCardinality(String),
    channel LowCardinality(String),
    received SimpleAggregateFunction(sum, Int64),
    received_enabled SimpleAggregateFunction(sum, Int64),
    with_fee SimpleAggregateFunction(sum, Int64),
    paid_online SimpleAggregateFunction(sum, Int64),
    resolved_early SimpleAggregateFunction(sum, Int64),
    resolved_on_time SimpleAggregateFunction(sum, Int64),
    resolved_overdue SimpleAggregateFunction(sum, Int64),
    resolved_overdue_766 SimpleAggregateFunction(sum, Int64),
    resolved_overdue_apologized SimpleAggregateFunction(sum, Int64),
    withdrawn SimpleAggregateFunction(sum, Int64),
    returned SimpleAggregateFunction(sum, Int64),
    returned_postal SimpleAggregateFunction(sum, Int64),
    rated_very_satisfied SimpleAggregateFunction(sum, Int64),
    rated_satisfied SimpleAggregateFunction(sum, Int64),
    rated_dissatisfied SimpleAggregateFunction(sum, Int64),
    processing_wd_sum SimpleAggregateFunction(sum, Int64),
    processing_wd_hist SimpleAggregateFunction(sumMap, Map(UInt16, Int64)),
    pending_delta SimpleAggregateFunction(sum, Int64),
    pending_overdue_delta SimpleAggregateFunction(sum, Int64),
    pending_overdue_apologized_delta SimpleAggregateFunction(sum, Int64)
)
ENGINE = {replicated}AggregatingMergeTree
PARTITION BY toYYYYMM(cohort)
ORDER BY (month, province_2025, sector_code, channel, level, province_2008);

CREATE TABLE IF NOT EXISTS kpi_monthly_build {on_cluster}
(
    cohort Date,
    month Date,
    province_2025 LowCardinality(String),
    province_2008 LowCardinality(String),
    level LowCardinality(String),
    sector_code LowCardinality(String),
    channel LowCardinality(String),
    received SimpleAggregateFunction(sum, Int64),
    received_enabled SimpleAggregateFunction(sum, Int64),
    with_fee SimpleAggregateFunction(sum, Int64),
    paid_online SimpleAggregateFunction(sum, Int64),
    resolved_early SimpleAggregateFunction(sum, Int64),
    resolved_on_time SimpleAggregateFunction(sum, Int64),
    resolved_overdue SimpleAggregateFunction(sum, Int64),
    resolved_overdue_766 SimpleAggregateFunction(sum, Int64),
    resolved_overdue_apologized SimpleAggregateFunction(sum, Int64),
    withdrawn SimpleAggregateFunction(sum, Int64),
    returned SimpleAggregateFunction(sum, Int64),
    returned_postal SimpleAggregateFunction(sum, Int64),
    rated_very_satisfied SimpleAggregateFunction(sum, Int64),
    rated_satisfied SimpleAggregateFunction(sum, Int64),
    rated_dissatisfied SimpleAggregateFunction(sum, Int64),
    processing_wd_sum SimpleAggregateFunction(sum, Int64),
    processing_wd_hist SimpleAggregateFunction(sumMap, Map(UInt16, Int64)),
    pending_delta SimpleAggregateFunction(sum, Int64),
    pending_overdue_delta SimpleAggregateFunction(sum, Int64),
    pending_overdue_apologized_delta SimpleAggregateFunction(sum, Int64)
)
ENGINE = {replicated}AggregatingMergeTree
PARTITION BY toYYYYMM(cohort)
ORDER BY (month, province_2025, sector_code, channel, level, province_2008);

-- What each dossier adds to the daily aggregate, one row per day something happens to it, signed: the rows of
-- dossier_state count +1 (run 0, a cohort rebuilt whole), those of a run in dossier_state_delta +1 for the new state
-- and -1 for the one it replaces. Stock measures are deltas: their running sum up to the end of a day gives the
-- dossiers in progress (or overdue) at that moment. Comparisons with Nullable columns are wrapped in ifNull: a NULL
-- would otherwise make the whole count NULL.
CREATE OR REPLACE VIEW kpi_contributions {on_cluster} AS
SELECT
    run,
    cohort,
    c.1 AS day,
    province_2025, province_2008,
    ifNull(toString(level), '') AS level,
    agency_code, sector_code, procedure_code,
    ifNull(toString(channel), '') AS channel,
    c.2 AS kind,
    sign * toInt64(kind = 'received') AS received,
    sign * toInt64(kind = 'received' AND online_enabled = 1) AS received_enabled,
    sign * toInt64(kind = 'received' AND has_fee = 1) AS with_fee,
    sign * toInt64(kind = 'received' AND has_fee = 1 AND paid_online = 1) AS paid_online,
    sign * toInt64(kind = 'ended' AND ifNull(resolution_class = 'early', 0)) AS resolved_early,
    sign * toInt64(kind = 'ended' AND ifNull(resolution_class = 'on_time', 0)) AS resolved_on_time,
    sign * toInt64(kind = 'ended' AND ifNull(resolution_class = 'overdue', 0)) AS resolved_overdue,
    sign * toInt64(kind = 'ended' AND ifNull(resolution_class_766 = 'overdue', 0)) AS resolved_overdue_766,
    sign * toInt64(kind = 'ended' AND ifNull(resolution_class = 'overdue', 0) AND apologized = 1) AS resolved_overdue_apologized,
    sign * toInt64(kind = 'ended' AND status = 'withdrawn') AS withdrawn,
    sign * toInt64(kind = 'returned') AS returned,
    sign * toInt64(kind = 'returned' AND ifNull(return_channel = 'postal', 0)) AS returned_postal,
    sign * toInt64(kind = 'rated' AND ifNull(rating = 'very_satisfied', 0)) AS rated_very_satisfied,
    sign * toInt64(kind = 'rated' AND ifNull(rating = 'satisfied', 0)) AS rated_satisfied,
    sign * toInt64(kind = 'rated' AND ifNull(rating = 'dissatisfied', 0)) AS rated_dissatisfied,
    sign * toInt64(if(kind = 'ended' AND status = 'resolved', ifNull(processing_wd, 0), 0)) AS processing_wd_sum,
    if(kind = 'ended' AND status = 'resolved' AND isNotNull(processing_wd),
       map(toUInt16(least(assumeNotNull(processing_wd), 65535)), toInt64(sign)), map()) AS processing_wd_hist,
    sign * toInt64(multiIf(kind = 'received', 1, kind = 'ended', -1, 0)) AS pending_delta,
    sign * toInt64(multiIf(kind = 'overdue_from', 1, kind = 'overdue_until', -1, 0)) AS pending_overdue_delta,
    sign * toInt64(multiIf(apologized = 0, 0, kind = 'overdue_from', 1, kind = 'overdue_until', -1, 0)) AS pending_overdue_apologized_delta
FROM
(
    SELECT *,
        -- Overdue while in progress: from the first day whose end is past the deadline until it ends or pauses.
        coalesce(toDate(ended_at), toDate(paused_since)) AS overdue_until_day,
        isNotNull(overdue_from) AND (isNull(overdue_until_day) OR overdue_from < overdue_until_day) AS overdue_while_pending
    FROM
    (
        SELECT toUInt64(0) AS run, toInt8(1) AS sign, dossier_id, has_received, cohort, status, received_at, recorded_geo, province_code, province_2025, province_2008, level, agency_code, sector_code, procedure_code, channel, online_enabled, has_fee, due_source, received_due_at, effective_due_at, supplement_requests, supplement_wait_wd, paused_since, ended_at, outcome, resolution_class, resolution_class_766, processing_wd, overdue_wd, overdue_from, returned_at, return_channel, apologized, apologized_at, paid_online, rating, rated_at, events, anomalies, first_event_at, last_event_at, last_ingested_at FROM dossier_state
        UNION ALL
        SELECT run, sign, dossier_id, has_received, cohort, status, received_at, recorded_geo, province_code, province_2025, province_2008, level, agency_code, sector_code, procedure_code, channel, online_enabled, has_fee, due_source, received_due_at, effective_due_at, supplement_requests, supplement_wait_wd, paused_since, ended_at, outcome, resolution_class, resolution_class_766, processing_wd, overdue_wd, overdue_from, returned_at, return_channel, apologized, apologized_at, paid_online, rating, rated_at, events, anomalies, first_event_at, last_event_at, last_ingested_at FROM dossier_state_delta
    )
    WHERE status != 'incomplete'
)
ARRAY JOIN arrayFilter(x -> isNotNull(x.1), [
    (toDate(received_at), 'received'),
    (toDate(ended_at), 'ended'),
    (if(overdue_while_pending, overdue_from, NULL), 'overdue_from'),
    (if(overdue_while_pending, overdue_until_day, NULL), 'overdue_until'),
    (toDate(returned_at), 'returned'),
    (toDate(rated_at), 'rated')]) AS c;

-- The derived tables are empty: the next refresh starts from no watermark and rebuilds every cohort.
TRUNCATE TABLE IF EXISTS refresh_watermark {on_cluster};
