//! The seventeenth held-out batch (`tests/fixtures/trace/kernel-names-17.tsv`, split `heldout-17`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 17 (blind)").
//!
//! A short, partial batch: 83 names from 15 sources (16 in the form a profiler prints them, from
//! an nsys kernel table of vLLM serving on an A100), far below the 400 names asked for. Scored
//! once, blind, by the lead after the namesfix12 round was merged: 70/83 = 84.34 % (profiler-form
//! names 16/16). That first score is the floor; heldout-17 is development data from here on,
//! except its namesfix13 set-aside third.

mod heldout_batch;

use heldout_batch::set_aside::SET_ASIDE_17;
use heldout_batch::{Batch, CORPORA, check_fresh, report_set_aside, score_hiding};

const BATCH: Batch = Batch {
    file: "kernel-names-17.tsv",
    text: CORPORA[17],
    split: "heldout-17",
    // Every name of the earlier corpora (1 … heldout-16).
    earlier_names: CORPORA.split_at(17).0,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: CORPORA.split_at(17).0,
    // The batch is partial (83 names); the usual floor is 400.
    min_names: 80,
    // The blind first score (after namesfix12).
    first_score: 70,
    // Set by namesfix13 (docs/taxonomy-corpus-3.md): step words another family owns; the two
    // development thirds 40 -> 46/50.
    // namesfix29 (round 31): raised to the current total.
    dev_floor: Some(77),
};

#[test]
fn heldout17_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}

#[test]
fn heldout17_bare_name_accuracy() {
    score_hiding(&BATCH, SET_ASIDE_17);
}

/// The namesfix13 set-aside third (`SET_ASIDE_17`, 5 of 15 sources): counts only, its rows are
/// never printed. Scored once before the round and once at its end.
#[test]
fn heldout17_set_aside_third() {
    report_set_aside(&BATCH, SET_ASIDE_17, 33);
}
