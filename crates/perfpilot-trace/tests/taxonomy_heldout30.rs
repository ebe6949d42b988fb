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
//! Scored once, blind, by the lead with the namesfix24 rules (round 26): 200/282 = 70.92 %.
//! That first score is the floor; heldout-30 is development data from here on (namesfix25 set
//! a third aside, `SET_ASIDE_30`, and develops on the other two).

mod heldout_batch;

use heldout_batch::set_aside::SET_ASIDE_30;
use heldout_batch::{Batch, CORPORA, check_fresh, report_set_aside, score_hiding};

const BATCH: Batch = Batch {
    file: "kernel-names-30.tsv",
    text: CORPORA[30],
    split: "heldout-30",
    // Every name of the earlier corpora (1 … heldout-29).
    earlier_names: CORPORA.split_at(30).0,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: CORPORA.split_at(30).0,
    // The count reached (282, below the usual floor of 400).
    min_names: 282,
    // The blind first score (namesfix24 rules).
    first_score: 200,
    // Set by namesfix25 (docs/taxonomy-corpus-4.md): MX-format trtllm-gen bmm_ cubins, top-k by
    // owner, indexer cache / kpool, hyper-connection spellings, ring short conv, bare paged
    // prefill; the development thirds 126 -> 144/148, the set-aside third 74 -> 74/134 (scored
    // once at the round's end).
    // namesfix29 (round 31): raised to the current total.
    dev_floor: Some(223),
};

#[test]
fn heldout30_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}

#[test]
fn heldout30_bare_name_accuracy() {
    score_hiding(&BATCH, SET_ASIDE_30);
}

/// The namesfix25 set-aside third (`SET_ASIDE_30`, 4 of 10 sources, 134 names): counts only, its
/// rows are never printed. Scored once before the round and once at its end.
#[test]
fn heldout30_set_aside_third() {
    report_set_aside(&BATCH, SET_ASIDE_30, 134);
}
