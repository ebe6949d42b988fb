//! The rules of round 24 of issue 15 (branch trifix24): the development misses of `heldout-37` …
//! `heldout-40` as families (Node.js listen errors as JSON objects, Metal's and the Ascend
//! runtime's out-of-memory reports, c10d's store socket timeout, transformers' remote-code
//! tokenizer refusal, the hub-kernels / `kernels` version clash, Ollama's pull refused for an old
//! client). `corpus_score` guards them as it guards the earlier rounds: none may decide a log of
//! another class in a scored split. (The round's widenings of older rules — vLLM 0.6's `Prompt
//! length of N …` in `request-longer-than-context`, Ollama's bare `model 'X' not found` in
//! `ollama-model-not-pulled` — are guarded by the lists of the rounds that wrote those rules.)

/// Signature ids of round 24 (`data/signatures_3.toml`).
pub const CLASS_RULES_R24: &[&str] = &[
    "node-listen-eacces-eaddrinuse-object",
    "metal-command-buffer-out-of-memory",
    "ascend-runtime-alloc-memory-failed",
    "c10d-socket-wait-timed-out",
    "transformers-remote-code-tokenizer",
    "hub-kernels-layer-repository-version",
    "ollama-pull-requires-newer-ollama",
    "engine-startup-future-timed-out",
];
