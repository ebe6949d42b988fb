//! The forty-third held-out batch (`tests/fixtures/trace/kernel-names-43.tsv`, split
//! `heldout-43`), a BLIND batch: real kernel names from repositories no earlier corpus used,
//! collected and hand-labelled (from what each source says the kernel does) by an engineer who
//! writes no rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 43 (blind)").
//!
//! 60 names from 2 repositories, all as profilers printed them: the nsys kernel summaries of a
//! mini-sglang fork serving DeepSeek-V4 on A100 (its own Triton kernels for the sparse-attention
//! indexer, hyper-connections, MoE routing and FP4 experts, plus cuBLAS, NCCL and Marlin), and
//! the torch-profiler kernel-share tables of SGLang serving six models on B200 (TRT-LLM-gen
//! FMHA and batched expert GEMMs, nvjet, FlashInfer all-reduce fusion, DeepGEMM, CUTLASS). Only
//! two fresh repositories were found, so each holds 30 names (50 %), over the usual quarter cap;
//! see the section for the lead's options.
//! Not scored yet: the lead takes the one blind first score after the next rule round, then
//! adds the score test and sets `first_score`. Until then this file checks the format, the
//! categories and the freshness only, and classifies nothing.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-43.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-43.tsv"),
    split: "heldout-43",
    // Every name of the earlier corpora (1 … heldout-42).
    earlier_names: &CORPORA,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &CORPORA,
    // The count reached (60).
    min_names: 60,
    // Unscored: the lead sets the blind first score when taking it.
    first_score: 0,
    dev_floor: None,
};

#[test]
fn heldout43_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
