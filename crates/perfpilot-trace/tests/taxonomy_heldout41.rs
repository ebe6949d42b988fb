//! The forty-first held-out batch (`tests/fixtures/trace/kernel-names-41.tsv`, split
//! `heldout-41`), a BLIND batch: real kernel names from repositories no earlier corpus used,
//! collected and hand-labelled (from what each source says the kernel does) by an engineer who
//! writes no rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 41 (blind)").
//!
//! 56 names from 8 repositories: the CUDA / Metal / Triton kernels of serving and inference
//! engines no corpus named — buun-llama-cpp (TurboQuant / TCQ quantised KV cache, its own
//! kernels only), nano-vllm-metal (Metal paged attention and 4-bit matmuls), two RWKV CUDA
//! runtimes, BMInf (int8 linear quantisation), mixtral-offloading (HQQ matmuls), MinivLLM and
//! ChituAttention. No repository or kernel family holds more than a quarter of the batch
//! (largest 14 = 25.0 %). All are source names; no profiler table could be read.
//! Not scored yet: the lead takes the one blind first score after the next rule round, then
//! adds the score test and sets `first_score`. Until then this file checks the format, the
//! categories and the freshness only, and classifies nothing.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-41.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-41.tsv"),
    split: "heldout-41",
    // Every name of the earlier corpora (1 … heldout-40).
    earlier_names: &CORPORA,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &CORPORA,
    // The count reached (56).
    min_names: 55,
    // Unscored: the lead sets the blind first score when taking it.
    first_score: 0,
    dev_floor: None,
};

#[test]
fn heldout41_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
