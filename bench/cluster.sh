#!/usr/bin/env bash
# One node against local clusters (issue 21, docs/scaling.md): the same generated files loaded into the embedded
# single-node store and into `reform cluster up` clusters of 2 shards and of 2 shards x 2 replicas, all on this machine.
# For each topology: `reform ingest --no-refresh` (wall time, rows/s, ratio to the single node of this run),
# `reform refresh`, `reform bench kpi` (overview p50/p95 with 1 and 16 clients, answers checked against the raw events),
# and the compressed bytes a stored event takes (system.parts of every node's events table).
# Every topology shares this machine's cores: the figures show what distribution costs here, not what more servers give.
# Usage: bench/cluster.sh [N] [WORKDIR] [TOPOLOGIES]   (default 1000000 dossiers, a temporary directory, "1 2x1 2x2")
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dossiers="${1:-1000000}"
work="${2:-}"
topologies="${3:-1 2x1 2x2}"
if [ -z "$work" ]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/reform-cluster-bench.XXXXXX")"
  trap '"$root/reform" cluster down --dir "$work/cluster" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
fi
mkdir -p "$work"
reform="$root/reform"
"$reform" --help >/dev/null   # build outside the measurement
to="$(date -u -d '-1 day' +%F)"
from="$(date -u -d "$to -11 months" +%Y-%m-01)"
"$reform" generate --dossiers "$dossiers" --from "$from" --to "$to" --seed 1 --out "$work/files" >/dev/null
rows=$(( $(cat "$work"/files/events-*.csv | wc -l) - $(ls "$work"/files/events-*.csv | wc -l) ))
year="${to:0:4}"
echo "files: $dossiers dossiers, $rows events, $from to $to"

seconds() { local start end; start=$(date +%s.%N); "$@" >"$work/step.out" 2>"$work/step.err" || { cat "$work/step.err" >&2; return 1; }; end=$(date +%s.%N); echo "$end - $start" | bc; }

base_ingest=""
for topology in $topologies; do
  if [ "$topology" = 1 ]; then
    rm -rf "$work/store"
    "$reform" --store "$work/store" engine exec -- sleep 1000000 >/dev/null 2>&1 &
    holder=$!
    until [ -s "$work/store/run/engine.json" ]; do sleep 0.2; done
    target=(--store "$work/store")
    label="1 node"
  else
    shards="${topology%x*}"; replicas="${topology#*x}"
    "$reform" cluster down --dir "$work/cluster" --purge >/dev/null 2>&1 || true
    connection="$("$reform" cluster up --shards "$shards" --replicas "$replicas" --dir "$work/cluster" 2>/dev/null | tail -1)"
    target=(--clickhouse "$connection")
    label="$shards shards x $replicas replicas"
  fi
  "$reform" "${target[@]}" migrate >/dev/null 2>&1
  ingest=$(seconds "$reform" "${target[@]}" ingest --no-refresh "$work/files")
  refresh=$(seconds "$reform" "${target[@]}" refresh)
  "$reform" "${target[@]}" bench kpi --year "$year" --queries 40 --clients 1,16 --raw-runs 1 >"$work/kpi.out" 2>&1 || true
  if [ "$topology" = 1 ]; then
    bytes=$("$reform" "${target[@]}" sql "SELECT sum(data_compressed_bytes) FROM system.parts WHERE active AND database = 'reform' AND table = 'events'" --format TSV 2>/dev/null | tr -dc '0-9')
  else
    bytes=$("$reform" "${target[@]}" sql "SELECT sum(data_compressed_bytes) FROM clusterAllReplicas('reform_cluster', system.parts) WHERE active AND database = 'reform_shard' AND table = 'events'" --format TSV 2>/dev/null | tr -dc '0-9')
  fi
  [ -z "$base_ingest" ] && base_ingest="$ingest"
  awk -v l="$label" -v i="$ingest" -v b="$base_ingest" -v r="$rows" -v s="$refresh" -v by="${bytes:-0}" 'BEGIN {
    printf "%s: ingest %.1f s (%.0f rows/s, %.2f x the first topology of this run), refresh %.1f s, events stored in %.1f MB (%.1f compressed bytes an event, all copies)\n", l, i, r / i, b / i, s, by / 1048576, by / r }'
  grep -E "^│ (pre-aggregates|dossier state|raw events)" "$work/kpi.out" | sed 's/^/    /' || true
  grep -E "answers identical" "$work/kpi.out" | sed 's/^/    /' || true
  if [ "$topology" = 1 ]; then
    for child in $(pgrep -P "$holder" -x sleep); do kill "$child"; done
    wait "$holder" 2>/dev/null || true
  else
    "$reform" cluster down --dir "$work/cluster" --purge >/dev/null 2>&1
  fi
done
