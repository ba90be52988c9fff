-- Dossier state: one row per dossier, derived from all of its events whatever their arrival order.
--
-- v_dossier_state_live computes it from events at query time (exact at every instant). dossier_state holds
-- the same rows materialised, partitioned by cohort (the month of the dossier's first received event;
-- 1970-01-01 for dossiers without one), and rebuilt one cohort at a time by DossierRefresher, which swaps the
-- partition in atomically (REPLACE PARTITION): readers never see a half-built partition and never depend on
-- a background merge. Rules, also in docs/sql-views.md:
--   * the first received event wins (a second one is an anomaly); it fixes unit, channel, procedure, cohort;
--   * the first resolved or withdrawn event ends the dossier; a later resolution or withdrawal is ignored;
--   * a resolution stamped before the receipt counts at the receipt;
--   * deadline = the latest due_changed before the end (any, while in progress), else due_at of received,
--     else received + the procedure's working days at 17:00; extended by the working days spent waiting for
--     the applicant (supplement_requested until supplement_received, or until the end if none came);
--   * while waiting for the applicant a dossier in progress is paused: it is not counted overdue;
--   * the latest rating wins; the first returned event gives the return channel.

CREATE OR REPLACE VIEW v_calendar {on_cluster} AS
SELECT (arrayMap(x -> x.2, rows), arrayMap(x -> x.3, rows), arrayMap(x -> x.1, arrayFilter(x -> x.3 = 1, rows))) AS cal
FROM (SELECT arraySort(groupArray((day, wd_index, is_working))) AS rows FROM calendar);

-- Built in layers (each a subquery) so that every derived column is computed once: ClickHouse inlines aliases,
-- and one flat SELECT over the working-day functions grows past the query-size limit.
CREATE OR REPLACE VIEW v_dossier_state_live {on_cluster} AS
WITH (SELECT cal FROM v_calendar) AS cal
SELECT
    dossier_id, has_received, cohort, status, received_at, recorded_geo, province_code, province_2025, province_2008,
    level, agency_code, sector_code, procedure_code, channel, online_enabled, has_fee, due_source, received_due_at,
    effective_due_at, supplement_requests, supplement_wait_wd, paused_since, ended_at, outcome,
    resolution_class,
    CAST(if(status = 'resolved', if(resolution_class = 'overdue' OR supplement_requests > 1, 'overdue', toString(resolution_class)), NULL),
         'Nullable(Enum8(\'early\' = 1, \'on_time\' = 2, \'overdue\' = 3))') AS resolution_class_766,
    if(status = 'resolved', toInt32(greatest(reform_working_days_between(received_at, ended_at, cal) - supplement_wait_wd, 0)), NULL) AS processing_wd,
    if(resolution_class = 'overdue', toInt32(greatest(reform_working_days_between(effective_due_at, ended_at, cal), 0)), NULL) AS overdue_wd,
    if(has_received AND isNotNull(effective_due_at), greatest(toDate(received_at), toDate(effective_due_at)), NULL) AS overdue_from,
    returned_at, return_channel, apologized, apologized_at, paid_online, rating, rated_at, events,
    arrayFilter(x -> x != '', [
        if(received_events > 1, 'several_received', ''),
        if(resolved_events > 1, 'several_resolved', ''),
        if(n_resolved > 0 AND n_withdrawn > 0, 'resolved_and_withdrawn', ''),
        if(has_received AND ended_raw < received_at, 'ended_before_received', ''),
        if(due_changed_after_end, 'due_changed_after_end', ''),
        if(has_received AND due_source = 'missing', 'no_deadline', ''),
        if(has_received AND NOT known_procedure, 'unknown_procedure', ''),
        if(has_received AND effective_due_at < received_at, 'due_before_received', ''),
        if(duplicate_rows > 0, 'duplicate_events', '')]) AS anomalies,
    first_event_at, last_event_at, last_ingested_at
FROM
(
    -- Layer 3: the effective deadline and the class of a resolution.
    SELECT *,
        if(isNull(base_due_at) OR supplement_wait_wd = 0, base_due_at,
           toDateTime64(reform_add_working_days(toDate(base_due_at), supplement_wait_wd, cal), 3, 'Asia/Ho_Chi_Minh')
               + toIntervalMillisecond(dateDiff('millisecond', toStartOfDay(base_due_at), base_due_at))) AS effective_due_at,
        CAST(if(status = 'resolved',
                multiIf(isNull(effective_due_at), 'on_time', toDate(ended_at) < toDate(effective_due_at), 'early',
                        ended_at <= effective_due_at, 'on_time', 'overdue'),
                NULL), 'Nullable(Enum8(\'early\' = 1, \'on_time\' = 2, \'overdue\' = 3))') AS resolution_class
    FROM
    (
        -- Layer 2: the base deadline and the time spent waiting for the applicant.
        SELECT *,
            CAST(multiIf(length(due_changes_before_end) > 0, 'changed', isNotNull(received_due_at), 'received',
                         has_received AND known_procedure, 'procedure', 'missing'),
                 'Enum8(\'changed\' = 1, \'received\' = 2, \'procedure\' = 3, \'missing\' = 4)') AS due_source,
            multiIf(due_source = 'changed', due_changes_before_end[-1].3,
                    due_source = 'received', received_due_at,
                    due_source = 'procedure',
                    toDateTime64(reform_add_working_days(toDate(received_at), procedure_working_days, cal), 3, 'Asia/Ho_Chi_Minh') + INTERVAL 17 HOUR,
                    NULL) AS base_due_at,
            arrayFold((acc, x) -> if(x.3 = 'supplement_requested',
                                     if(isNull(acc.1), (toNullable(x.1), acc.2), acc),
                                     if(isNull(acc.1), acc, (CAST(NULL, 'Nullable(DateTime64(3, \'Asia/Ho_Chi_Minh\'))'),
                                                             acc.2 + ifNull(reform_working_days_between(assumeNotNull(acc.1), x.1, cal), 0)))),
                      supplements_before_end,
                      (CAST(NULL, 'Nullable(DateTime64(3, \'Asia/Ho_Chi_Minh\'))'), toInt64(0))) AS wait,
            toInt32(wait.2 + if(isNotNull(wait.1) AND isNotNull(ended_raw),
                                ifNull(reform_working_days_between(assumeNotNull(wait.1), ended_raw, cal), 0), 0)) AS supplement_wait_wd,
            if(status = 'in_progress', wait.1, NULL) AS paused_since
        FROM
        (
            -- Layer 1: how the dossier ended, its unit in both geographies, its procedure.
            WITH
                (SELECT (groupArray(toString(old_code)), groupArray(toString(new_code))) FROM province_map) AS old_to_new,
                (SELECT groupArray(code) FROM (SELECT toString(new_code) AS code FROM province_map GROUP BY new_code HAVING count() = 1)) AS unchanged,
                (SELECT (groupArray(toString(code)), groupArray(working_days), groupArray(toUInt8(online_enabled)), groupArray(toUInt8(has_fee)))
                 FROM procedures) AS procs,
                toDateTime64('2025-07-01 00:00:00', 3, 'Asia/Ho_Chi_Minh') AS merger_at
            SELECT
                dossier_id, received_events, resolved_events, n_resolved, n_withdrawn, supplement_requests, events, duplicate_rows,
                first_event_at, last_event_at, last_ingested_at,
                n_received > 0 AS has_received,
                if(has_received, toStartOfMonth(rcv_at), toDate(0)) AS cohort,
                n_resolved > 0 AND (n_withdrawn = 0 OR res_at <= wdr_at) AS is_resolved,
                n_withdrawn > 0 AND NOT is_resolved AS is_withdrawn,
                CAST(multiIf(NOT has_received, 'incomplete', is_resolved, 'resolved', is_withdrawn, 'withdrawn', 'in_progress'),
                     'Enum8(\'incomplete\' = 0, \'in_progress\' = 1, \'resolved\' = 2, \'withdrawn\' = 3)') AS status,
                if(has_received, toNullable(rcv_at), NULL) AS received_at,
                toUInt16(if(has_received, if(rcv_at < merger_at, 2008, 2025), 0)) AS recorded_geo,
                toString(rcv.1) AS province_code,
                if(recorded_geo = 2008, transform(province_code, old_to_new.1, old_to_new.2, province_code), province_code) AS province_2025,
                multiIf(recorded_geo = 2008 OR NOT has_received, province_code, has(unchanged, province_code), province_code,
                        concat('N', province_code)) AS province_2008,
                rcv.2 AS level,
                toString(rcv.3) AS agency_code,
                toString(rcv.4) AS sector_code,
                toString(rcv.5) AS procedure_code,
                rcv.6 AS channel,
                rcv.8 AS received_due_at,
                transform(procedure_code, procs.1, procs.2, toUInt16(65535)) AS procedure_working_days,
                procedure_working_days != 65535 AS known_procedure,
                toUInt8(ifNull(rcv.7, transform(procedure_code, procs.1, procs.3, toUInt8(0)) = 1)) AS online_enabled,
                transform(procedure_code, procs.1, procs.4, toUInt8(0)) AS has_fee,
                multiIf(is_resolved, res_at, is_withdrawn, wdr_at, NULL) AS ended_raw,
                if(has_received AND ended_raw < rcv_at, toNullable(rcv_at), ended_raw) AS ended_at,
                arrayFilter(x -> isNull(ended_raw) OR x.1 <= ended_raw, due_changes) AS due_changes_before_end,
                length(due_changes) > length(due_changes_before_end) AS due_changed_after_end,
                arrayFilter(x -> isNull(ended_raw) OR x.1 <= ended_raw, supplements) AS supplements_before_end,
                if(is_resolved, res_outcome, NULL) AS outcome,
                if(n_returned > 0, toNullable(ret_at), NULL) AS returned_at,
                if(n_returned > 0, ret_channel, NULL) AS return_channel,
                toUInt8(n_apologized > 0) AS apologized,
                if(n_apologized > 0, toNullable(apo_at), NULL) AS apologized_at,
                toUInt8(n_paid > 0) AS paid_online,
                if(n_rated > 0, last_rating, NULL) AS rating,
                if(n_rated > 0, toNullable(rated_at_raw), NULL) AS rated_at
            FROM
            (
                -- Layer 0: one row per dossier from its events. Every function here ignores repeated copies of an event.
                SELECT
                    dossier_id,
                    countIf(event_type = 'received') AS n_received,
                    uniqExactIf(event_id, event_type = 'received') AS received_events,
                    minIf(occurred_at, event_type = 'received') AS rcv_at,
                    argMinIf((province_code, level, agency_code, sector_code, procedure_code, channel, online_enabled, due_at),
                             (occurred_at, event_id), event_type = 'received') AS rcv,
                    countIf(event_type = 'resolved') AS n_resolved,
                    uniqExactIf(event_id, event_type = 'resolved') AS resolved_events,
                    minIf(occurred_at, event_type = 'resolved') AS res_at,
                    argMinIf(outcome, (occurred_at, event_id), event_type = 'resolved') AS res_outcome,
                    countIf(event_type = 'withdrawn') AS n_withdrawn,
                    minIf(occurred_at, event_type = 'withdrawn') AS wdr_at,
                    countIf(event_type = 'returned') AS n_returned,
                    minIf(occurred_at, event_type = 'returned') AS ret_at,
                    argMinIf(channel, (occurred_at, event_id), event_type = 'returned') AS ret_channel,
                    countIf(event_type = 'apologized') AS n_apologized,
                    minIf(occurred_at, event_type = 'apologized') AS apo_at,
                    countIf(event_type = 'paid_online') AS n_paid,
                    countIf(event_type = 'rated' AND isNotNull(rating)) AS n_rated,
                    argMaxIf(rating, (occurred_at, event_id), event_type = 'rated' AND isNotNull(rating)) AS last_rating,
                    maxIf(occurred_at, event_type = 'rated' AND isNotNull(rating)) AS rated_at_raw,
                    arraySort(groupUniqArrayIf((occurred_at, event_id, due_at), event_type = 'due_changed')) AS due_changes,
                    arraySort(groupUniqArrayIf((occurred_at, event_id, event_type),
                                               event_type IN ('supplement_requested', 'supplement_received'))) AS supplements,
                    toUInt32(uniqExactIf(event_id, event_type = 'supplement_requested')) AS supplement_requests,
                    toUInt32(uniqExact(event_id)) AS events,
                    count() - uniqExact(event_id) AS duplicate_rows,
                    min(occurred_at) AS first_event_at,
                    max(occurred_at) AS last_event_at,
                    max(ingested_at) AS last_ingested_at
                FROM events
                GROUP BY dossier_id
            )
        )
    )
);

-- The materialised state: exactly one row per dossier once its cohort has been refreshed.
CREATE TABLE IF NOT EXISTS dossier_state {on_cluster}
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
    last_ingested_at DateTime64(6, 'UTC')
)
ENGINE = {replicated}MergeTree
PARTITION BY toYYYYMM(cohort)
ORDER BY (province_2025, status, dossier_id);

-- Where a cohort is built before it replaces the live partition; same structure, never read by users.
CREATE TABLE IF NOT EXISTS dossier_state_build {on_cluster} AS dossier_state
ENGINE = {replicated}MergeTree PARTITION BY toYYYYMM(cohort) ORDER BY (province_2025, status, dossier_id);

-- What each dossier adds to the daily aggregate, one row per day something happens to it. Stock measures are
-- deltas: their running sum up to the end of a day gives the dossiers in progress (or overdue) at that moment.
-- Comparisons with Nullable columns are wrapped in ifNull: a NULL would otherwise make the whole count NULL.
CREATE OR REPLACE VIEW kpi_contributions {on_cluster} AS
SELECT
    cohort,
    c.1 AS day,
    province_2025, province_2008,
    ifNull(toString(level), '') AS level,
    agency_code, sector_code, procedure_code,
    ifNull(toString(channel), '') AS channel,
    c.2 AS kind,
    toUInt32(kind = 'received') AS received,
    toUInt32(kind = 'received' AND online_enabled = 1) AS received_enabled,
    toUInt32(kind = 'received' AND has_fee = 1) AS with_fee,
    toUInt32(kind = 'received' AND has_fee = 1 AND paid_online = 1) AS paid_online,
    toUInt32(kind = 'ended' AND ifNull(resolution_class = 'early', 0)) AS resolved_early,
    toUInt32(kind = 'ended' AND ifNull(resolution_class = 'on_time', 0)) AS resolved_on_time,
    toUInt32(kind = 'ended' AND ifNull(resolution_class = 'overdue', 0)) AS resolved_overdue,
    toUInt32(kind = 'ended' AND ifNull(resolution_class_766 = 'overdue', 0)) AS resolved_overdue_766,
    toUInt32(kind = 'ended' AND ifNull(resolution_class = 'overdue', 0) AND apologized = 1) AS resolved_overdue_apologized,
    toUInt32(kind = 'ended' AND status = 'withdrawn') AS withdrawn,
    toUInt32(kind = 'returned') AS returned,
    toUInt32(kind = 'returned' AND ifNull(return_channel = 'postal', 0)) AS returned_postal,
    toUInt32(kind = 'rated' AND ifNull(rating = 'very_satisfied', 0)) AS rated_very_satisfied,
    toUInt32(kind = 'rated' AND ifNull(rating = 'satisfied', 0)) AS rated_satisfied,
    toUInt32(kind = 'rated' AND ifNull(rating = 'dissatisfied', 0)) AS rated_dissatisfied,
    toUInt64(if(kind = 'ended' AND status = 'resolved', ifNull(processing_wd, 0), 0)) AS processing_wd_sum,
    if(kind = 'ended' AND status = 'resolved' AND isNotNull(processing_wd),
       map(toUInt16(least(assumeNotNull(processing_wd), 65535)), toUInt64(1)), map()) AS processing_wd_hist,
    toInt32(multiIf(kind = 'received', 1, kind = 'ended', -1, 0)) AS pending_delta,
    toInt32(multiIf(kind = 'overdue_from', 1, kind = 'overdue_until', -1, 0)) AS pending_overdue_delta,
    toInt32(multiIf(apologized = 0, 0, kind = 'overdue_from', 1, kind = 'overdue_until', -1, 0)) AS pending_overdue_apologized_delta
FROM
(
    SELECT *,
        -- Overdue while in progress: from the first day whose end is past the deadline until it ends or pauses.
        coalesce(toDate(ended_at), toDate(paused_since)) AS overdue_until_day,
        isNotNull(overdue_from) AND (isNull(overdue_until_day) OR overdue_from < overdue_until_day) AS overdue_while_pending
    FROM dossier_state
    WHERE status != 'incomplete'
)
ARRAY JOIN arrayFilter(x -> isNotNull(x.1), [
    (toDate(received_at), 'received'),
    (toDate(ended_at), 'ended'),
    (if(overdue_while_pending, overdue_from, NULL), 'overdue_from'),
    (if(overdue_while_pending, overdue_until_day, NULL), 'overdue_until'),
    (toDate(returned_at), 'returned'),
    (toDate(rated_at), 'rated')]) AS c;

-- Daily aggregate: every dimension a breakdown needs, at day grain. Partitioned by cohort like dossier_state and
-- rebuilt with it, so a refresh rewrites only the cohorts whose dossiers changed.
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
    received UInt32,
    received_enabled UInt32,
    with_fee UInt32,
    paid_online UInt32,
    resolved_early UInt32,
    resolved_on_time UInt32,
    resolved_overdue UInt32,
    resolved_overdue_766 UInt32,
    resolved_overdue_apologized UInt32,
    withdrawn UInt32,
    returned UInt32,
    returned_postal UInt32,
    rated_very_satisfied UInt32,
    rated_satisfied UInt32,
    rated_dissatisfied UInt32,
    processing_wd_sum UInt64,
    processing_wd_hist Map(UInt16, UInt64),
    pending_delta Int32,
    pending_overdue_delta Int32,
    pending_overdue_apologized_delta Int32
)
ENGINE = {replicated}MergeTree
PARTITION BY toYYYYMM(cohort)
ORDER BY (province_2025, day, sector_code, agency_code, procedure_code, channel, level, province_2008);

CREATE TABLE IF NOT EXISTS kpi_daily_build {on_cluster} AS kpi_daily
ENGINE = {replicated}MergeTree PARTITION BY toYYYYMM(cohort)
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
    received UInt32,
    received_enabled UInt32,
    with_fee UInt32,
    paid_online UInt32,
    resolved_early UInt32,
    resolved_on_time UInt32,
    resolved_overdue UInt32,
    resolved_overdue_766 UInt32,
    resolved_overdue_apologized UInt32,
    withdrawn UInt32,
    returned UInt32,
    returned_postal UInt32,
    rated_very_satisfied UInt32,
    rated_satisfied UInt32,
    rated_dissatisfied UInt32,
    processing_wd_sum UInt64,
    processing_wd_hist Map(UInt16, UInt64),
    pending_delta Int32,
    pending_overdue_delta Int32,
    pending_overdue_apologized_delta Int32
)
ENGINE = {replicated}MergeTree
PARTITION BY toYYYYMM(cohort)
ORDER BY (month, province_2025, sector_code, channel, level, province_2008);

CREATE TABLE IF NOT EXISTS kpi_monthly_build {on_cluster} AS kpi_monthly
ENGINE = {replicated}MergeTree PARTITION BY toYYYYMM(cohort)
ORDER BY (month, province_2025, sector_code, channel, level, province_2008);
