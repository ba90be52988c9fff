-- Documented views for analysts (docs/sql-views.md). They run with the rights of their definer, so an analyst
-- needs SELECT on the views only. Names of units come from the reference tables; codes missing there are
-- listed by v_unknown_codes rather than dropped.

CREATE OR REPLACE VIEW v_dossiers {on_cluster}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
WITH
    (SELECT cal FROM v_calendar) AS cal,
    (SELECT (groupArray(toString(code)), groupArray(name)) FROM provinces WHERE geo = 2025) AS p2025,
    (SELECT (groupArray(toString(code)), groupArray(name)) FROM provinces WHERE geo = 2008) AS p2008,
    (SELECT (groupArray(toString(code)), groupArray(name_vi)) FROM sectors) AS sector_names,
    (SELECT (groupArray(toString(code)), groupArray(name_vi)) FROM procedures) AS procedure_names
SELECT
    dossier_id,
    status,
    received_at,
    cohort,
    toString(province_2025) AS province_2025,
    transform(province_2025, p2025.1, p2025.2, '') AS province_2025_name,
    toString(province_2008) AS province_2008,
    if(startsWith(province_2008, 'N'),
       concat(transform(substring(province_2008, 2), p2025.1, p2025.2, ''), ' (đơn vị từ 01/07/2025)'),
       transform(province_2008, p2008.1, p2008.2, '')) AS province_2008_name,
    recorded_geo,
    toString(province_code) AS recorded_province_code,
    level,
    toString(agency_code) AS agency_code,
    toString(sector_code) AS sector_code,
    transform(sector_code, sector_names.1, sector_names.2, '') AS sector_name,
    toString(procedure_code) AS procedure_code,
    transform(procedure_code, procedure_names.1, procedure_names.2, '') AS procedure_name,
    channel,
    online_enabled,
    has_fee,
    effective_due_at,
    due_source,
    supplement_requests,
    supplement_wait_wd,
    paused_since,
    ended_at,
    outcome,
    resolution_class,
    resolution_class_766,
    processing_wd,
    overdue_wd,
    status = 'in_progress' AND isNull(paused_since) AND effective_due_at < now64(3) AS overdue_now,
    if(overdue_now, toInt32(greatest(reform_working_days_between(effective_due_at, now64(3), cal), 0)), NULL) AS overdue_wd_now,
    returned_at,
    return_channel,
    apologized,
    apologized_at,
    paid_online,
    rating,
    rated_at,
    events,
    anomalies
FROM dossier_state;

CREATE OR REPLACE VIEW v_overdue_now {on_cluster}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT
    dossier_id, province_2025, province_2025_name, province_2008, province_2008_name, level, agency_code, sector_code,
    sector_name, procedure_code, procedure_name, channel, received_at, effective_due_at, overdue_wd_now, apologized, apologized_at
FROM v_dossiers
WHERE overdue_now
ORDER BY overdue_wd_now DESC, dossier_id;

-- Flow counts of a day, per unit in both geographies, and the stock at the end of that day (running sums of
-- the deltas, per row group: rows exist only for days on which something happened to the group).
CREATE OR REPLACE VIEW v_kpi_day {on_cluster}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
WITH
    (SELECT (groupArray((geo, toString(code))), groupArray(name)) FROM provinces) AS province_names,
    (SELECT (groupArray(toString(code)), groupArray(name_vi)) FROM sectors) AS sector_names
SELECT
    day,
    geo,
    province_code,
    transform((geo, province_code), province_names.1, province_names.2, '') AS province_name,
    level,
    agency_code,
    sector_code,
    transform(sector_code, sector_names.1, sector_names.2, '') AS sector_name,
    channel,
    received AS received_new,
    resolved_early + resolved_on_time + resolved_overdue AS resolved_total,
    resolved_early,
    resolved_on_time,
    resolved_overdue,
    resolved_overdue_766,
    withdrawn,
    sum(pending_delta) OVER w - pending_delta AS carried_over,
    sum(pending_delta) OVER w AS in_progress,
    sum(pending_overdue_delta) OVER w AS in_progress_overdue,
    in_progress - in_progress_overdue AS in_progress_within_deadline,
    received_enabled,
    with_fee,
    paid_online,
    returned,
    returned_postal,
    rated_very_satisfied,
    rated_satisfied,
    rated_dissatisfied,
    resolved_overdue_apologized,
    processing_wd_sum
FROM
(
    SELECT day, g.1 AS geo, g.2 AS province_code, level, toString(agency_code) AS agency_code, toString(sector_code) AS sector_code,
           toString(channel) AS channel,
           sum(received) AS received, sum(resolved_early) AS resolved_early, sum(resolved_on_time) AS resolved_on_time,
           sum(resolved_overdue) AS resolved_overdue, sum(resolved_overdue_766) AS resolved_overdue_766, sum(withdrawn) AS withdrawn,
           sum(pending_delta) AS pending_delta, sum(pending_overdue_delta) AS pending_overdue_delta,
           sum(received_enabled) AS received_enabled, sum(with_fee) AS with_fee, sum(paid_online) AS paid_online,
           sum(returned) AS returned, sum(returned_postal) AS returned_postal,
           sum(rated_very_satisfied) AS rated_very_satisfied, sum(rated_satisfied) AS rated_satisfied,
           sum(rated_dissatisfied) AS rated_dissatisfied, sum(resolved_overdue_apologized) AS resolved_overdue_apologized,
           sum(processing_wd_sum) AS processing_wd_sum
    FROM kpi_daily
    ARRAY JOIN [(toUInt16(2025), toString(province_2025)), (toUInt16(2008), toString(province_2008))] AS g
    GROUP BY day, geo, province_code, level, agency_code, sector_code, channel
)
WINDOW w AS (PARTITION BY geo, province_code, level, agency_code, sector_code, channel ORDER BY day ROWS UNBOUNDED PRECEDING);

-- The same per month, without agencies, with the main rates (NULL when the denominator is 0).
CREATE OR REPLACE VIEW v_kpi_month {on_cluster}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
WITH
    (SELECT (groupArray((geo, toString(code))), groupArray(name)) FROM provinces) AS province_names,
    (SELECT (groupArray(toString(code)), groupArray(name_vi)) FROM sectors) AS sector_names
SELECT
    month,
    geo,
    province_code,
    transform((geo, province_code), province_names.1, province_names.2, '') AS province_name,
    level,
    sector_code,
    transform(sector_code, sector_names.1, sector_names.2, '') AS sector_name,
    channel,
    sum(pending_delta) OVER w - pending_delta AS carried_over,
    received AS received_new,
    carried_over + received_new AS received_total,
    resolved_early + resolved_on_time + resolved_overdue AS resolved_total,
    resolved_early,
    resolved_on_time,
    resolved_overdue,
    resolved_overdue_766,
    withdrawn,
    sum(pending_delta) OVER w AS in_progress,
    sum(pending_overdue_delta) OVER w AS in_progress_overdue,
    in_progress - in_progress_overdue AS in_progress_within_deadline,
    (resolved_early + resolved_on_time) / nullIf(resolved_total, 0) AS on_time_rate,
    resolved_overdue / nullIf(resolved_total, 0) AS overdue_rate,
    (resolved_overdue + in_progress_overdue) / nullIf(received_total, 0) AS late_rate_766,
    resolved_total / nullIf(received_total, 0) AS resolution_rate,
    (rated_very_satisfied + rated_satisfied) / nullIf(rated_very_satisfied + rated_satisfied + rated_dissatisfied, 0) AS satisfaction_index,
    returned_postal / nullIf(returned, 0) AS postal_return_share,
    paid_online / nullIf(with_fee, 0) AS online_payment_share,
    received_enabled,
    with_fee,
    paid_online,
    returned,
    returned_postal,
    rated_very_satisfied,
    rated_satisfied,
    rated_dissatisfied,
    resolved_overdue_apologized,
    processing_wd_sum
FROM
(
    SELECT month, g.1 AS geo, g.2 AS province_code, level, toString(sector_code) AS sector_code, toString(channel) AS channel,
           sum(received) AS received, sum(resolved_early) AS resolved_early, sum(resolved_on_time) AS resolved_on_time,
           sum(resolved_overdue) AS resolved_overdue, sum(resolved_overdue_766) AS resolved_overdue_766, sum(withdrawn) AS withdrawn,
           sum(pending_delta) AS pending_delta, sum(pending_overdue_delta) AS pending_overdue_delta,
           sum(received_enabled) AS received_enabled, sum(with_fee) AS with_fee, sum(paid_online) AS paid_online,
           sum(returned) AS returned, sum(returned_postal) AS returned_postal,
           sum(rated_very_satisfied) AS rated_very_satisfied, sum(rated_satisfied) AS rated_satisfied,
           sum(rated_dissatisfied) AS rated_dissatisfied, sum(resolved_overdue_apologized) AS resolved_overdue_apologized,
           sum(processing_wd_sum) AS processing_wd_sum
    FROM kpi_monthly
    ARRAY JOIN [(toUInt16(2025), toString(province_2025)), (toUInt16(2008), toString(province_2008))] AS g
    GROUP BY month, geo, province_code, level, sector_code, channel
)
WINDOW w AS (PARTITION BY geo, province_code, level, sector_code, channel ORDER BY month ROWS UNBOUNDED PRECEDING);

-- Codes that events use but the reference tables lack: accepted, counted, and listed here to be added.
CREATE OR REPLACE VIEW v_unknown_codes {on_cluster}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT kind, code, count() AS dossiers, min(received_at) AS first_received, max(received_at) AS last_received
FROM
(
    SELECT 'province' AS kind, toString(province_code) AS code, received_at FROM dossier_state
    WHERE has_received AND (recorded_geo, toString(province_code)) NOT IN (SELECT geo, toString(code) FROM provinces)
    UNION ALL
    SELECT 'sector', toString(sector_code), received_at FROM dossier_state
    WHERE has_received AND toString(sector_code) NOT IN (SELECT toString(code) FROM sectors)
    UNION ALL
    SELECT 'procedure', toString(procedure_code), received_at FROM dossier_state
    WHERE has_received AND toString(procedure_code) NOT IN (SELECT toString(code) FROM procedures)
    UNION ALL
    SELECT 'agency', toString(agency_code), received_at FROM dossier_state
    WHERE has_received AND toString(agency_code) NOT IN (SELECT toString(code) FROM agencies)
)
GROUP BY kind, code
ORDER BY kind, dossiers DESC, code;

-- Dossiers whose received event has not arrived: kept, and left out of every count until it does.
CREATE OR REPLACE VIEW v_incomplete_dossiers {on_cluster}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT dossier_id, events, first_event_at, last_event_at, ended_at, anomalies, last_ingested_at
FROM dossier_state
WHERE status = 'incomplete';

-- access-control
CREATE ROLE IF NOT EXISTS reform_analyst {on_cluster};

-- access-control
GRANT {on_cluster} SELECT ON {database}.v_dossiers TO reform_analyst;

-- access-control
GRANT {on_cluster} SELECT ON {database}.v_overdue_now TO reform_analyst;

-- access-control
GRANT {on_cluster} SELECT ON {database}.v_kpi_day TO reform_analyst;

-- access-control
GRANT {on_cluster} SELECT ON {database}.v_kpi_month TO reform_analyst;

-- access-control
GRANT {on_cluster} SELECT ON {database}.v_unknown_codes TO reform_analyst;

-- access-control
GRANT {on_cluster} SELECT ON {database}.v_incomplete_dossiers TO reform_analyst;
