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
//! Scored once, blind, by the lead with the namesfix32 rules (round 34): 45/90 = 50.00 %.
//! That first score is the floor; heldout-45 is development data from here on (namesfix33 set
//! a third aside, `SET_ASIDE_45`, and develops on the rest).

mod heldout_batch;

use heldout_batch::set_aside::SET_ASIDE_45;
use heldout_batch::{Batch, CORPORA, check_fresh, report_set_aside, score_hiding};

const BATCH: Batch = Batch {
    file: "kernel-names-45.tsv",
    text: CORPORA[45],
    split: "heldout-45",
    // Every name of the earlier corpora (1 … heldout-44).
    earlier_names: CORPORA.split_at(45).0,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: CORPORA.split_at(45).0,
    // The count reached (90).
    min_names: 90,
    // The blind first score, taken once by the lead with the namesfix32 rules (round 34).
    first_score: 45,
    // namesfix33 (round 35): the first score plus the development rows its rules fixed
    // (the whole-file total; the set-aside third scored once at the round's end).
    dev_floor: Some(54),
};

#[test]
fn heldout45_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}

#[test]
fn heldout45_bare_name_accuracy() {
    score_hiding(&BATCH, SET_ASIDE_45);
}

/// The namesfix33 set-aside third (`SET_ASIDE_45`, 4 of 10 sources, 38 names): counts
/// only, its rows are never printed. Scored once before the round and once at its end.
#[test]
fn heldout45_set_aside_third() {
    report_set_aside(&BATCH, SET_ASIDE_45, 38);
}
