//! The rules of round 6 of issue 15 (branch trifix6): signatures and evidence rules written for
//! the miss classes of `heldout-12` (see `tests/corpus_round6.rs`). `corpus_score` guards them as
//! it guards the earlier rounds: none may decide a log of another class in a scored split.

/// Signature ids and evidence-rule ids of round 6 (the watchdog, port-in-use and KV-slot
/// wordings were added to existing signatures, which the earlier guards already cover).
pub const CLASS_RULES_6: &[&str] = &["tensorrt-engine-version-mismatch", "tokenizer-init-cut"];
