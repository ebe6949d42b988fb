#!/usr/bin/env bash
# `perfpilot trace triage` with the taxonomy rule file of a base commit against the current
# one, side by side with `gzip -dc` on the same file, all interleaved on one binary (issue #18:
# "triage of one rank is no slower than before"). Both runs pass `--rules FILE`, so both pay
# the same TOML read + regex compile path; only the rule set differs.
#
#   benches/taxonomy_rules_triage.sh [TRACE…]             # default: the B200 vLLM fixture
#   BASE=756b8fb REPS=7 PP=target/release/perfpilot benches/taxonomy_rules_triage.sh big.json.gz
#
# Prints a markdown table (medians of REPS runs: wall time and CPU time = user + sys, the
# figure that load on a shared machine disturbs least; peak RSS) for docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${BASE:-756b8fb}
REPS=${REPS:-7}
PP=${PP:-target/release/perfpilot}
[ -x "$PP" ] || { echo "no binary at $PP (cargo build --release -p perfpilot, or set PP)" >&2; exit 2; }
[ $# -gt 0 ] || set -- tests/fixtures/trace/tl_b200_vllm_gptoss_tp8/eager_trace.json.gz
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git show "$BASE:crates/perfpilot-trace/data/taxonomy.toml" > "$tmp/base.toml"
cp crates/perfpilot-trace/data/taxonomy.toml "$tmp/new.toml"

time_cmd() { # LABEL CMD... -> "LABEL wall_s max_rss_kb user_s sys_s"
  local label=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$tmp/t" "$@" > /dev/null
  echo "$label $(cat "$tmp/t")"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); binary: $PP; base rules: $BASE ($(grep -c '^\[\[rule\]\]' "$tmp/base.toml") rules), new: $(git rev-parse --short HEAD) ($(grep -c '^\[\[rule\]\]' "$tmp/new.toml") rules); $REPS interleaved repetitions"
echo
echo "| trace | gzip -dc wall | triage wall, base / new | new / base (wall) | triage CPU, base / new | new / base (CPU) | new / gzip (wall) | peak RSS base / new |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for f in "$@"; do
  log="$tmp/log"; : > "$log"
  for _ in $(seq "$REPS"); do
    time_cmd gzip gzip -dc "$f" >> "$log"
    time_cmd base "$PP" trace triage "$f" --rules "$tmp/base.toml" --format json >> "$log"
    time_cmd new "$PP" trace triage "$f" --rules "$tmp/new.toml" --format json >> "$log"
  done
  g=$(awk '$1=="gzip"{print $2}' "$log" | median)
  b=$(awk '$1=="base"{print $2}' "$log" | median)
  n=$(awk '$1=="new"{print $2}' "$log" | median)
  bc=$(awk '$1=="base"{print $4+$5}' "$log" | median)
  nc=$(awk '$1=="new"{print $4+$5}' "$log" | median)
  br=$(awk '$1=="base"{print $3}' "$log" | sort -n | tail -1)
  nr=$(awk '$1=="new"{print $3}' "$log" | sort -n | tail -1)
  echo "| $(basename "$f") ($(( $(stat -c %s "$f") / 1000 )) kB gz) | $g s | $b / $n s | $(awk -v a="$n" -v b="$b" 'BEGIN{printf "%.2f", a/b}') | $bc / $nc s | $(awk -v a="$nc" -v b="$bc" 'BEGIN{printf "%.2f", (b>0)?a/b:0}') | $(awk -v a="$n" -v b="$g" 'BEGIN{printf "%.2f", (b>0)?a/b:0}') | $((br / 1024)) / $((nr / 1024)) MiB |"
  cat "$log" >&2
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
