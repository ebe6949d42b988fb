//! The rules of round 14 of issue 15 (branch trifix14): an out-of-memory placed by its phase
//! (torch's `Module.to` copy of the weights, TurboMind's model instance with its KV pool, Ollama's
//! layout search, llama.cpp's KV buffer line after the allocator's own), one-line refusals in the
//! engine's own words (a request longer than the context, a model not pulled), the linker's and
//! Windows' library failures, and two start-up hangs with no stall line. `corpus_score` guards
//! them as it guards the earlier rounds: none may decide a log of another class in a scored split.

/// Signature ids of round 14 (`data/signatures_2.toml`) and the stall rules of `data/stall.toml` it
/// added (as `stall:ID`, the way they are reported).
pub const CLASS_RULES_R14: &[&str] = &[
    "torch-module-to-device-oom",
    "turbomind-model-instance-oom",
    "ollama-memory-layout-unallocatable",
    "request-longer-than-context",
    "ollama-model-not-pulled",
    "linker-cannot-find-library",
    "windows-dll-init-failed",
    "stall:v1-client-waits-for-engine-core",
    "stall:ends-after-process-group-init",
];
