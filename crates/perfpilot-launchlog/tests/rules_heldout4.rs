//! The data rules added for the classes `heldout-4` and `heldout-5` missed (`src/rules.toml`, end
//! of file), on lines copied from their real logs (`tests/fixtures/corpus/launch`).

use perfpilot_launchlog::{EventKind, parse_log};

/// Every `(key, value)` a text states through one-value rules, in line order.
fn settings(text: &str) -> Vec<(String, f64)> {
    parse_log(text)
        .events
        .into_iter()
        .filter_map(|e| match e.event {
            EventKind::Setting { key, value } => Some((key, value)),
            _ => None,
        })
        .collect()
}

fn has(got: &[(String, f64)], key: &str, value: f64) -> bool {
    got.iter().any(|(k, v)| k == key && (v - value).abs() < 1e-9)
}

#[test]
fn vllm_flags_with_underscores_and_data_parallel_size() {
    let got = settings(
        "vllm serve mistralai/Mistral-Small-3.2-24B-Instruct-2506   --tensor-parallel-size 16   --max_model_len 65536   --max_num_seqs 128   --distributed-executor-backend ray --enforce_eager\n\
         vllm serve meta-llama/Llama-3.3-70B-Instruct --gpu-memory-utilization 0.9 --tensor-parallel-size 8 --pipeline-parallel-size 1 --data-parallel-size 1 --max-model-len 2048 --max-num-seqs 64 --max-num-batched-tokens 8192 --port $port\n",
    );
    for (key, value) in [
        ("max_model_len", 65536.0),
        ("max_num_sequences", 128.0),
        ("dp_size", 1.0),
        ("max_num_sequences", 64.0),
        ("max_num_tokens", 8192.0),
    ] {
        assert!(has(&got, key, value), "{key} {value}: {got:?}");
    }
}

#[test]
fn trtllm_pytorch_backend_limits_and_graph_count() {
    let got = settings(
        "[11/07/2025-07:20:57] [TRT-LLM] [I] max_seq_len=8193, max_num_requests=32, max_num_tokens=8192, max_batch_size=32\n\
         [11/07/2025-07:20:59] [TRT-LLM] [I] Creating CUDA graph instances for 32 batch sizes.\n",
    );
    for (key, value) in [
        ("max_model_len", 8193.0),
        ("max_num_sequences", 32.0),
        ("max_num_tokens", 8192.0),
        ("max_batch_size", 32.0),
        ("graph_bs_count", 32.0),
    ] {
        assert!(has(&got, key, value), "{key} {value}: {got:?}");
    }
}

#[test]
fn sglang_chunked_prefill_adjustment_and_vllm_max_capture_size() {
    let got = settings(
        "DP attention is enabled. The chunked prefill size is adjusted to 4096 to avoid MoE kernel issues. The schedule conservativeness is adjusted to 0.3.\n\
         uler_steps=1, compilation_config={\"splitting_ops\":[],\"compile_sizes\":[],\"cudagraph_capture_sizes\":[],\"max_capture_size\":0}\n",
    );
    assert!(has(&got, "chunked_prefill_size", 4096.0), "{got:?}");
    assert!(has(&got, "graph_max_size", 0.0), "{got:?}");
    // The conservativeness on the same line is no capacity value.
    assert_eq!(got.len(), 2, "{got:?}");
}

#[test]
fn heldout5_pipeline_batch_lines() {
    let got = settings(
        "python -m sglang.launch_server --model-path /m --mem-fraction-static 0.8 --pp-size 4\n\
         (APIServer pid=3257917) INFO 01-11 03:44:56 [model.py:1543] Using max model len 262144\n\
         (APIServer pid=3257917) INFO 01-11 03:44:56 [scheduler.py:231] Chunked prefill is enabled with max_num_batched_tokens=2048.\n\
         (RayWorkerWrapper pid=15732, ip=10.214.79.32) INFO 03-11 12:23:23 [backends.py:366] Compiling a graph for compile range (1, 4096) takes 9.67 s [repeated 3x across cluster]\n",
    );
    for (key, value) in [
        ("pp_size", 4.0),
        ("max_model_len", 262144.0),
        ("max_num_tokens", 2048.0),
        ("compile_graph_s", 9.67),
    ] {
        assert!(has(&got, key, value), "{key} {value}: {got:?}");
    }
}
