#!/usr/bin/env bash
# Measures the embedded engine's start: cold (empty engine cache: npm fetch, verify, extract, then start)
# and warm (cached library), as the wall time of `reform --store <fresh dir> sql "SELECT 1"`, which
# includes .NET start-up, engine start, the query and the clean stop. Prints medians over N warm runs.
# Usage: bench/engine-start.sh [N]   (default 5)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
"$root/reform" --help >/dev/null   # build outside the measurement
scratch="$(mktemp -d "${TMPDIR:-/tmp}/reform-bench.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

time_of() { local start end; start=$(date +%s%N); "$@" >/dev/null 2>&1; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

cold=$(XDG_CACHE_HOME="$scratch/cache" time_of "$root/reform" --store "$scratch/cold" sql "SELECT 1")
warm=$(for i in $(seq 1 "$runs"); do time_of "$root/reform" --store "$scratch/warm$i" sql "SELECT 1"; done | median)
# Baseline in the same run: the same command against an engine that is already running (no start, no stop).
"$root/reform" --store "$scratch/held" engine exec -- sleep 600 >/dev/null 2>&1 &
holder=$!
for _ in $(seq 1 600); do [ -f "$scratch/held/run/engine.json" ] && break; sleep 0.1; done
joined=$(for i in $(seq 1 "$runs"); do time_of "$root/reform" --store "$scratch/held" sql "SELECT 1"; done | median)
kill "$holder"; pkill -P "$holder" sleep 2>/dev/null || true; wait "$holder" 2>/dev/null || true

echo "cold start (fetch + verify + extract + start + query + stop): ${cold} ms"
echo "warm start (start + query + stop), median of $runs:            ${warm} ms"
echo "joining a running engine (query only), median of $runs:         ${joined} ms"
awk -v w="$warm" -v j="$joined" -v c="$cold" 'BEGIN { printf "engine start+stop cost: %d ms (warm/joined ratio %.2f; cold/warm ratio %.1f)\n", w - j, w / j, c / w }'
