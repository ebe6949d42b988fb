//! Round 16 of issue 15 (branch trifix16): logs the tool read as "no failure" although one line
//! states an out-of-memory or a version break in another runtime's words: a Rust engine's CUDA
//! driver error in a serving step, torch_memory_saver failing to take the engine's memory back,
//! tt-metal's DRAM bank manager while the KV cache is allocated, and a serving wrapper using an attribute the engine no longer has.
//! Written from the development two thirds of `heldout-26` (the set-aside third is listed in
//! `tests/fixtures/corpus/SOURCES-blind-3.md`, "trifix16 set-aside", never used here) and from
//! real lines of other public reports.

#[path = "rules/class_training.rs"]
mod class_training;
#[path = "../../../tests/support/corpus.rs"]
mod corpus;
#[path = "rules/verdict.rs"]
mod verdict;

use verdict::{assert_files_decide, assert_texts_decide, triage_text};

/// Out-of-memory wordings of other runtimes decide the class their phase gives.
#[test]
fn round16_runtime_oom_wordings_decide() {
    assert_files_decide(&[
        // mistral.rs serving its first request (EricLBuehler/mistral.rs#44)
        (
            "mistralrs-44-rtx3090-serving-first-request-cuda-error-out-of-memory-panic.log",
            "oom-runtime",
            "rust-engine-step-cuda-oom",
            "CUDA_ERROR_OUT_OF_MEMORY",
        ),
        // SGLang under verl resuming its memory (sgl-project/sglang#14092)
        (
            "sglang-14092-verl-resume-memory-occupation-torch-memory-saver-cu-mem-create-oom.log",
            "oom-weights",
            "torch-memory-saver-resume-oom",
            "cu_mem_create",
        ),
        // Tenstorrent's vLLM fork allocating the KV cache (tenstorrent/tt-metal#21904)
        (
            "vllm-ttmetal21904-n150-llama31-8b-accuracy-mode-tt-kv-cache-alloc-dram-out-of-memory-cut.log",
            "kv-budget-negative",
            "tt-metal-kv-cache-dram-oom",
            "Not enough space to allocate",
        ),
    ]);
    assert_texts_decide(&[
        // fzyzcjy/torch_memory_saver#4 (CUDA), #9 (ROCm build), #99 (resume of the KV cache)
        (
            "[torch_memory_saver.cpp] CUresult error  result=2 file=csrc/torch_memory_saver.cpp func=cu_mem_create line=103 (5)",
            "oom-weights",
            "torch-memory-saver-resume-oom",
        ),
        (
            "[torch_memory_saver.cpp] hipError_t error  result=2 file=csrc/torch_memory_saver_hip.cpp func=cu_mem_create line=103",
            "oom-weights",
            "torch-memory-saver-resume-oom",
        ),
        (
            "[torch_memory_saver.cpp] cudaError error: 2 (out of memory)  file=csrc/core.cpp func=resume line=172",
            "oom-weights",
            "torch-memory-saver-resume-oom",
        ),
    ]);
}

/// tt-metal's DRAM refusal outside the KV-cache allocation (a benchmark's forward pass,
/// tenstorrent/tt-xla#5535; a prefill, tenstorrent/tt-metal#31076) is not read as the KV budget.
#[test]
fn round16_tt_dram_oom_without_kv_allocation_is_not_kv_budget() {
    for text in [
        "Out of Memory: Not enough space to allocate 1073741824 B DRAM buffer across 12 banks, where each bank needs to store 89479168 B, but bank size is 1070773184 B (allocated: 1003628544 B, free: 67144640 B, largest free block: 67140352 B)",
        "2025-10-23 04:15:30.108 | INFO     | models.tt_transformers.tt.generator:prefill_forward_llama_vision:627 - Prefilling User 1 up to 8010 tokens\n2025-10-23 04:15:50.252 | critical |          Always | Out of Memory: Not enough space to allocate 117440512 B DRAM buffer across 12 banks, where each bank needs to store 9787392 B, but bank size is only 1046181792 B (assert.hpp:103)",
    ] {
        let r = triage_text(text);
        assert_ne!(r.class.as_str(), "kv-budget-negative", "{text}: {}", r.headline);
    }
}

/// Early-2024 llama.cpp's `error loading model: failed to allocate buffer` (no buffer name) is the
/// weights (oobabooga/textgen#5415); a KV-cache line still decides the KV class (janhq/jan#8236).
#[test]
fn round16_llamacpp_unnamed_buffer_wording_is_the_weights() {
    assert_files_decide(&[
        (
            "llamacpp-textgen5415-dolphin-mixtral-8x7b-q4km-cudamalloc-7826mib-failed-to-load-cut.log",
            "oom-weights",
            "ggml-model-buffer-alloc",
            "failed to allocate buffer",
        ),
        (
            "llamacpp-jan8236-v081-default-model-default-ctx-kv-36864mib-cudamalloc-cut.log",
            "context-exceeds-kv",
            "ggml-kv-buffer-alloc",
            "failed to allocate buffer for kv cache",
        ),
    ]);
}

/// A serving wrapper using an engine attribute the installed version lacks decides
/// dependency-mismatch (Triton's vLLM backend, FastChat's vllm_worker).
#[test]
fn round16_engine_attribute_removed_decides_dependency_mismatch() {
    assert_files_decide(&[(
        "vllm-tritonserver8387-2508-vllm01011-v1-setup-metrics-asyncllm-no-attribute-engine.log",
        "dependency-mismatch",
        "engine-api-attribute-removed",
        "'AsyncLLM' object has no attribute 'engine'",
    )]);
    // lm-sys/FastChat#3704
    assert_texts_decide(&[(
        "2025-03-24 22:04:27 | ERROR | stderr | AttributeError: 'AsyncLLM' object has no attribute 'engine'",
        "dependency-mismatch",
        "engine-api-attribute-removed",
    )]);
}

/// The trifix16 set-aside third is never trained on; the development splits include the
/// development two thirds of heldout-26.
#[test]
fn round16_set_aside_is_not_trained_on() {
    assert!(class_training::DEV_SPLITS.contains(&"heldout-26"));
    for d in class_training::dev_docs() {
        assert!(!class_training::SET_ASIDE_16.contains(&d.source.as_str()), "{}", d.file);
    }
}
