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
//! Scored once, blind, by the lead with the namesfix30 rules (round 32): 78/108 = 72.22 %.
//! That first score is the floor; heldout-40 is development data from here on (namesfix31 set
//! a third aside, `SET_ASIDE_40`, and develops on the other two).

mod heldout_batch;

use heldout_batch::set_aside::SET_ASIDE_40;
use heldout_batch::{Batch, CORPORA, check_fresh, report_set_aside, score_hiding};

const BATCH: Batch = Batch {
    file: "kernel-names-40.tsv",
    text: CORPORA[40],
    split: "heldout-40",
    // Every name of the earlier corpora (1 … heldout-39).
    earlier_names: CORPORA.split_at(40).0,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: CORPORA.split_at(40).0,
    // The count reached (108).
    min_names: 108,
    // The blind first score, taken once by the lead with the namesfix30 rules (round 32).
    first_score: 78,
    // The whole-file total; the set-aside third is scored once at the round's end.
    // namesfix31 (round 33): +13 development names, 11 by rules, 2 by the retrained model
    // (taxonomy-corpus-5.md).
    dev_floor: Some(91),
};

#[test]
fn heldout40_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}

#[test]
fn heldout40_bare_name_accuracy() {
    score_hiding(&BATCH, SET_ASIDE_40);
}

/// The namesfix31 set-aside third (`SET_ASIDE_40`, 3 of 9 sources, 34 names): counts
/// only, its rows are never printed. Scored once before the round and once at its end.
#[test]
fn heldout40_set_aside_third() {
    report_set_aside(&BATCH, SET_ASIDE_40, 34);
}
