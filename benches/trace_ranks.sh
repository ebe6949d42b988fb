#!/usr/bin/env bash
# `perfpilot trace triage` over many ranks: wall time and peak memory on 8 and 32 ranks, side
# by side with HTA 0.5 loading the same 8 ranks (TraceAnalysis(trace_dir) plus
# get_temporal_breakdown and get_comm_comp_overlap, the per-rank tables the rank-skew table
# cross-checks).
# The ranks are one real rank trace (default: the TraceLens B200 vLLM TP8 rank-0 fixture)
# copied under distinct rank ids: `rank-<i>.json.gz`, with `distributedInfo.rank` rewritten
# to <i> so HTA (which takes the rank from the file's content) sees distinct ranks too.
# perfpilot runs with --force (same start times and content on every rank).
#
#   benches/trace_ranks.sh                    # release build, 3 repetitions
#   PROFILE=debug REPS=1 HTA_PYTHON=/tmp/hta-venv/bin/python benches/trace_ranks.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=${SRC:-tests/fixtures/trace/tl_b200_vllm_gptoss_tp8/eager_trace.json.gz}
BENCH_DIR=${BENCH_DIR:-/tmp/perfpilot-bench-ranks}
REPS=${REPS:-3}
PROFILE=${PROFILE:-release}
HTA_PYTHON=${HTA_PYTHON:-/tmp/hta-venv/bin/python}
TARGET=${CARGO_TARGET_DIR:-target}
mkdir -p "$BENCH_DIR"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  if [ "$PROFILE" = release ]; then cargo build --release -p perfpilot >&2; else cargo build -p perfpilot >&2; fi
fi
PP=$TARGET/$PROFILE/perfpilot

make_ranks() { # n -> directory of n rank files
  local dir="$BENCH_DIR/ranks$1"
  if [ ! -s "$dir/rank-$(($1 - 1)).json.gz" ]; then
    mkdir -p "$dir"
    for i in $(seq 0 $(($1 - 1))); do
      gzip -dc "$SRC" | python3 -c "
import sys, re
t = sys.stdin.read()
t = re.sub(r'(\"distributedInfo\"\s*:\s*\{[^}]*\"rank\"\s*:\s*)\d+', r'\g<1>$i', t, count=1)
sys.stdout.write(t)" | gzip -1 > "$dir/rank-$i.json.gz"
    done
  fi
  echo "$dir"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

run_pp() { # dir -> "wall_s rss_kb"
  local f; f=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$f" "$PP" trace triage "$1" --force --format json > /dev/null \
    || { echo "perfpilot failed on $1" >&2; exit 1; }
  cat "$f"; rm -f "$f"
}

run_hta() { # dir n -> "wall_s rss_kb"
  local f; f=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$f" "$HTA_PYTHON" -c "
import warnings, logging; warnings.filterwarnings('ignore'); logging.disable(logging.WARNING)
from hta.trace_analysis import TraceAnalysis
ta = TraceAnalysis(trace_dir='$1')
assert len(ta.t.get_ranks()) == $2, ta.t.get_ranks()
ta.get_temporal_breakdown(visualize=False)
ta.get_comm_comp_overlap(visualize=False)
" > /dev/null 2>&1 || { echo "HTA failed on $1" >&2; exit 1; }
  cat "$f"; rm -f "$f"
}

echo "| tool | ranks | input (gz) | wall s (median of $REPS) | peak RSS MB |"
echo "|---|---:|---:|---:|---:|"
for n in 8 32; do
  dir=$(make_ranks $n)
  size=$(du -sb "$dir" | cut -f1)
  walls=(); rss=()
  for _ in $(seq "$REPS"); do read -r w m < <(run_pp "$dir"); walls+=("$w"); rss+=("$m"); done
  printf '| perfpilot (%s) | %d | %.1f MB | %s | %s |\n' "$PROFILE" "$n" "$(awk "BEGIN {print $size/1e6}")" \
    "$(printf '%s\n' "${walls[@]}" | median)" "$(( $(printf '%s\n' "${rss[@]}" | median | cut -d. -f1) / 1024 ))"
  if [ "$n" = 8 ] && [ -x "$HTA_PYTHON" ]; then
    walls=(); rss=()
    for _ in $(seq "$REPS"); do read -r w m < <(run_hta "$dir" "$n"); walls+=("$w"); rss+=("$m"); done
    printf '| HTA 0.5 | %d | %.1f MB | %s | %s |\n' "$n" "$(awk "BEGIN {print $size/1e6}")" \
      "$(printf '%s\n' "${walls[@]}" | median)" "$(( $(printf '%s\n' "${rss[@]}" | median | cut -d. -f1) / 1024 ))"
  fi
done
[ "${KEEP:-0}" = 1 ] || rm -rf "$BENCH_DIR"
