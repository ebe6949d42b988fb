//! Stated values for the round-32 classes (issue 15, branch capfix32): vllm-metal's own start-up
//! summary (decimal GB), SGLang's DFLASH drafter loaded before the target's KV pool, 2026
//! SGLang's `Capture target verify` graphs and `cuda_graph_max_bs_decode`. Lines are real, each
//! with its source; none is from the capfix32 set-aside (its eight sources were not opened).

mod common;

use common::{corpus, numbers};

/// AIEngOc2025/agent-triage-hospitalier logs/vllm_server.log at 2a4e3f9 (heldout-52,
/// development part): vLLM 0.23.0 with the vllm-metal plugin on an Apple Silicon Mac.
const METAL: &str = "vllm-repo-agenttriage-v1-0230-vllm-metal-plugin-apple-17.2gb-qwen3-dpo-fp16-len-4096-util-0.7-kv-7.52-tokens-65584-blocks-4099-init-7.72.log";

/// sostrowsk/dgx-spark-local-llm sglang-int4.log at a30decd (heldout-53, development part):
/// SGLang of Aug 2026 on a DGX Spark with the DFLASH drafter Laguna-S-2.1-DFlash-INT4.
const DFLASH: &str = "sglang-repo-dgxsparklocal-2026-08-gb10-laguna-s21-int4-dflash-swa-full-185897-swa-148717-pool-28.93-prefill-graph-5.24-ctx-65536.log";

/// shun8686/for_debug sglang.log (heldout-47, development): SGLang on Ascend NPUs, DeepSeek-R1
/// with EAGLE / NextN over 16 NPUs, the draft loaded after the target's pool.
const EAGLE_AFTER_POOL: &str = "sglang-repo-fordebug-ascend-2025-12-dp4-attention-tp16-ep16-dsr1-w4a8-eagle-nextn-kv-214528-14.05-draft-kv-0.23-graph-106-ready.log";

/// sgl-project/sglang#10088: an EAGLE start's `Capture draft cuda graph end` line.
const EAGLE_GRAPH: &str = "sglang-10088-eagle-draft-graph-end.log";

/// GB as vllm-metal prints it (`bytes / 1e9`), in GiB to two decimals.
fn gb(x: f64) -> f64 {
    (x * 1e9 / (1u64 << 30) as f64 * 100.0).round() / 100.0
}

#[test]
fn vllm_metal_start_up_summary() {
    let text = corpus(METAL);
    // `Metal memory: 17.2GB total, 8.9GB available`, printed by the API server then again by the
    // engine core (6.0GB available then).
    assert_eq!(numbers(&text, "total_gpu_memory"), vec![(1, gb(17.2)), (1, gb(17.2))]);
    assert_eq!(numbers(&text, "free_at_start"), vec![(1, gb(8.9)), (1, gb(6.0))]);
    assert_eq!(numbers(&text, "budget"), vec![(1, gb(11.44))]);
    assert_eq!(numbers(&text, "weights"), vec![(1, gb(3.44))]);
    assert_eq!(numbers(&text, "kv_budget"), vec![(1, gb(7.52))]);
    assert_eq!(numbers(&text, "gpu_blocks"), vec![(1, 4099.0)]);
    assert_eq!(numbers(&text, "block_size"), vec![(1, 16.0)]);
    assert_eq!(numbers(&text, "max_num_tokens"), vec![(1, 2048.0), (1, 2048.0)]);
    // `Model loaded in 3.14s: …` (written as a quotient: clippy reads 3.14 as an approximate pi).
    assert_eq!(numbers(&text, "weights_load_s"), vec![(1, 314.0 / 100.0)]);
}

#[test]
fn vllm_metal_breakdown_of_another_run() {
    // A public vllm-metal run on a 36 GB M3 Pro (code store, find_string id 63289131811, as
    // stated_round13.rs): the budget and block count of the same breakdown line.
    let line = "Paged attention memory breakdown: metal_limit=30.15GB, fraction=0.92, usable_metal=27.74GB, model_memory=15.13GB, overhead=1.16GB, kv_budget=11.44GB, per_block_bytes=105902080, num_blocks=108, max_tokens_cached=84672\n";
    assert_eq!(numbers(line, "budget"), vec![(1, gb(27.74))]);
    assert_eq!(numbers(line, "gpu_blocks"), vec![(1, 108.0)]);
    // The breakdown's fields need its head: the same words elsewhere are no budget.
    let bare = "usable_metal=27.74GB, num_blocks=108\n";
    assert_eq!(numbers(bare, "budget"), vec![]);
    assert_eq!(numbers(bare, "gpu_blocks"), vec![]);
}

#[test]
fn model_loaded_needs_the_plugins_path_after_it() {
    // A launcher's own `Model loaded in 22.4s` (aivrar/vllm-windows-build#4, heldout-15)
    // is no weight load time: vllm-metal prints the path after `s: `.
    let line = "2026-05-26 21:34:15,233 INFO Model loaded in 22.4s\n";
    assert_eq!(numbers(line, "weights_load_s"), vec![]);
}

#[test]
fn dflash_draft_loaded_before_the_target_pool() {
    let text = corpus(DFLASH);
    // The target's load, then the drafter's, both before the pool.
    assert_eq!(numbers(&text, "weights"), vec![(1, 67.56)]);
    assert_eq!(numbers(&text, "weights_load_s"), vec![(1, 109.33)]);
    assert_eq!(numbers(&text, "draft_weights"), vec![(1, 1.58)]);
    assert_eq!(numbers(&text, "draft_weights_load_s"), vec![(1, 12.25)]);
    assert_eq!(numbers(&text, "draft_weights_avail_before"), vec![(1, 47.83)]);
    assert_eq!(numbers(&text, "draft_weights_avail_after"), vec![(1, 46.25)]);
    // The target's pool stays the target's, the third KV line is the draft's.
    assert_eq!(numbers(&text, "kv_size"), vec![(1, 28.93)]);
    assert_eq!(numbers(&text, "draft_k_size"), vec![(1, 2.13)]);
    // `Capture target verify CUDA graph` is the target's decode graph, `Capture draft verify`
    // the draft's; `cuda_graph_max_bs_decode=8` the cap.
    assert_eq!(numbers(&text, "graph_s"), vec![(1, 3.0)]);
    assert_eq!(numbers(&text, "graph_mem"), vec![(1, 0.6)]);
    assert_eq!(numbers(&text, "draft_graph_s"), vec![(1, 0.77)]);
    assert_eq!(numbers(&text, "graph_max_bs"), vec![(1, 8.0)]);
    // One launch.
    let launches: std::collections::BTreeSet<u32> =
        numbers(&text, "weights").into_iter().map(|(l, _)| l).collect();
    assert_eq!(launches.len(), 1);
}

#[test]
fn eagle_drafts_keep_their_keys() {
    // EAGLE / NextN drafts load after the target's pool: their keys are as before.
    let text = corpus(EAGLE_AFTER_POOL);
    assert!(numbers(&text, "draft_weights").iter().all(|(_, v)| *v == 3.05));
    assert!(!numbers(&text, "draft_weights").is_empty());
    assert_eq!(numbers(&corpus(EAGLE_GRAPH), "draft_graph_s"), vec![(1, 62.67)]);
}
