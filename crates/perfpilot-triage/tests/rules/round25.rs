//! The rules of round 25 of issue 15 (branch trifix25): the development misses of `heldout-41` and
//! `heldout-42` as families — failures quoted inside prose (read through the quoted-span mechanism
//! of `src/logs/mod.rs` and the steps' `stated_any` phase words of `data/evidence.toml`, which
//! decide through the existing step verdicts), the ROCm runtime's out-of-resources status, a
//! report's own statement that the run hangs at a step, and a start stated to fail at weight
//! allocation with the allocator's free-memory figure. `corpus_score` guards them as it guards the
//! earlier rounds: none may decide a log of another class in a scored split.

/// Signature ids of round 25 (`data/signatures_3.toml`).
pub const CLASS_RULES_R25: &[&str] = &[
    "hsa-status-out-of-resources",
    "stated-hang-at-step",
    "stated-failure-at-weights-memory-free",
];
