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
python3 - "$LOG" "$MIB" <<'PY'
import sys, glob
out, mib = sys.argv[1], int(sys.argv[2])
real = []
for p in sorted(glob.glob("tests/fixtures/capacity/launch/*.log")):
    real += open(p, encoding="utf-8").read().splitlines()
noise = [
    "[2025-11-30 11:20:01 TP0] Decode batch. #running-req: 37, #token: 81234, token usage: 0.04, cuda graph: True, gen throughput (token/s): 4123.55, #queue-req: 0",
    "[2025-11-30 11:20:01 TP0] Prefill batch. #new-seq: 1, #new-token: 2048, #cached-token: 0, token usage: 0.04, #running-req: 36, #queue-req: 0",
    '[2025-11-30 11:20:01] INFO:     127.0.0.1:53312 - "POST /v1/chat/completions HTTP/1.1" 200 OK',
]
block = []
for i in range(5000):
    block.append(noise[i % 3])
    if i % 50 == 0:
        block.append(real[(i // 50) % len(real)])
chunk = ("\n".join(block) + "\n").encode()
with open(out, "wb") as f:
    written = 0
    while written < mib << 20:
        f.write(chunk); written += len(chunk)
PY
PHRASES="$WORK/phrases"
printf '%s\n' "Load weight end." "KV Cache is allocated." "Memory pool end." "cuda graph end." "CUDA graph end." \
  "max_total_num_tokens=" "Available KV cache memory:" " KV cache size:" "Maximum concurrency for" \
  "Model loading took" "Loading model weights took" "Memory profiling results:" "# CPU blocks:" > "$PHRASES"
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
