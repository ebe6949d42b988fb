//! The ninth held-out batch (`tests/fixtures/trace/kernel-names-9.tsv`, split `heldout-9`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES.md` ("Corpus 9 (blind)").
//!
//! 776 names from 37 repositories. Scored once, blind, by the lead at 8333878 (after the
//! namesfix4 round was merged): 597/776 = 76.93 %. That first score is the floor; heldout-9 is
//! development data from here on.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh, score};

const BATCH: Batch = Batch {
    file: "kernel-names-9.tsv",
    text: CORPORA[9],
    split: "heldout-9",
    // Every name of the earlier corpora (1 … heldout-8).
    earlier_names: CORPORA.split_at(9).0,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: CORPORA.split_at(9).0,
    min_names: 700,
    // The blind first score (8333878, after namesfix4).
    first_score: 597,
    dev_floor: None,
};

#[test]
fn heldout9_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}

#[test]
fn heldout9_bare_name_accuracy() {
    score(&BATCH);
}
