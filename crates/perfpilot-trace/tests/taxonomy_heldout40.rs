//! The fortieth held-out batch (`tests/fixtures/trace/kernel-names-40.tsv`, split
//! `heldout-40`), a BLIND batch: real kernel names from repositories no earlier corpus used,
//! collected and hand-labelled (from what each source says the kernel does) by an engineer who
//! writes no rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 40 (blind)").
//!
//! 108 names from 9 repositories: the CUDA / HIP / Triton kernels of serving and inference
//! engines no corpus named — HartsyInference, goinfer, GdsLLM, a vLLM Turing fork, a
//! mini-SGLang Qwen3.5 fork, three SGLang V100 forks and sglang-amd (DeepSeek-V4 on MI355X,
//! whose torch.profiler top-kernel table gives 5 profiler-form names). No repository holds
//! more than a quarter of the batch (largest 27 = 25.0 %).
//! Not scored yet: the lead takes the one blind first score after the next rule round, then
//! adds the score test and sets `first_score`. Until then this file checks the format, the
//! categories and the freshness only, and classifies nothing.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-40.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-40.tsv"),
    split: "heldout-40",
    // Every name of the earlier corpora (1 … heldout-39).
    earlier_names: &CORPORA,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &CORPORA,
    // The count reached (108).
    min_names: 108,
    // Unscored: the lead sets the blind first score when taking it.
    first_score: 0,
    dev_floor: None,
};

#[test]
fn heldout40_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
