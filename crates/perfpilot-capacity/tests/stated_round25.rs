//! Stated values for the round-25 classes (issue 15, branch capfix25): TensorRT-LLM's beam width
//! where the engine's `TRTGptModel maxBeamWidth` line is not printed (the Triton backend's
//! default warning, the `LLM Args:` dump and its `BuildConfig` repr), and the model buffers of a
//! start whose only KV line is Ollama's estimate (an embedding model's runner sizes no cache),
//! and llama.cpp 2023's `compute buffer total size`.
//! Lines are real, each with its source.

mod common;

use common::{corpus, numbers};

/// triton-inference-server/tensorrtllm_backend#456: a Gemma 7B Triton start (GptManager backend).
const BACKEND456: &str = "trtllm-backend456-gemma7b-pages-bytes.log";

/// zhjunqin/LLM-Learning inference/benchmark/README.md (heldout-42, development two thirds):
/// a TensorRT-LLM 0.8.0 Triton 24.02 start of Llama 3 8B on an RTX 3090.
const LLMLEARNING: &str = "trtllm-repo-llmlearning-v080-triton-2420-rtx3090-llama3-8b-engine-15319-kv-4143972352-bytes-tokens-31616-blocks-per-seq-16.log";

/// faradawn/bench3 logs/trtllm-serve-egine.log at 64ae4f53: trtllm-serve 1.2.0rc4 (PyTorch
/// backend) on an H200, whose `LLM Args:` dump holds `build_config=BuildConfig(…)`.
const BENCH3: &str = "trtllm-repo-bench3-120rc4-trtllm-serve-pytorch-h200-llama3-8b-estimation-0.13-final-109.96-tokens-900800.log";

/// W00t3k/mainframe-ai ollama.log (heldout-42, development two thirds): Ollama 0.13.0 on an M1
/// Pro loads nomic-embed-text, then Llama 3.1 8B, each through its own llama.cpp runner.
const MAINFRAME: &str = "llamacpp-repo-mainframeai-ollama-0130-metal-m1pro-two-launches-nomic-embed-then-llama31-8b-q4km-ctx-4096-kv-512-compute-284.01.log";

/// ikawrakow/ik_llama.cpp#344: a CUDA run, then a CPU run whose model buffer comes after the
/// first run's KV cache and before its own context (no start line of its own in the paste).
const IKLLAMA344: &str =
    "llamacpp-ikllama344-two-runs-3090ti-ctx-32768-then-cpu-q8-ctx-5120-kv-162.03.log";

/// Mebibytes in GiB to two decimals, as `numbers` reports sizes.
fn mib(v: f64) -> f64 {
    (v / 1024.0 * 100.0).round() / 100.0
}

/// The lines of a corpus log holding `needle`, each with its line end.
fn lines_with(name: &str, needle: &str) -> String {
    let out: String =
        corpus(name).lines().filter(|l| l.contains(needle)).map(|l| format!("{l}\n")).collect();
    assert!(!out.is_empty(), "{name} holds no `{needle}`");
    out
}

#[test]
fn the_triton_backend_default_beam_width_is_stated() {
    // `[TensorRT-LLM][WARNING] max_beam_width is not specified, will use default value of 1`:
    // the backend runs with 1 where config.pbtxt leaves the parameter out (two backends, 2024).
    for log in [BACKEND456, LLMLEARNING] {
        let line = lines_with(log, "max_beam_width is not specified");
        assert_eq!(numbers(&line, "max_beam_width"), vec![(1, 1.0)], "{log}");
        assert_eq!(numbers(&corpus(log), "max_beam_width"), vec![(1, 1.0)], "{log}");
    }
    // The other defaults the backend warns about in the same words state no beam width.
    let others = lines_with(LLMLEARNING, "is not specified");
    assert_eq!(numbers(&others, "max_beam_width"), vec![(1, 1.0)]);
}

#[test]
fn the_llm_args_dump_and_its_build_config_state_the_beam_width() {
    // `… max_seq_len=1024 max_beam_width=1 max_num_tokens=1024 …` (TorchLlmArgs) and
    // `build_config=BuildConfig(max_input_len=1024, …, max_beam_width=1, …)` on one line.
    let dump = lines_with(BENCH3, "max_beam_width=");
    assert_eq!(numbers(&dump, "max_beam_width"), vec![(1, 1.0), (1, 1.0)]);
    assert_eq!(numbers(&corpus(BENCH3), "max_beam_width"), vec![(1, 1.0), (1, 1.0)]);
    // The engine's own line, where printed, is read as before (tensorrtllm_backend#577).
    let engine = "[TensorRT-LLM][INFO] TRTGptModel maxBeamWidth: 1\n";
    assert_eq!(numbers(engine, "max_beam_width"), vec![(1, 1.0)]);
}

#[test]
fn an_embedding_model_keeps_its_buffers_when_only_ollama_estimated_its_cache() {
    let text = corpus(MAINFRAME);
    // Launch 1 (nomic-embed-text): Ollama's `msg="kv cache" device=Metal size="6.0 MiB"`
    // estimate comes before the runner loads; the runner's `CPU_Mapped model buffer size =
    // 44.72 MiB` / `Metal_Mapped … = 216.14 MiB` come after it and before launch 2's runner
    // command, and the non-causal model sizes no KV cache after them.
    let models = numbers(&text, "model_buffer");
    assert!(models.contains(&(1, mib(44.72))), "{models:?}");
    assert!(models.contains(&(1, mib(216.14))), "{models:?}");
    // Launch 2's runner buffers stay launch 2's.
    assert!(models.contains(&(2, mib(281.81))), "{models:?}");
    assert!(models.contains(&(2, mib(4403.49))), "{models:?}");
    assert!(!models.iter().any(|&(l, _)| l > 2), "{models:?}");
}

#[test]
fn a_second_run_without_a_start_line_still_takes_its_model() {
    // ik_llama.cpp#344: `llm_load_tensors: CPU buffer size = 16775.23 MiB` after the CUDA run's
    // KV cache is the CPU run's (no runner command or build line opens that run).
    let models = numbers(&corpus(IKLLAMA344), "model_buffer");
    assert_eq!(models, vec![(1, mib(471.75)), (1, mib(16303.48)), (2, mib(16775.23))]);
}

/// ggml-org/llama.cpp#3606: a 2023 Metal run whose buffers pass the working set.
const LLAMA3606: &str = "llamacpp-3606-metal-2023-data-kv-alloc-buffers-over-working-set.log";

/// ggml-org/llama.cpp#4381: Mixtral on CUDA with 22 of 33 layers offloaded (December 2023).
const LLAMA4381: &str = "llamacpp-4381-mixtral-2023-cuda-22of33-vram-used-32353.06-ctx-512-vram-kv-self-44-kv-64-compute-117.85.log";

#[test]
fn the_2023_compute_buffer_total_is_stated() {
    // `llama_new_context_with_model: compute buffer total size = 81.13 MB` (Metal) and
    // `… = 117.85 MiB` (CUDA): the graph allocator's whole buffer, before the per-backend lines.
    let metal = lines_with(LLAMA3606, "compute buffer total size");
    assert_eq!(numbers(&metal, "compute_buffer"), vec![(1, mib(81.13))]);
    let cuda = lines_with(LLAMA4381, "compute buffer total size");
    assert_eq!(numbers(&cuda, "compute_buffer"), vec![(1, mib(117.85))]);
    // The device shares read before stay: Metal's 'alloc' buffer, CUDA's `VRAM scratch buffer`.
    let all = numbers(&corpus(LLAMA3606), "compute_buffer");
    assert_eq!(all, vec![(1, mib(81.13)), (1, mib(75.02))]);
    let all = numbers(&corpus(LLAMA4381), "compute_buffer");
    assert_eq!(all, vec![(1, mib(117.85)), (1, mib(114.54))]);
}
