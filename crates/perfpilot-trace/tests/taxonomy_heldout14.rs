//! The fourteenth held-out batch (`tests/fixtures/trace/kernel-names-14.tsv`, split `heldout-14`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 14 (blind)").
//!
//! Not scored yet: only the freshness check lives here. The scoring test (`score(&BATCH)` with
//! the first score as `first_score`) is added by whoever takes the one blind score.

// `score` and the floors are unused until the first score is taken.
#[allow(dead_code)]
mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

/// Every earlier corpus: the thirteen of `CORPORA` (1 … heldout-12) and heldout-13.
const EARLIER: [&str; 14] = [
    CORPORA[0],
    CORPORA[1],
    CORPORA[2],
    CORPORA[3],
    CORPORA[4],
    CORPORA[5],
    CORPORA[6],
    CORPORA[7],
    CORPORA[8],
    CORPORA[9],
    CORPORA[10],
    CORPORA[11],
    CORPORA[12],
    include_str!("../../../tests/fixtures/trace/kernel-names-13.tsv"),
];

const BATCH: Batch = Batch {
    file: "kernel-names-14.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-14.tsv"),
    split: "heldout-14",
    // Every name of the earlier corpora (1 … heldout-13).
    earlier_names: &EARLIER,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &EARLIER,
    min_names: 1000,
    // Not scored yet (blind): the lead sets this at the first score.
    first_score: 0,
    dev_floor: None,
};

#[test]
fn heldout14_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
