//! The rules of round 12 of issue 15 (branch trifix12): launch-fact refusals (an engine's
//! arithmetic on figures it prints: state blocks against `max_num_seqs`, a multimodal item against
//! the step's token budget, a request against the context) and the faulthandler timeout dump.
//! `corpus_score` guards them as it guards the earlier rounds: none may decide a log of another
//! class in a scored split.

/// Signature ids of round 12 (`data/messages.toml`'s round-12 section).
pub const CLASS_RULES_R12: &[&str] = &[
    "vllm-mamba-blocks-below-max-num-seqs",
    "vllm-mm-item-over-batched-tokens",
    "openai-server-request-over-context",
    "faulthandler-timeout-dump",
];
