-- Generated from the metric catalogue (src/Metrics/Catalogue) by `./reform docs`: do not edit by hand.
-- A repeatable definition: `reform migrate` applies it again whenever this text changes (sql/README.md).
-- The analysts' KPI views (docs/sql-views.md). Each row is a group on a day or in a month in which something
-- happened to it: the base measures of the catalogue (flows of that day or month; stocks as running sums of the
-- deltas over the group's rows, window w), then every dossier metric with the catalogue's formula. The views run
-- with their definer's rights, so an analyst needs SELECT on the views only.

-- Per day, geography, province, level, agency, sector and submission channel: what happened that day and the stock at its end.
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
    b_carried_over AS carried_over,
    b_received_new AS received_new,
    b_received_online AS received_online,
    b_received_direct AS received_direct,
    b_received_postal AS received_postal,
    carried_over + received_new AS received_total,
    resolved_early + resolved_on_time + resolved_overdue AS resolved_total,
    b_resolved_early AS resolved_early,
    b_resolved_on_time AS resolved_on_time,
    b_resolved_overdue AS resolved_overdue,
    b_withdrawn AS withdrawn,
    b_in_progress AS in_progress,
    in_progress - in_progress_overdue AS in_progress_within_deadline,
    b_in_progress_overdue AS in_progress_overdue,
    b_resolved_overdue_apologized + b_in_progress_overdue_apologized AS apologized_overdue,
    (resolved_early + resolved_on_time) / nullIf(resolved_total, 0) AS on_time_rate,
    (resolved_early + resolved_on_time) / nullIf(received_total, 0) AS on_time_rate_of_received,
    resolved_early / nullIf(resolved_total, 0) AS early_rate,
    resolved_overdue / nullIf(resolved_total, 0) AS overdue_rate,
    resolved_overdue / nullIf(received_total, 0) AS overdue_rate_of_received,
    (b_resolved_overdue_766 + in_progress_overdue) / nullIf(received_total, 0) AS late_rate_766,
    1 - late_rate_766 AS on_time_rate_766,
    resolved_total / nullIf(received_total, 0) AS resolution_rate,
    received_online / nullIf(received_new, 0) AS online_share,
    received_postal / nullIf(received_new, 0) AS postal_share,
    received_direct / nullIf(received_new, 0) AS direct_share,
    b_received_online_enabled / nullIf(b_received_enabled, 0) AS online_share_enabled,
    b_returned_postal / nullIf(b_returned, 0) AS postal_return_share,
    b_paid_online / nullIf(b_with_fee, 0) AS online_payment_share,
    (b_rated_very_satisfied + b_rated_satisfied) / nullIf(b_rated_very_satisfied + b_rated_satisfied + b_rated_dissatisfied, 0) AS satisfaction_index,
    apologized_overdue / nullIf(resolved_overdue + in_progress_overdue, 0) AS apology_rate,
    if(b_processing_n = 0, NULL, arrayFirst((x, c) -> c >= b_processing_n * 0.5, b_processing_sorted, arrayCumSum(arrayMap(x -> x.2, b_processing_sorted))).1) AS processing_days_median,
    if(b_processing_n = 0, NULL, arrayFirst((x, c) -> c >= b_processing_n * 0.9, b_processing_sorted, arrayCumSum(arrayMap(x -> x.2, b_processing_sorted))).1) AS processing_days_p90,
    b_received_enabled AS received_enabled,
    b_received_online_enabled AS received_online_enabled,
    b_resolved_overdue_766 AS resolved_overdue_766,
    b_resolved_overdue_apologized AS resolved_overdue_apologized,
    b_in_progress_overdue_apologized AS in_progress_overdue_apologized,
    b_returned AS returned,
    b_returned_postal AS returned_postal,
    b_with_fee AS with_fee,
    b_paid_online AS paid_online,
    b_rated_very_satisfied AS rated_very_satisfied,
    b_rated_satisfied AS rated_satisfied,
    b_rated_dissatisfied AS rated_dissatisfied,
    b_processing_wd_sum AS processing_wd_sum,
    b_processing_wd_hist AS processing_wd_hist
FROM
(
    SELECT
        day,
        geo,
        province_code,
        level,
        agency_code,
        sector_code,
        channel,
        sum(pending_delta) OVER w - pending_delta AS b_carried_over,
        received AS b_received_new,
        if(channel = 'online', received, 0) AS b_received_online,
        if(channel = 'direct', received, 0) AS b_received_direct,
        if(channel = 'postal', received, 0) AS b_received_postal,
        received_enabled AS b_received_enabled,
        if(channel = 'online', received_enabled, 0) AS b_received_online_enabled,
        resolved_early AS b_resolved_early,
        resolved_on_time AS b_resolved_on_time,
        resolved_overdue AS b_resolved_overdue,
        resolved_overdue_766 AS b_resolved_overdue_766,
        withdrawn AS b_withdrawn,
        sum(pending_delta) OVER w AS b_in_progress,
        sum(pending_overdue_delta) OVER w AS b_in_progress_overdue,
        resolved_overdue_apologized AS b_resolved_overdue_apologized,
        sum(pending_overdue_apologized_delta) OVER w AS b_in_progress_overdue_apologized,
        returned AS b_returned,
        returned_postal AS b_returned_postal,
        with_fee AS b_with_fee,
        paid_online AS b_paid_online,
        rated_very_satisfied AS b_rated_very_satisfied,
        rated_satisfied AS b_rated_satisfied,
        rated_dissatisfied AS b_rated_dissatisfied,
        processing_wd_sum AS b_processing_wd_sum,
        processing_wd_hist AS b_processing_wd_hist,
        arraySort(x -> x.1, arrayZip(mapKeys(b_processing_wd_hist), mapValues(b_processing_wd_hist))) AS b_processing_sorted,
        arraySum(mapValues(b_processing_wd_hist)) AS b_processing_n
    FROM
    (
        SELECT
            day,
            g.1 AS geo,
            g.2 AS province_code,
            level,
            toString(agency_code) AS agency_code,
            toString(sector_code) AS sector_code,
            toString(channel) AS channel,
            sum(received) AS received,
            sum(received_enabled) AS received_enabled,
            sum(with_fee) AS with_fee,
            sum(paid_online) AS paid_online,
            sum(resolved_early) AS resolved_early,
            sum(resolved_on_time) AS resolved_on_time,
            sum(resolved_overdue) AS resolved_overdue,
            sum(resolved_overdue_766) AS resolved_overdue_766,
            sum(resolved_overdue_apologized) AS resolved_overdue_apologized,
            sum(withdrawn) AS withdrawn,
            sum(returned) AS returned,
            sum(returned_postal) AS returned_postal,
            sum(rated_very_satisfied) AS rated_very_satisfied,
            sum(rated_satisfied) AS rated_satisfied,
            sum(rated_dissatisfied) AS rated_dissatisfied,
            sum(processing_wd_sum) AS processing_wd_sum,
            sumMap(processing_wd_hist) AS processing_wd_hist,
            sum(pending_delta) AS pending_delta,
            sum(pending_overdue_delta) AS pending_overdue_delta,
            sum(pending_overdue_apologized_delta) AS pending_overdue_apologized_delta
        FROM kpi_daily
        ARRAY JOIN [(toUInt16(2025), toString(province_2025)), (toUInt16(2008), toString(province_2008))] AS g
        GROUP BY day, geo, province_code, level, agency_code, sector_code, channel
    )
    WINDOW w AS (PARTITION BY geo, province_code, level, agency_code, sector_code, channel ORDER BY day ROWS UNBOUNDED PRECEDING)
);

-- access-control
GRANT {on_cluster} SELECT ON {database}.v_kpi_day TO reform_analyst;

-- The same per month, without agencies.
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
    b_carried_over AS carried_over,
    b_received_new AS received_new,
    b_received_online AS received_online,
    b_received_direct AS received_direct,
    b_received_postal AS received_postal,
    carried_over + received_new AS received_total,
    resolved_early + resolved_on_time + resolved_overdue AS resolved_total,
    b_resolved_early AS resolved_early,
    b_resolved_on_time AS resolved_on_time,
    b_resolved_overdue AS resolved_overdue,
    b_withdrawn AS withdrawn,
    b_in_progress AS in_progress,
    in_progress - in_progress_overdue AS in_progress_within_deadline,
    b_in_progress_overdue AS in_progress_overdue,
    b_resolved_overdue_apologized + b_in_progress_overdue_apologized AS apologized_overdue,
    (resolved_early + resolved_on_time) / nullIf(resolved_total, 0) AS on_time_rate,
    (resolved_early + resolved_on_time) / nullIf(received_total, 0) AS on_time_rate_of_received,
    resolved_early / nullIf(resolved_total, 0) AS early_rate,
    resolved_overdue / nullIf(resolved_total, 0) AS overdue_rate,
    resolved_overdue / nullIf(received_total, 0) AS overdue_rate_of_received,
    (b_resolved_overdue_766 + in_progress_overdue) / nullIf(received_total, 0) AS late_rate_766,
    1 - late_rate_766 AS on_time_rate_766,
    resolved_total / nullIf(received_total, 0) AS resolution_rate,
    received_online / nullIf(received_new, 0) AS online_share,
    received_postal / nullIf(received_new, 0) AS postal_share,
    received_direct / nullIf(received_new, 0) AS direct_share,
    b_received_online_enabled / nullIf(b_received_enabled, 0) AS online_share_enabled,
    b_returned_postal / nullIf(b_returned, 0) AS postal_return_share,
    b_paid_online / nullIf(b_with_fee, 0) AS online_payment_share,
    (b_rated_very_satisfied + b_rated_satisfied) / nullIf(b_rated_very_satisfied + b_rated_satisfied + b_rated_dissatisfied, 0) AS satisfaction_index,
    apologized_overdue / nullIf(resolved_overdue + in_progress_overdue, 0) AS apology_rate,
    if(b_processing_n = 0, NULL, arrayFirst((x, c) -> c >= b_processing_n * 0.5, b_processing_sorted, arrayCumSum(arrayMap(x -> x.2, b_processing_sorted))).1) AS processing_days_median,
    if(b_processing_n = 0, NULL, arrayFirst((x, c) -> c >= b_processing_n * 0.9, b_processing_sorted, arrayCumSum(arrayMap(x -> x.2, b_processing_sorted))).1) AS processing_days_p90,
    b_received_enabled AS received_enabled,
    b_received_online_enabled AS received_online_enabled,
    b_resolved_overdue_766 AS resolved_overdue_766,
    b_resolved_overdue_apologized AS resolved_overdue_apologized,
    b_in_progress_overdue_apologized AS in_progress_overdue_apologized,
    b_returned AS returned,
    b_returned_postal AS returned_postal,
    b_with_fee AS with_fee,
    b_paid_online AS paid_online,
    b_rated_very_satisfied AS rated_very_satisfied,
    b_rated_satisfied AS rated_satisfied,
    b_rated_dissatisfied AS rated_dissatisfied,
    b_processing_wd_sum AS processing_wd_sum,
    b_processing_wd_hist AS processing_wd_hist
FROM
(
    SELECT
        month,
        geo,
        province_code,
        level,
        sector_code,
        channel,
        sum(pending_delta) OVER w - pending_delta AS b_carried_over,
        received AS b_received_new,
        if(channel = 'online', received, 0) AS b_received_online,
        if(channel = 'direct', received, 0) AS b_received_direct,
        if(channel = 'postal', received, 0) AS b_received_postal,
        received_enabled AS b_received_enabled,
        if(channel = 'online', received_enabled, 0) AS b_received_online_enabled,
        resolved_early AS b_resolved_early,
        resolved_on_time AS b_resolved_on_time,
        resolved_overdue AS b_resolved_overdue,
        resolved_overdue_766 AS b_resolved_overdue_766,
        withdrawn AS b_withdrawn,
        sum(pending_delta) OVER w AS b_in_progress,
        sum(pending_overdue_delta) OVER w AS b_in_progress_overdue,
        resolved_overdue_apologized AS b_resolved_overdue_apologized,
        sum(pending_overdue_apologized_delta) OVER w AS b_in_progress_overdue_apologized,
        returned AS b_returned,
        returned_postal AS b_returned_postal,
        with_fee AS b_with_fee,
        paid_online AS b_paid_online,
        rated_very_satisfied AS b_rated_very_satisfied,
        rated_satisfied AS b_rated_satisfied,
        rated_dissatisfied AS b_rated_dissatisfied,
        processing_wd_sum AS b_processing_wd_sum,
        processing_wd_hist AS b_processing_wd_hist,
        arraySort(x -> x.1, arrayZip(mapKeys(b_processing_wd_hist), mapValues(b_processing_wd_hist))) AS b_processing_sorted,
        arraySum(mapValues(b_processing_wd_hist)) AS b_processing_n
    FROM
    (
        SELECT
            month,
            g.1 AS geo,
            g.2 AS province_code,
            level,
            toString(sector_code) AS sector_code,
            toString(channel) AS channel,
            sum(received) AS received,
            sum(received_enabled) AS received_enabled,
            sum(with_fee) AS with_fee,
            sum(paid_online) AS paid_online,
            sum(resolved_early) AS resolved_early,
            sum(resolved_on_time) AS resolved_on_time,
            sum(resolved_overdue) AS resolved_overdue,
            sum(resolved_overdue_766) AS resolved_overdue_766,
            sum(resolved_overdue_apologized) AS resolved_overdue_apologized,
            sum(withdrawn) AS withdrawn,
            sum(returned) AS returned,
            sum(returned_postal) AS returned_postal,
            sum(rated_very_satisfied) AS rated_very_satisfied,
            sum(rated_satisfied) AS rated_satisfied,
            sum(rated_dissatisfied) AS rated_dissatisfied,
            sum(processing_wd_sum) AS processing_wd_sum,
            sumMap(processing_wd_hist) AS processing_wd_hist,
            sum(pending_delta) AS pending_delta,
            sum(pending_overdue_delta) AS pending_overdue_delta,
            sum(pending_overdue_apologized_delta) AS pending_overdue_apologized_delta
        FROM kpi_monthly
        ARRAY JOIN [(toUInt16(2025), toString(province_2025)), (toUInt16(2008), toString(province_2008))] AS g
        GROUP BY month, geo, province_code, level, sector_code, channel
    )
    WINDOW w AS (PARTITION BY geo, province_code, level, sector_code, channel ORDER BY month ROWS UNBOUNDED PRECEDING)
);

-- access-control
GRANT {on_cluster} SELECT ON {database}.v_kpi_month TO reform_analyst;
