//! The thirty-eighth held-out batch (`tests/fixtures/trace/kernel-names-38.tsv`, split
//! `heldout-38`), a BLIND batch: real kernel names from repositories no earlier corpus used,
//! collected and hand-labelled (from what each source says the kernel does) by an engineer who
//! writes no rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 38 (blind)").
//!
//! 132 names from 10 repositories, all source names (SYCL kernel functors, OpenCL `__kernel`
//! functions, AscendC `__global__ __aicore__` entries, CATLASS kernel classes, Triton
//! functions) of serving stacks on Intel GPUs and Huawei Ascend NPUs: IPEX's XPU kernels (paged
//! and flash attention, RoPE, beam search, multi-LoRA, KV-cache writes, dynamic quantisation,
//! MoE routing and permutation), oneDNN's Intel-GPU OpenCL kernels (SDPA, matmul, layer norm,
//! reorder), SYCL-TLA's Xe flash attention, CANN ops-math and ops-blas, CATCCOS's GEMM +
//! collective overlap kernels, the HarmonyOS inference recipes, MindIE-LLM and MindIE-SD.
//! No repository holds more than a quarter of the batch (largest 33 = 25.0 %).
//! Not scored yet: the lead takes the one blind first score after the next rule round, then
//! adds the score test and sets `first_score`. Until then this file checks the format, the
//! categories and the freshness only, and classifies nothing.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-38.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-38.tsv"),
    split: "heldout-38",
    // Every name of the earlier corpora (1 … heldout-36).
    earlier_names: &CORPORA,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &CORPORA,
    // The count reached (132).
    min_names: 123,
    // Unscored: the lead sets the blind first score when taking it.
    first_score: 0,
    dev_floor: None,
};

#[test]
fn heldout38_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
