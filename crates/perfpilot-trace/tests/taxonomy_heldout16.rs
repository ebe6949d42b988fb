//! The sixteenth held-out batch (`tests/fixtures/trace/kernel-names-16.tsv`, split `heldout-16`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 16 (blind)").
//!
//! 408 names from 16 sources (47 in the form a profiler prints them, from Kineto kernel tables
//! of SGLang / vLLM serving runs). Scored once, blind, by the lead after the namesfix11 round
//! was merged: 313/408 = 76.72 %. That first score is the floor; heldout-16 is development data
//! from here on, except its namesfix12 set-aside third.

mod heldout_batch;

use heldout_batch::set_aside::SET_ASIDE_16;
use heldout_batch::{Batch, CORPORA, check_fresh, report_set_aside, score_hiding};

const BATCH: Batch = Batch {
    file: "kernel-names-16.tsv",
    text: CORPORA[16],
    split: "heldout-16",
    // Every name of the earlier corpora (1 … heldout-15).
    earlier_names: CORPORA.split_at(16).0,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: CORPORA.split_at(16).0,
    min_names: 400,
    // The blind first score (after namesfix11).
    first_score: 313,
    // Set by namesfix12 (docs/taxonomy-corpus-3.md): the two development thirds 152 -> 180/207,
    // the set-aside third (SET_ASIDE_16) 161 -> 164/201, scored once.
    // Raised by namesfix13 (344 -> 346): step words another family owns
    // (docs/taxonomy.md, 'Step words another family owns').
    // Raised by namesfix14 (346 -> 348): helper kernels filed with the family they prepare
    // (docs/taxonomy.md, 'Helper kernels of attention, EP and fused KV steps').
    // Raised by namesfix22 (348 -> 349): one held-back row of the set-aside third is now right
    // (counted, never printed; no development row lost) (docs/taxonomy-corpus-4.md, namesfix22).
    // namesfix29 (round 31): raised to the current total.
    // namesfix31 (round 33): +2 development names (taxonomy-corpus-5.md).
    dev_floor: Some(353),
};

#[test]
fn heldout16_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}

#[test]
fn heldout16_bare_name_accuracy() {
    score_hiding(&BATCH, SET_ASIDE_16);
}

/// The namesfix12 set-aside third (`SET_ASIDE_16`, 6 of 16 sources): counts only, its rows are
/// never printed. Scored once before the round and once at its end.
#[test]
fn heldout16_set_aside_third() {
    report_set_aside(&BATCH, SET_ASIDE_16, 201);
}
