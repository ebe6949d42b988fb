//! The rules of round 9 of issue 15 (branch trifix9): written for the classes still missed across
//! every scored split (see `tests/corpus_round9.rs`). `corpus_score` guards them as it guards the
//! earlier rounds: none may decide a log of another class in a scored split.

/// Evidence rule and signature ids of round 9 (`prior` is the undecided fallback,
/// `prior:<phase>`; the signatures are those of `data/messages.toml`).
pub const CLASS_RULES_R9: &[&str] = &[
    "weight-parameter-oom-text",
    "prior",
    "transformers-unknown-model-type",
    "torch-built-without-cuda",
    "batched-tokens-below-max-len",
    "quantization-argument-mismatch",
    "hf-gated-repo",
    "ollama-system-memory-estimate",
    "cublas-alloc-failed",
];
