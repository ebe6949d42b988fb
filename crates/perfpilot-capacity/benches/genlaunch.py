# The launch log parse_vs_grep.sh and benches/issue15/side_by_side.sh time: real launch-fixture lines, one per 50 serving lines. Usage: genlaunch.py OUT MIB (run in a tree holding tests/fixtures/capacity/launch).
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
