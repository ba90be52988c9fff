-- The month rollup's change of each incremental refresh run (issue 20): what the run added to kpi_daily and kpi_monthly,
-- by month and by every dimension of the service's in-memory rollup (not the day, not the procedure). A service that
-- holds the rollup in memory applies a run's rows when the run is done, so that following the feed costs what the runs
-- changed, not what the months hold. Kept two days: a service that falls further behind reloads the rollup whole.
CREATE TABLE IF NOT EXISTS rollup_deltas {on_cluster}
(
    run UInt64,
    month Date,
    province_2025 LowCardinality(String),
    province_2008 LowCardinality(String),
    level LowCardinality(String),
    agency_code LowCardinality(String),
    sector_code LowCardinality(String),
    channel LowCardinality(String),
    received Int64,
    received_enabled Int64,
    with_fee Int64,
    paid_online Int64,
    resolved_early Int64,
    resolved_on_time Int64,
    resolved_overdue Int64,
    resolved_overdue_766 Int64,
    resolved_overdue_apologized Int64,
    withdrawn Int64,
    returned Int64,
    returned_postal Int64,
    rated_very_satisfied Int64,
    rated_satisfied Int64,
    rated_dissatisfied Int64,
    processing_wd_sum Int64,
    processing_wd_hist Map(UInt16, Int64),
    pending_delta Int64,
    pending_overdue_delta Int64,
    pending_overdue_apologized_delta Int64,
    written_at DateTime DEFAULT now()
)
ENGINE = {replicated}MergeTree
ORDER BY run
TTL written_at + INTERVAL 2 DAY;
