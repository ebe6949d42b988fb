//! The rules of round 15 of issue 15 (branch trifix15): one-line configuration refusals in each
//! engine's words (a parallel size that does not divide the model, TGI's token-limit validation,
//! llama.cpp's argument parser), a GPU architecture the installed build or toolchain lacks, a
//! process that exited 127, LMDeploy's logged environment-check import failures, and SGLang's
//! prompt-plus-completion refusal. `corpus_score` guards them as it guards the earlier rounds:
//! none may decide a log of another class in a scored split.

/// Signature ids of round 15 (`data/signatures_2.toml`).
pub const CLASS_RULES_R15: &[&str] = &[
    "parallel-size-divisibility",
    "tgi-argument-validation",
    "llamacpp-argument-refused",
    "gpu-arch-not-in-build",
    "process-exit-127",
    "lmdeploy-checker-import-failed",
    "sglang-request-over-context-with-completion",
];
