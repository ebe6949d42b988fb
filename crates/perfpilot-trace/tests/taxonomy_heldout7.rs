//! The seventh held-out batch (`tests/fixtures/trace/kernel-names-7.tsv`, split `heldout-7`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES.md` ("Corpus 7 (blind)").
//!
//! 682 names from 27 repositories. Scored once, blind, by the lead at 47e27bc (after the
//! op-name round of branch namesfix2 was merged): 525/682 = 76.98 %. Development data since.

mod heldout_batch;

use heldout_batch::{Batch, check_fresh, score};

const BATCH: Batch = Batch {
    file: "kernel-names-7.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-7.tsv"),
    split: "heldout-7",
    // Every name of the earlier corpora.
    earlier_names: &[
        include_str!("../../../tests/fixtures/trace/kernel-names.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-heldout.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-2.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-3.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-4.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-5.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-6.tsv"),
    ],
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &[
        include_str!("../../../tests/fixtures/trace/kernel-names.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-heldout.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-2.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-3.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-4.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-5.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-6.tsv"),
    ],
    min_names: 600,
    // First score, blind (rules of 47e27bc, after the op-name round): 525/682 = 76.98 %.
    first_score: 525,
    dev_floor: None,
};

#[test]
fn heldout7_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}

#[test]
fn heldout7_bare_name_accuracy() {
    score(&BATCH);
}
