//! The twenty-fourth held-out batch (`tests/fixtures/trace/kernel-names-24.tsv`, split `heldout-24`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 24 (blind)").
//!
//! 349 names from 9 repositories, below the usual 400 names and 15 repositories (an honest
//! partial: most unused repositories in the store repeat earlier names). Forms: profiler (86
//! names: rocprofv3 kernel tables of TokenSpeed DeepSeek-V4.1 / GLM-5.3-Flash / Kimi-K3 serving
//! runs on MI355X and MI455X) and source (263: Vulkan / Metal shaders of the infr engine, Mojo
//! kernels of Modular MAX, WGSL shaders of Doppler, wgml and Realm, Enflame GCU kernels of
//! candle-vllm, XMA Triton kernels, a Hygon MoE kernel).
//! Not scored yet: the lead takes the one blind first score after the next rule round, then
//! adds the score test and sets `first_score`. Until then this file checks the format, the
//! categories and the freshness only, and classifies nothing.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, check_fresh};

const BATCH: Batch = Batch {
    file: "kernel-names-24.tsv",
    text: include_str!("../../../tests/fixtures/trace/kernel-names-24.tsv"),
    split: "heldout-24",
    // Every name of the earlier corpora (1 … heldout-23).
    earlier_names: &CORPORA,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: &CORPORA,
    // The count reached (349, below the usual floor of 400).
    min_names: 349,
    // Unscored: the lead sets the blind first score when taking it.
    first_score: 0,
    dev_floor: None,
};

#[test]
fn heldout24_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}
