//! Stated values for the classes of misses of the fifteenth blind batch `heldout-21` (issue 15,
//! branch capfix13), written from the engines' format strings: vllm-ascend's ACL graph capture
//! sizes and their count, its `Available memory: A, total memory: T` read per launch (a second
//! instance pasted after the first), its `Model runner load_model total time`, and
//! TensorRT-LLM's executor `max sequence length=`. Real lines (development pastes of
//! `heldout-21` outside its set-aside third, public logs), each with its source.

mod common;

use common::{corpus, numbers};

#[test]
fn vllm_ascend_two_instances_one_card() {
    // vllm-project/vllm-ascend#5917 (heldout-21, development two thirds): two vLLM instances on
    // one Ascend NPU, the second started 85 s after the first with no memory left.
    let text = corpus(
        "vllm-ascend5917-v1-npu-two-instances-one-card-kv-1880320-concurrency-114.77-available-0-cut.log",
    );
    let gib = |b: f64| (b / (1u64 << 30) as f64 * 100.0).round() / 100.0;
    assert_eq!(numbers(&text, "kv_budget"), vec![(1, gib(23106324992.0)), (2, 0.0)]);
    assert_eq!(
        numbers(&text, "total_gpu_memory"),
        vec![(1, gib(65452113920.0)), (2, gib(65452113920.0))]
    );
    assert_eq!(numbers(&text, "graph_bs_count"), vec![(1, 35.0)]);
    assert_eq!(numbers(&text, "kv_tokens"), vec![(1, 1880320.0)]);
}
