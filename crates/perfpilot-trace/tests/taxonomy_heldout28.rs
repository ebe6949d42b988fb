//! The twenty-eighth held-out batch (`tests/fixtures/trace/kernel-names-28.tsv`, split `heldout-28`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 28 (blind)").
//!
//! 270 names from 16 repositories, below the usual 400 names (an honest partial: fresh serving
//! repositories are scarce in the store, and committed profiler tables of serving runs scarcer).
//! Forms: profiler (45 names: nsys per-kernel names of a MiniMax M2.7 attention layer on B200 in
//! fw-ai/benchmark, Ascend msprof op names of a vLLM-Ascend Qwen3.5 decode matched by the TraceLoom
//! analyzer, and the nsys decode-step kernel table of the ferrite DeepSeek-V4.1 server) and
//! source (225: kernels of new serving engines — a SYCL engine for Intel Arc, a HIP engine for
//! RDNA2, ferrite, Kestrel, Triton MoE engines, vLLM patch sets and forks with their own ROCm /
//! TurboQuant kernels, a llama.cpp fork's rotated 4-bit GEMV, Candle fused-MoE kernels).
//! No repository holds more than a quarter of the batch.
//! Not scored yet: the lead takes the one blind first score after the next rule round, then
//! adds the score test and sets `first_score`. Until then this file checks the format, the
//! categories and the freshness only, and classifies nothing.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-28.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-28.tsv"),
    split: "heldout-28",
    // Every name of the earlier corpora (1 … heldout-27).
    earlier_names: &CORPORA,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &CORPORA,
    // The count reached (270, below the usual floor of 400).
    min_names: 270,
    // Unscored: the lead sets the blind first score when taking it.
    first_score: 0,
    dev_floor: None,
};

#[test]
fn heldout28_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
