//! The twenty-seventh held-out batch (`tests/fixtures/trace/kernel-names-27.tsv`, split `heldout-27`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 27 (blind)").
//!
//! 58 names from 7 repositories, far below the usual 400 names and 15 repositories (an honest
//! partial: the search tools were out of budget for this session, so only the repositories
//! already mirrored on the machine could be read, and most of them are used or repeat earlier
//! names). Forms: profiler (13 names: Kineto kernel events of a B200 trace committed in
//! wbing520/ai-performance-engineering — ATen, cuBLAS gemvx / gemmSN and CUTLASS 3.x sm100 SIMT
//! SGEMM names as Kineto prints them) and source (45: a llama.cpp fork's paged-attention server
//! kernels, the Enflame candle fork's GGUF MoE / MXFP4 kernels, ROCm tritonBLAS Triton GEMMs,
//! and kernels of SGLang / vLLM fork snapshots).
//! Not scored yet: the lead takes the one blind first score after the next rule round, then
//! adds the score test and sets `first_score`. Until then this file checks the format, the
//! categories and the freshness only, and classifies nothing.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-27.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-27.tsv"),
    split: "heldout-27",
    // Every name of the earlier corpora (1 … heldout-26).
    earlier_names: &CORPORA,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &CORPORA,
    // The count reached (58, below the usual floor of 400).
    min_names: 58,
    // Unscored: the lead sets the blind first score when taking it.
    first_score: 0,
    dev_floor: None,
};

#[test]
fn heldout27_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
