//! Stated values for the round-29 classes (issue 15, branch capfix29). First, a speculative
//! draft model's start-up figures under SGLang: the speculative worker (EAGLE / NEXTN) builds the
//! draft model's `ModelRunner` in the target's scheduler process once the target's runner is
//! done, and that runner prints `Init torch distributed begin.` / `ends.` again, then its own
//! `Load weight begin / end`, `KV Cache is allocated`, `Memory pool end` and `Capture draft cuda
//! graph begin / end` lines: one launch, the draft's figures under `draft_*` keys. Second, lines
//! of other engines that state a value already in the vocabulary: tpu-inference's `Init kv-cache
//! | … | num_blocks=[B, …]`, vllm-ascend's `Block size is set to 128 if …`, and vLLM's
//! profiling-disabled advice `increasing --gpu-memory-utilization from A to B`. Lines are real,
//! each with its source; none is from the capfix29 set-aside (its six logs were not opened).

mod common;

use common::{corpus, numbers};

/// The lines `from..=to` (1-based) of a corpus log.
fn lines(name: &str, from: usize, to: usize) -> String {
    corpus(name).lines().skip(from - 1).take(to + 1 - from).map(|l| format!("{l}\n")).collect()
}

/// shun8686/for_debug sglang.log at 5e09047 (heldout-47, development part): SGLang on sixteen
/// Ascend NPUs, DP-attention DP4 x TP16 x EP16 with an EAGLE / NEXTN draft (DeepSeek-R1 w4a8),
/// `server_args` at L116, the ready line at L878, 891 lines.
const DP4: &str = "sglang-repo-fordebug-ascend-2025-12-dp4-attention-tp16-ep16-dsr1-w4a8-eagle-nextn-kv-214528-14.05-draft-kv-0.23-graph-106-ready.log";

/// shun8686/for_debug, the March 2026 PD prefill node 1 of a TP32 / EP32 instance with a NEXTN
/// draft (heldout-46's former set-aside, development data since capfix28): newer SGLang, whose
/// `Load weight end. elapsed=X s, …` states the load time; no graphs (a prefill node).
const PD_PREFILL: &str = "sglang-repo-fordebug-ascend-2026-03-pd-prefill-node1-of-tp32-ep32-dsv32-w8a8-nextn-weights-26.81-kv-240256-19.23-draft-kv-0.32.log";

/// vllm-project/tpu-inference nohup.out at f5f1d33: three lm-eval starts on a TPU v7x host.
const TPU_TP8: &str = "vllm-repo-tpuinference-v1-016rc2dev-tpu-v7x-tp8-lm-eval-qwen35-397b-fp8-kv-three-launches-sigterm-assert-then-tokens-664320-init-769.86.log";

/// vllm-project/tpu-inference Successful-ep2-2-rank-run/rank0.txt: TP2 + EP2 on four v7x devices.
const TPU_EP2: &str = "vllm-repo-tpuinference-v1-0231rc1dev-tpu-v7x-4-devices-tp2-ep2-gemma4-26b-a4b-fp8-kv-len-1524-tokens-2306320-init-878.62.log";

/// vLLM-HUST/vllm-hust-benchmark server.log: a vllm-ascend dev build, two API servers.
const HUST: &str = "vllm-repo-hustbench-v1-dev-vllm-ascend-qwen25-14b-fp16-two-launches-args-then-kv-15.74-tokens-85888-graph-est-0.78-init-380.89.log";

/// local-inference-lab/rtx6kpro glm-dcp2-mtp0/startup.log: vLLM 0.20.2rc1 TP8 + DCP2 with the
/// graph-memory profile turned off.
const RTX6K: &str = "vllm-repo-rtx6kpro-v1-0202rc1dev-sm120-tp8-dcp2-glm51-nvfp4-fp8-kv-len-202752-weights-55.67-kv-19.47-tokens-680192-init-145.61.log";

/// The distinct launches the values of `key` are filed under, in order.
fn launches(text: &str, key: &str) -> Vec<u32> {
    let l: std::collections::BTreeSet<u32> =
        numbers(text, key).into_iter().map(|(l, _)| l).collect();
    l.into_iter().collect()
}

/// The distinct values of `key`, to two decimals, sorted.
fn distinct(text: &str, key: &str) -> Vec<f64> {
    let mut v: Vec<f64> = numbers(text, key).into_iter().map(|(_, x)| x).collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

#[test]
fn the_draft_workers_second_init_is_one_launch_with_draft_figures() {
    let text = corpus(DP4);
    // Every rank's target and draft figures fall in the one launch, the ready line too.
    for key in
        ["weights", "kv_tokens", "graph_s", "draft_weights", "draft_kv_tokens", "draft_graph_s"]
    {
        assert_eq!(launches(&text, key), vec![1], "{key}");
    }
    assert_eq!(numbers(&text, "max_total_num_tokens"), vec![(1, 214528.0)]);
    assert_eq!(distinct(&text, "available_gpu_mem"), vec![6.77]);
    // The target's figures stay the target's: 0 misfires under draft keys.
    assert_eq!(distinct(&text, "weights"), vec![28.94]);
    assert_eq!(distinct(&text, "kv_size"), vec![14.05]);
    assert_eq!(distinct(&text, "graph_mem"), vec![8.77]);
    // The draft's (a rank's second load and pool, its `Capture draft cuda graph` lines).
    assert_eq!(distinct(&text, "draft_weights"), vec![3.05]);
    assert_eq!(numbers(&text, "draft_weights").len(), 16);
    assert_eq!(distinct(&text, "draft_kv_tokens"), vec![214528.0]);
    assert_eq!(distinct(&text, "draft_kv_size"), vec![0.23]);
    assert_eq!(
        distinct(&text, "draft_weights_avail_before"),
        vec![8.70, 8.76, 8.77, 9.00, 9.01, 9.02]
    );
    assert_eq!(distinct(&text, "draft_pool_avail_after"), vec![5.42, 5.48, 5.49, 5.72, 5.73]);
    assert!(distinct(&text, "draft_graph_mem").contains(&0.42));
    assert!(!distinct(&text, "graph_mem").contains(&0.42));
}

#[test]
fn a_newer_draft_load_time_is_the_drafts() {
    let text = corpus(PD_PREFILL);
    assert_eq!(launches(&text, "draft_weights"), vec![1]);
    assert_eq!(distinct(&text, "draft_weights"), vec![0.74, 0.75]);
    assert_eq!(distinct(&text, "draft_weights_load_s"), vec![21.15, 21.25, 21.39, 23.17]);
    // The target's load (334 s and about) keeps its own key.
    assert!(distinct(&text, "weights_load_s").iter().all(|&s| s > 300.0));
    assert_eq!(distinct(&text, "draft_kv_tokens"), vec![240256.0]);
    assert_eq!(distinct(&text, "weights"), vec![26.81]);
}

#[test]
fn a_rerun_with_its_server_args_is_still_another_launch() {
    // The whole start pasted twice: the second `server_args` dump opens launch 2, and each
    // launch has its own target and draft figures.
    let text = corpus(DP4) + &corpus(DP4);
    assert_eq!(launches(&text, "kv_tokens"), vec![1, 2]);
    assert_eq!(launches(&text, "draft_kv_tokens"), vec![1, 2]);
    assert_eq!(numbers(&text, "max_total_num_tokens"), vec![(1, 214528.0), (2, 214528.0)]);
}

#[test]
fn a_start_after_the_ready_line_without_its_dump_is_another_launch() {
    // The start again with its `server_args` line (L116) cut: once the scheduler printed its
    // ready line, a rank's `Init torch distributed` starts over, not a draft worker's.
    let text = corpus(DP4) + &lines(DP4, 117, 891);
    assert_eq!(launches(&text, "kv_tokens"), vec![1, 2]);
    assert_eq!(launches(&text, "weights"), vec![1, 2]);
    assert_eq!(distinct(&text, "weights"), vec![28.94]);
}

#[test]
fn tpu_inference_states_its_block_count_per_layer() {
    assert_eq!(numbers(&corpus(TPU_EP2), "gpu_blocks"), vec![(1, 9080.0)]);
    assert!(numbers(&corpus(TPU_TP8), "gpu_blocks").contains(&(3, 934.0)));
}

#[test]
fn vllm_ascend_sets_the_block_size_before_its_engine_starts() {
    // The first API server prints its arguments and this line, and nothing more.
    assert_eq!(numbers(&corpus(HUST), "block_size"), vec![(1, 128.0), (2, 128.0), (2, 128.0)]);
}

#[test]
fn the_profiling_disabled_advice_states_the_advised_utilization() {
    let text = corpus(RTX6K);
    assert_eq!(distinct(&text, "gpu_memory_utilization_advised"), vec![0.92]);
    assert!(distinct(&text, "gpu_memory_utilization").contains(&0.87));
}
