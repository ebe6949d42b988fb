//! Round 17 of issue 15 (branch trifix17): a CUDA kernel's index-bounds assertion pasted without
//! its location prefix, and ggml's compute-graph reservation failing under its late-2025 name
//! (`ggml_gallocr_reserve_n_impl`, a vision encoder's warm-up among its callers). Written from
//! the development two thirds of `heldout-27` (the set-aside third is listed in
//! `tests/fixtures/corpus/SOURCES-blind-3.md`, "trifix17 set-aside", never used here) and from
//! real lines of other public reports.

#[path = "rules/class_training.rs"]
mod class_training;
#[path = "../../../tests/support/corpus.rs"]
mod corpus;
#[path = "rules/verdict.rs"]
mod verdict;

use verdict::{assert_files_decide, assert_texts_decide};

/// The tail of CUDA's device assert (`Assertion `COND` failed.`) with an index-bounds condition
/// decides device-assert, with or without the `FILE:LINE: FUNC: block: …, thread: …` prefix.
#[test]
fn round17_bare_index_bounds_assert_decides_device_assert() {
    assert_files_decide(&[(
        // zai-org/GLM-OCR#112 (vLLM 0.16.0, torch 2.9.1)
        "vllm-glmocr112-v0160-mtp-vectorized-gather-index-out-of-bounds-assert-one-line.log",
        "device-assert",
        "cuda-kernel-index-bounds-assert",
        "vectorized gather kernel index out of bounds",
    )]);
    // The same assertions as pasted without their location prefix: PyTorch's IndexKernel.cu
    // (sgl-project/sglang#271), ScatterGatherKernel.cu (vllm-project/vllm#23023), Inductor's
    // generated bounds check (vllm-project/vllm#22755).
    assert_texts_decide(&[
        (
            "Assertion `-sizes[i] <= index && index < sizes[i] && \"index out of bounds\"` failed.",
            "device-assert",
            "cuda-kernel-index-bounds-assert",
        ),
        (
            "Assertion `idx_dim >= 0 && idx_dim < index_size && \"index out of bounds\"` failed.",
            "device-assert",
            "cuda-kernel-index-bounds-assert",
        ),
        (
            "Assertion `index out of bounds: 0 <= tl.broadcast_to(tmp10, [XBLOCK]) < 2048` failed.",
            "device-assert",
            "cuda-kernel-index-bounds-assert",
        ),
    ]);
}

/// ggml's graph reservation under its late-2025 name is the compute buffer (oom-runtime), not the
/// weights: a vision encoder's warm-up (ggml-org/llama.cpp#18181, build 7474) and Ollama's
/// vendored ggml reserving a long context's graph (ollama/ollama#15284).
#[test]
fn round17_gallocr_reserve_impl_is_the_compute_buffer() {
    assert_files_decide(&[
        (
            "llamacpp-18181-b7474-qwen3vl-235b-q8-mmproj-fit-vision-warmup-cudamalloc-372mib-oom-cut.log",
            "oom-runtime",
            "ggml-compute-buffer-alloc",
            "ggml_gallocr_reserve_n_impl: failed to allocate CUDA0 buffer of size 390156544",
        ),
        (
            "ollama-15284-gemma4-31b-q4-kvsize-262144-gallocr-cuda0-19gib-cudamalloc-oom-cut.log",
            "oom-runtime",
            "ggml-compute-buffer-alloc",
            "ggml_gallocr_reserve_n_impl",
        ),
    ]);
}

/// The trifix17 set-aside third was not trained on in round 17; it was scored once at the end of
/// that round, and since round 18 (trifix18) all of heldout-27 is development data: the set-aside
/// sources are trained on.
#[test]
fn round17_set_aside_is_trained_on_after_its_scoring() {
    assert!(class_training::DEV_SPLITS.contains(&"heldout-27"));
    let docs = class_training::dev_docs();
    for source in class_training::SET_ASIDE_17 {
        assert!(docs.iter().any(|d| d.source == *source), "{source} not trained on");
    }
}
