//! Stated values for the classes of misses of the tenth blind batch `heldout-16` (issue 15,
//! branch capfix9), written from the engines' format strings: llama.cpp's 2023 Metal buffers
//! (`ggml_metal_add_buffer: allocated 'data' / 'kv' / 'alloc' buffer, size = … MB`), SGLang's
//! device-neutral capture lines and NPU KV budget, SGLang's `--max-total-tokens` clamped to the
//! profiled capacity, Xinference's engine-argument dict and TensorRT-LLM's settings lines as
//! pasted with `TRT GptModel`. Real lines (corpus development pastes, the engines' output).

mod common;

use common::{corpus, numbers};

/// A failure-corpus log (development data of earlier batches).
fn failure(name: &str) -> String {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/corpus/failures")
        .join(name);
    std::fs::read_to_string(&p).expect("failure log")
}

/// A capacity fixture log (`tests/fixtures/capacity/launch/<name>`).
fn capacity_log(name: &str) -> String {
    std::fs::read_to_string(common::fixture(&format!("launch/{name}"))).expect("capacity log")
}

/// `n` MiB in GiB, to two decimals (as [`numbers`] rounds).
fn mib(n: f64) -> f64 {
    (n / 1024.0 * 100.0).round() / 100.0
}

#[test]
fn metal_2023_buffers_are_model_kv_and_compute_buffers() {
    // ggml-org/llama.cpp#3606 (heldout-16, development data): the three Metal buffers, each
    // over the recommended working set (the warning after the running total).
    let text = corpus("llamacpp-3606-metal-2023-data-kv-alloc-buffers-over-working-set.log");
    assert_eq!(numbers(&text, "model_buffer"), vec![(1, mib(8967.25))]);
    assert_eq!(numbers(&text, "kv_device_size"), vec![(1, mib(402.00))]);
    // 'alloc' is the graph allocator's device buffer (CUDA's `VRAM scratch buffer:`); the
    // `compute buffer total size` (host graph buffer included) is read too since round 25
    // (capfix25: this log's label lists it).
    assert_eq!(numbers(&text, "compute_buffer"), vec![(1, mib(81.13)), (1, mib(75.02))]);
    // Mozilla-Ocho/llamafile#81 (a failure log): the same three lines, within the working set.
    let text = failure("llamafile-81-metal-server-bind-cut.log");
    assert_eq!(numbers(&text, "model_buffer"), vec![(1, mib(3891.95))]);
    assert_eq!(numbers(&text, "kv_device_size"), vec![(1, mib(1024.02))]);
    // `compute buffer total size = 162.63 MB` before it (read since round 25).
    assert_eq!(numbers(&text, "compute_buffer"), vec![(1, mib(162.63)), (1, mib(156.02))]);
    // The pre-alloc names of mid-2023 (`eval` holding the graph's tensors, `scr0`/`scr1`) are
    // compute buffers too: two lines of a public July 2023 Metal run as the code store holds
    // them (`find_string` id 37770756781; the store names no repository for it).
    let text = "ggml_metal_add_buffer: allocated 'eval            ' buffer, size =  1040.00 MB, ( 8024.52 / 21845.34)\n\
                ggml_metal_add_buffer: allocated 'scr0            ' buffer, size =   597.00 MB, (11823.52 / 21845.34)";
    assert_eq!(numbers(text, "compute_buffer"), vec![(1, mib(1040.00)), (1, mib(597.00))]);
}

#[test]
fn sglang_on_npu_states_its_kv_budget_and_capture_memory() {
    // sgl-project/sglang#17157 (heldout-16, development data): two DP ranks on Ascend NPUs.
    let text = corpus("sglang-pr17157-npu-dp2-dp-attention-qwen3vl-moe-pool-npu-graph-cut.log");
    assert_eq!(numbers(&text, "kv_budget"), vec![(1, 17.67), (1, 17.67)]);
    assert_eq!(numbers(&text, "graph_avail_before"), vec![(1, 11.91), (1, 11.85)]);
    // The CUDA line keeps its reading (the CUDA phrase starts earlier on the line).
    let cuda = "[2025-08-08 03:34:38] Capture cuda graph begin. This can take up to several minutes. avail mem=1.80 GB";
    assert_eq!(numbers(cuda, "graph_avail_before"), vec![(1, 1.80)]);
    // The end line of any device's graph (model_runner.py `Capture {X} end. Time elapsed: …`):
    // a public SGLang-on-Ascend deployment note (GLM-4.7-Flash, March 2026) as the code store
    // holds it (`find_string` id 53378181608; the store names no repository for it).
    let npu = "[2026-03-11 13:53:32 TP0] Capture npu graph end. Time elapsed: 8.04 s. mem usage=0.80 GB. avail mem=10.30 GB.";
    assert_eq!(numbers(npu, "graph_s"), vec![(1, 8.04)]);
    assert_eq!(numbers(npu, "graph_mem"), vec![(1, 0.80)]);
    assert_eq!(numbers(npu, "graph_avail_after"), vec![(1, 10.30)]);
}

#[test]
fn a_max_total_tokens_above_the_profiled_capacity_runs_at_the_profiled_one() {
    // Blackwellboy/model-serving-minefield#109 (heldout-16, development data).
    let text = corpus("sglang-minefield109-max-total-tokens-clamped-to-profiled-fp8-kv.log");
    assert_eq!(numbers(&text, "max_total_num_tokens"), vec![(1, 163089.0)]);
    assert_eq!(numbers(&text, "max_total_tokens_requested"), vec![(1, 200000.0)]);
    // sgl-project/sglang#7691 (capacity fixture): a negative profiled capacity is what the
    // server takes (then fails on); stated as printed.
    let text = capacity_log("sglang-7691-rocm-dsr1-dp-negative-profiled-tokens.log");
    assert!(numbers(&text, "max_total_num_tokens").iter().all(|x| x.1 == -561981.0));
}

#[test]
fn xinference_model_config_dict_is_read_as_engine_arguments() {
    // xorbitsai/inference#1115 (heldout-16, development data): vLLM 0.3 under Xinference.
    let text = corpus("vllm-xinference1115-v0-03x-internlm20b-config-dict-gpu-blocks-cut.log");
    assert_eq!(numbers(&text, "block_size"), vec![(1, 16.0)]);
    assert_eq!(numbers(&text, "gpu_memory_utilization"), vec![(1, 0.9)]);
    assert_eq!(numbers(&text, "max_num_sequences"), vec![(1, 256.0)]);
    assert!(numbers(&text, "max_model_len").contains(&(1, 4096.0)));
}

#[test]
fn trt_gpt_model_settings_are_read_with_the_prefix_pasted_apart() {
    // NVIDIA/TensorRT-LLM#6539 (heldout-16, development data): `TRT GptModel maxInputLen: …`.
    let text = corpus("trtllm-6539-serve-pytorch-qwen3-32b-max-input-len-8192-command.log");
    assert_eq!(numbers(&text, "max_input_len"), vec![(1, 8192.0)]);
    // The batch manager's own spelling keeps its reading.
    let line = "[TensorRT-LLM][INFO] TRTGptModel maxInputLen: 383  = maxSequenceLen - 1 since chunked context is enabled";
    assert_eq!(numbers(line, "max_input_len"), vec![(1, 383.0)]);
}
