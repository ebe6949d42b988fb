//! The thirty-fourth held-out batch (`tests/fixtures/trace/kernel-names-34.tsv`, split
//! `heldout-34`), a BLIND batch: real kernel names from repositories no earlier corpus used,
//! collected and hand-labelled (from what each source says the kernel does) by an engineer who
//! writes no rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 34 (blind)").
//!
//! 153 names from 6 repositories (4 in profiler form: an nsys top-kernels table of a vLLM gpt-oss
//! serving run on a DGX Spark GB10; the rest source names): the kernels of small serving engines —
//! PyGPUkit (continuous batching, MoE permutation, samplers, SM120 FP8 / NVFP4 GEMVs), talu (a Zig
//! engine: grouped-affine 4-bit GEMVs, Gated DeltaNet, short conv), infernum (a Rust server: paged KV,
//! split-KV decode attention, dp4a K-quant GEMVs, FP8 quantisers, MLA plumbing, CUDA and Metal), and
//! the Metal engines of vllm-apple and MLXR. No repository holds more than a quarter of the batch
//! (largest 38 = 24.8 %).
//! Not scored yet: the lead takes the one blind first score after the next rule round, then
//! adds the score test and sets `first_score`. Until then this file checks the format, the
//! categories and the freshness only, and classifies nothing.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-34.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-34.tsv"),
    split: "heldout-34",
    // Every name of the earlier corpora (1 … heldout-33).
    earlier_names: &CORPORA,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &CORPORA,
    // The count reached (153).
    min_names: 153,
    // Unscored: the lead sets the blind first score when taking it.
    first_score: 0,
    dev_floor: None,
};

#[test]
fn heldout34_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
