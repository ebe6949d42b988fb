#!/usr/bin/env bash
# Trace parsing / `perfpilot trace triage` benchmark, side by side with its peers in one run:
#   - `gzip -dc FILE > /dev/null` on the same file (the speed bar: triage must not be slower),
#   - HTA 0.5 `TraceAnalysis(trace_dir=…).get_gpu_kernel_breakdown()` (200 MB trace only).
# Inputs are made with ../shared/tools/scale-trace from a real trace (default: the
# TraceLens B200 vLLM trace) under $BENCH_DIR (default /tmp/perfpilot-bench) and deleted at
# the end unless KEEP=1. Prints a markdown table for docs/performance.md.
#
#   benches/trace_triage.sh                 # 1 GB and 200 MB runs, 3 repetitions each
#   REPS=5 HTA_PYTHON=/tmp/hta-venv/bin/python benches/trace_triage.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-"$(cd "$(dirname "$0")/../.." && pwd)/shared"}
SRC=${SRC:-$SHARED/data/traces/tracelens/tests/traces/b200/eager_trace.json.gz}
BENCH_DIR=${BENCH_DIR:-/tmp/perfpilot-bench}
REPS=${REPS:-3}
HTA_PYTHON=${HTA_PYTHON:-/tmp/hta-venv/bin/python}
SCALE=$SHARED/tools/scale-trace
mkdir -p "$BENCH_DIR"

[ "${SKIP_BUILD:-0}" = 1 ] || cargo build --release -p perfpilot >&2
PP=target/release/perfpilot

make_trace() { # name target-mb
  local out="$BENCH_DIR/$1.json.gz"
  [ -s "$out" ] || nice python3 "$SCALE" "$SRC" "$out" --target-mb "$2" --quiet >&2
  echo "$out"
}

# time_cmd LABEL CMD... -> prints "LABEL wall_s max_rss_kb"
time_cmd() {
  local label=$1; shift
  local f; f=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$f" "$@" > /dev/null
  echo "$label $(cat "$f")"
  rm -f "$f"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

hta_run() { # file -> prints "hta wall_s max_rss_kb"
  local dir; dir=$(mktemp -d "$BENCH_DIR/hta.XXXX")
  ln -s "$1" "$dir/"
  local f; f=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$f" "$HTA_PYTHON" -c "
import warnings, logging; warnings.filterwarnings('ignore'); logging.disable(logging.WARNING)
from hta.trace_analysis import TraceAnalysis
ta = TraceAnalysis(trace_dir='$dir')
ta.get_gpu_kernel_breakdown(visualize=False)
" > /dev/null 2>&1
  echo "hta $(cat "$f")"
  rm -rf "$dir" "$f"
}

bench() { # name target-mb with_hta
  local file; file=$(make_trace "$1" "$2")
  local gz_bytes raw_bytes
  gz_bytes=$(stat -c %s "$file")
  raw_bytes=$(gzip -dc "$file" | wc -c)
  local log; log=$(mktemp)
  for _ in $(seq "$REPS"); do   # interleaved, so load changes hit both alike
    time_cmd gzip gzip -dc "$file" >> "$log"
    time_cmd triage "$PP" trace triage "$file" --format json >> "$log"
  done
  if [ "$3" = yes ] && [ -x "$HTA_PYTHON" ]; then hta_run "$file" >> "$log"; fi
  local g t tr h hr
  g=$(awk '$1=="gzip"{print $2}' "$log" | median)
  t=$(awk '$1=="triage"{print $2}' "$log" | median)
  tr=$(awk '$1=="triage"{print $3}' "$log" | sort -n | tail -1)
  echo "| $1 | $((raw_bytes / 1000000)) MB ($((gz_bytes / 1000000)) MB gz) | $g s | $t s | $(awk -v a="$t" -v b="$g" 'BEGIN{printf "%.2f", a/b}') | $((tr / 1024)) MiB | $(awk -v r="$tr" -v u="$raw_bytes" 'BEGIN{printf "%.1f%%", 100*r*1024/u}') |"
  if grep -q '^hta ' "$log"; then
    h=$(awk '$1=="hta"{print $2}' "$log"); hr=$(awk '$1=="hta"{print $3}' "$log")
    echo "| $1, HTA 0.5 | | | $h s (HTA) | $(awk -v a="$t" -v b="$h" 'BEGIN{printf "%.3f (triage/HTA)", a/b}') | $((hr / 1024)) MiB (HTA) | $(awk -v r="$hr" -v u="$raw_bytes" 'BEGIN{printf "%.0f%%", 100*r*1024/u}') |"
  fi
  cat "$log" >&2
  rm -f "$log"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB RAM; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "source trace: $SRC; repetitions: $REPS (median wall time; max RSS)"
echo
echo "| trace | size | gzip -dc | perfpilot trace triage | triage / gzip | triage peak RSS | RSS / uncompressed |"
echo "|---|---:|---:|---:|---:|---:|---:|"
bench trace-1g 1000 no
bench trace-200m 200 yes
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${KEEP:-0}" != 1 ]; then rm -f "$BENCH_DIR"/trace-1g.json.gz "$BENCH_DIR"/trace-200m.json.gz; fi
