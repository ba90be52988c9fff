-- Projections of the pre-aggregates for the dashboard's pages (issue 20): the same sums without the cohort (month of
-- receipt) and without the columns a page's question does not read, kept by ClickHouse inside every part of
-- kpi_monthly and kpi_daily, so that the overview, the ranking, a province's cards, trend, channels and levels, and its
-- agencies and sectors read a few summed rows of that province per part instead of the rows of every province, sector and
-- procedure.
--
-- Why projections and not tables of their own: a projection is part of each data part. Every write of the refresh
-- (src/Store/Refresh) builds it: the incremental runs' signed INSERTs, and the cohort rebuilds, whose build tables
-- (kpi_monthly_build, kpi_daily_build: the same projections) are swapped in with REPLACE PARTITION, parts and projections
-- together. So the refresh needs no change and no second copy of its logic, and a reader can never see a rollup behind
-- its table. ClickHouse reads a projection only where it answers the query exactly (the GROUP BY keys and filters are
-- among its keys, the aggregates are its own sums), part by part, and the raw rows of a part that has none (one written
-- before this migration, until MATERIALIZE PROJECTION has reached it): the answer is the same either way.
--
-- The tables are AggregatingMergeTree: a merge adds rows of equal keys up, and 'rebuild' builds the projection of the
-- merged part again from its rows (sums stay sums, but ClickHouse asks for the mode to be chosen).
--
-- The sums are those of src/Store/Refresh/PreAggregates.cs (a test compares every projection with that list).
-- Numbered 0013: 0011 and 0012 are the incremental refresh's and the source activity's.

ALTER TABLE kpi_monthly {on_cluster} MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild';

ALTER TABLE kpi_monthly_build {on_cluster} MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild';

ALTER TABLE kpi_daily {on_cluster} MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild';

ALTER TABLE kpi_daily_build {on_cluster} MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild';

-- Every province by month and channel: the overview, the ranking, a province's cards, trend and channels.
ALTER TABLE kpi_monthly {on_cluster} ADD PROJECTION IF NOT EXISTS p_province
(
    SELECT province_2025, month, province_2008, channel,
        sum(received),
        sum(received_enabled),
        sum(with_fee),
        sum(paid_online),
        sum(resolved_early),
        sum(resolved_on_time),
        sum(resolved_overdue),
        sum(resolved_overdue_766),
        sum(resolved_overdue_apologized),
        sum(withdrawn),
        sum(returned),
        sum(returned_postal),
        sum(rated_very_satisfied),
        sum(rated_satisfied),
        sum(rated_dissatisfied),
        sum(processing_wd_sum),
        sumMap(processing_wd_hist),
        sum(pending_delta),
        sum(pending_overdue_delta),
        sum(pending_overdue_apologized_delta)
    GROUP BY province_2025, month, province_2008, channel
);

-- The same with the level: the level breakdown and the pages filtered by level.
ALTER TABLE kpi_monthly {on_cluster} ADD PROJECTION IF NOT EXISTS p_level
(
    SELECT province_2025, month, province_2008, level, channel,
        sum(received),
        sum(received_enabled),
        sum(with_fee),
        sum(paid_online),
        sum(resolved_early),
        sum(resolved_on_time),
        sum(resolved_overdue),
        sum(resolved_overdue_766),
        sum(resolved_overdue_apologized),
        sum(withdrawn),
        sum(returned),
        sum(returned_postal),
        sum(rated_very_satisfied),
        sum(rated_satisfied),
        sum(rated_dissatisfied),
        sum(processing_wd_sum),
        sumMap(processing_wd_hist),
        sum(pending_delta),
        sum(pending_overdue_delta),
        sum(pending_overdue_apologized_delta)
    GROUP BY province_2025, month, province_2008, level, channel
);

-- The same with the sector, led by the province: the sector breakdown of a province.
ALTER TABLE kpi_monthly {on_cluster} ADD PROJECTION IF NOT EXISTS p_sector
(
    SELECT province_2025, month, province_2008, sector_code, channel,
        sum(received),
        sum(received_enabled),
        sum(with_fee),
        sum(paid_online),
        sum(resolved_early),
        sum(resolved_on_time),
        sum(resolved_overdue),
        sum(resolved_overdue_766),
        sum(resolved_overdue_apologized),
        sum(withdrawn),
        sum(returned),
        sum(returned_postal),
        sum(rated_very_satisfied),
        sum(rated_satisfied),
        sum(rated_dissatisfied),
        sum(processing_wd_sum),
        sumMap(processing_wd_hist),
        sum(pending_delta),
        sum(pending_overdue_delta),
        sum(pending_overdue_apologized_delta)
    GROUP BY province_2025, month, province_2008, sector_code, channel
);

-- Every province by month and channel: the overview, the ranking, a province's cards, trend and channels.
ALTER TABLE kpi_monthly_build {on_cluster} ADD PROJECTION IF NOT EXISTS p_province
(
    SELECT province_2025, month, province_2008, channel,
        sum(received),
        sum(received_enabled),
        sum(with_fee),
        sum(paid_online),
        sum(resolved_early),
        sum(resolved_on_time),
        sum(resolved_overdue),
        sum(resolved_overdue_766),
        sum(resolved_overdue_apologized),
        sum(withdrawn),
        sum(returned),
        sum(returned_postal),
        sum(rated_very_satisfied),
        sum(rated_satisfied),
        sum(rated_dissatisfied),
        sum(processing_wd_sum),
        sumMap(processing_wd_hist),
        sum(pending_delta),
        sum(pending_overdue_delta),
        sum(pending_overdue_apologized_delta)
    GROUP BY province_2025, month, province_2008, channel
);

-- The same with the level: the level breakdown and the pages filtered by level.
ALTER TABLE kpi_monthly_build {on_cluster} ADD PROJECTION IF NOT EXISTS p_level
(
    SELECT province_2025, month, province_2008, level, channel,
        sum(received),
        sum(received_enabled),
        sum(with_fee),
        sum(paid_online),
        sum(resolved_early),
        sum(resolved_on_time),
        sum(resolved_overdue),
        sum(resolved_overdue_766),
        sum(resolved_overdue_apologized),
        sum(withdrawn),
        sum(returned),
        sum(returned_postal),
        sum(rated_very_satisfied),
        sum(rated_satisfied),
        sum(rated_dissatisfied),
        sum(processing_wd_sum),
        sumMap(processing_wd_hist),
        sum(pending_delta),
        sum(pending_overdue_delta),
        sum(pending_overdue_apologized_delta)
    GROUP BY province_2025, month, province_2008, level, channel
);

-- The same with the sector, led by the province: the sector breakdown of a province.
ALTER TABLE kpi_monthly_build {on_cluster} ADD PROJECTION IF NOT EXISTS p_sector
(
    SELECT province_2025, month, province_2008, sector_code, channel,
        sum(received),
        sum(received_enabled),
        sum(with_fee),
        sum(paid_online),
        sum(resolved_early),
        sum(resolved_on_time),
        sum(resolved_overdue),
        sum(resolved_overdue_766),
        sum(resolved_overdue_apologized),
        sum(withdrawn),
        sum(returned),
        sum(returned_postal),
        sum(rated_very_satisfied),
        sum(rated_satisfied),
        sum(rated_dissatisfied),
        sum(processing_wd_sum),
        sumMap(processing_wd_hist),
        sum(pending_delta),
        sum(pending_overdue_delta),
        sum(pending_overdue_apologized_delta)
    GROUP BY province_2025, month, province_2008, sector_code, channel
);

-- A province's agencies by month and channel: the agency breakdown of whole months.
ALTER TABLE kpi_daily {on_cluster} ADD PROJECTION IF NOT EXISTS p_agency_month
(
    SELECT province_2025, toStartOfMonth(day), province_2008, agency_code, channel,
        sum(received),
        sum(received_enabled),
        sum(with_fee),
        sum(paid_online),
        sum(resolved_early),
        sum(resolved_on_time),
        sum(resolved_overdue),
        sum(resolved_overdue_766),
        sum(resolved_overdue_apologized),
        sum(withdrawn),
        sum(returned),
        sum(returned_postal),
        sum(rated_very_satisfied),
        sum(rated_satisfied),
        sum(rated_dissatisfied),
        sum(processing_wd_sum),
        sumMap(processing_wd_hist),
        sum(pending_delta),
        sum(pending_overdue_delta),
        sum(pending_overdue_apologized_delta)
    GROUP BY province_2025, toStartOfMonth(day), province_2008, agency_code, channel
);

-- A province's agencies by month and channel: the agency breakdown of whole months.
ALTER TABLE kpi_daily_build {on_cluster} ADD PROJECTION IF NOT EXISTS p_agency_month
(
    SELECT province_2025, toStartOfMonth(day), province_2008, agency_code, channel,
        sum(received),
        sum(received_enabled),
        sum(with_fee),
        sum(paid_online),
        sum(resolved_early),
        sum(resolved_on_time),
        sum(resolved_overdue),
        sum(resolved_overdue_766),
        sum(resolved_overdue_apologized),
        sum(withdrawn),
        sum(returned),
        sum(returned_postal),
        sum(rated_very_satisfied),
        sum(rated_satisfied),
        sum(rated_dissatisfied),
        sum(processing_wd_sum),
        sumMap(processing_wd_hist),
        sum(pending_delta),
        sum(pending_overdue_delta),
        sum(pending_overdue_apologized_delta)
    GROUP BY province_2025, toStartOfMonth(day), province_2008, agency_code, channel
);

-- The parts written before this migration (a mutation: ClickHouse works through them in the background).
ALTER TABLE kpi_monthly {on_cluster} MATERIALIZE PROJECTION p_province;

ALTER TABLE kpi_monthly {on_cluster} MATERIALIZE PROJECTION p_level;

ALTER TABLE kpi_monthly {on_cluster} MATERIALIZE PROJECTION p_sector;

ALTER TABLE kpi_daily {on_cluster} MATERIALIZE PROJECTION p_agency_month;
