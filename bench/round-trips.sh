#!/usr/bin/env bash
# How many queries (round trips to ClickHouse) one question costs, counted by ClickHouse itself (the 'Query' counter of
# system.events) on one embedded engine kept up for the whole run: the questions of `reform kpi` (default: the issue's
# example), each run twice (the second run's CLI is a new process, so its answer cache is cold again), less what the
# CLI's start-up and the counting itself cost (measured the same way around `reform sql "SELECT 1"`, whose own queries
# are two: whether the database exists, then the SELECT).
# Usage: [STORE=DIR] bench/round-trips.sh ["kpi arguments" ...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reform="$root/reform"
"$reform" --help >/dev/null   # build outside the measurement
store="${STORE:-}"
if [ -z "$store" ]; then
  store="$(mktemp -d "${TMPDIR:-/tmp}/reform-round-trips.XXXXXX")"
  trap 'rm -rf "$store"' EXIT
  "$reform" --store "$store" demo --no-serve --dossiers 2000 >/dev/null
fi
questions=("$@")
[ ${#questions[@]} -eq 0 ] && questions=("--period 2025-Q3 --province 80 --by sector --json" "--period 2025-Q3 --compare --json")
export REFORM_ROUND_TRIP_QUESTIONS="$(printf '%s\n' "${questions[@]}")"
"$reform" --store "$store" engine exec -- bash -c '
  set -euo pipefail
  reform="$1"
  count() { "$reform" sql --format TSV "SELECT value FROM system.events WHERE event = '\''Query'\''"; }
  around() { local a b; a=$(count); "$@" >/dev/null; b=$(count); echo $((b - a)); }
  base=$(around "$reform" sql "SELECT 1")
  while IFS= read -r question; do
    [ -n "$question" ] || continue
    # shellcheck disable=SC2086
    spent=$(around "$reform" kpi $question)
    echo "reform kpi $question: $((spent - base + 2)) queries (CLI start-up and counting excluded: $((base - 2)))"
  done <<< "$REFORM_ROUND_TRIP_QUESTIONS"
' _ "$reform"
