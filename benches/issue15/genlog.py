# Line-for-line copy of crates/perfpilot-triage/benches/big_log.rs build() (fixtures + noise blocks).
import os, sys
root = sys.argv[1] + "/tests/fixtures/triage"
out = sys.argv[2]; size = int(sys.argv[3]) << 20
M = (1 << 64) - 1
logs = []
for d in ["failures", "launch"]:
    for n in sorted(os.listdir(os.path.join(root, d)), key=lambda s: s.encode()):
        logs.append(open(os.path.join(root, d, n), encoding="utf-8", newline="").read())
def noise(seed):
    s = []
    x = (seed * 6364136223846793005 + 1442695040888963407) & M
    for i in range(2000):
        x ^= (x << 13) & M; x ^= x >> 7; x ^= (x << 17) & M
        mm, ss = (i // 60) % 60, i % 60
        r = x % 100
        if r < 45:
            line = f"[2025-03-07 21:{mm:02}:{ss:02} TP{x%8}] Decode batch. #running-req: {x%300}, #token: {x%90000}, token usage: 0.{x%99:02}, cuda graph: True, gen throughput (token/s): {x%5000}.{x%10}, #queue-req: {x%5}\n"
        elif r < 60:
            line = f"[2025-03-07 21:{mm:02}:{ss:02} TP{x%8}] Prefill batch. #new-seq: 1, #new-token: {x%4000}, #cached-token: {x%500}, token usage: 0.{x%99:02}, #running-req: {x%30}, #queue-req: 0\n"
        elif r < 80:
            line = f"[2025-03-07 21:{mm:02}:{ss:02}] INFO:     127.0.0.1:{30000 + x%20000} - \"POST /v1/chat/completions HTTP/1.1\" 200 OK\n"
        elif r < 95:
            line = f"(APIServer pid=1234) INFO 03-07 21:{mm:02}:{ss:02} [loggers.py:123] Engine 000: Avg prompt throughput: {x%900}.3 tokens/s, Avg generation throughput: {x%700}.1 tokens/s, Running: {x%40} reqs, Waiting: 0 reqs, GPU KV cache usage: {x%90}.1%, Prefix cache hit rate: 12.5%\n"
        else:
            line = f"(APIServer pid=1234) ERROR 03-07 21:{mm:02}:{ss:02} [serving_chat.py:200] Error in preprocessing prompt inputs\n"
        s.append(line)
    return "".join(s).encode()
blocks = [noise(i) for i in range(8)]
logb = [l.encode() for l in logs]
n = k = 0
with open(out, "wb", buffering=1 << 20) as f:
    while n < size:
        log = logb[k % len(logb)]; nb = blocks[k % len(blocks)]
        f.write(log)
        if not log.endswith(b"\n"): f.write(b"\n")
        f.write(nb)
        n += len(log) + len(nb) + 1
        k += 1
