#!/usr/bin/env bash
# Issue 20 item 8: perfpilot bench serve vs SGLang 0.5.23's own client
# (sglang.benchmark.serving) on the same llama.cpp server and the same 48 prompts, runs
# interleaved (SGLang, perfpilot, SGLang, perfpilot, ...), ROUNDS rounds. Prints per-run
# TTFT / TPOT / ITL / E2E means and medians and output throughput, then for each metric
# the mean of each client's runs, their difference, and the run-to-run spread (max - min
# over each client's runs): "agree within run-to-run noise" = |difference| <= the larger
# spread.
#
#   scripts/llama-server.sh start            # prints http://127.0.0.1:18080
#   LLAMA_URL=http://127.0.0.1:18080 ROUNDS=3 benches/sglang_side_by_side.sh
#
# SGLang's client is installed from PyPI into a venv outside the repo
# (~/.cache/perfpilot/peers/sglang): sglang==0.5.23 --no-deps, plus aiohttp msgspec numpy
# orjson requests tqdm transformers pybase64 psutil pyzmq pillow starlette IPython
# datasets (pip's resolver warns about the exact transformers/tokenizers pins; the client
# only uses AutoTokenizer). torch is NOT installed (CUDA wheel, gigabytes): `import sglang`
# would import the server runtime, so benches/sglang_client.py loads the client module
# without the package __init__ files (see its docstring); the client's code is unmodified.
# Prompts: the first 48 conversations of the ShareGPT fixture (sample_200) whose human turn
# is 16-400 characters; output fixed at OUTPUT_LEN tokens (ignore_eos, both clients),
# MAX_CONCURRENCY in flight (the server has 4 slots), no request-rate limit, 1 warmup.
set -euo pipefail
cd "$(dirname "$0")/.."
URL=${LLAMA_URL:?set LLAMA_URL (scripts/llama-server.sh start prints it)}
ROUNDS=${ROUNDS:-3}
OUTPUT_LEN=${OUTPUT_LEN:-32}
MAX_CONCURRENCY=${MAX_CONCURRENCY:-4}
PP=${PP:-target/debug/perfpilot}
PEERS=${PERFPILOT_PEERS:-$HOME/.cache/perfpilot/peers}
SGL_PY="$PEERS/sglang/bin/python"
TOK=${TOKENIZER_JSON:-$HOME/.cache/perfpilot/tokenizers/gemma3/tokenizer.json}
[ -x "$SGL_PY" ] || { echo "no SGLang venv at $PEERS/sglang (see the header)" >&2; exit 2; }
[ -s "$TOK" ] || { echo "no tokenizer at $TOK (scripts/llama-server.sh tokenizer)" >&2; exit 2; }
# KEEP_DIR=path keeps every client's output there (default: a temporary directory).
if [ -n "${KEEP_DIR:-}" ]; then
  DIR=$KEEP_DIR
  mkdir -p "$DIR"
else
  DIR=$(mktemp -d)
  trap 'rm -rf "$DIR"' EXIT
fi
# The server's tokenizer as a Hugging Face directory (AutoTokenizer needs a config).
mkdir -p "$DIR/tok"
cp "$TOK" "$DIR/tok/tokenizer.json"
echo '{"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<bos>", "eos_token": "<eos>", "add_bos_token": true}' >"$DIR/tok/tokenizer_config.json"
python3 - tests/fixtures/bench/datasets/sharegpt_v3_sample_200.json "$DIR/prompts.json" <<'PY'
import json, sys
src = json.load(open(sys.argv[1]))
out = []
for c in src:
    conv = c.get("conversations") or []
    if len(conv) >= 2 and conv[0].get("from") == "human" and 16 <= len(conv[0]["value"]) <= 400:
        out.append({"id": c.get("id", str(len(out))), "conversations": conv[:2]})
    if len(out) == 48:
        break
json.dump(out, open(sys.argv[2], "w"))
PY
MODEL=$(curl -sf "$URL/v1/models" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["id"])')
HOSTPORT=${URL#http://}
for r in $(seq "$ROUNDS"); do
  HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 "$SGL_PY" benches/sglang_client.py --backend sglang-oai --host "${HOSTPORT%:*}" \
    --port "${HOSTPORT#*:}" --model "$MODEL" --tokenizer "$DIR/tok" --dataset-name sharegpt \
    --dataset-path "$DIR/prompts.json" --num-prompts 48 --sharegpt-output-len "$OUTPUT_LEN" \
    --max-concurrency "$MAX_CONCURRENCY" --request-rate inf --warmup-requests 1 --seed "$r" \
    --output-file "$DIR/sglang.jsonl" --disable-tqdm >"$DIR/sglang-$r.log" 2>&1 ||
    { echo "SGLang client failed:" >&2; tail -20 "$DIR/sglang-$r.log" >&2; exit 1; }
  "$PP" bench serve --url "$URL" --model "$MODEL" --tokenizer "$TOK" --dataset sharegpt \
    --dataset-path "$DIR/prompts.json" --num-prompts 48 --output-len "$OUTPUT_LEN" \
    --max-concurrency "$MAX_CONCURRENCY" --warmup 1 --seed "$r" \
    --output "$DIR/pp-$r.json" --compat sglang --compat-output "$DIR/pp.sglang.jsonl" \
    --format json >/dev/null 2>"$DIR/pp-$r.log" ||
    { echo "perfpilot failed:" >&2; tail -20 "$DIR/pp-$r.log" >&2; exit 1; }
  echo "round $r/$ROUNDS done" >&2
done
python3 - "$DIR" "$ROUNDS" <<'PY'
import json, sys
d, rounds = sys.argv[1], int(sys.argv[2])
sgl = [json.loads(l) for l in open(f"{d}/sglang.jsonl") if l.strip()]
keys = [("mean_ttft_ms", "ttft_ms", "mean"), ("median_ttft_ms", "ttft_ms", "median"),
        ("mean_tpot_ms", "tpot_ms", "mean"), ("median_tpot_ms", "tpot_ms", "median"),
        ("mean_itl_ms", "itl_ms", "mean"), ("median_itl_ms", "itl_ms", "median"),
        ("mean_e2e_latency_ms", "e2e_ms", "mean"), ("median_e2e_latency_ms", "e2e_ms", "median"),
        ("output_throughput", "output_throughput", None),
        ("total_input_tokens", "total_input_tokens_client", None),
        ("completed", "completed", None)]
pp = [json.load(open(f"{d}/pp-{r}.json"))["result"]["summary"] for r in range(1, rounds + 1)]
def ours(s, k, stat):
    v = s.get(k)
    return v.get(stat) if stat and isinstance(v, dict) else v
print("| metric | SGLang 0.5.23 runs | perfpilot runs | mean SGLang | mean perfpilot | difference | run-to-run spread (max of the two) | within noise |")
print("|---|---|---|---:|---:|---:|---:|---|")
for sk, pk, stat in keys:
    a = [float(r[sk]) for r in sgl]
    b = [float(ours(s, pk, stat)) for s in pp]
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    spread = max(max(a) - min(a), max(b) - min(b))
    ok = "yes" if abs(ma - mb) <= spread else "NO"
    fmt = lambda xs: ", ".join(f"{x:.1f}" for x in xs)
    print(f"| {sk} | {fmt(a)} | {fmt(b)} | {ma:.2f} | {mb:.2f} | {mb - ma:+.2f} | {spread:.2f} | {ok} |")
PY
# The same keys as `--compat sglang` writes them (SGLang's definitions: E2E to the last
# line read, bucketed max_concurrent_requests, the dataset's total_input_tokens).
python3 - "$DIR" <<'PY'
import json, sys
d = sys.argv[1]
sgl = [json.loads(l) for l in open(f"{d}/sglang.jsonl") if l.strip()]
pp = [json.loads(l) for l in open(f"{d}/pp.sglang.jsonl") if l.strip()]
print()
print("| SGLang key (--compat sglang) | SGLang 0.5.23 runs | perfpilot runs | mean SGLang | mean perfpilot | difference | spread | within noise |")
print("|---|---|---|---:|---:|---:|---:|---|")
for k in ["mean_e2e_latency_ms", "median_e2e_latency_ms", "p99_ttft_ms", "p99_itl_ms",
          "request_throughput", "input_throughput", "total_input_tokens",
          "total_output_tokens", "concurrency", "max_concurrent_requests",
          "max_output_tokens_per_s"]:
    a = [float(r[k]) for r in sgl]
    b = [float(r[k]) for r in pp]
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    spread = max(max(a) - min(a), max(b) - min(b))
    ok = "yes" if abs(ma - mb) <= spread else "NO"
    fmt = lambda xs: ", ".join(f"{x:.1f}" for x in xs)
    print(f"| {k} | {fmt(a)} | {fmt(b)} | {ma:.2f} | {mb:.2f} | {mb - ma:+.2f} | {spread:.2f} | {ok} |")
PY
