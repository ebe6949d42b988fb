//! The rules of round 13 of issue 15 (branch trifix13): dependency mismatches in the refusing
//! library's or driver's words (MLX and transformers model types, transformers class attributes,
//! CUDA driver compatibility errors, missing shared libraries), llama.cpp's missing GGUF file and
//! chat-template fallback, chat templates' own refusals, vLLM's V1 feature refusals, TGI's sharding
//! without flash attention, NCCL's socket connect failure, and two ways a vLLM log ends stalled.
//! `corpus_score` guards them as it guards the earlier rounds: none may decide a log of another
//! class in a scored split.

/// Signature ids of round 13 (`data/messages.toml` and `data/engines.toml`, round-13 sections)
/// and the stall rules of `data/stall.toml` it added (as `stall:ID`, the way they are reported).
pub const CLASS_RULES_R13: &[&str] = &[
    "mlx-model-type-unsupported",
    "transformers-config-mapping-keyerror",
    "transformers-class-attribute-missing",
    "cuda-driver-compat-error",
    "shared-library-not-found",
    "feature-not-supported-on-engine-version",
    "tgi-sharded-needs-flash-attention",
    "nccl-socket-connect-failed",
    "kv-pool-allocation-oom",
    "gguf-file-open-failed",
    "chat-template-fallback-chatml",
    "chat-template-raised-message",
    "stall:client-polls-without-output",
    "stall:stats-running-without-throughput",
];
