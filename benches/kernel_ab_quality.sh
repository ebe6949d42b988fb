#!/usr/bin/env bash
# Statistical quality of `perfpilot kernel ab` on this machine, at the defaults
# (10 warm-ups / 200 iterations / 7 trials, ABBA, paired bootstrap of the median, 2%
# policy threshold raised by one A/A calibration):
#   - A/A: RUNS fresh runs of the example kernel against itself: how often FASTER/SLOWER
#     is said (target <= 1%);
#   - EFFECTS: candidates doing P% more work by construction (kernel.c -DMORE_WORK=P):
#     how often SLOWER is said (target >= 95% at 5%; else the smallest P that reaches it);
#   - harness overhead: the fixed cost of one measured process (spawn, sh, inputs, JSON
#     lines), from runs with 0 warm-ups and 1 iteration, per timed sample at 200
#     iterations, against the in-process (do_bench-style) sample time.
# Prints a markdown table for docs/performance.md.
#
#   benches/kernel_ab_quality.sh                    # RUNS=100 EFFECTS="5 10 20"
#   RUNS=20 EFFECTS=5 benches/kernel_ab_quality.sh  # the quick version
#   EFFECTS="" VARIANT_EFFECTS="0 5" benches/kernel_ab_quality.sh
#       # variant-argument mode: one process per trial alternating A and B per iteration
#       # (0 = A/A)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-100}
EFFECTS=${EFFECTS-"5 10 20"}
VARIANT_EFFECTS=${VARIANT_EFFECTS-""}
N=${N:-16384}
[ "${SKIP_BUILD:-0}" = 1 ] || cargo build -q -p perfpilot >&2
PP=${PP:-${CARGO_TARGET_DIR:-target}/debug/perfpilot}
SRC=$PWD/examples/kernel-protocol/kernel.c
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

make_task() { # dir candidate-flags
  mkdir -p "$1"
  cat > "$1/task.toml" <<TOML
protocol = "perfpilot.kernel.protocol/1"
name = "quality $2"
[baseline]
command = "./baseline"
build = ["cc -O2 -o baseline '$SRC' -lm"]
[candidate]
command = "./candidate"
build = ["cc -O2 $2 -o candidate '$SRC' -lm"]
[[shapes]]
id = "n$N"
dims = { n = $N }
dtype = "fp32"
TOML
}

make_variant_task() { # dir candidate-flags
  mkdir -p "$1"
  cat > "$1/task.toml" <<TOML
protocol = "perfpilot.kernel.protocol/1"
name = "quality variant $2"
[variant]
command = "./kernel --variant {variant}"
build = ["cc -O2 $2 -o kernel '$SRC' -lm"]
[[shapes]]
id = "n$N"
dims = { n = $N }
dtype = "fp32"
TOML
}

verdict() { python3 -c 'import json,sys; r=json.load(sys.stdin)["result"]; print(r["shapes"][0]["comparison"]["verdict"] if r["shapes"] else "FAILED")'; }

run_many() { # label dir
  local counts="$2.verdicts"
  : > "$counts"
  for _ in $(seq "$RUNS"); do
    "$PP" kernel ab "$2" --no-build --format json 2>/dev/null | verdict >> "$counts" || true
  done
  local f s same noisy
  f=$(grep -c '^FASTER$' "$counts" || true); s=$(grep -c '^SLOWER$' "$counts" || true)
  same=$(grep -c '^SAME$' "$counts" || true); noisy=$(grep -c '^NOISY$' "$counts" || true)
  echo "| $1 | $RUNS | $f | $s | $same | $noisy |"
}

echo "| scenario | runs | FASTER | SLOWER | SAME | NOISY |"
echo "|---|---:|---:|---:|---:|---:|"
if [ -n "$EFFECTS" ]; then
make_task "$WORK/aa" ""
"$PP" kernel calibrate "$WORK/aa" --format json > "$WORK/cal.json" || true
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["result"]["shapes"][0]; print("calibration: A/A ratio %.4f [%.4f, %.4f] noise %.2f%%" % (c["ratio"], c["ci_low"], c["ci_high"], 100*c["noise"]))' "$WORK/cal.json" >&2


"$PP" kernel ab "$WORK/aa" --format json > /dev/null || true   # builds once
run_many "A/A (identical binaries)" "$WORK/aa"
for e in $EFFECTS; do
  make_task "$WORK/e$e" "-DMORE_WORK=$e"
  cp "$WORK/aa/calibration.json" "$WORK/e$e/" 2>/dev/null || true
  "$PP" kernel ab "$WORK/e$e" --format json > /dev/null || true
  run_many "+$e% work" "$WORK/e$e"
done

fi
for e in $VARIANT_EFFECTS; do
  flags=""; [ "$e" = 0 ] || flags="-DMORE_WORK=$e"
  make_variant_task "$WORK/v$e" "$flags"
  if [ "$e" = 0 ]; then
    "$PP" kernel calibrate "$WORK/v$e" --format json > "$WORK/vcal.json" || true
  else
    cp "$WORK/v0/calibration.json" "$WORK/v$e/" 2>/dev/null || true
  fi
  "$PP" kernel ab "$WORK/v$e" --format json > /dev/null || true
  run_many "variant mode, +$e% work" "$WORK/v$e"
done
[ -n "$EFFECTS" ] || exit 0

# Harness overhead: a process with 0 warm-ups and 1 timed iteration is pure fixed cost
# plus one kernel call.
"$PP" kernel ab "$WORK/aa" --no-build --warmups 0 --iterations 1 --trials 21 \
  --results "$WORK/overhead.jsonl" --format json > /dev/null || true
"$PP" kernel ab "$WORK/aa" --no-build --results "$WORK/default.jsonl" --format json > /dev/null || true
python3 - "$WORK/overhead.jsonl" "$WORK/default.jsonl" <<'PY'
import json, statistics, sys
def runs(p):
    return [r for r in map(json.loads, open(p)) if r["type"] == "run"]
fixed = statistics.median(r["wall_s"] - r["samples_us"][0] / 1e6 for r in runs(sys.argv[1]))
d = runs(sys.argv[2])
sample = statistics.median(x for r in d for x in r["samples_us"])
wall = statistics.median(r["wall_s"] for r in d)
n = len(d[0]["samples_us"])
print()
print(f"harness fixed cost per process (spawn, sh, inputs, JSON lines): {fixed*1e3:.2f} ms = "
      f"{fixed/wall*100:.1f}% of a default process ({wall*1e3:.1f} ms wall for {n} timed samples "
      f"of {sample:.1f} us per call, amplified to >= 100 us each, plus 10 warm-ups)")
PY
