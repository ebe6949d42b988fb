//! Stated values for the round-30 classes (issue 15, branch capfix30): trtllm-bench's closing
//! report rows (`KV Memory Percentage:`, `KV Cache Dtype:`), SGLang's `Setting KV cache dtype to
//! …`, argparse's `--max-running-request` abbreviation, vLLM's `init engine took` as a write-up
//! abridges it, and SGLang's `Using KV cache dtype:` of a draft model. Lines are real, each with its source; none is from the capfix30 set-aside (its nine
//! sources were not opened).

mod common;

use common::{corpus, numbers};
use perfpilot_capacity::stated::{Value, stated_values};

/// gittensor-ai-lab/sparkinfer latency_ctx128_out128_max512_graphbs1.log at 13a0578 (heldout-47,
/// development part): trtllm-bench 1.3.0rc20 latency with AutoDeploy on an RTX 5090; a pool of 16
/// blocks (512 tokens), then the resized one of 32 (1024), the benchmark and its report.
const RESIZE: &str = "trtllm-repo-sparkinfer-13rc20-trtllm-bench-autodeploy-rtx5090-qwen3-moe-nvfp4-seq-512-kv-0.02-then-resize-0.05-tokens-1024-report.log";

/// The same harness's context sweep at 4224 tokens (heldout-35): one pool, then a CUDA error.
const ONE_POOL: &str = "trtllm-repo-sparkinfer-13rc20-trtllm-bench-autodeploy-rtx5090-qwen3-moe-nvfp4-seq-4224-blocks-132-kv-0.19-cuda-error.log";

/// sgl-project/sglang#25118: SGLang on four MI300X, DP attention, DeepSeek-V4-Flash FP8.
const ROCM_DP: &str = "sglang-25118-0511dev-rocm-mi300x-tp4-dp4-dp-attention-dsv4-flash-fp8-weights-73.43-full-token-529408-kv-pool-assert.log";

/// The infjournal write-up's tier logs (vLLM 0.11.2, abridged lines).
const TIER02: &str = "vllm-infjournal-tier02-v1-0112-16g-qwen25-15b-util-0.6-weights-2.8871-kv-5.03-tokens-188512-init-22.78.log";
const TIER03: &str = "vllm-infjournal-tier03-v1-0112-rtx2000ada-qwen25-15b-util-0.6-load-6.44-kv-5.03-tokens-188512-init-14.77.log";

/// shun8686/for_debug: SGLang on 16 Ascend NPUs with a NEXTN draft, Feb 2026 (rank 0's lines)
/// and Dec 2025 (every rank's).
const DRAFT_FEB: &str = "sglang-repo-fordebug-ascend-2026-02-dp4-attention-tp16-ep16-dsr1-w4a8-nextn-kv-217600-14.25-draft-kv-0.23-graph-381.70-ready.log";
const DRAFT_DEC: &str = "sglang-repo-fordebug-ascend-2025-12-dp4-attention-tp16-ep16-dsr1-w4a8-eagle-nextn-kv-214528-14.05-draft-kv-0.23-graph-106-ready.log";

/// The word values of `key` in `text`, lower-cased, as (launch, word) pairs in line order.
fn words(text: &str, key: &str) -> Vec<(u32, String)> {
    stated_values(&perfpilot_launchlog::parse_log(text))
        .into_iter()
        .filter(|v| v.key == key)
        .filter_map(|v| match v.value {
            Value::Text(w) => Some((v.launch, w.to_ascii_lowercase())),
            _ => None,
        })
        .collect()
}

#[test]
fn trtllm_bench_report_rows() {
    // The closing report's KV share of free memory and KV dtype (the report follows AutoDeploy's
    // second pool; round 31 keeps that pool in the launch, `stated_round31.rs`).
    let text = corpus(RESIZE);
    let fraction: Vec<f64> =
        numbers(&text, "free_gpu_memory_fraction").into_iter().map(|(_, x)| x).collect();
    assert_eq!(fraction, vec![0.9]);
    let dtype: Vec<String> = words(&text, "kv_dtype").into_iter().map(|(_, w)| w).collect();
    assert_eq!(dtype, vec!["fp8".to_string()]);
    // The other AutoDeploy log prints no report: no value from these rows.
    assert!(numbers(&corpus(ONE_POOL), "free_gpu_memory_fraction").is_empty());
    // A row label inside prose is no row.
    let prose = "[TRT-LLM] [I] we printed KV Memory Percentage: 90.00% above\n";
    assert!(numbers(prose, "free_gpu_memory_fraction").is_empty());
}

#[test]
fn sglangs_kv_dtype_choice_and_an_abbreviated_flag() {
    let text = corpus(ROCM_DP);
    assert!(words(&text, "kv_dtype").contains(&(1, "fp8_e4m3".to_string())));
    // One value for the abbreviated flag: the rule that names it reads it, the abbreviation
    // reader leaves it.
    assert_eq!(numbers(&text, "max_running_requests"), vec![(1, 256.0)]);
    // The whole flag is read as before.
    let whole = "--max-running-requests 128 \\\n";
    assert_eq!(numbers(whole, "max_running_requests"), vec![(1, 128.0)]);
}

#[test]
fn an_abridged_init_engine_line() {
    assert_eq!(numbers(&corpus(TIER02), "init_engine_s"), vec![(1, 22.78)]);
    assert_eq!(numbers(&corpus(TIER03), "init_engine_s"), vec![(1, 14.77)]);
}

#[test]
fn a_drafts_kv_dtype_is_the_drafts() {
    for (log, n) in [(DRAFT_FEB, 1), (DRAFT_DEC, 1)] {
        let text = corpus(log);
        assert_eq!(words(&text, "draft_kv_dtype"), vec![(1, "bfloat16".to_string())], "{log}");
        // The target's dtype keeps its key.
        assert_eq!(words(&text, "kv_dtype").len(), n, "{log}");
    }
}
