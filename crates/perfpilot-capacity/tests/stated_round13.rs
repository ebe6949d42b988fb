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

#[test]
fn vllm_ascend_capture_count_load_time_and_rfork_seconds() {
    // Public vllm-ascend logs (code store, find_string ids 55607903094 and 56006381441): the
    // capture-size count after update_aclgraph_sizes cut it, or left it.
    let adjusted = "INFO 06-30 19:22:08 [utils.py:297] Calculated maximum supported batch sizes for ACL graph: 66\n\
                    INFO 06-30 19:22:08 [utils.py:312] Adjusted ACL graph batch sizes for Qwen3ForCausalLM model (layers: 28): 67 → 66 sizes\n";
    assert_eq!(numbers(adjusted, "graph_bs_count"), vec![(1, 66.0)]);
    let none = "INFO 05-27 11:40:44 [utils.py:607] Calculated maximum supported batch sizes for ACL graph: 62\n\
                INFO 05-27 11:40:44 [utils.py:640] No adjustment needed for ACL graph batch sizes: Qwen3ForCausalLM model (layers: 28) with 35 sizes\n";
    assert_eq!(numbers(none, "graph_bs_count"), vec![(1, 35.0)]);
    // `Model runner load_model total time: %.2f seconds` (model_runner_v1.py load_model, 2026)
    // and the RFork loader's `Loading model weights took %.2f seconds`: no public log outside
    // heldout-21's set-aside third holds them, so these lines are the format strings filled in
    // (the prefix is vllm-project/vllm-ascend#10343's worker).
    let load = "(Worker_DP0_TP0_EP0 pid=2221) INFO 06-11 10:02:11 [model_runner_v1.py:3604] Model runner load_model total time: 612.40 seconds\n";
    assert_eq!(numbers(load, "weights_load_s"), vec![(1, 612.4)]);
    let rfork = "(Worker_DP0_TP0_EP0 pid=2221) INFO 06-11 10:01:40 [rfork_loader.py:390] Loading model weights took 12.34 seconds\n";
    assert_eq!(numbers(rfork, "weights"), vec![]);
    assert_eq!(numbers(rfork, "weights_load_s"), vec![(1, 12.34)]);
}

#[test]
fn trtllm_executor_max_sequence_length() {
    // NVIDIA/TensorRT-LLM#15182 (heldout-21, development two thirds): trtllm-serve 1.3 with
    // `--max_seq_len 8192` on the command; the KV cache manager states 262146.
    let text = corpus(
        "trtllm-15182-13rc17-trtllm-serve-4xb300-kimi-k26-eagle3-tp4-kv-8.65-tokens-264192-cut.log",
    );
    let lens = numbers(&text, "max_model_len");
    assert!(lens.contains(&(1, 8192.0)) && lens.contains(&(1, 262146.0)), "{lens:?}");
    // Training-config prose with the same words is no executor line.
    assert_eq!(numbers("- max sequence length=1536\n", "max_model_len"), vec![]);
}

#[test]
fn vllm_metal_plan_in_decimal_gb() {
    // A public vllm-metal run on a 36 GB M3 Pro (code store, find_string id 63289131811; the
    // guide wraps the one log line at its commas, joined here): the plugin divides by 1e9, so
    // 11.44 GB is 11.44e9 bytes (10.65 GiB).
    let line = "Paged attention memory breakdown: metal_limit=30.15GB, fraction=0.92, usable_metal=27.74GB, model_memory=15.13GB, overhead=1.16GB, kv_budget=11.44GB, per_block_bytes=105902080, num_blocks=108, max_tokens_cached=84672\n";
    let gib = |gb: f64| (gb * 1e9 / (1u64 << 30) as f64 * 100.0).round() / 100.0;
    assert_eq!(numbers(line, "kv_budget"), vec![(1, gib(11.44))]);
    assert_eq!(numbers(line, "weights"), vec![(1, gib(15.13))]);
    assert_eq!(numbers(line, "kv_tokens"), vec![(1, 84672.0)]);
}

#[test]
fn sglang_jax_precompile_times() {
    // sgl-project/sglang-jax PR #284 (Qwen3-8B, TP4 on TPU), the worker's precompile lines.
    let text = "[2025-10-29 08:23:33] [EXTEND] Begin to precompile bs_paddings=[256] token_paddings=[256, 512, 1024, 2048]\n\
                [2025-10-29 08:24:18] [EXTEND] Precompile finished in 45 secs\n\
                [2025-10-29 08:24:18] [DECODE] Begin to precompile bs_paddings=[1, 2, 4, 8, 16, 32, 64, 128, 256]\n\
                [2025-10-29 08:25:43] [DECODE] Precompile finished in 85 secs\n";
    assert_eq!(numbers(text, "precompile_extend_s"), vec![(1, 45.0)]);
    assert_eq!(numbers(text, "precompile_decode_s"), vec![(1, 85.0)]);
}

#[test]
fn llama_cpp_short_ubatch_flag() {
    // ikawrakow/ik_llama.cpp#1029 (heldout-16, development data): `-ub 1792` on the command.
    let text = corpus("llamacpp-ik1029-sm-graph-6gpu-glm46-estimated-and-split-buffers-cut.log");
    assert!(numbers(&text, "n_ubatch").contains(&(1, 1792.0)));
}

#[test]
fn kv_cache_memory_reserved_wording_of_2026() {
    // A public deployment note quoting vLLM's start-up lines (code store, find_string id
    // 70243321875): the 2026 wording without `memory` after the size.
    let text = "GPU KV cache size: 449,114 tokens\n\
                Maximum concurrency for 32,768 tokens per request: 13.71x\n\
                reserved 6.0 GiB for KV Cache as specified by kv_cache_memory_bytes\n";
    assert_eq!(numbers(text, "kv_budget"), vec![(1, 6.0)]);
}

#[test]
fn trtllm_free_gpu_memory_fraction_in_every_wording() {
    // NVIDIA/TensorRT-LLM#3594 (heldout-14, development data): two trtllm-serve commands, two
    // launches, `--kv_cache_free_gpu_memory_fraction 0.6` (H200) then `0.95` (B200).
    let text = corpus("trtllm-3594-serve-pytorch-dsr1-h200-then-b200-two-commands.log");
    assert_eq!(numbers(&text, "free_gpu_memory_fraction"), vec![(1, 0.6), (2, 0.95)]);
    // NVIDIA/TensorRT-LLM#6294 (corpus): the PyTorch backend's warning when a token cap is set.
    let text = corpus("trtllm-6294-pytorch-h100-llama31-8b-fp8-bench-kv-860320.log");
    assert_eq!(numbers(&text, "free_gpu_memory_fraction"), vec![(1, 0.8)]);
    // NVIDIA/TensorRT-LLM PR #15734 (corpus): the sizing line's `fraction is set 0.9`.
    let text = corpus("trtllm-pr15734-pytorch-h200-mm-encoder-cache-kv-sizing.log");
    assert_eq!(numbers(&text, "free_gpu_memory_fraction"), vec![(1, 0.9)]);
}
