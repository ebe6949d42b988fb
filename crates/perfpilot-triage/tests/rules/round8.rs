//! The rules of round 8 of issue 15 (branch trifix8): signatures written for the miss classes of
//! `heldout-14` (see `tests/corpus_round8.rs`). `corpus_score` guards them as it guards the
//! earlier rounds: none may decide a log of another class in a scored split.

/// Signature ids of round 8.
pub const CLASS_RULES_R8: &[&str] = &[
    "parallel-size-not-divisible",
    "python-bind-eacces-unprivileged-port",
    "ggml-vulkan-oom-while-loading",
];
