//! The rules of round 5 of issue 15 (branch trifix5): signatures and evidence rules written for
//! the miss classes of `heldout-11` (see `tests/corpus_round5.rs`). `corpus_score` guards them as
//! it guards `CLASS_RULES_8`: none may decide a log of another class in a scored split.

/// Signature ids and evidence-rule ids of round 5.
pub const CLASS_RULES_5: &[&str] = &[
    "cuda-mempool-unsupported",
    "bind-address-not-available",
    "bind-address-not-available-frames",
    "llama-bind-public-host",
    "c10d-store-port-in-use",
    "ggml-cuda-oom-while-loading",
    "llama-assert-batch-params",
    "llama-assert-no-output-layer",
    "trtllm-cudamallocasync-cut",
    "import-cut-inside-importlib",
    "forward-allocation-cut",
    // After the set-aside third's one scoring.
    "cuda-mempool-config-call-failed",
    "c10d-store-creation-cut",
];
