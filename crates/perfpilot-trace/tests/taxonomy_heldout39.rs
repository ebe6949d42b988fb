//! The thirty-ninth held-out batch (`tests/fixtures/trace/kernel-names-39.tsv`, split
//! `heldout-39`), a BLIND batch: real kernel names from repositories no earlier corpus used,
//! collected and hand-labelled (from what each source says the kernel does) by an engineer who
//! writes no rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 39 (blind)").
//!
//! 131 names from 12 repositories (all source names; no fresh profiler table or issue-thread
//! quote could be named): the Apple-Metal, Vulkan and ROCm/HIP kernels of serving and
//! inference engines — Pie's Metal backend, oMLX, Metallic, llama-metal, Yule (Vulkan + Metal),
//! vMLX, Cactus, a gfx906 vLLM attention plugin, gfx906 llama.cpp / ggml forks, fusion-mlx and
//! vllm-mlx. No repository holds more than a quarter of the batch (largest 30 = 22.9 %).
//! Not scored yet: the lead takes the one blind first score after the next rule round, then
//! adds the score test and sets `first_score`. Until then this file checks the format, the
//! categories and the freshness only, and classifies nothing.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-39.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-39.tsv"),
    split: "heldout-39",
    // Every name of the earlier corpora (1 … heldout-38).
    earlier_names: &CORPORA,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &CORPORA,
    // The count reached (131).
    min_names: 131,
    // Unscored: the lead sets the blind first score when taking it.
    first_score: 0,
    dev_floor: None,
};

#[test]
fn heldout39_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
