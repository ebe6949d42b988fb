//! Stated values for the round-19 classes (issue 15, branch capfix19): a second start pasted with
//! no repeated header (a once-per-start engine process with a new pid, a llama.cpp model loaded
//! after a start's KV cache was sized, an Ollama runner started again). Lines are real (corpus
//! development logs), each with its source; none is from the capfix17, capfix18 or capfix19
//! set-aside thirds.

mod common;

use common::{corpus, numbers};

/// The lines `from..=to` (1-based) of a corpus log.
fn lines(name: &str, from: usize, to: usize) -> String {
    corpus(name).lines().skip(from - 1).take(to + 1 - from).map(|l| format!("{l}\n")).collect()
}

#[test]
fn a_second_engine_core_pid_is_a_second_start() {
    // vllm-project/vllm#57047 (heldout-32, development two thirds): an engine core pid 1904 at
    // 12:14 (weights loaded), then pid 23853 at 13:51 (KV size, graphs, the memory summary).
    let text = corpus(
        "vllm-57047-v1-sm89-two-runs-weights-2.5-load-3.03-then-kv-268560-concurrency-131.13-advised-36.52-cut.log",
    );
    assert_eq!(numbers(&text, "weights"), vec![(1, 2.5)]);
    assert_eq!(numbers(&text, "kv_tokens"), vec![(2, 268560.0)]);
    assert_eq!(numbers(&text, "max_concurrency"), vec![(2, 131.13)]);
    assert_eq!(numbers(&text, "gpu_memory_utilization"), vec![(2, 0.85)]);
}

#[test]
fn a_second_data_parallel_engine_core_pid_is_a_second_start() {
    // vllm-project/vllm-ascend#5917 (two instances on one NPU): `EngineCore_DP0` pid 3052, then
    // pid 4146 (the second instance's refusal); the round-15 rule and this one agree.
    let text = corpus(
        "vllm-ascend5917-v1-npu-two-instances-one-card-kv-1880320-concurrency-114.77-available-0-cut.log",
    );
    assert_eq!(numbers(&text, "kv_tokens"), vec![(1, 1880320.0)]);
    // (GiB: 23106324992 bytes, then 0)
    assert_eq!(numbers(&text, "kv_budget"), vec![(1, 21.52), (2, 0.0)]);
}

#[test]
fn several_workers_under_one_label_stay_one_start() {
    // vllm-project/vllm#14447 (vLLM V0, TP4): four `VllmWorkerProcess` pids, one start.
    let text = corpus("vllm-pr14447-v0-4worker-profiling.log");
    let values = perfpilot_capacity::stated::stated_values(&perfpilot_launchlog::parse_log(&text));
    assert!(!values.is_empty() && values.iter().all(|v| v.launch == 1));
    // vllm-project/vllm#16692 (vLLM V1 over Ray, TP16 on two nodes): two `RayWorkerWrapper` pids.
    let text = corpus("vllm-16692-v1-084-ray-tp16-2x8-h800-kv-305216-304704.log");
    let values = perfpilot_capacity::stated::stated_values(&perfpilot_launchlog::parse_log(&text));
    assert!(!values.is_empty() && values.iter().all(|v| v.launch == 1));
}

#[test]
fn a_model_loaded_after_a_sized_cache_is_the_next_start() {
    // ikawrakow/ik_llama.cpp#344 (heldout-31, development two thirds): a CUDA run's context and
    // KV cache, then a CPU run's `llm_load_tensors: CPU buffer size = 16775.23 MiB` before its
    // context (`n_ctx = 5120`).
    let text =
        corpus("llamacpp-ikllama344-two-runs-3090ti-ctx-32768-then-cpu-q8-ctx-5120-kv-162.03.log");
    // (GiB, two decimals: 471.75, 16303.48 and 16775.23 MiB)
    assert_eq!(numbers(&text, "model_buffer"), vec![(1, 0.46), (1, 15.92), (2, 16.38)]);
    assert_eq!(numbers(&text, "n_ctx"), vec![(1, 32768.0), (2, 5120.0)]);
}

#[test]
fn an_ollama_runner_started_after_a_sized_cache_is_the_next_start() {
    // ollama/ollama#3418 (heldout-8): a ROCm runner's `KV self size` line (its cache sized);
    // then ollama/ollama#5913's `msg="starting llama server" cmd="… --ctx-size 2048 …"`: another
    // runner process, whose flags are its own start's.
    let mut text = lines("llamacpp-ollama3418-rocm-kv-self-compute-oom.log", 1, 1);
    text += &lines("llamacpp-ollama5913-rocm-vega-journald-runner-ctx2048-ngl48-cut.log", 1, 1);
    assert_eq!(numbers(&text, "kv_size"), vec![(1, 0.13)]);
    assert_eq!(numbers(&text, "n_ctx"), vec![(2, 2048.0)]);
    // ollama/ollama#15930 (2025, the Ollama engine): `msg="starting runner" cmd=…`, then the
    // runner's load request (`KvSize:4096`).
    let mut text = lines("llamacpp-ollama3418-rocm-kv-self-compute-oom.log", 1, 1);
    text +=
        &lines("llamacpp-ollama15930-rocm-journald-ollama-engine-load-request-kv4096.log", 1, 7);
    assert_eq!(numbers(&text, "kv_tokens"), vec![(2, 4096.0)]);
}

#[test]
fn one_ollama_runner_start_is_one_launch() {
    // The three development logs that hold a runner start hold one start each (ollama#3418's
    // fallback runner after the failed one states no value of its own).
    for name in [
        "llamacpp-ollama3418-rocm-kv-self-compute-oom.log",
        "llamacpp-ollama5913-rocm-vega-journald-runner-ctx2048-ngl48-cut.log",
        "llamacpp-ollama15930-rocm-journald-ollama-engine-load-request-kv4096.log",
    ] {
        let values = perfpilot_capacity::stated::stated_values(&perfpilot_launchlog::parse_log(
            &corpus(name),
        ));
        assert!(values.iter().all(|v| v.launch == 1), "{name}");
    }
}

#[test]
fn a_finished_sglang_capture_bar_states_how_many_sizes_were_captured() {
    // sgl-project/sglang#11830 (a B200 start) and sgl-project/sglang#20758 (MUSA, TP2): the
    // batch-size bar alone (without the `Capture cuda graph bs […]` list before it).
    let text = lines("sglang-11830-05x-b200-kv-2243474-bf16-59.91-graph-52-5.37s-cut.log", 7, 7);
    assert_eq!(numbers(&text, "graph_bs_count"), vec![(1, 52.0)]);
    let text = lines("sglang-20758-musa-tp2-piecewise-compile.log", 3, 3);
    assert_eq!(numbers(&text, "graph_bs_count"), vec![(1, 4.0)]);
    // An unfinished bar states nothing (sgl-project/sglang#17392, DP4: `1/8`).
    let text = corpus("sglang-pr17392-dp4-ep4-dp-attention-bf16-ep-moe-kv-1029389-graph-cut.log");
    let bars: String = text
        .lines()
        .filter(|l| l.starts_with("Capturing batches"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(!bars.is_empty());
    assert!(numbers(&bars, "graph_bs_count").is_empty());
}

#[test]
fn a_flag_whose_value_was_folded_onto_the_next_line_is_read() {
    // vllm-project/vllm-ascend#2077 (heldout-31, development two thirds): a LeaderWorkerSet
    // YAML folds the command: `--gpu-memory-utilization` ends a line, `0.95 --max-model-len …`
    // starts the next.
    let text =
        lines("vllm-ascend2077-v1-lws-2pod-h200-pp2-tp4-ep-len-262144-util-0.95-command.log", 1, 8);
    assert_eq!(numbers(&text, "gpu_memory_utilization"), vec![(1, 0.95)]);
    assert_eq!(numbers(&text, "max_model_len"), vec![(1, 262144.0)]);
}

#[test]
fn lm_eval_states_the_engine_arguments_it_initialises() {
    // meta-llama/llama-cookbook#801 (heldout-31, development two thirds): lm-eval 0.4 with
    // vLLM 0.6.4.post1.
    let text = lines(
        "vllm-cookbook801-v0-064post1-lmeval-llama31-8b-util-0.8-len-8192-engine-config-cut.log",
        1,
        1,
    );
    assert_eq!(numbers(&text, "gpu_memory_utilization"), vec![(1, 0.8)]);
    assert_eq!(numbers(&text, "dp_size"), vec![(1, 1.0)]);
    // A public lm-eval run of April 2026 (code store id 53942682719, an agent's transcript):
    // the same line from lm_eval/evaluator.py:236.
    let text = "2026-04-25:03:28:24 INFO     [evaluator:236] Initializing vllm model, with \
                arguments: {'pretrained': 'kaitchup/Qwen3.5-27B-autoround-W4A16', 'dtype': \
                'bfloat16', 'tensor_parallel_size': 1, 'max_model_len': 8192, \
                'gpu_memory_utilization': 0.9}\n";
    assert_eq!(numbers(text, "gpu_memory_utilization"), vec![(1, 0.9)]);
    assert_eq!(numbers(text, "max_model_len"), vec![(1, 8192.0)]);
    // An `hf` model's arguments are no serving engine's (code store id 54754278734, May 2026).
    let text = "2026-05-21:14:23:38 INFO     [evaluator:239] Initializing hf model, with \
                arguments: {'pretrained': '/root/.openclaw/workspace/quantized/\
                zai-org_GLM-OCR-W4A16', 'dtype': 'bfloat16', 'device_map': 'auto', \
                'trust_remote_code': True}\n";
    let values = perfpilot_capacity::stated::stated_values(&perfpilot_launchlog::parse_log(text));
    assert!(values.is_empty(), "{values:?}");
}
