//! The thirtieth held-out batch (`tests/fixtures/trace/kernel-names-30.tsv`, split `heldout-30`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 30 (blind)").
//!
//! 282 names from 10 repositories, below the usual 400 names (an honest partial: fresh serving
//! repositories are scarce in the store, and committed profiler tables of serving runs scarcer).
//! Forms: profiler (96 names: a torch-profiler kernel table of DeepSeek-V4.1-Flash served by vLLM
//! TP4 on B200 — trtllm-gen MoE `bmm_*` cubins, FlashInfer CuTe-DSL GEMMs / MXFP8 quantise, nvjet,
//! `fmhaSm100f*`, DeepGEMM indexer and mHC kernels, MNNVL all-reduce; tinygrad's generated `r_…` /
//! `E_…` kernels of GLM-4.7-Flash / DeepSeek-V2-Lite decode; an nsys table of an Atlas prefill on GB10;
//! CUTLASS SM80 WMMA GEMMs of an SGLang decode on RTX PRO 6000) and source (186: the kernels of a
//! DeepSeek-V4 engine (ds4, CUDA and Metal), a GB10 inference server (Atlas), an NVFP4 vLLM build for
//! DGX Spark, InferX, a cuTile Nemotron-H engine, a Metal Qwen3 engine, Crane).
//! No repository holds more than a quarter of the batch.
//! Not scored yet: the lead takes the one blind first score after the next rule round, then
//! adds the score test and sets `first_score`. Until then this file checks the format, the
//! categories and the freshness only, and classifies nothing.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-30.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-30.tsv"),
    split: "heldout-30",
    // Every name of the earlier corpora (1 … heldout-29).
    earlier_names: &CORPORA,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &CORPORA,
    // The count reached (282, below the usual floor of 400).
    min_names: 282,
    // Unscored: the lead sets the blind first score when taking it.
    first_score: 0,
    dev_floor: None,
};

#[test]
fn heldout30_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
