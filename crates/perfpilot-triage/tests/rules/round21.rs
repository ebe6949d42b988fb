//! The rules of round 21 of issue 15 (branch trifix21): heldout-32's and heldout-33's development
//! misses as families (transformers' lazy-import RuntimeError, DeepGEMM's Hopper-only refusal,
//! Ollama's manifest 400 / 404 for a name it cannot resolve, verl's rollout length over the
//! model's maximum, TensorRT-LLM's MPI world size against tp x pp). `corpus_score` guards them as
//! it guards the earlier rounds: none may decide a log of another class in a scored split.

/// Signature ids of round 21 (`data/signatures_3.toml`).
pub const CLASS_RULES_R21: &[&str] = &[
    "transformers-lazy-import-failed",
    "deepgemm-requires-hopper",
    "ollama-manifest-bad-name",
    "rollout-length-over-max-position",
    "trtllm-mpi-size-ne-tp-pp",
];
