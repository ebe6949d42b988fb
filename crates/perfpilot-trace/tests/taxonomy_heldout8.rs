//! The eighth held-out batch (`tests/fixtures/trace/kernel-names-8.tsv`, split `heldout-8`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES.md` ("Corpus 8 (blind)").
//!
//! 688 names from 39 repositories. Scored once, blind, by the lead at 54461d5 (after the
//! pipeline-vocabulary round of branch namesfix3 was merged): 460/688 = 66.86 %.
//! Development data since.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh, score};

const BATCH: Batch = Batch {
    file: "kernel-names-8.tsv",
    text: CORPORA[8],
    split: "heldout-8",
    // Every name of the earlier corpora.
    earlier_names: CORPORA.split_at(8).0,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: CORPORA.split_at(8).0,
    min_names: 600,
    // Not scored yet (blind): the lead sets this at the first score.
    // First score, blind (rules of 54461d5, after namesfix3): 460/688 = 66.86 %.
    first_score: 460,
    dev_floor: None,
};

#[test]
fn heldout8_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}

#[test]
fn heldout8_bare_name_accuracy() {
    score(&BATCH);
}
