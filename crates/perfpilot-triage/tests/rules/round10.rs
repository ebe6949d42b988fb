//! The rules of round 10 of issue 15 (branch trifix10): written for the classes of the misses of
//! `heldout-15` / `heldout-16` (see `tests/corpus_round10.rs`). `corpus_score` guards them as it
//! guards the earlier rounds: none may decide a log of another class in a scored split.

/// Evidence rule and signature ids of round 10 (the signatures are those of
/// `data/messages.toml`'s round-10 section).
pub const CLASS_RULES_R10: &[&str] = &[
    "trtllm-world-size-exceeds-gpus",
    "platform-max-model-len-limit",
    "ollama-manifest-not-found",
    "cuda-error-assert-name",
    "triton-instance-creation-oom",
    "pipeline-parallel-unsupported",
];
