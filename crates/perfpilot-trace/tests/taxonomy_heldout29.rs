//! The twenty-ninth held-out batch (`tests/fixtures/trace/kernel-names-29.tsv`, split `heldout-29`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 29 (blind)").
//!
//! 203 names from 10 repositories, below the usual 400 names (an honest partial: fresh serving
//! repositories are scarce in the store, and committed profiler tables of serving runs scarcer).
//! Forms: profiler (50 names: a rocprof `results.stats.csv` of an eager bf16 PyTorch forward on
//! MI300X — hipBLASLt/Tensile `Cijk_*` GEMMs, ATen elementwise / index / reduce kernels, rocPRIM,
//! MSCCL all-reduce) and source (153: kernels of small inference engines and runtimes — a CUDA
//! GPT-OSS runtime in Rust, an MI300X HIP runtime, a BitNet engine, Rust / Zig runtimes with
//! Metal and CUDA kernels, an OpenCL engine for Adreno, ChunkAttention, Any-Precision LLM).
//! No repository holds more than a quarter of the batch.
//! Scored once, blind, by the lead with the namesfix23 rules (round 25): 189/203 = 93.10 %.
//! That first score is the floor; heldout-29 is development data from here on (namesfix24 set
//! a third aside, `SET_ASIDE_29`, and develops on the other two).

mod heldout_batch;

use heldout_batch::set_aside::SET_ASIDE_29;
use heldout_batch::{Batch, CORPORA, check_fresh, report_set_aside, score_hiding};

const BATCH: Batch = Batch {
    file: "kernel-names-29.tsv",
    text: CORPORA[29],
    split: "heldout-29",
    // Every name of the earlier corpora (1 … heldout-28).
    earlier_names: CORPORA.split_at(29).0,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: CORPORA.split_at(29).0,
    // The count reached (203, below the usual floor of 400).
    min_names: 203,
    // The blind first score (namesfix23 rules).
    first_score: 189,
    // Set by namesfix24 (docs/taxonomy-corpus-4.md): ATen's ROCm launchers, expert dequant,
    // triu_tril; the development thirds 156 -> 162/167, the set-aside third 33 -> 33/36 (scored
    // once at the round's end).
    dev_floor: Some(195),
};

#[test]
fn heldout29_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}

#[test]
fn heldout29_bare_name_accuracy() {
    score_hiding(&BATCH, SET_ASIDE_29);
}

/// The namesfix24 set-aside third (`SET_ASIDE_29`, 4 of 10 sources, 36 names): counts only, its
/// rows are never printed. Scored once before the round and once at its end.
#[test]
fn heldout29_set_aside_third() {
    report_set_aside(&BATCH, SET_ASIDE_29, 36);
}
