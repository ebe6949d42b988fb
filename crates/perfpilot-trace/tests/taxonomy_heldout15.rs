//! The fifteenth held-out batch (`tests/fixtures/trace/kernel-names-15.tsv`, split `heldout-15`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 15 (blind)").
//!
//! 623 names from 16 sources (23 in the form a profiler prints them). Scored once, blind, by
//! the lead after the namesfix10 round was merged: 501/623 = 80.42 %. That first score is the
//! floor; heldout-15 is development data from here on, except its namesfix11 set-aside third.

mod heldout_batch;

use heldout_batch::set_aside::SET_ASIDE_15;
use heldout_batch::{Batch, CORPORA, check_fresh, report_set_aside, score_hiding};

const BATCH: Batch = Batch {
    file: "kernel-names-15.tsv",
    text: CORPORA[15],
    split: "heldout-15",
    // Every name of the earlier corpora (1 … heldout-14).
    earlier_names: CORPORA.split_at(15).0,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: CORPORA.split_at(15).0,
    min_names: 500,
    // The blind first score (after namesfix10).
    first_score: 501,
    // Set by namesfix11 (docs/taxonomy-corpus-2.md, namesfix11): the two development thirds
    // 381 -> 443/480, the set-aside third (SET_ASIDE_15) 120 -> 120/143.
    // Raised by namesfix13 (563 -> 564): step words another family owns (docs/taxonomy.md,
    // 'Step words another family owns').
    // namesfix29 (round 31): raised to the current total.
    dev_floor: Some(569),
};

#[test]
fn heldout15_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}

#[test]
fn heldout15_bare_name_accuracy() {
    score_hiding(&BATCH, SET_ASIDE_15);
}

/// The namesfix11 set-aside third (`SET_ASIDE_15`, 6 of 16 sources): counts only, its rows are
/// never printed. Scored once before the round and once at its end.
#[test]
fn heldout15_set_aside_third() {
    report_set_aside(&BATCH, SET_ASIDE_15, 143);
}
