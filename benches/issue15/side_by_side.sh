#!/bin/bash
# Issue #15/#18 speed figures, side by side with a baseline binary (docs/performance.md,
# "Final side by side (lead, 2026-12-07 15:19)").
#   BASE=/path/to/perfpilot-aec414c [MAIN=target/release/perfpilot] benches/issue15/side_by_side.sh [ROUNDS]
# Inputs are generated from the fixtures of commit b7b8639 (the inputs of every earlier figure):
# a 1 GiB triage log (genlog.py, big_log.rs's construction) and a 1 GiB launch log (parse_vs_grep.sh's
# genlaunch.py); `phrases` is parse_vs_grep.sh's 13-line list for `grep -c -F -f`. Needs `perf` and git;
# writes under ${OUT:-/tmp/pp-issue15}.
set -eu
N=${1:-5}; HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
D=${OUT:-/tmp/pp-issue15}; mkdir -p "$D/b7" "$D/out"
A=${BASE:?BASE must name the baseline perfpilot binary}; M=${MAIN:-$ROOT/target/release/perfpilot}
if [ ! -f "$D/triage1g.log" ]; then
  git -C "$ROOT" archive b7b8639 tests/fixtures/triage tests/fixtures/capacity/launch | tar -x -C "$D/b7"
  python3 "$HERE/genlog.py" "$D/b7" "$D/triage1g.log" 1024
  (cd "$D/b7" && python3 "$ROOT/crates/perfpilot-capacity/benches/genlaunch.py" "$D/launch1g.log" 1024)
fi
T=$ROOT/tests/fixtures/trace/tl_b200_vllm_gptoss_tp8/eager_trace.json.gz
ps1() { local n=$1; shift; perf stat -x, -e task-clock,duration_time "$@" 2>&1 >"$D/out/ps-$n.out" | awk -F, -v n="$n" '/task-clock/{t=$1} /duration_time/{d=$1/1e6} END{printf "%s task-clock %.1f ms wall %.1f ms\n", n, t, d}'; }
for r in $(seq 1 "$N"); do
  echo "round $r load $(cut -d' ' -f1-3 /proc/loadavg)"
  ps1 tri-grep grep -c ERROR "$D/triage1g.log"
  ps1 tri-aec "$A" triage "$D/triage1g.log" --format json
  ps1 tri-main "$M" triage "$D/triage1g.log" --format json
  ps1 cap-grep grep -c -F -f "$ROOT/crates/perfpilot-capacity/benches/phrases" "$D/launch1g.log"
  ps1 cap-aec "$A" capacity explain "$D/launch1g.log" --format json
  ps1 cap-main "$M" capacity explain "$D/launch1g.log" --format json
  for _ in 1 2 3; do ps1 trace-aec "$A" trace triage "$T" --format json; ps1 trace-main "$M" trace triage "$T" --format json; done
done
echo "end load $(cut -d' ' -f1-3 /proc/loadavg)"
