//! The thirteenth held-out batch (`tests/fixtures/trace/kernel-names-13.tsv`, split `heldout-13`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 13 (blind)").
//!
//! 739 names from 42 repositories (35 in the form a profiler prints them). Not scored yet: only
//! the freshness check lives here. The scoring test (`score(&BATCH)` with the first score as
//! `first_score`) is added by whoever takes the one blind score.

// `score` and the floors are unused until the first score is taken.
#[allow(dead_code)]
mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-13.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-13.tsv"),
    split: "heldout-13",
    // Every name of the earlier corpora (1 … heldout-12).
    earlier_names: &CORPORA,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &CORPORA,
    min_names: 700,
    // Not scored yet (blind): the lead sets this at the first score.
    first_score: 0,
    dev_floor: None,
};

#[test]
fn heldout13_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
