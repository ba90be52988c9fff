#!/usr/bin/env bash
# Generation and loading at scale: `reform generate` of N dossiers (1 January 2025 to yesterday), then
# `reform ingest --no-refresh` of the files into a fresh store, then `reform refresh`. Prints each step's wall time,
# its rate and its peak RSS (GNU time), and the store's size. The 20,000,000 run needs about 8 GB of disk for the
# files and 3 GB for the store and takes about 15 minutes on 2 cores.
# Usage: bench/scale.sh [N] [WORKDIR]   (default 1000000, a temporary directory removed at the end)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dossiers="${1:-1000000}"
work="${2:-}"
if [ -z "$work" ]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/reform-scale.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time (for peak RSS)" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null
fi
"$root/reform" --help >/dev/null   # build outside the measurement
to="$(date -u -d '-1 day' +%F)"

step() { # label, then the command; prints wall seconds and peak RSS
  local label="$1"; shift
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$@" >"$work/$label.out" 2>"$work/$label.err"
  end=$(date +%s.%N)
  echo "$label $(echo "$end - $start" | bc) $(cat "$work/rss")"
}

read -r _ gen_s gen_kb < <(step generate "$root/reform" generate --dossiers "$dossiers" --from 2025-01-01 --to "$to" --seed 1 --out "$work/files")
rows=$(cat "$work"/files/events-*.csv | wc -l); files=$(ls "$work"/files/events-*.csv | wc -l); rows=$((rows - files))
# The engine is held by a process of its own for the steps below, which join it. Started by `reform ingest`, the engine
# would be its child, and GNU time counts the peak of a child that ends while the command runs as the command's own: an
# engine that stopped under a load was once reported as a 5 GB ingest (issue 20).
"$root/reform" --store "$work/store" engine exec -- sleep 1000000 >/dev/null 2>&1 &
holder=$!
until [ -s "$work/store/run/engine.json" ]; do sleep 0.2; done
"$root/reform" --store "$work/store" migrate >/dev/null 2>&1
read -r _ ing_s ing_kb < <(step ingest "$root/reform" --store "$work/store" ingest --no-refresh "$work/files")
read -r _ ref_s ref_kb < <(step refresh "$root/reform" --store "$work/store" refresh)
engine_pid=$(sed 's/.*"Pid":\([0-9]*\).*/\1/' "$work/store/run/engine.json")
engine_kb=$(awk '/VmHWM/ {print $2}' "/proc/$engine_pid/status" 2>/dev/null || echo 0)
for child in $(pgrep -P "$holder" -x sleep); do kill "$child"; done
wait "$holder" 2>/dev/null || true
awk -v n="$dossiers" -v r="$rows" -v f="$files" -v g="$gen_s" -v gk="$gen_kb" -v i="$ing_s" -v ik="$ing_kb" -v ek="$engine_kb" -v s="$ref_s" 'BEGIN {
  printf "generate: %d dossiers, %d events in %d files: %.1f s (%.0f dossiers/s, %.0f rows/s), peak RSS %.0f MB\n", n, r, f, g, n / g, r / g, gk / 1024
  printf "ingest:   %.1f s (%.0f rows/s), peak RSS %.0f MB (the engine: %.0f MB)\n", i, r / i, ik / 1024, ek / 1024
  printf "refresh:  %.1f s (%.1f s per million dossiers)\n", s, s / (n / 1000000)
}'
du -sh "$work/files" "$work/store" | awk '{print "size: " $2 " " $1}'
