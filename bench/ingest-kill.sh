#!/usr/bin/env bash
# Kills `reform ingest` with SIGKILL at random moments while it loads a file of EVENTS events (default 1,000,000:
# 250,000 dossiers, 4 events each, plus 2% repeated rows), restarting it each time, until KILLS runs (default 20)
# have been killed mid-load: every other kill at a random moment, the others within 0.4 s of the run's first stored
# events. Whenever a load completes, its counts are checked and a fresh database is used for the next cycle.
# Prints how many events were lost and how many stored twice, per cycle and in all: both must be 0.
# Usage: bench/ingest-kill.sh [KILLS] [EVENTS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kills="${1:-20}"
events="${2:-1000000}"
command -v curl >/dev/null || { echo "needs curl" >&2; exit 1; }
"$root/reform" --help >/dev/null
scratch="$(mktemp -d "${TMPDIR:-/tmp}/reform-kill.XXXXXX")"
"$root/reform" --store "$scratch/store" engine exec -- sleep 100000 >/dev/null 2>&1 &
holder=$!
trap 'status=$?; kill $holder 2>/dev/null; pkill -P $holder 2>/dev/null; wait $holder 2>/dev/null || true; rm -rf "$scratch"; exit $status' EXIT
for _ in $(seq 1 600); do [ -f "$scratch/store/run/engine.json" ] && break; sleep 0.1; done
port=$(sed -E 's/.*"HttpPort":([0-9]+).*/\1/' "$scratch/store/run/engine.json")
conn="Host=127.0.0.1;Port=$port"
export REFORM_ClickHouse__Database=kill_bench_0
"$root/reform" --clickhouse "$conn" migrate >/dev/null 2>&1

# Generate the file with ClickHouse itself (deterministic): dossier d has events r, x, t, s.
dossiers=$(( events / 4 ))
curl -sS "http://127.0.0.1:$port/" --data-binary "
SELECT concat('K', toString(d), '-', e) AS event_id, concat('K', toString(d)) AS dossier_id,
       ['received', 'resolved', 'returned', 'rated'][i] AS event_type,
       formatDateTime(toDateTime('2025-03-03 08:00:00', 'Asia/Ho_Chi_Minh') + toIntervalMinute(d % 40000) + toIntervalHour(i * 20), '%Y-%m-%dT%H:%i:%S+07:00') AS occurred_at,
       if(i = 1, '72', '') AS province_code, if(i = 1, 'district', '') AS level, if(i = 1, 'AG1', '') AS agency_code,
       if(i = 1, 'HOTICH', '') AS sector_code, if(i = 1, 'DEMO.HT.001', '') AS procedure_code,
       multiIf(i = 1, 'online', i = 3, 'postal', '') AS channel, if(i = 1, 'true', '') AS online_enabled, '' AS due_at,
       if(i = 2, 'approved', '') AS outcome, if(i = 4, 'satisfied', '') AS rating, '' AS reason
FROM (SELECT number AS d FROM numbers($dossiers)) ARRAY JOIN [1, 2, 3, 4] AS i, ['r', 'x', 't', 's'] AS e
ARRAY JOIN range(if(cityHash64(d, i) % 50 = 0, 2, 1)) AS copy
FORMAT CSVWithNames" > "$scratch/kill.csv"
rows=$(( $(wc -l < "$scratch/kill.csv") - 1 ))
echo "file: $rows rows, $events distinct events"

killed=0
cycle=0
lost_total=0
twice_total=0
check() {
  read -r stored unique <<<"$(curl -sS "http://127.0.0.1:$port/?database=$REFORM_ClickHouse__Database" --data-binary "SELECT count(), uniqExact(dossier_id, event_id) FROM events FORMAT TSV")"
  lost=$(( events - unique )); twice=$(( stored - unique ))
  lost_total=$(( lost_total + lost )); twice_total=$(( twice_total + twice ))
  echo "cycle $cycle complete: lost $lost, stored twice $twice"
}
count_events() { curl -sS "http://127.0.0.1:$port/?database=$REFORM_ClickHouse__Database" --data-binary "SELECT count() FROM events"; }
while [ "$killed" -lt "$kills" ]; do
  before=$(count_events)
  "$root/reform" --clickhouse "$conn" ingest "$scratch/kill.csv" --no-refresh >/dev/null 2>&1 &
  pid=$!
  if [ $(( killed % 2 )) -eq 0 ]; then
    # At any moment: starting, re-reading the batches done before, looking up, storing.
    sleep "$(( RANDOM % 3 )).$(( RANDOM % 10 ))" # a load of 1,000,000 events takes about 2 s
  else
    # Mid-storing: once this run has stored something, within the next 0.4 s (a batch takes about 0.3 s to store).
    for _ in $(seq 1 400); do
      kill -0 "$pid" 2>/dev/null || break
      [ "$(count_events)" != "$before" ] && break
      sleep 0.02
    done
    sleep "0.$(( RANDOM % 4 ))"
  fi
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid"; killed=$(( killed + 1 ))
    wait "$pid" 2>/dev/null || true
    echo "kill $killed (cycle $cycle): $(count_events) events stored so far (were $before)"
  else
    wait "$pid" 2>/dev/null || true
    check
    cycle=$(( cycle + 1 ))
    export REFORM_ClickHouse__Database="kill_bench_$cycle"
    "$root/reform" --clickhouse "$conn" migrate >/dev/null 2>&1
  fi
done
"$root/reform" --clickhouse "$conn" ingest "$scratch/kill.csv" --no-refresh >/dev/null 2>&1
check
echo "killed $killed runs with SIGKILL mid-load over $(( cycle + 1 )) complete loads"
echo "lost: $lost_total, stored twice: $twice_total"
[ "$lost_total" -eq 0 ] && [ "$twice_total" -eq 0 ]
