#!/usr/bin/env bash
# Fit the llama.cpp profile to the real llama-server and check its predictions
# (docs/sim.md, "Fit to a real server"). Needs a built `perfpilot` and a running server:
#   url=$(PERFPILOT_LLAMA_THREADS=2 scripts/llama-server.sh start)   # the profile was fit at -t 2
#   crates/perfpilot-sim/benches/fit_llama.sh "$url" OUT_DIR [PERFPILOT]
# Runs `bench serve` at concurrency 1, 4, 2, 8 on the same random token-id workload
# (128 +-50% prompt tokens, 32 output tokens, ignore_eos), fits on 1 and 4, predicts 2 and 8.
# Each run draws its own prompts (seed 42 + concurrency): with one seed for all, later runs
# replay prompts llama.cpp's prompt cache already holds and compute almost no prefill.
set -euo pipefail
url="$1"
out="${2:-/tmp/perfpilot-fit}"
pp="${3:-perfpilot}"
mkdir -p "$out"
common=(--url "$url" --dataset random --token-ids --vocab-size 32000 --input-len 128
        --range-ratio 0.5 --output-len 32 --warmup 1 --format json)
for c in 1 4 2 8; do
  n=$((c * 6 < 12 ? 12 : c * 6))
  "$pp" bench serve "${common[@]}" --num-prompts "$n" --max-concurrency "$c" --seed $((42 + c)) \
    --output "$out/c$c.json" >/dev/null
  echo "concurrency $c: $n requests done" >&2
done
"$pp" sim fit "$out/c1.json" "$out/c4.json" --predict "$out/c2.json" "$out/c8.json" \
  --profile llamacpp-cpu-gemma3-270m --name llamacpp-cpu-gemma3-270m \
  --profile-out "$out/fitted.toml" --format md
