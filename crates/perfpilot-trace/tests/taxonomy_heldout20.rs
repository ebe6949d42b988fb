//! The twentieth held-out batch (`tests/fixtures/trace/kernel-names-20.tsv`, split `heldout-20`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 20 (blind)").
//!
//! 401 names from 18 repositories, all in source form (`__global__` / `__aicore__` entries,
//! OpenCL `KERNEL(…)` entry points, Metal `kernel void` shaders, `@triton.jit` kernels); no
//! committed profiler table of a serving run from a fresh repository was found. Not scored yet: the lead takes the one blind
//! first score after the next rule round, then adds the score test and sets `first_score`.
//! Until then this file checks the format, the categories and the freshness only, and
//! classifies nothing.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-20.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-20.tsv"),
    split: "heldout-20",
    // Every name of the earlier corpora (1 … heldout-19).
    earlier_names: &CORPORA,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &CORPORA,
    // The count reached (401); the usual floor is 400.
    min_names: 401,
    // Unscored: the lead sets the blind first score when taking it.
    first_score: 0,
    dev_floor: None,
};

#[test]
fn heldout20_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
