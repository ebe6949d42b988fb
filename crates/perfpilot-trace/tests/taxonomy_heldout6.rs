//! The sixth held-out batch (`tests/fixtures/trace/kernel-names-6.tsv`, split `heldout-6`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES.md` ("Corpus 6 (blind)").
//!
//! Only the freshness check is here: the batch has not been scored yet. The scoring test
//! (`heldout_batch::score` with the first score as its floor) is added when the batch is
//! scored, once, after the rule changes of its round are merged.

// `score` and `first_score` are unused until the scoring test is added.
#[allow(dead_code)]
mod heldout_batch;

use heldout_batch::{Batch, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-6.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-6.tsv"),
    split: "heldout-6",
    // Every name of the earlier corpora.
    earlier_names: &[
        include_str!("../../../tests/fixtures/trace/kernel-names.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-heldout.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-2.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-3.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-4.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-5.tsv"),
    ],
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &[
        include_str!("../../../tests/fixtures/trace/kernel-names.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-2.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-3.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-4.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-5.tsv"),
    ],
    min_names: 600,
    // Not scored yet: no floor. The lead sets it to the first score when adding the
    // scoring test.
    first_score: 0,
};

#[test]
fn heldout6_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
