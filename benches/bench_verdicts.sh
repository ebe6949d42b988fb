#!/usr/bin/env bash
# Quality of `bench compare`'s verdicts against `perfpilot sim serve` (real HTTP servers
# in other processes, real time):
#   1. PAIRS A/A pairs of single runs (within-run bootstrap) and PAIRS A/A pairs of
#      3-repeat groups (hierarchical bootstrap) against one simulator: how often a key
#      metric (TTFT, TPOT median) or E2E median is falsely called FASTER/SLOWER;
#      and PAIRS A/A pairs `bench compare --run FAST FAST --repeats 3` (interleaved ABBA
#      rounds, compared paired by round, and the same files unpaired: kind interleaved);
#   2. SLOW_PAIRS `bench compare --run FAST SLOW --repeats 3` against a simulator made 10%
#      slower (`--set cost_scale=1.1`): how often it is called SLOWER, and FASTER when
#      the pair is swapped (both paired by round).
# KINDS (default "single groups paired") picks the A/A kinds to run.
# Workload: 24 token-id prompts 256 → 32 tokens, 2 in flight (about 3 s a run).
# Every comparison is made twice on the same files: with the default Harrell-Davis
# medians and with the plain sample median (kind suffix /sample), side by side.
# Prints a markdown table for docs/performance.md.
#
#   benches/bench_verdicts.sh                     # PAIRS=20 SLOW_PAIRS=5, debug build
#   COST=4 benches/bench_verdicts.sh              # simulated costs x4 (slower: x4.4), as
#                                                 # the bench_trust A/A test runs it
#   PP=target/release/perfpilot PAIRS=30 benches/bench_verdicts.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-20}
SLOW_PAIRS=${SLOW_PAIRS:-5}
PP=${PP:-target/debug/perfpilot}
[ "${SKIP_BUILD:-0}" = 1 ] || cargo build -p perfpilot >&2
DIR=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$DIR"; }
trap cleanup EXIT

start_sim() { # name extra... -> sets URL (not in a subshell: the pid must reach PIDS)
  local name=$1; shift
  "$PP" sim serve --port 0 --no-access-log --log-file "$DIR/$name.log" "$@" >/dev/null 2>&1 &
  PIDS+=($!)
  URL=
  for _ in $(seq 100); do
    URL=$(grep -o 'Uvicorn running on http://[0-9.:]*' "$DIR/$name.log" 2>/dev/null | awk '{print $4}' || true)
    [ -n "$URL" ] && return
    sleep 0.1
  done
  echo "sim $name did not start" >&2; exit 1
}
COST=${COST:-1}
SLOW_COST=$(python3 -c "print(round($COST * 1.1, 6))")
start_sim fast --set cost_scale="$COST"; FAST=$URL
start_sim slow --set cost_scale="$SLOW_COST"; SLOW=$URL
: >"$DIR/lines"
W=(--token-ids --vocab-size 32000 --num-prompts 24 --input-len 256 --output-len 32
   --max-concurrency 2 --format json)

serve() { "$PP" bench serve --url "$1" --output "$2" "${W[@]}" "${@:3}" >/dev/null || true; }
# verdicts FILE... -> one line "metric=VERDICT ..." for the key metrics and E2E
verdicts() {
  # Harrell-Davis medians (default); the same files again with the plain sample median
  # (PERFPILOT_STATS_QUANTILE=sample) on a second line, kind suffixed "/sample".
  verdicts_with harrell-davis "$@"
  echo
  printf '%s/sample ' "$KIND"
  verdicts_with sample "$@"
}
verdicts_with() {
  local est=$1; shift
  # bench compare exits 1 on a SLOWER key metric: its status is not a failure here.
  { PERFPILOT_STATS_QUANTILE=$est "$PP" bench compare "$@" --format json 2>/dev/null || true; } | python3 -c '
import json, sys
d = json.load(sys.stdin)["result"]["verdicts"]
want = ["ttft_ms.median", "tpot_ms.median", "e2e_ms.median", "output_throughput"]
out = []
for v in d:
    if v["metric"] in want:
        out.append(v["metric"] + "=" + (v["comparison"] or {}).get("verdict", "-"))
print(" ".join(out), end="")' || printf ' compare=failed'

}

KINDS=${KINDS:-single groups paired}
has() { case " $KINDS " in *" $1 "*) return 0;; *) return 1;; esac; }
for i in $(seq "$PAIRS"); do
  seed=$((1000 + 10 * i))
  if has single; then
    serve "$FAST" "$DIR/s$i-a.json" --seed "$seed"
    serve "$FAST" "$DIR/s$i-b.json" --seed "$seed"
    KIND=single; echo "single $(verdicts "$DIR/s$i-a.json" "$DIR/s$i-b.json")" >>"$DIR/lines"
  fi
  if has groups; then
    serve "$FAST" "$DIR/g$i-a.json" --seed "$seed" --repeats 3
    serve "$FAST" "$DIR/g$i-b.json" --seed "$seed" --repeats 3
    KIND=groups; echo "groups $(verdicts "$DIR/g$i-a.json" "$DIR/g$i-b.json")" >>"$DIR/lines"
  fi
  if has paired; then
    "$PP" bench compare --run "$FAST" "$FAST" --repeats 3 --seed "$seed" \
      "${W[@]}" --output-dir "$DIR/aa$i" >/dev/null 2>&1 || true
    KIND=paired
    echo "paired $(verdicts --paired "$DIR"/aa$i/a?.json --vs "$DIR"/aa$i/b?.json)" >>"$DIR/lines"
    # The same interleaved files compared unpaired: what the pairing itself adds.
    KIND=interleaved
    echo "interleaved $(verdicts "$DIR"/aa$i/a?.json --vs "$DIR"/aa$i/b?.json)" >>"$DIR/lines"
  fi
  echo "A/A pair $i/$PAIRS done" >&2
done
for i in $(seq "$SLOW_PAIRS"); do
  "$PP" bench compare --run "$FAST" "$SLOW" --repeats 3 --seed $((5000 + 10 * i)) \
    "${W[@]}" --output-dir "$DIR/ab$i" >/dev/null 2>&1 || true
  KIND=slower
  echo "slower $(verdicts --paired "$DIR"/ab$i/a?.json --vs "$DIR"/ab$i/b?.json)" >>"$DIR/lines"
  KIND=swapped
  echo "swapped $(verdicts --paired "$DIR"/ab$i/b?.json --vs "$DIR"/ab$i/a?.json)" >>"$DIR/lines"
  echo "10%-slower pair $i/$SLOW_PAIRS done" >&2
done
cp "$DIR/lines" "${LINES_OUT:-/dev/null}" 2>/dev/null || true
python3 - "$DIR/lines" <<'PY'
import collections, sys
rows = collections.defaultdict(lambda: collections.defaultdict(collections.Counter))
for line in open(sys.argv[1]):
    kind, *pairs = line.split()
    for p in pairs:
        m, v = p.split("=")
        rows[kind][m][v] += 1
print("| comparison | metric | pairs | FASTER | SLOWER | SAME | NOISY | no verdict |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for kind in [k + e for k in ["single", "groups", "paired", "interleaved", "slower", "swapped"] for e in ["", "/sample"]]:
    for m, c in rows[kind].items():
        n = sum(c.values())
        print(f"| {kind} | {m} | {n} | {c['FASTER']} | {c['SLOWER']} | {c['SAME']} | {c['NOISY']} | {c['-']} |")
PY
