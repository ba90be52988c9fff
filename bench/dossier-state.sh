#!/usr/bin/env bash
# Compares the ways to keep the dossier state (issue: data model), on N synthetic dossiers (default 1,000,000):
#   live    : v_dossier_state_live, computed from the events at query time
#   amt     : an AggregatingMergeTree fed by a materialized view (states per dossier, -Merge at query time)
#   table   : the materialised dossier_state, rebuilt per cohort by `reform refresh` (REPLACE PARTITION)
# The aggregation step (one row per dossier from its events) is what the mechanisms differ in; each figure is the
# median of R runs of the same query, printed with its ratio to the live baseline measured in the same run.
# Usage: bench/dossier-state.sh [DOSSIERS] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dossiers="${1:-1000000}"
runs="${2:-5}"
command -v curl >/dev/null || { echo "bench needs curl" >&2; exit 1; }
"$root/reform" --help >/dev/null
scratch="$(mktemp -d "${TMPDIR:-/tmp}/reform-bench-state.XXXXXX")"
"$root/reform" --store "$scratch/store" engine exec -- sleep 100000 >/dev/null 2>&1 &
holder=$!
trap 'kill $holder 2>/dev/null; pkill -P $holder 2>/dev/null; wait $holder 2>/dev/null || true; rm -rf "$scratch"' EXIT
for _ in $(seq 1 600); do [ -f "$scratch/store/run/engine.json" ] && break; sleep 0.1; done
port=$(sed -E 's/.*"HttpPort":([0-9]+).*/\1/' "$scratch/store/run/engine.json")
conn="Host=127.0.0.1;Port=$port"
q() { curl -sS --fail-with-body "http://127.0.0.1:$port/?database=reform" --data-binary "$1"; }
ms() { local s e; s=$(date +%s%N); q "$1" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

"$root/reform" --clickhouse "$conn" migrate >/dev/null 2>&1

# The AggregatingMergeTree alternative: the same per-dossier aggregates as layer 0 of v_dossier_state_live.
q "CREATE TABLE state_amt (
    dossier_id String,
    n_received AggregateFunction(countIf, UInt8),
    rcv_at AggregateFunction(minIf, DateTime64(3, 'Asia/Ho_Chi_Minh'), UInt8),
    rcv AggregateFunction(argMinIf, Tuple(LowCardinality(String), Nullable(Enum8('province' = 1, 'district' = 2, 'commune' = 3)), LowCardinality(String), LowCardinality(String), LowCardinality(String), Nullable(Enum8('direct' = 1, 'online' = 2, 'postal' = 3)), Nullable(Bool), Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh'))), Tuple(DateTime64(3, 'Asia/Ho_Chi_Minh'), String), UInt8),
    res_at AggregateFunction(minIf, DateTime64(3, 'Asia/Ho_Chi_Minh'), UInt8),
    wdr_at AggregateFunction(minIf, DateTime64(3, 'Asia/Ho_Chi_Minh'), UInt8),
    due_changes AggregateFunction(groupUniqArrayIf, Tuple(DateTime64(3, 'Asia/Ho_Chi_Minh'), String, Nullable(DateTime64(3, 'Asia/Ho_Chi_Minh'))), UInt8),
    supplements AggregateFunction(groupUniqArrayIf, Tuple(DateTime64(3, 'Asia/Ho_Chi_Minh'), String, Enum8('received' = 1, 'supplement_requested' = 2, 'supplement_received' = 3, 'due_changed' = 4, 'resolved' = 5, 'returned' = 6, 'withdrawn' = 7, 'apologized' = 8, 'paid_online' = 9, 'rated' = 10)), UInt8),
    events AggregateFunction(uniqExact, String)
) ENGINE = AggregatingMergeTree ORDER BY dossier_id"
q "CREATE MATERIALIZED VIEW state_amt_mv TO state_amt AS SELECT dossier_id,
    countIfState(event_type = 'received') AS n_received,
    minIfState(occurred_at, event_type = 'received') AS rcv_at,
    argMinIfState((province_code, level, agency_code, sector_code, procedure_code, channel, online_enabled, due_at), (occurred_at, event_id), event_type = 'received') AS rcv,
    minIfState(occurred_at, event_type = 'resolved') AS res_at,
    minIfState(occurred_at, event_type = 'withdrawn') AS wdr_at,
    groupUniqArrayIfState((occurred_at, event_id, due_at), event_type = 'due_changed') AS due_changes,
    groupUniqArrayIfState((occurred_at, event_id, event_type), event_type IN ('supplement_requested', 'supplement_received')) AS supplements,
    uniqExactState(event_id) AS events
  FROM events GROUP BY dossier_id"

script=$(grep -v '^--' "$root/tests/Store.Tests/DataModel/SyntheticEvents.sql" | sed "s/{dossiers}/$dossiers/")
start=$(date +%s%N)
for batch in 3 7 1 9 0 5 2 8 6 4; do q "${script//\{batch\}/$batch}"; done
echo "generated $(q 'SELECT count() FROM events') events for $dossiers dossiers in $(( ($(date +%s%N) - start) / 1000000 )) ms (events insert includes the AMT view)"

layer0_raw="SELECT dossier_id, countIf(event_type = 'received') AS n, minIf(occurred_at, event_type = 'received') AS r,
  argMinIf((province_code, level, agency_code, sector_code, procedure_code, channel, online_enabled, due_at), (occurred_at, event_id), event_type = 'received') AS rcv,
  minIf(occurred_at, event_type = 'resolved') AS x, minIf(occurred_at, event_type = 'withdrawn') AS w,
  groupUniqArrayIf((occurred_at, event_id, due_at), event_type = 'due_changed') AS d,
  groupUniqArrayIf((occurred_at, event_id, event_type), event_type IN ('supplement_requested', 'supplement_received')) AS s,
  uniqExact(event_id) AS e FROM events GROUP BY dossier_id FORMAT Null"
layer0_amt="SELECT dossier_id, countIfMerge(n_received) AS n, minIfMerge(rcv_at) AS r, argMinIfMerge(rcv) AS rcv, minIfMerge(res_at) AS x,
  minIfMerge(wdr_at) AS w, groupUniqArrayIfMerge(due_changes) AS d, groupUniqArrayIfMerge(supplements) AS s, uniqExactMerge(events) AS e
  FROM state_amt GROUP BY dossier_id FORMAT Null"
full_live="SELECT * FROM v_dossier_state_live FORMAT Null"
full_table="SELECT * FROM dossier_state FORMAT Null"
one_live="SELECT * FROM v_dossier_state_live WHERE dossier_id IN ('SYN0000042', 'SYN0500042') FORMAT Null"

# The refresh re-reads events stored up to a minute before its watermark (inserts still in flight): let the
# generated events age past that, so the incremental refresh below sees only the late event.
sleep 62
start=$(date +%s%N)
"$root/reform" --clickhouse "$conn" refresh --all >/dev/null 2>&1
refresh_all=$(( ($(date +%s%N) - start) / 1000000 ))
# One cohort touched again: the refresh rebuilds that month only.
sleep 62
q "INSERT INTO events (event_id, dossier_id, event_type, occurred_at, source) VALUES ('bench-late', 'SYN0000042', 'apologized', now64(3), 'bench')"
start=$(date +%s%N)
"$root/reform" --clickhouse "$conn" refresh >/dev/null 2>&1
refresh_one=$(( ($(date +%s%N) - start) / 1000000 ))

parts=$(q "SELECT count() FROM system.parts WHERE database = 'reform' AND table = 'state_amt' AND active")
rows_before=$(q "SELECT count() FROM state_amt")
base=$(for _ in $(seq 1 "$runs"); do ms "$layer0_raw"; done | median)
amt=$(for _ in $(seq 1 "$runs"); do ms "$layer0_amt"; done | median)
live=$(for _ in $(seq 1 "$runs"); do ms "$full_live"; done | median)
table=$(for _ in $(seq 1 "$runs"); do ms "$full_table"; done | median)
lookup=$(for _ in $(seq 1 "$runs"); do ms "$one_live"; done | median)
q "OPTIMIZE TABLE state_amt FINAL"
merged=$(for _ in $(seq 1 "$runs"); do ms "$layer0_amt"; done | median)
echo "per-dossier aggregation from raw events (baseline):          ${base} ms"
echo "same from the AggregatingMergeTree ($rows_before rows, $parts parts):  ${amt} ms  (ratio $(awk -v a="$amt" -v b="$base" 'BEGIN{printf "%.2f", a/b}'))"
echo "same after OPTIMIZE FINAL (one row per dossier):              ${merged} ms  (ratio $(awk -v a="$merged" -v b="$base" 'BEGIN{printf "%.2f", a/b}'))"
echo "full state, live view (aggregation + deadlines + classes):    ${live} ms  (ratio $(awk -v a="$live" -v b="$base" 'BEGIN{printf "%.2f", a/b}'))"
echo "full state, materialised dossier_state:                       ${table} ms  (ratio $(awk -v a="$table" -v b="$base" 'BEGIN{printf "%.3f", a/b}'))"
echo "two dossiers from the live view (primary-key lookup):         ${lookup} ms"
echo "refresh --all (every cohort, state + daily + monthly):        ${refresh_all} ms"
echo "refresh after one late event (one cohort rebuilt):            ${refresh_one} ms"
