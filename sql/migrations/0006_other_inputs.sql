-- The other inputs of the design, each loaded from its own CSV by `reform ingest` (src/Ingest/Records): feedback items
-- (phản ánh, kiến nghị), the administrative-reform task register (nhiệm vụ CCHC), targets per province, indicator and
-- year, and the agency list (the agencies table of 0001). A row is identified by its key; loading a corrected row
-- again replaces the earlier one (ReplacingMergeTree on the load time; read with FINAL or through the v_* views).

-- Without a version column the agencies table keeps the row inserted last, which is what a corrected list wants.
ALTER TABLE agencies {on_cluster}
    ADD COLUMN IF NOT EXISTS file_key FixedString(64) DEFAULT '' COMMENT 'the file the row came from (SHA-256)',
    ADD COLUMN IF NOT EXISTS loaded_at DateTime64(6, 'UTC') DEFAULT now64(6);

CREATE TABLE IF NOT EXISTS feedback {on_cluster}
(
    feedback_id String,
    province_code LowCardinality(String) COMMENT 'as in force on received_at (63 before 2025-07-01, 34 after)',
    sector_code LowCardinality(String),
    received_at DateTime64(3, 'Asia/Ho_Chi_Minh'),
    resolved_at Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh')),
    file_key FixedString(64),
    loaded_at DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = {replicated}ReplacingMergeTree(loaded_at)
ORDER BY feedback_id;

CREATE TABLE IF NOT EXISTS reform_tasks {on_cluster}
(
    task_id String,
    geo UInt16 COMMENT '2008 or 2025: the geography of province_code',
    province_code LowCardinality(String),
    year UInt16 COMMENT 'the plan year',
    title String,
    due_date Date,
    completed_at Nullable(Date),
    status Enum8('in_progress' = 1, 'done' = 2, 'awaiting_confirmation' = 3),
    file_key FixedString(64),
    loaded_at DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = {replicated}ReplacingMergeTree(loaded_at)
ORDER BY task_id;

CREATE TABLE IF NOT EXISTS targets {on_cluster}
(
    geo UInt16 COMMENT '0 for a national target (every province), else 2008 or 2025',
    province_code LowCardinality(String) COMMENT 'empty for a national target',
    year UInt16,
    indicator LowCardinality(String) COMMENT 'a metric key of docs/metrics.md',
    sector_group LowCardinality(String) COMMENT 'empty, or land, construction, investment (sectors.target_group)',
    target Float64 COMMENT 'a fraction (0.95 = 95%)',
    file_key FixedString(64),
    loaded_at DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = {replicated}ReplacingMergeTree(loaded_at)
ORDER BY (year, indicator, geo, province_code, sector_group);

-- Feedback items with their province in both geographies, like dossier_state.
CREATE OR REPLACE VIEW v_feedback {on_cluster}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
WITH
    (SELECT (groupArray(toString(old_code)), groupArray(toString(new_code))) FROM province_map) AS old_to_new,
    (SELECT groupArray(code) FROM (SELECT toString(new_code) AS code FROM province_map GROUP BY new_code HAVING count() = 1)) AS unchanged
SELECT
    feedback_id,
    toUInt16(if(received_at < toDateTime64('2025-07-01 00:00:00', 3, 'Asia/Ho_Chi_Minh'), 2008, 2025)) AS recorded_geo,
    toString(province_code) AS province_code,
    if(recorded_geo = 2008, transform(province_code, old_to_new.1, old_to_new.2, province_code), province_code) AS province_2025,
    multiIf(recorded_geo = 2008, province_code, has(unchanged, province_code), province_code, concat('N', province_code)) AS province_2008,
    toString(sector_code) AS sector_code,
    received_at,
    resolved_at
FROM feedback FINAL;

CREATE OR REPLACE VIEW v_tasks {on_cluster}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
WITH
    (SELECT (groupArray(toString(old_code)), groupArray(toString(new_code))) FROM province_map) AS old_to_new,
    (SELECT groupArray(code) FROM (SELECT toString(new_code) AS code FROM province_map GROUP BY new_code HAVING count() = 1)) AS unchanged
SELECT
    task_id, geo, toString(province_code) AS province_code,
    if(geo = 2008, transform(province_code, old_to_new.1, old_to_new.2, province_code), province_code) AS province_2025,
    multiIf(geo = 2008, province_code, has(unchanged, province_code), province_code, concat('N', province_code)) AS province_2008,
    year, title, due_date, completed_at, status
FROM reform_tasks FINAL;

CREATE OR REPLACE VIEW v_targets {on_cluster}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT geo, toString(province_code) AS province_code, year, toString(indicator) AS indicator, toString(sector_group) AS sector_group, target
FROM targets FINAL;

-- access-control
GRANT {on_cluster} SELECT ON {database}.v_feedback TO reform_analyst;

-- access-control
GRANT {on_cluster} SELECT ON {database}.v_tasks TO reform_analyst;

-- access-control
GRANT {on_cluster} SELECT ON {database}.v_targets TO reform_analyst;
