#!/usr/bin/env bash
# Side-by-side: `perfpilot capacity explain` vs `grep -c -F` with the same trigger phrases,
# on one synthetic launch log (real fixture lines interleaved with scheduler noise lines).
# Usage: benches/parse_vs_grep.sh [MiB] (default 512). Prints a markdown table row set.
set -euo pipefail
cd "$(dirname "$0")/../../.."
MIB="${1:-512}"
BIN="${PERFPILOT_BIN:-target/release/perfpilot}"
[ -x "$BIN" ] || cargo build --release -p perfpilot >&2
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
LOG="$WORK/launch.log"
python3 crates/perfpilot-capacity/benches/genlaunch.py "$LOG" "$MIB"
PHRASES=crates/perfpilot-capacity/benches/phrases
SIZE=$(stat -c %s "$LOG")
cat "$LOG" > /dev/null # warm the page cache for both
# Output goes to a file, not /dev/null: GNU grep stops at the first match when its output
# is /dev/null, which would not be a like-for-like run.
t() { local s e; s=$(date +%s.%N); "$@" > "$WORK/out"; e=$(date +%s.%N); echo "$e - $s" | bc; }
G=$(t grep -c -F -f "$PHRASES" "$LOG")
P=$(t "$BIN" capacity explain "$LOG" --format json)
RSS=$( { /usr/bin/time -f '%M' "$BIN" capacity explain "$LOG" --format json > "$WORK/out"; } 2>&1 | tail -1 )
echo "| input | grep -c -F -f phrases (s) | perfpilot capacity explain (s) | ratio (perfpilot / grep) | perfpilot max RSS (MiB) |"
echo "|---|---:|---:|---:|---:|"
printf '| %d MiB synthetic launch log | %.2f | %.2f | %.2f | %d |\n' "$((SIZE >> 20))" "$G" "$P" "$(echo "$P / $G" | bc -l)" "$((RSS / 1024))"
