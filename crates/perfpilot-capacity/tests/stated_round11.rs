//! Stated values for the classes of misses of the thirteenth blind batch `heldout-19` (issue
//! 15, branch capfix11), written from the engines' format strings, all on non-CUDA serving
//! stacks: SGLang-JAX's KV lines (`ModelRunner kv_cache_dtype: <class 'jax.numpy.X'>`, `TPU
//! Memory profiling: … available_kv_cache=X.XGB …`, `ModelRunner [final] max_total_num_tokens:
//! N`) and its scheduler's limits (`(context_len=N, …)`, `Final max_running_requests: N`),
//! tpu-inference's `Memory statistics | total_hbm_limit_gb=…GiB | total_hbm_limit_cap_gb=…` and
//! vllm-ascend's `Available memory: N, total memory: M` (bytes). Real lines (corpus development
//! pastes of `heldout-19` outside its set-aside third, public logs), each with its source.

mod common;

use common::{corpus, numbers};
use perfpilot_capacity::stated::{Value, stated_values};

/// The word values of `key` in `text`, in line order.
fn words(text: &str, key: &str) -> Vec<String> {
    stated_values(&perfpilot_launchlog::parse_log(text))
        .into_iter()
        .filter(|v| v.key == key)
        .filter_map(|v| match v.value {
            Value::Text(t) => Some(t),
            _ => None,
        })
        .collect()
}

#[test]
fn sglang_jax_kv_lines_give_dtype_budget_and_token_capacity() {
    // sgl-project/sglang-jax#204 (heldout-19, development third): SGLang-JAX on a CUDA GPU.
    let text = corpus("sglang-jax204-cuda-qwen3-06b-tp1-kv-budget-33.7-max-total-315424-cut.log");
    assert_eq!(words(&text, "kv_dtype"), vec!["bfloat16".to_string()]);
    assert_eq!(numbers(&text, "kv_budget"), vec![(1, 33.7)]);
    assert_eq!(numbers(&text, "max_total_num_tokens"), vec![(1, 315424.0)]);
}

#[test]
fn sglang_jax_later_profiling_and_final_token_lines() {
    // The 2026 profiling line, as a public deployment note quotes it from a TPU run (code
    // store, find_string id 59853638922; the store names no repository). No public log of the
    // final-capacity line was found: it is sglang-jax model_runner_kv_cache_mixin.py's format
    // (`ModelRunner final max_total_num_tokens: %s`, no prefix) filled with that run's
    // max_tokens.
    let text =
        "TPU Memory profiling: available_kv_cache=7.1GB, max_tokens=155222, cell_size=49152 bytes";
    assert_eq!(numbers(text, "kv_budget"), vec![(1, 7.1)]);
    let fin = "ModelRunner final max_total_num_tokens: 155222";
    assert_eq!(numbers(fin, "max_total_num_tokens"), vec![(1, 155222.0)]);
}

#[test]
fn tpu_inference_memory_statistics_give_hbm_and_budget() {
    // vllm-project/tpu-inference#898 (heldout-19, development third): one chip.
    let text =
        corpus("vllm-tpuinference898-v1-tpu-qwen3-06b-enforce-eager-hbm-30.75-cap-27.67-cut.log");
    assert_eq!(numbers(&text, "total_gpu_memory"), vec![(1, 30.75)]);
    assert_eq!(numbers(&text, "budget"), vec![(1, 27.67)]);
    // A public Gemma run on a v5e chip (code store, find_string id 59266910838):
    // tpu_worker.py:557, the same f-string.
    let line = "INFO 08-16 20:23:52 [tpu_worker.py:557] Memory statistics | total_hbm_limit_gb=15.75GiB | total_hbm_limit_cap_gb=14.49GiB | total_hbm_used_gb=1.86GiB | total_hbm_avail_gb=12.63GiB";
    assert_eq!(numbers(line, "total_gpu_memory"), vec![(1, 15.75)]);
    assert_eq!(numbers(line, "budget"), vec![(1, 14.49)]);
}

#[test]
fn vllm_ascend_available_and_total_memory_are_bytes() {
    // vllm-project/vllm-ascend#3843 (heldout-19, development third): four TP ranks, 0 left.
    let text =
        corpus("vllm-ascend3843-v1-910b4-tp8-qwen3-next-80b-available-0-total-65452113920-cut.log");
    let budget = numbers(&text, "kv_budget");
    assert!(!budget.is_empty() && budget.iter().all(|&(l, v)| l == 1 && v == 0.0), "{budget:?}");
    let total = numbers(&text, "total_gpu_memory");
    assert!(!total.is_empty(), "no total");
    // vllm-project/vllm-ascend#3479 (an Ascend 310P, v0.11.0rc0): 26954181529 of 46431260672 B.
    let line = "(EngineCore_DP0 pid=3132) INFO 10-15 16:32:15 [worker_v1.py:234] Available memory: 26954181529, total memory: 46431260672";
    let gib = |b: f64| (b / (1u64 << 30) as f64 * 100.0).round() / 100.0;
    assert_eq!(numbers(line, "kv_budget"), vec![(1, gib(26954181529.0))]);
    assert_eq!(numbers(line, "total_gpu_memory"), vec![(1, gib(46431260672.0))]);
}

#[test]
fn host_available_memory_lines_are_not_a_kv_budget() {
    // MEGAHIT's host-memory line (a public assembly log, code store find_string id
    // 34953486499): no `, total memory:` after it.
    let line = "--- [Sun Mar 31 01:38:23 2019] Available memory: 25333133312, used: 22799819980";
    assert!(numbers(line, "kv_budget").is_empty(), "{line}");
    assert!(numbers(line, "total_gpu_memory").is_empty(), "{line}");
    // TensorRT-LLM's `… with free memory F of total memory T` (NVIDIA/TensorRT-LLM#8961, corpus
    // trtllm-8961-pytorch-pp-multinode-kv.log, cut) is no NPU total.
    let trt = "[11/07/2025-07:20:57] [TRT-LLM] [W] Both free_gpu_memory_fraction and max_tokens are set (to 0.9 and 8256 with free memory 1.687347412109375 of total memory 5.8";
    assert!(numbers(trt, "total_gpu_memory").is_empty());
}

#[test]
fn sglang_jax_request_limits_give_running_requests_and_context() {
    // sgl-project/sglang-jax#477 (a TPU v6e-8 run, the scheduler's constraint block as pasted).
    let text = "Max running requests constraints:\n   - Server limit: 1024 (configured)\n   - Token pool size: 1025\n   - Attention backend: 512 (context_len=32768, page_size=128)\n   → Final max_running_requests: 512";
    assert_eq!(numbers(text, "max_running_requests"), vec![(1, 512.0)]);
    assert_eq!(numbers(text, "context_len"), vec![(1, 32768.0)]);
}

#[test]
fn gaudi_kv_reserve_is_the_kv_budget() {
    // vLLM on Gaudi (HabanaAI/vllm-fork hpu_worker.py), the example log of vLLM's
    // README_GAUDI.md / HabanaAI/vllm-fork#147 (code store, find_string id 61318556111).
    let line = "INFO 08-02 17:37:54 hpu_worker.py:158] Free device memory: 79.16 GiB, 39.58 GiB usable (gpu_memory_utilization=0.5), 15.83 GiB reserved for HPUGraphs (VLLM_GRAPH_RESERVED_MEM=0.4), 23.75 GiB reserved for KV cache";
    assert_eq!(numbers(line, "kv_budget"), vec![(1, 23.75)]);
    // The 2024 habana_worker.py wording of the same line (Gaudi docs, find_string id 23156312023).
    let old = "INFO 09-24 17:31:40 habana_worker.py:177] Free device memory: 79.22 GiB, 71.3 GiB usable (gpu_memory_utilization=0.9), 7.13 GiB reserved for HPUGraphs (VLLM_GRAPH_RESERVED_MEM=0.1), 64.17 GiB reserved for KV cache";
    assert_eq!(numbers(old, "kv_budget"), vec![(1, 64.17)]);
}
