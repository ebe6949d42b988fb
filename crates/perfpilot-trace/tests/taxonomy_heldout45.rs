//! The forty-fifth held-out batch (`tests/fixtures/trace/kernel-names-45.tsv`, split
//! `heldout-45`), a BLIND batch: real kernel names from repositories no earlier corpus used,
//! collected and hand-labelled (from what each source says the kernel does) by an engineer who
//! writes no rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind-2.md` ("Corpus 45 (blind)").
//!
//! 90 names from 10 repositories, the serving-adjacent library slice: MagiAttention (SandAI's
//! distributed attention; only names and families no corpus holds), eight entries of the
//! FlashInfer MLSys-2026 kernel contest / FlashInfer-Bench (DeepSeek-V3 MoE FP8, DeepSeek
//! sparse attention and its top-k indexer, Gated-DeltaNet) and a FlashInfer attention task
//! package (MLA paged decode, paged / ragged prefill). The largest repository holds 13 names
//! (14.4 %). All are source names (as declared); no profiler table from a fresh repository
//! was found.
//! Not scored yet: the lead takes the one blind first score after the next rule round, then
//! adds the score test and sets `first_score`. Until then this file checks the format, the
//! categories and the freshness only, and classifies nothing.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-45.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-45.tsv"),
    split: "heldout-45",
    // Every name of the earlier corpora (1 … heldout-42).
    earlier_names: &CORPORA,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &CORPORA,
    // The count reached (90).
    min_names: 90,
    // Unscored: the lead sets the blind first score when taking it.
    first_score: 0,
    dev_floor: None,
};

/// Heldout-43 and heldout-44, on main but not in `CORPORA` yet.
const LATER: [&str; 2] = [
    include_str!("../../../tests/fixtures/trace/kernel-names-43.tsv"),
    include_str!("../../../tests/fixtures/trace/kernel-names-44.tsv"),
];

#[test]
fn heldout45_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
    check_fresh(&Batch { earlier_names: &LATER, earlier_sources: &LATER, ..BATCH });
}
