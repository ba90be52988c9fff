-- Synthetic dossier events for the data-model tests: {dossiers} dossiers received through 2025 (across the
-- 2025-07-01 merger, in the geography in force on each date) with every oddity the state must survive:
-- duplicates, missing received events, resolutions stamped before receipt, second resolutions, withdrawals
-- after resolution, deadline changes before and after the end, one or two supplement requests (answered or
-- not), returns by post, apologies, online payments, ratings given twice. Deterministic (hashes, no rand()).
-- {batch} keeps the events whose id hashes into it (0..9 of 10), so loading the batches in any order and
-- refreshing between them exercises late and out-of-order arrival.
INSERT INTO events (event_id, dossier_id, event_type, occurred_at, province_code, level, agency_code, sector_code,
                    procedure_code, channel, online_enabled, due_at, outcome, rating, reason, source)
WITH
    (SELECT groupArray(code) FROM (SELECT toString(old_code) AS code FROM province_map ORDER BY code)) AS old_codes,
    (SELECT groupArray(code) FROM (SELECT DISTINCT toString(new_code) AS code FROM province_map ORDER BY code)) AS new_codes,
    (SELECT groupArray((toString(code), toString(sector_code), working_days)) FROM (SELECT * FROM procedures ORDER BY code)) AS procs
SELECT
    concat(dossier_id, '-', toString(i)) AS event_id,
    dossier_id,
    e.1 AS event_type,
    e.2 AS occurred_at,
    if(e.1 = 'received', province, '') AS province_code,
    if(e.1 = 'received', level, NULL) AS level,
    if(e.1 = 'received', agency, '') AS agency_code,
    if(e.1 = 'received', proc.2, '') AS sector_code,
    if(e.1 = 'received', proc.1, '') AS procedure_code,
    e.3 AS channel,
    if(e.1 = 'received', if(cityHash64(n, 9) % 10 = 0, NULL, cityHash64(n, 9) % 10 < 8), NULL) AS online_enabled,
    e.4 AS due_at,
    e.5 AS outcome,
    e.6 AS rating,
    '' AS reason,
    'synthetic' AS source
FROM
(
    SELECT
        number AS n,
        concat('SYN', leftPad(toString(n), 7, '0')) AS dossier_id,
        toDateTime64('2025-01-02 08:00:00', 3, 'Asia/Ho_Chi_Minh')
            + toIntervalDay(cityHash64(n, 1) % 330) + toIntervalMinute(cityHash64(n, 2) % 540) AS received_at,
        received_at < toDateTime64('2025-07-01 00:00:00', 3, 'Asia/Ho_Chi_Minh') AS before_merger,
        if(before_merger, old_codes[1 + cityHash64(n, 3) % length(old_codes)], new_codes[1 + cityHash64(n, 3) % length(new_codes)]) AS province,
        if(before_merger, ['province', 'district', 'commune'][1 + cityHash64(n, 4) % 3], ['province', 'commune'][1 + cityHash64(n, 4) % 2]) AS level,
        concat('AG', province, '-', toString(cityHash64(n, 5) % 4)) AS agency,
        procs[1 + cityHash64(n, 6) % length(procs)] AS proc,
        multiIf(cityHash64(n, 7) % 100 < 50, 'direct', cityHash64(n, 7) % 100 < 90, 'online', 'postal') AS channel_in,
        -- About one in three received events carries no due_at: the procedure's working days apply.
        if(cityHash64(n, 8) % 3 = 0, NULL, toStartOfDay(received_at) + toIntervalDay(1 + (proc.3 * 7) DIV 5) + INTERVAL 17 HOUR) AS due_in,
        cityHash64(n, 10) % 100 AS fate,                              -- < 75 resolved, < 80 withdrawn, else in progress
        received_at + toIntervalHour(2 + cityHash64(n, 11) % (24 * (proc.3 * 2 + 6))) AS end_at,
        cityHash64(n, 12) % 100 AS odd,
        -- supplement: 0 none, 1 one answered, 2 one unanswered, 3 two answered
        multiIf(cityHash64(n, 13) % 100 < 12, 1, cityHash64(n, 13) % 100 < 15, 2, cityHash64(n, 13) % 100 < 18, 3, 0) AS supplement,
        received_at + toIntervalHour(3 + cityHash64(n, 14) % 48) AS sup1_at,
        sup1_at + toIntervalHour(20 + cityHash64(n, 15) % 100) AS sup1_back,
        sup1_back + toIntervalHour(5 + cityHash64(n, 16) % 30) AS sup2_at,
        sup2_at + toIntervalHour(20 + cityHash64(n, 17) % 60) AS sup2_back,
        arrayFilter(x -> x.7, [
            ('received', received_at, toNullable(channel_in), due_in, CAST(NULL, 'Nullable(String)'), CAST(NULL, 'Nullable(String)'), odd >= 1),
            -- deadline moved before the end (10%) and after it (3%)
            ('due_changed', received_at + INTERVAL 26 HOUR, NULL, toNullable(end_at + toIntervalDay(cityHash64(n, 18) % 5)), NULL, NULL, cityHash64(n, 19) % 100 < 10),
            ('due_changed', end_at + INTERVAL 3 HOUR, NULL, toNullable(end_at + INTERVAL 30 DAY), NULL, NULL, fate < 80 AND cityHash64(n, 19) % 100 >= 97),
            ('supplement_requested', sup1_at, NULL, NULL, NULL, NULL, supplement > 0),
            ('supplement_received', sup1_back, NULL, NULL, NULL, NULL, supplement IN (1, 3)),
            ('supplement_requested', sup2_at, NULL, NULL, NULL, NULL, supplement = 3),
            ('supplement_received', sup2_back, NULL, NULL, NULL, NULL, supplement = 3),
            -- 1% stamped before the receipt
            ('resolved', if(odd = 1, received_at - INTERVAL 2 HOUR, end_at + toIntervalHour(if(supplement > 0, 96, 0))), NULL, NULL,
                toNullable(if(cityHash64(n, 20) % 10 = 0, 'rejected', 'approved')), NULL, fate < 75),
            ('resolved', end_at + INTERVAL 200 HOUR, NULL, NULL, toNullable('approved'), NULL, fate < 75 AND odd BETWEEN 2 AND 3),
            ('withdrawn', end_at, NULL, NULL, NULL, NULL, fate BETWEEN 75 AND 79),
            ('withdrawn', end_at + INTERVAL 300 HOUR, NULL, NULL, NULL, NULL, fate < 75 AND odd = 4),
            ('returned', end_at + INTERVAL 5 HOUR, toNullable(if(cityHash64(n, 21) % 10 = 0, 'postal', 'direct')), NULL, NULL, NULL, fate < 75 AND cityHash64(n, 22) % 10 < 6),
            ('apologized', end_at - INTERVAL 1 HOUR, NULL, NULL, NULL, NULL, cityHash64(n, 23) % 10 = 0),
            ('paid_online', received_at + INTERVAL 1 HOUR, NULL, NULL, NULL, NULL, cityHash64(n, 24) % 10 < 3),
            ('rated', end_at + INTERVAL 30 HOUR, NULL, NULL, NULL,
                toNullable(['very_satisfied', 'satisfied', 'satisfied', 'dissatisfied'][1 + cityHash64(n, 25) % 4]), fate < 75 AND cityHash64(n, 26) % 10 < 4),
            ('rated', end_at + INTERVAL 90 HOUR, NULL, NULL, NULL, toNullable('satisfied'), fate < 75 AND cityHash64(n, 26) % 10 = 0)
        ]) AS evs
    FROM numbers({dossiers})
)
ARRAY JOIN evs AS e, arrayEnumerate(evs) AS i
-- 3% of events come twice.
ARRAY JOIN range(if(cityHash64(dossier_id, i, 'dup') % 100 < 3, 2, 1)) AS copy
WHERE cityHash64(concat(dossier_id, '-', toString(i))) % 10 = {batch};
