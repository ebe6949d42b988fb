//! Stated values for the classes of `heldout-24`'s misses (issue 15, branch capfix16): vLLM
//! V1's hybrid-model refusal `max_num_seqs (N) exceeds available Mamba cache blocks (M)`,
//! llama.cpp's late-2023 `llm_load_tensors: VRAM used: X MB` (weights offloaded to the GPU) and
//! its KV lines under journald / Ollama prefixes. Lines are real (public logs, none from the
//! capfix16 set-aside third), each with its source.

mod common;

use common::numbers;

/// vllm-project/recipes#831 (a development source of heldout-24): vLLM V1 on one RTX PRO 6000
/// refusing the default `max_num_seqs` for a hybrid model, the message folded by the paste.
const RECIPES_831: &str =
    "ValueError: max_num_seqs (1024) exceeds available Mamba cache blocks (939).
Each decode sequence requires one Mamba cache block, so CUDA graph capture cannot
proceed. Please lower max_num_seqs to at most 939 or increase gpu_memory_utilization.
";

#[test]
fn mamba_refusal_states_sequences_and_state_blocks() {
    assert_eq!(numbers(RECIPES_831, "max_num_sequences"), vec![(1, 1024.0)]);
    assert_eq!(numbers(RECIPES_831, "mamba_slots"), vec![(1, 939.0)]);
}

#[test]
fn mamba_refusal_from_other_public_quotes() {
    // A Kimi-K3 serving note (code store id 58962602722): the message without its tail.
    let k3 = "ValueError: max_num_seqs (1024) exceeds available Mamba cache blocks (854)\n";
    assert_eq!(numbers(k3, "max_num_sequences"), vec![(1, 1024.0)]);
    assert_eq!(numbers(k3, "mamba_slots"), vec![(1, 854.0)]);
    // A Chinese evaluation note (code store id 70105681510): vLLM's default 256 against 196.
    let qwen36 = "ValueError: max_num_seqs (256) exceeds available Mamba cache blocks (196).\n\
Each decode sequence requires one Mamba cache block...\n";
    assert_eq!(numbers(qwen36, "max_num_sequences"), vec![(1, 256.0)]);
    assert_eq!(numbers(qwen36, "mamba_slots"), vec![(1, 196.0)]);
    // Quoted inside a markdown table cell (code store id 68884393612).
    let cell =
        "| `max_num_seqs (256) exceeds available Mamba cache blocks (108)` | hybrid model |\n";
    assert_eq!(numbers(cell, "mamba_slots"), vec![(1, 108.0)]);
}

#[test]
fn the_lowering_advice_is_not_a_second_figure() {
    // `Please lower max_num_seqs to at most M` restates the blocks, not the setting.
    let advice =
        "proceed. Please lower max_num_seqs to at most 939 or increase gpu_memory_utilization.\n";
    assert!(numbers(advice, "max_num_sequences").is_empty());
}

#[test]
fn llama_2023_vram_used_is_the_offloaded_weights() {
    // llama.cpp Nov 2023 (MiB) in a llama-cpp-python note (code store id 5772210654).
    let mib = "llm_load_tensors: offloaded 35/35 layers to GPU\nllm_load_tensors: VRAM used: 4095.06 MiB\n";
    assert_eq!(numbers(mib, "model_buffer"), vec![(1, 4.0)]);
    // Oct 2023 (`MB`, 1024^2 bytes) under LocalAI's GRPC stderr prefix (id 54133549090).
    let localai = "5:32AM DBG GRPC(llama-2-7b-chat.Q4_K_M.gguf-127.0.0.1:43735): stderr \
llm_load_tensors: VRAM used: 5869 MB\n";
    assert_eq!(numbers(localai, "model_buffer"), vec![(1, 5.73)]);
    // Ollama's 2023 runner (id 53354859060): the weights line, then the context's total line,
    // whose longer phrase (`total VRAM used:`) is read by its own handler.
    let ollama = "llm_load_tensors: VRAM used: 2223.59 MiB\n\
llama_new_context_with_model: total VRAM used: 2815.60 MiB (model: 2223.59 MiB, context: 592.00 MiB)\n";
    let weights = numbers(ollama, "model_buffer");
    assert!(weights.first() == Some(&(1, 2.17)), "{weights:?}");
}

#[test]
fn vram_used_elsewhere_is_not_weights() {
    // koboldcpp's mid-2023 total (the corpus' koboldcpp#473 log) is the total handler's.
    let total = "llama_new_context_with_model: total VRAM used: 10920.85 MB (model: 10234.84 MB, context: 686.00 MB)\n";
    assert!(numbers(total, "model_buffer").iter().all(|v| v.1 == 9.99));
    // A GUI overlay's `VRAM used:` (no llama.cpp loader before it) is not read.
    assert!(numbers("VRAM used: 812.00 MB\n", "model_buffer").is_empty());
}

/// ollama/ollama#12147 (a development source of heldout-24): llama.cpp's unified KV line under
/// journald with a Chinese month (`9月`), the runner on the CPU.
const OLLAMA_12147: &str = "9月 02 14:47:57 yons-Z790-EAGLE-AX ollama[1756203]: llama_kv_cache_unified: size =  576.00 MiB (  4096 cells,  36 layers,  1/1 seqs), K (f16):  288.00 MiB, V (f16):  288.00 MiB\n";

#[test]
fn journald_kv_line_states_both_halves() {
    assert_eq!(numbers(OLLAMA_12147, "kv_size"), vec![(1, 0.56)]);
    assert_eq!(numbers(OLLAMA_12147, "kv_tokens"), vec![(1, 4096.0)]);
    assert_eq!(numbers(OLLAMA_12147, "k_size"), vec![(1, 0.28)]);
    assert_eq!(numbers(OLLAMA_12147, "v_size"), vec![(1, 0.28)]);
}

#[test]
fn journald_kv_line_in_its_log() {
    // The whole excerpt: the next journald line (`9月 02 …`) is a new log line, not the rest
    // of a wrapped one (`crate::wrap` joined them before, and `MiB9月` hid the V half).
    let log = common::corpus(
        "llamacpp-ollama12147-journald-cpu-kv-576-cells-4096-compute-304.75-runner-0.60s-cut.log",
    );
    assert_eq!(numbers(&log, "k_size"), vec![(1, 0.28)]);
    assert_eq!(numbers(&log, "v_size"), vec![(1, 0.28)]);
    assert_eq!(numbers(&log, "compute_buffer"), vec![(1, 0.3)]);
}

#[test]
fn scheduler_checks_state_both_settings() {
    // A deployment note's CrashLoopBackOff (code store id 66567500345).
    let rope = "max_num_batched_tokens (4096) is smaller than max_model_len (1010000)\n";
    assert_eq!(numbers(rope, "max_num_tokens"), vec![(1, 4096.0)]);
    assert_eq!(numbers(rope, "max_model_len"), vec![(1, 1010000.0)]);
    // pydantic's wrapper (code store id 3708448917).
    let cpu = "Value error, max_num_batched_tokens (2048) is smaller than max_model_len (131072)\n";
    assert_eq!(numbers(cpu, "max_num_tokens"), vec![(1, 2048.0)]);
    assert_eq!(numbers(cpu, "max_model_len"), vec![(1, 131072.0)]);
    // The other check, its format string (vllm/config/scheduler.py) filled in.
    let seqs = "Value error, max_num_batched_tokens (128) must be greater than or equal to max_num_seqs (256).\n";
    assert_eq!(numbers(seqs, "max_num_tokens"), vec![(1, 128.0)]);
    assert_eq!(numbers(seqs, "max_num_sequences"), vec![(1, 256.0)]);
}

/// vllm-project/vllm#40691 (heldout-12): vLLM 0.19's command with `--max-num-batched-token`,
/// the prefix argparse took for `--max-num-batched-tokens`.
const ABBREVIATED: &str = "vllm serve Qwen3.5-27B --trust-remote-code --max-model-len 32768 \
--max-num-seqs 16 --max-num-batched-token 16384 --load-format dummy\n";

#[test]
fn an_abbreviated_flag_is_its_option() {
    assert_eq!(numbers(ABBREVIATED, "max_num_tokens"), vec![(1, 16384.0)]);
    assert_eq!(numbers(ABBREVIATED, "max_num_sequences"), vec![(1, 16.0)]);
    assert_eq!(numbers(ABBREVIATED, "max_model_len"), vec![(1, 32768.0)]);
    // `=` form and underscores; a prefix that drops a whole word (`--max-num`) is ambiguous to
    // argparse and not read.
    let eq = "vllm serve m --max-num-seqs 8 --gpu_memory_util=0.9 --max-num 4096\n";
    assert_eq!(numbers(eq, "gpu_memory_utilization"), vec![(1, 0.9)]);
    assert!(numbers(eq, "max_num_tokens").is_empty());
}
