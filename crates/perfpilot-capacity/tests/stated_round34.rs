//! Stated values for the round-34 classes (issue 15, branch capfix34): SGLang's MLX backend on
//! Apple silicon (the MLX runner's load time and its auto-sized attention KV pool, the stub's
//! placeholder pools line read as a setting, not as the scheduler's once-per-run summary). Lines
//! are real, each with its source; none is from the capfix34 set-aside (its nine sources were not
//! opened). Tried and dropped for the scan's speed: the pool line's `mlx_used=` and vLLM's CPU
//! worker's `Explicitly set (X/Y) GiB for KV cache on node N.` (a new prefilter head each).

mod common;

use common::{corpus, numbers};

/// mattbucci/m4-sglang-inference benchmarks/longctx-bisect/phase0-32k-recipe/server-log-tail.txt
/// (heldout-57, development part): SGLang 0.5.15.post1's MLX runner on an M4 Pro.
const MLX: &str = "sglang-repo-m4sglang-mlx-05151-m4-pro-qwen36-35b-a3b-4bit-turboquant-ctx-32768-kv-1.73-tokens-90943.log";

/// AIEngOc2025/agent-triage-hospitalier logs/vllm_server.log (vllm-metal, round 32's class): the
/// phrases this round's rules start beside.
const METAL: &str = "vllm-repo-agenttriage-v1-0230-vllm-metal-plugin-apple-17.2gb-qwen3-dpo-fp16-len-4096-util-0.7-kv-7.52-tokens-65584-blocks-4099-init-7.72.log";

/// Two `SGLANG_USE_MLX=1 … sglang.bench_one_batch` runs pasted in an sgl-project/sglang pull
/// request (changminbark, M4 Pro, 2026-06-24), their start-up lines as printed (the stub's line,
/// bench_one_batch's own bare `max_total_num_tokens=`, the MLX load and pool).
const PR_TWO_RUNS: &str = "\
[2026-06-24 23:04:51 TP0] Init torch distributed ends. elapsed=0.05 s, mem usage=0.01 GB
[2026-06-24 23:04:51 TP0] MLX stub: skipping PyTorch model weight loading (inference runs through MLX)
[2026-06-24 23:04:51 TP0] MLX stub: initialized minimal pools (max_total_num_tokens=40960, max_running_requests=4096, zero GPU KV cache allocation)
max_total_num_tokens=40960
[2026-06-24 23:04:52 TP0] Loading MLX model: Qwen/Qwen3-0.6B
[2026-06-24 23:04:53 TP0] MLX model loaded in 0.89s
[2026-06-24 23:04:53 TP0] Wired memory limit set to 17.8 GB
[2026-06-24 23:04:53 TP0] Auto-sized attention KV pool: sys_available=4.83 GB, mlx_limit=17.8 GB, mlx_used=1.11 GB, kv_budget=4.25 GB, bytes_per_slot=114688, pool_size=39833
Warmup ...
[2026-06-24 23:08:31 TP0] Init torch distributed ends. elapsed=0.04 s, mem usage=0.00 GB
[2026-06-24 23:08:31 TP0] MLX stub: skipping PyTorch model weight loading (inference runs through MLX)
[2026-06-24 23:08:31 TP0] MLX stub: initialized minimal pools (max_total_num_tokens=40960, max_running_requests=4096, zero GPU KV cache allocation)
max_total_num_tokens=40960
[2026-06-24 23:08:32 TP0] Loading MLX model: Qwen/Qwen3-0.6B
[2026-06-24 23:08:33 TP0] MLX model loaded in 0.94s
[2026-06-24 23:08:33 TP0] Wired memory limit set to 17.8 GB
[2026-06-24 23:08:33 TP0] Auto-sized attention KV pool: sys_available=5.07 GB, mlx_limit=17.8 GB, mlx_used=1.11 GB, kv_budget=4.46 GB, bytes_per_slot=114688, pool_size=41733
";

#[test]
fn mlx_runner_load_and_pool_are_read() {
    let text = corpus(MLX);
    assert_eq!(numbers(&text, "weights_load_s"), vec![(1, 3.53)]);
    // `kv_budget`, `pool_size` (GB is 1024**3 there); `mlx_used` is not read.
    assert!(numbers(&text, "weights").is_empty());
    assert_eq!(numbers(&text, "kv_budget"), vec![(1, 1.73)]);
    assert_eq!(numbers(&text, "kv_tokens"), vec![(1, 90943.0)]);
}

#[test]
fn mlx_stub_line_does_not_open_a_second_launch() {
    let text = corpus(MLX);
    // The stub's placeholder line, then the scheduler's summary: one start, one launch.
    assert_eq!(numbers(&text, "max_total_num_tokens"), vec![(1, 90943.0), (1, 90943.0)]);
    assert_eq!(numbers(&text, "available_gpu_mem"), vec![(1, 30.04)]);
    let launches: std::collections::BTreeSet<u32> =
        numbers(&text, "context_len").into_iter().map(|(l, _)| l).collect();
    assert_eq!(launches.len(), 1);
}

#[test]
fn two_mlx_runs_pasted_are_two_launches() {
    // The second real log: each run's pool under its own launch (bench_one_batch's bare
    // `max_total_num_tokens=` line, printed once per run, still separates them).
    assert_eq!(numbers(PR_TWO_RUNS, "weights_load_s"), vec![(1, 0.89), (2, 0.94)]);
    assert_eq!(numbers(PR_TWO_RUNS, "kv_budget"), vec![(1, 4.25), (2, 4.46)]);
    assert_eq!(numbers(PR_TWO_RUNS, "kv_tokens"), vec![(1, 39833.0), (2, 41733.0)]);
}

#[test]
// 3.14 is the log's load time in seconds, not an approximation of pi.
#[allow(clippy::approx_constant)]
fn vllm_metal_lines_beside_the_mlx_phrases_are_unchanged() {
    // vllm-metal's `Model loaded in 3.14s: …` and its decimal `, kv_budget=7.52GB` (1e9 bytes).
    let text = corpus(METAL);
    assert_eq!(numbers(&text, "weights_load_s"), vec![(1, 3.14)]);
    assert_eq!(numbers(&text, "kv_budget"), vec![(1, 7.0)]);
    assert_eq!(numbers(&text, "weights"), vec![(1, 3.2)]);
}
