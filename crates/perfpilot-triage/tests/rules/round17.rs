//! The rules of round 17 of issue 15 (branch trifix17): a CUDA kernel's index-bounds assertion
//! pasted without its location prefix, and ggml's graph reservation under its late-2025 name
//! (`ggml_gallocr_reserve_n_impl`). `corpus_score` guards them as it guards the earlier rounds:
//! none may decide a log of another class in a scored split.

/// Signature ids of round 17 (`data/signatures_2.toml`). The widened `ggml-compute-buffer-alloc`
/// (`data/engines.toml`, round 2) is left out: it decided logs before this round.
pub const CLASS_RULES_R17: &[&str] = &["cuda-kernel-index-bounds-assert"];
