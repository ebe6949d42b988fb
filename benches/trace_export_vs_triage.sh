#!/usr/bin/env bash
# `trace export --parquet` vs `trace triage` on the same trace, side by side, in one run.
#
#   benches/trace_export_vs_triage.sh [TRACE] [RUNS]
#
# TRACE defaults to the largest fixture trace (by file size) under tests/fixtures/trace.
# Times RUNS (default 5) alternating runs of each command (output to /dev/null; the export
# into a fresh temporary directory each run) and prints wall time and peak RSS (GNU time)
# per run, the median ratio export / triage and the dataset's size. PERFPILOT_BIN=FILE
# times another binary (default target/release/perfpilot, built when missing). Run with
# `nice` on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
trace="${1:-$(ls -S tests/fixtures/trace/*/*.json.gz | head -1)}"
runs="${2:-5}"
bin="${PERFPILOT_BIN:-target/release/perfpilot}"
[ -x "$bin" ] || cargo build --release -p perfpilot
tmp="$(mktemp -d /tmp/perfpilot-export-bench.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
echo "trace: $trace ($(stat -c %s "$trace") bytes on disk); binary: $bin"
measure() { # name, args...
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$tmp/t" "$bin" "$@" --format json >/dev/null
  read -r secs kb <"$tmp/t"
  echo "$name $secs $kb" | tee -a "$tmp/results"
}
for i in $(seq "$runs"); do
  measure triage trace triage "$trace"
  rm -rf "$tmp/ds"
  measure export trace export "$trace" --parquet "$tmp/ds"
done
echo "dataset: $(du -sb "$tmp/ds" | cut -f1) bytes"
python3 - "$tmp/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
med = lambda n, c: statistics.median(float(r[c]) for r in rows if r[0] == n)
t, e = med("triage", 1), med("export", 1)
print(f"median wall: triage {t:.3f} s, export {e:.3f} s, ratio export/triage {e / t:.2f}")
print(f"median peak RSS: triage {med('triage', 2) / 1024:.0f} MiB, export {med('export', 2) / 1024:.0f} MiB")
PY
