//! The rules of round 16 of issue 15 (branch trifix16): out-of-memory wordings of other runtimes
//! (a Rust engine's CUDA driver error in a serving step, torch_memory_saver's cu_mem_create on
//! resume, tt-metal's DRAM bank manager while the KV cache is allocated) and an engine attribute removed under a serving wrapper. `corpus_score`
//! guards them as it guards the earlier rounds: none may decide a log of another class in a
//! scored split.

/// Signature ids of round 16 (`data/signatures_2.toml`).
pub const CLASS_RULES_R16: &[&str] = &[
    "rust-engine-step-cuda-oom",
    "torch-memory-saver-resume-oom",
    "tt-metal-kv-cache-dram-oom",
    "engine-api-attribute-removed",
];
