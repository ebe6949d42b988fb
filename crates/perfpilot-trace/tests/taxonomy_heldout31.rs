//! The thirty-first held-out batch (`tests/fixtures/trace/kernel-names-31.tsv`, split
//! `heldout-31`), a BLIND batch: real kernel names from repositories no earlier corpus used,
//! collected and hand-labelled (from what each source says the kernel does) by an engineer who
//! writes no rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 31 (blind)").
//!
//! 324 names from 12 repositories as scored (459 from 15 as collected; before the score the lead
//! dropped Tensile's 40 host-library configuration names, not a serving run's, and two vendored
//! ggml copies, llama.rn and PowerServe, 95 names: forks of a used repository). Source form: the
//! PTX kernels a Rust GGUF inference server launches (realizar), the Metal kernels of an
//! on-device engine with MoE, Gated DeltaNet, Mamba-2 and speculative-tree kernels (uzu), MLC's
//! TIRx serving kernels, an MLX K-quant Metal extension, Tokamax's Pallas kernels, Direct3D
//! compute shaders of a Mistral engine (Cgml), and small engines and kernel libraries.
//! No repository or kernel family holds more than a quarter of the batch.
//! Not scored yet: the lead takes the one blind first score after the next rule round, then
//! adds the score test and sets `first_score`. Until then this file checks the format, the
//! categories and the freshness only, and classifies nothing.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-31.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-31.tsv"),
    split: "heldout-31",
    // Every name of the earlier corpora (1 … heldout-30).
    earlier_names: &CORPORA,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &CORPORA,
    // The count kept (324 of 459 collected).
    min_names: 324,
    // Unscored: the lead sets the blind first score when taking it.
    first_score: 0,
    dev_floor: None,
};

#[test]
fn heldout31_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
