#!/usr/bin/env bash
# `trace layers` vs `trace triage` on the same scaled trace, side by side, in one run.
#
#   benches/trace_layers_vs_triage.sh [BASE_TRACE] [TARGET_MB] [RUNS]
#
# Tiles BASE_TRACE (default: the TraceLens B200 vLLM gpt-oss trace) to TARGET_MB
# (default 1000) of uncompressed JSON under a temporary directory with
# ../shared/tools/scale-trace, then times RUNS (default 3) alternating runs of each
# command (release binary, output to /dev/null) and prints wall time and peak RSS
# (GNU time) per run, and the median ratio layers / triage. The scaled trace is deleted
# at exit (SCALED_TRACE=FILE reuses an existing one and keeps it; PERFPILOT_BIN=FILE
# times another binary). Run with `nice` on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:-tests/fixtures/trace/tl_b200_vllm_gptoss_tp8/eager_trace.json.gz}"
mb="${2:-1000}"
runs="${3:-3}"
config="tests/fixtures/layers/openai__gpt-oss-120b/config.json"
bin="${PERFPILOT_BIN:-target/release/perfpilot}"
[ -x "$bin" ] || cargo build --release -p perfpilot
tmp="$(mktemp -d /tmp/perfpilot-layers-bench.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
big="$tmp/scaled.json.gz"
if [ -n "${SCALED_TRACE:-}" ]; then big="$SCALED_TRACE"; else
  python3 "${SHARED:-../shared}/tools/scale-trace" "$base" "$big" --target-mb "$mb" 2>"$tmp/scale.json" >/dev/null
fi
echo "trace: $big ($(stat -c %s "$big") bytes on disk)"
measure() { # name, args...
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$tmp/t" "$bin" "$@" --format json >/dev/null
  read -r secs kb <"$tmp/t"
  echo "$name $secs $kb" | tee -a "$tmp/results"
}
for i in $(seq "$runs"); do
  measure triage trace triage "$big"
  measure layers trace layers "$big" --config "$config"
done
python3 - "$tmp/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
med = lambda n, c: statistics.median(float(r[c]) for r in rows if r[0] == n)
t, l = med("triage", 1), med("layers", 1)
print(f"median wall: triage {t:.2f} s, layers {l:.2f} s, ratio layers/triage {l / t:.2f}")
print(f"median peak RSS: triage {med('triage', 2) / 1024:.0f} MiB, layers {med('layers', 2) / 1024:.0f} MiB")
PY
