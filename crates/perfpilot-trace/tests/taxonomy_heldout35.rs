//! The thirty-fifth held-out batch (`tests/fixtures/trace/kernel-names-35.tsv`, split
//! `heldout-35`), a BLIND batch: real kernel names from repositories no earlier corpus used,
//! collected and hand-labelled (from what each source says the kernel does) by an engineer who
//! writes no rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 35 (blind)").
//!
//! 29 names from 7 repositories (all source names; no fresh profiler table could be named): the
//! kernels of serving engines and serving-side kernel projects — DashInfer (span attention,
//! quantised KV cache, MoE permutation, A16W8 GEMM, logits processors, M-RoPE), a vLLM ROCm
//! DeepSeek-V4 MI300X deployment (MoE routing, KV compressor), TokenWeave (fused reduce-scatter /
//! RMSNorm / all-gather), ClusterKV (KV-cluster selection and recall), BitDelta (binary-delta
//! GEMMs), comp_inference (rANS-compressed-weight GEMM / embedding) and
//! nanochat-inferonly-lightning.
//! No repository holds more than a quarter of the batch (largest 7 = 24.1 %).
//! Not scored yet: the lead takes the one blind first score after the next rule round, then
//! adds the score test and sets `first_score`. Until then this file checks the format, the
//! categories and the freshness only, and classifies nothing.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-35.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-35.tsv"),
    split: "heldout-35",
    // Every name of the earlier corpora (1 … heldout-34).
    earlier_names: &CORPORA,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &CORPORA,
    // The count reached (29).
    min_names: 29,
    // Unscored: the lead sets the blind first score when taking it.
    first_score: 0,
    dev_floor: None,
};

#[test]
fn heldout35_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
