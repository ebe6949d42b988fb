#!/usr/bin/env bash
# Client CPU per streamed token: perfpilot bench serve vs AIPerf vs GuideLLM, side by side
# against the same server in one run (docs/performance.md, "Benchmark client overhead").
#
#   crates/perfpilot-bench/benches/peers.sh [REQUESTS] [CONCURRENCY] [OUTPUT_LEN]
#
# Server: `perfpilot sim serve --profile zero-cost` (never the bottleneck) in its own
# process. Each client runs the same workload: REQUESTS streamed completions of
# OUTPUT_LEN tokens (ignore_eos), ~64-token synthetic prompts, CONCURRENCY in flight.
# Client cost = user + system CPU of the whole client process (start-up included), from
# /usr/bin/time; tokens = what each client itself reports as generated.
# Peers are installed from PyPI into venvs under ~/.cache/perfpilot/peers (not the repo):
#   python3 -m venv aiperf && aiperf/bin/pip install aiperf==0.13.0
#   python3 -m venv guidellm && guidellm/bin/pip install guidellm==0.8.1
# PERFPILOT_BIN_BEFORE=path adds a second perfpilot build to the same run (before/after).
# They need a tokenizer in a Hugging Face cache layout (offline): the script builds one
# from the repo's GPT-2 fixture.
set -euo pipefail
cd "$(dirname "$0")/../../.."
N="${1:-200}"; C="${2:-32}"; OUT_LEN="${3:-128}"
PEERS="${PERFPILOT_PEERS:-$HOME/.cache/perfpilot/peers}"
WORK="$(mktemp -d /tmp/perfpilot-peers.XXXXXX)"
BIN="${PERFPILOT_BIN:-target/release/perfpilot}"
[ -x "$BIN" ] || cargo build --release -p perfpilot >&2

# Offline tokenizer in HF cache layout (serving-bench.md §4.4).
export HF_HOME="$WORK/hf" HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
snap="$HF_HOME/hub/models--local--gpt2/snapshots/0000000000000000000000000000000000000000"
mkdir -p "$snap" "$HF_HOME/hub/models--local--gpt2/refs"
cp tests/fixtures/bench/tokenizers/gpt2/tokenizer.json "$snap/"
echo '{"model_max_length": 1024, "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "tokenizer_class": "GPT2Tokenizer"}' >"$snap/tokenizer_config.json"
echo '{"model_type": "gpt2", "vocab_size": 50257}' >"$snap/config.json"
# No trailing newline: huggingface_hub reads the ref verbatim.
printf 0000000000000000000000000000000000000000 >"$HF_HOME/hub/models--local--gpt2/refs/main"

port=$((20000 + RANDOM % 20000))
"$BIN" sim serve --profile zero-cost --port "$port" --no-access-log >"$WORK/server.log" 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null || true; rm -rf "$WORK"' EXIT
url="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$url/v1/models" >/dev/null && break; sleep 0.2; done
model="$(curl -s "$url/v1/models" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["id"])')"

measure() { # name, token-count command, client command...
  local name="$1" count="$2"; shift 2
  /usr/bin/time -f "%U %S %e %M" -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>&1 || {
    echo "$name failed:" >&2; tail -20 "$WORK/$name.out" >&2; return 0; }
  read -r user sys wall rss <"$WORK/$name.time"
  local tokens; tokens="$(eval "$count")"
  python3 - "$name" "$user" "$sys" "$wall" "$rss" "$tokens" <<'PY'
import sys
name, user, sys_, wall, rss, tokens = sys.argv[1], *map(float, sys.argv[2:])
cpu = user + sys_
print(f"| {name} | {tokens:.0f} | {cpu:.2f} | {wall:.1f} | {rss/1024:.0f} | {cpu*1e6/tokens:.1f} |")
PY
}

echo "Server: perfpilot sim serve --profile zero-cost ($model); $N requests, concurrency $C, ~64 → $OUT_LEN tokens, completions, streamed"
echo
echo "| client | output tokens | client CPU user+sys (s) | wall (s) | peak RSS (MiB) | CPU per token (µs) |"
echo "|---|---:|---:|---:|---:|---:|"
measure perfpilot \
  "python3 -c 'import json; print(json.load(open(\"$WORK/pp.json\"))[\"result\"][\"summary\"][\"total_output_tokens\"])'" \
  "$BIN" bench serve --url "$url" --num-prompts "$N" --max-concurrency "$C" --input-len 64 \
  --output-len "$OUT_LEN" --tokenizer tests/fixtures/bench/tokenizers/gpt2/tokenizer.json \
  --warmup 0 --output "$WORK/pp.json" --format json
# A second perfpilot build side by side (e.g. before a change): PERFPILOT_BIN_BEFORE=path.
if [ -n "${PERFPILOT_BIN_BEFORE:-}" ]; then
  measure "perfpilot (before)" \
    "python3 -c 'import json; print(json.load(open(\"$WORK/pp0.json\"))[\"result\"][\"summary\"][\"total_output_tokens\"])'" \
    "$PERFPILOT_BIN_BEFORE" bench serve --url "$url" --num-prompts "$N" --max-concurrency "$C" --input-len 64 \
    --output-len "$OUT_LEN" --tokenizer tests/fixtures/bench/tokenizers/gpt2/tokenizer.json \
    --warmup 0 --output "$WORK/pp0.json" --format json
fi
if [ -x "$PEERS/aiperf/bin/aiperf" ]; then
  measure "AIPerf 0.13.0" \
    "python3 -c 'import json; print(json.load(open(\"$WORK/aiperf/profile_export_aiperf.json\"))[\"output_token_count\"][\"sum\"])'" \
    "$PEERS/aiperf/bin/aiperf" profile --model "$model" --url "$url" --endpoint-type completions \
    --streaming --concurrency "$C" --request-count "$N" --prompt-input-tokens-mean 64 \
    --prompt-input-tokens-stddev 0 --prompt-output-tokens-mean "$OUT_LEN" --output-tokens-stddev 0 \
    --extra-inputs ignore_eos:true --tokenizer local/gpt2 --artifact-dir "$WORK/aiperf" \
    --ui-type none
fi
if [ -x "$PEERS/guidellm/bin/guidellm" ]; then
  measure "GuideLLM 0.8.1" \
    "python3 -c 'import json; d=json.load(open(\"$WORK/guidellm.json\")); print(d[\"benchmarks\"][0][\"metrics\"][\"output_token_count\"][\"successful\"][\"total_sum\"])'" \
    "$PEERS/guidellm/bin/guidellm" run \
    --backend "kind=openai_http,target=$url,model=$model,request_format=/v1/completions" \
    --profile "kind=concurrent,streams=$C" --constraint "kind=max_requests,count=$N" \
    --tokenizer kind=hf_auto,model=local/gpt2 \
    --data "kind=synthetic_text,prompt_tokens=64,output_tokens=$OUT_LEN" \
    --output "kind=json,path=$WORK/guidellm.json" --disable-console
fi
