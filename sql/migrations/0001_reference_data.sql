-- Reference data loaded from sql/seed: provinces in both geographies, levels, sectors, demo procedures,
-- agencies, the holiday calendar, and the working-day calendar derived from it. The seed tables are
-- reloaded whole (TRUNCATE, then INSERT), so re-running this file after a failure is safe.

CREATE TABLE IF NOT EXISTS province_map {on_cluster}
(
    old_code LowCardinality(String) COMMENT 'GSO code of one of the 63 provinces in force until 2025-06-30',
    old_name String COMMENT 'its name',
    new_code LowCardinality(String) COMMENT 'code of the province it is part of from 2025-07-01 (Resolution 202/2025/QH15)',
    new_name String COMMENT 'name of that province'
)
ENGINE = {replicated}MergeTree
ORDER BY old_code
COMMENT 'The 63 provinces before 2025-07-01 and the one of the 34 each became part of';

TRUNCATE TABLE IF EXISTS province_map {on_cluster};

-- seed: province_map.csv
INSERT INTO province_map (old_code, old_name, new_code, new_name) FORMAT CSVWithNames;

CREATE TABLE IF NOT EXISTS provinces {on_cluster}
(
    geo UInt16 COMMENT '2008: the 63 units in force until 2025-06-30; 2025: the 34 units from 2025-07-01',
    code LowCardinality(String) COMMENT '2-digit statistical code; codes were reused in 2025 (80 was Long An, is now Tây Ninh)',
    name String COMMENT 'Vietnamese name without the Tỉnh / Thành phố prefix',
    is_city UInt8 COMMENT '1 for a centrally-run city (thành phố trực thuộc trung ương)',
    valid_from Date,
    valid_to Date
)
ENGINE = {replicated}MergeTree
ORDER BY (geo, code);

TRUNCATE TABLE IF EXISTS provinces {on_cluster};

-- Huế became a centrally-run city on 2025-01-01, before the merger; the 2008 row keeps its earlier name.
INSERT INTO provinces
SELECT 2008, old_code, any(old_name), old_code IN ('01', '31', '48', '79', '92'), toDate('2008-08-01'), toDate('2025-06-30')
FROM province_map GROUP BY old_code;

INSERT INTO provinces
SELECT 2025, new_code, any(new_name), new_code IN ('01', '31', '46', '48', '79', '92'), toDate('2025-07-01'), toDate('2099-12-31')
FROM province_map GROUP BY new_code;

CREATE TABLE IF NOT EXISTS levels {on_cluster}
(
    code LowCardinality(String) COMMENT 'province, district or commune',
    name_vi String,
    valid_from Date,
    valid_to Date COMMENT 'the district level was abolished on 2025-07-01'
)
ENGINE = {replicated}MergeTree
ORDER BY code;

TRUNCATE TABLE IF EXISTS levels {on_cluster};

-- seed: levels.csv
INSERT INTO levels (code, name_vi, valid_from, valid_to) FORMAT CSVWithNames;

CREATE TABLE IF NOT EXISTS sectors {on_cluster}
(
    code LowCardinality(String),
    name_vi String COMMENT 'lĩnh vực',
    target_group LowCardinality(String) COMMENT 'land, construction or investment: the sectors with their own satisfaction target (85%)'
)
ENGINE = {replicated}MergeTree
ORDER BY code;

TRUNCATE TABLE IF EXISTS sectors {on_cluster};

-- seed: sectors.csv
INSERT INTO sectors (code, name_vi, target_group) FORMAT CSVWithNames;

CREATE TABLE IF NOT EXISTS procedures {on_cluster}
(
    code LowCardinality(String) COMMENT 'mã thủ tục; the DEMO.* codes are the demo catalogue, not national codes',
    name_vi String,
    sector_code LowCardinality(String),
    level LowCardinality(String) COMMENT 'the level that usually handles it',
    working_days UInt16 COMMENT 'statutory time limit in working days, used when a received event carries no due_at',
    online_enabled Bool COMMENT 'offered as a full online public service',
    has_fee Bool COMMENT 'a fee or charge is due, so the dossier can be paid online'
)
ENGINE = {replicated}MergeTree
ORDER BY code;

TRUNCATE TABLE IF EXISTS procedures {on_cluster};

-- seed: procedures.csv
INSERT INTO procedures (code, name_vi, sector_code, level, working_days, online_enabled, has_fee) FORMAT CSVWithNames;

CREATE TABLE IF NOT EXISTS agencies {on_cluster}
(
    code LowCardinality(String) COMMENT 'receiving agency code as sent by the source systems',
    name_vi String,
    province_code LowCardinality(String) COMMENT 'province in the geography in force from valid_from',
    level LowCardinality(String),
    valid_from Date,
    valid_to Date
)
ENGINE = {replicated}ReplacingMergeTree
ORDER BY code
COMMENT 'Filled by later loads; agency codes arriving in events are accepted and listed in v_unknown_codes when missing here';

CREATE TABLE IF NOT EXISTS holidays {on_cluster}
(
    day Date,
    kind LowCardinality(String) COMMENT 'holiday, compensatory (make-up day off), swap_off (weekday moved to a day off), swap_workday (weekend day worked in exchange)',
    name_vi String,
    note String COMMENT 'the notice that set it, or rule-derived'
)
ENGINE = {replicated}MergeTree
ORDER BY day;

TRUNCATE TABLE IF EXISTS holidays {on_cluster};

-- seed: holidays.csv
INSERT INTO holidays (day, kind, name_vi, note) FORMAT CSVWithNames;

CREATE TABLE IF NOT EXISTS calendar {on_cluster}
(
    day Date,
    is_working UInt8 COMMENT '1 when government offices work: Monday to Friday unless a holiday, compensatory or swapped day off; or a weekend day worked in a swap',
    wd_index UInt32 COMMENT 'working days before this day, counted from 2015-01-01',
    holiday_kind LowCardinality(String),
    holiday_name String
)
ENGINE = {replicated}MergeTree
ORDER BY day
COMMENT 'One row per day of 2015-2030: the one calendar SQL (reform_* functions) and C# (WorkingCalendar) both use';

TRUNCATE TABLE IF EXISTS calendar {on_cluster};

INSERT INTO calendar
SELECT
    day,
    is_working,
    toUInt32(sum(is_working) OVER (ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS wd_index,
    kind,
    name_vi
FROM
(
    SELECT
        d.day AS day,
        toUInt8(multiIf(h.kind = 'swap_workday', 1, h.kind IN ('holiday', 'compensatory', 'swap_off'), 0, toDayOfWeek(d.day) >= 6, 0, 1)) AS is_working,
        h.kind AS kind,
        h.name_vi AS name_vi
    FROM (SELECT toDate('2015-01-01') + number AS day FROM numbers(toUInt64(dateDiff('day', toDate('2015-01-01'), toDate('2030-12-31')) + 1))) AS d
    LEFT JOIN holidays AS h ON h.day = d.day
)
ORDER BY day;

-- Working-day arithmetic, shared by every view. ClickHouse functions are server-wide, so they take the calendar
-- as an argument (cal: the tuple built from the calendar table, see v_calendar_arrays) instead of naming a database.
-- Outside 2015-2030 they return NULL rather than a wrong number.
CREATE OR REPLACE FUNCTION reform_cal_pos {on_cluster} AS (d) ->
    toInt64(toRelativeDayNum(toDate(d))) - toInt64(toRelativeDayNum(toDate('2015-01-01'))) + 1;

CREATE OR REPLACE FUNCTION reform_wd_index {on_cluster} AS (d, cal) ->
    if(reform_cal_pos(d) BETWEEN 1 AND length(tupleElement(cal, 1)), toInt64(tupleElement(cal, 1)[reform_cal_pos(d)]), NULL);

CREATE OR REPLACE FUNCTION reform_is_working {on_cluster} AS (d, cal) ->
    if(reform_cal_pos(d) BETWEEN 1 AND length(tupleElement(cal, 2)), tupleElement(cal, 2)[reform_cal_pos(d)], NULL);

-- Working days from a to b: the working days in [date(a), date(b)); negative when b is before a.
CREATE OR REPLACE FUNCTION reform_working_days_between {on_cluster} AS (a, b, cal) ->
    reform_wd_index(b, cal) - reform_wd_index(a, cal);

-- The date n working days after d. Counting starts on the next working day when d is not one, so a dossier received
-- on Saturday with n = 1 (or 0) is due on Monday.
CREATE OR REPLACE FUNCTION reform_add_working_days {on_cluster} AS (d, n, cal) ->
    if(reform_wd_index(d, cal) + greatest(toInt64(n) - (1 - reform_is_working(d, cal)), 0) + 1 <= length(tupleElement(cal, 3)),
       tupleElement(cal, 3)[reform_wd_index(d, cal) + greatest(toInt64(n) - (1 - reform_is_working(d, cal)), 0) + 1],
       NULL);
