#!/usr/bin/env bash
# The three security campaigns of issue 18 in a row, each with its default options, on one scratch store (the first
# campaign loads the demo data into it; 127.0.0.1 only; removed at the end unless STORE is given):
# `reform bench load` (50 users for 5 minutes while events arrive over HTTP), `reform bench faults` (engine killed during
# load and during ingest, disk full, report and server killed while writing; needs root for the tmpfs of the disk-full
# scenario) and `reform bench hostile` (every parameter of every route for every role, intake fuzzing, gzip bombs). Each prints its figures, its criteria and the command that reproduces it; the output of each goes
# to bench/out/<date>-<campaign>.log as well. Exits 1 when a criterion of any campaign failed.
# Usage: [STORE=DIR] bench/security-campaigns.sh [load] [faults] [hostile]   (default: all three)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
campaigns=("$@")
[ ${#campaigns[@]} -eq 0 ] && campaigns=(load faults hostile)
"$root/reform" --help >/dev/null || exit 1   # build outside the measurements
mkdir -p "$root/bench/out"
store="${STORE:-}"
if [ -z "$store" ]; then
  store="$(mktemp -d "${TMPDIR:-/tmp}/reform-campaigns.XXXXXX")"
  trap 'rm -rf "$store"' EXIT
fi
status=0
for campaign in "${campaigns[@]}"; do
  log="$root/bench/out/$(date -u +%Y%m%d-%H%M%S)-$campaign.log"
  echo "== reform bench $campaign ($log)" >&2
  start=$(date +%s)
  "$root/reform" --store "$store" bench "$campaign" 2>&1 | tee "$log"
  code=${PIPESTATUS[0]}
  echo "== reform bench $campaign: exit $code after $(( $(date +%s) - start )) s" | tee -a "$log" >&2
  [ "$code" -eq 0 ] || status=1
done
exit $status
