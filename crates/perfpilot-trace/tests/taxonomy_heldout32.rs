//! The thirty-second held-out batch (`tests/fixtures/trace/kernel-names-32.tsv`, split
//! `heldout-32`), a BLIND batch: real kernel names from repositories no earlier corpus used,
//! collected and hand-labelled (from what each source says the kernel does) by an engineer who
//! writes no rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 32 (blind)").
//!
//! 598 names from 21 repositories. Forms: profiler (29 names: the `cuda_gpu_kern_sum` tables and
//! trace analyses a C++/CUDA serving engine committed for its own decode runs and for a vLLM run of
//! the same workload, cuBLAS / CUTLASS / cuBLASLt names included, and one `ncu` report), kernel
//! scope names (97: PyPTO `name_hint`s, the callable names an Ascend serving stack's chip swimlane
//! shows) and source (472: the kernels of small serving engines: a DeepSeek-V4-Flash CUDA server
//! with MLA sparse attention, lightning indexer, KV compressor, mHC and MoE kernels, a Laguna-S1
//! MoE server, a HIP gpt-oss engine with expert parallelism, Gated DeltaNet engines for Qwen3.5, an
//! LFM2.5 runtime with paged KV, INT4 / FP4 / HQ-quantised engines, a Metal engine). No repository
//! holds more than a quarter of the batch (largest 100 = 16.7 %).
//! Not scored yet: the lead takes the one blind first score after the next rule round, then
//! adds the score test and sets `first_score`. Until then this file checks the format, the
//! categories and the freshness only, and classifies nothing.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-32.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-32.tsv"),
    split: "heldout-32",
    // Every name of the earlier corpora (1 … heldout-31).
    earlier_names: &CORPORA,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &CORPORA,
    // The count reached (598).
    min_names: 598,
    // Unscored: the lead sets the blind first score when taking it.
    first_score: 0,
    dev_floor: None,
};

#[test]
fn heldout32_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
