//! The twenty-third held-out batch (`tests/fixtures/trace/kernel-names-23.tsv`, split `heldout-23`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 23 (blind)").
//!
//! 195 names from 15 repositories, below the usual 400 (an honest partial: most unused
//! repositories in the store repeat earlier names). Forms: profiler (18 names: rocmProfileData
//! rocprof/RPD kernel tables of a PyTorch FP16 + RCCL job on AMD Instinct, truncated names kept as
//! printed) and source (177: `__global__` / `@triton.jit` / Wave / MLIR kernels of serving
//! engines and kernel libraries: TensorRT-Edge-LLM, MSLK, LMCache, CUB, Wave, Iris, SHARK, xkernels,
//! a CUDA LLM runner, Qwen3.5 step kernels, Paddle, MiniMax MSA, HF ROCm kernels, vLLM on
//! Enflame GCU).
//! Not scored yet: the lead takes the one blind first score after the next rule round, then
//! adds the score test and sets `first_score`. Until then this file checks the format, the
//! categories and the freshness only, and classifies nothing.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-23.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-23.tsv"),
    split: "heldout-23",
    // Every name of the earlier corpora (1 … heldout-22).
    earlier_names: &CORPORA,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &CORPORA,
    // The count reached (195, below the usual floor of 400).
    min_names: 195,
    // Unscored: the lead sets the blind first score when taking it.
    first_score: 0,
    dev_floor: None,
};

#[test]
fn heldout23_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
