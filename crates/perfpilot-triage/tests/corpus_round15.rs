//! Round 15 of issue 15 (branch trifix15): logs the tool read as "no failure" or as `unknown`
//! although one line states the failure in the program's own words: configuration refusals
//! (a parallel size that does not divide the model, TGI's token limits, llama.cpp's argument
//! parser), a GPU architecture the installed build or toolchain lacks, a process that exited 127,
//! transformers 5's tokenizer class, LMDeploy's logged environment check, SGLang's
//! prompt-plus-completion refusal. Written from the development two thirds of `heldout-24` and
//! `-25` and the misses of the earlier development splits (the set-aside thirds are listed in
//! `tests/fixtures/corpus/SOURCES-blind-3.md`, "trifix15 set-aside", never used here) and from
//! real lines of other public reports.

#[path = "rules/class_training.rs"]
mod class_training;
#[path = "../../../tests/support/corpus.rs"]
mod corpus;
#[path = "rules/verdict.rs"]
mod verdict;

use verdict::{assert_files_decide, assert_texts_decide};

/// One-line configuration refusals decide config-invalid, in each engine's wording.
#[test]
fn round15_configuration_refusals_decide_config_invalid() {
    assert_files_decide(&[
        // llama-server's parser behind text-generation-webui (oobabooga/textgen#7237)
        (
            "llamacpp-textgen7237-portable-flash-attn-unknown-value-numa-server-exit-1.log",
            "config-invalid",
            "llamacpp-argument-refused",
            "error while handling argument \"--flash-attn\"",
        ),
    ]);
    assert_texts_decide(&[
        // vllm-project/vllm#596 (title), deepspeedai/DeepSpeed#3634 (title), gpustack/gpustack#885
        (
            "ValueError: The number of GPUs per node is not divisible by the number of tensor parallelism.",
            "config-invalid",
            "parallel-size-divisibility",
        ),
        (
            "AssertionError: num_heads (52) must be divisible by mp_size (8)",
            "config-invalid",
            "parallel-size-divisibility",
        ),
        (
            "Total number of attention heads must be divisible by tensor parallel size, GPUStack did not follow this requirement when allocating GPUs.",
            "config-invalid",
            "parallel-size-divisibility",
        ),
        // llama.cpp's parser under llama-swap (mostlygeek/llama-swap#283), FlexLLama
        // (yazon/flexllama#15), LLMKube (defilantech/LLMKube#147)
        (
            "llama-swap-1  | error while handling argument \"--flash-attn\": error: unkown value for --flash-attn: '--ctx-size'",
            "config-invalid",
            "llamacpp-argument-refused",
        ),
        (
            "error while handling argument \"--flash-attn\": error: unkown value for --flash-attn: '--main-gpu'",
            "config-invalid",
            "llamacpp-argument-refused",
        ),
        (
            "error while handling argument \"--flash-attn\": expected value for argument",
            "config-invalid",
            "llamacpp-argument-refused",
        ),
        // TGI's launcher: the message as its `main` prints it (no value in 1.x-2.x), and the 1.x
        // prefill form as a public evaluation script quotes it
        (
            "Error: ArgumentValidation(\"`max_input_tokens` must be < `max_total_tokens`\")",
            "config-invalid",
            "tgi-argument-validation",
        ),
        (
            "ArgumentValidation(\"`max_batch_prefill_tokens` must be >= `max_input_length`. Given: 4096 and 4874\")",
            "config-invalid",
            "tgi-argument-validation",
        ),
    ]);
}

/// A GPU architecture the build or toolchain lacks decides dependency-mismatch, pasted bare, in
/// ptxas' words under Inductor, or only as the CUDA error's name in torch's boilerplate.
#[test]
fn round15_arch_mismatch_decides_dependency_mismatch() {
    assert_files_decide(&[
        // LMDeploy 0.9.2 on an RTX 5090, two lines (InternLM/lmdeploy#3806): the existing rule's
        // line, read once the start-up gate `kernel image` lets a bare line through
        (
            "lmdeploy-3806-v092-rtx5090-no-kernel-image-aborted.log",
            "dependency-mismatch",
            "driver-or-arch-mismatch",
            "no kernel image is available for execution on the device",
        ),
        // vLLM 0.9.1 from nixpkgs on an RTX 5090: Triton's ptxas (NixOS/nixpkgs#406675)
        (
            "nixpkgs-406675-vllm-091-5090-ptxas-ptx84-sm120a-enginecore-failed.log",
            "dependency-mismatch",
            "gpu-arch-not-in-build",
            "does not support .target sm_120a",
        ),
        // vLLM V1's EngineCore: only the error's name survived the cut (vllm-project/vllm#22414)
        (
            "vllm-22414-v1-gpt-oss-20b-enginedead-no-kernel-image-for-device-cut.log",
            "dependency-mismatch",
            "gpu-arch-not-in-build",
            "cudaErrorNoKernelImageForDevice",
        ),
    ]);
}

/// Other dependency families stated in one line: an exit 127 (a runner that could not load),
/// LMDeploy's checker logging a missing module, transformers' GGUF loader.
#[test]
fn round15_dependency_lines_decide_dependency_mismatch() {
    assert_files_decide(&[
        // Ollama 0.3.x on ARM (ollama/ollama#6541)
        (
            "ollama-6541-v038-arm64-oracle-run-gemma2-2b-exit-status-127.log",
            "dependency-mismatch",
            "process-exit-127",
            "exit status 127",
        ),
        // LMDeploy's checker on macOS with --device maca (InternLM/lmdeploy#3319)
        (
            "lmdeploy-3319-mac-pytorch-backend-maca-dlinfer-not-available.log",
            "dependency-mismatch",
            "lmdeploy-checker-import-failed",
            "No module named 'dlinfer'",
        ),
        // vLLM 0.14 refusing a GGUF's architecture through transformers (vllm-project/vllm#33229)
        (
            "vllm-33229-v0140-minimax-m21-gguf-architecture-not-supported-one-line.log",
            "dependency-mismatch",
            "architecture-not-supported",
            "GGUF model with architecture",
        ),
    ]);
    assert_texts_decide(&[
        // ollama/ollama#4836, intel/ipex-llm#12471 (IPEX-LLM's Ollama), honeyandme/RAGQnASystem#17
        (
            "llama runner process has terminated: exit status 127",
            "dependency-mismatch",
            "process-exit-127",
        ),
        (
            "(base) nikos@PC-9700:~$ ./ollama run mistral\nError: llama runner process has terminated: exit status 127",
            "dependency-mismatch",
            "process-exit-127",
        ),
        (
            "ResponseError: llama runner process has terminated: exit status 127",
            "dependency-mismatch",
            "process-exit-127",
        ),
        // InternLM/lmdeploy#2722 (title)
        (
            "lmdeploy - ERROR - __init__.py:17 - ModuleNotFoundError: No module named 'dlinfer'",
            "dependency-mismatch",
            "lmdeploy-checker-import-failed",
        ),
        // transformers' GGUF loader as reported by other GGUF users (a benchmark's failure notes)
        (
            "ValueError: GGUF model with architecture qwen3vl is not supported yet.",
            "dependency-mismatch",
            "architecture-not-supported",
        ),
    ]);
}

/// vLLM's free-memory refusal wrapped after `less than desired` (vllm-project/vllm-ascend#14631),
/// SGLang's prompt-plus-completion refusal quoted by a client (anomalyco/opencode#25230).
#[test]
fn round15_wrapped_and_client_quoted_refusals_decide() {
    assert_files_decide(&[
        (
            "vllmascend-14631-npu-free-memory-below-requested-utilization.log",
            "kv-budget-negative",
            "vllm-free-memory-below-utilization",
            "less than desired",
        ),
        (
            "sglang-opencodepr25230-request-202941-over-max-context-202752-400-one-line.log",
            "context-exceeds-kv",
            "sglang-request-over-context-with-completion",
            "Requested token count exceeds",
        ),
    ]);
    assert_texts_decide(&[(
        "Requested token count exceeds the model's maximum context length of 64000 tokens. You requested a total of 71897 tokens: 7897 tokens from the input messages and 64000 tokens for the completion.",
        "context-exceeds-kv",
        "sglang-request-over-context-with-completion",
    )]);
}

/// The trifix15 set-aside thirds are never trained on; the development splits include the
/// development two thirds of heldout-24 and -25.
#[test]
fn round15_set_aside_is_not_trained_on() {
    for s in ["heldout-24", "heldout-25"] {
        assert!(class_training::DEV_SPLITS.contains(&s), "{s}");
    }
    for d in class_training::dev_docs() {
        assert!(!class_training::SET_ASIDE_15.contains(&d.source.as_str()), "{}", d.file);
    }
}
