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
//! 56 names from 8 repositories collected, 55 from 7 kept (the lead dropped MinivLLM's one name
//! before the score: a learning project shipped with its implementation guide).
//! Scored once, blind, by the lead with the namesfix31 rules (round 33): 26/55 = 47.27 %.
//! That first score is the floor; heldout-41 is development data from here on (namesfix32 set
//! a third aside, `SET_ASIDE_41`, and develops on the other two).

mod heldout_batch;

use heldout_batch::set_aside::SET_ASIDE_41;
use heldout_batch::{Batch, CORPORA, check_fresh, report_set_aside, score_hiding};

const BATCH: Batch = Batch {
    file: "kernel-names-41.tsv",
    text: CORPORA[41],
    split: "heldout-41",
    // Every name of the earlier corpora (1 … heldout-40).
    earlier_names: CORPORA.split_at(41).0,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: CORPORA.split_at(41).0,
    // The count reached (56).
    min_names: 55,
    // The blind first score, taken once by the lead with the namesfix31 rules (round 33).
    first_score: 26,
    // namesfix32 (round 34): raised at the round's end if the development thirds improve
    // (the whole-file total; the set-aside third scored once at the round's end).
    // Raised by namesfix32 (26 -> 39): 10 TurboQuant cache moves (kv_cache.turboquant-cache-moves),
    // 2 RWKV mm8 GEMMs (gemm.rwkv-mm8), 1 wht (elementwise.hadamard-transform).
    dev_floor: Some(39),
};

#[test]
fn heldout41_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}

#[test]
fn heldout41_bare_name_accuracy() {
    score_hiding(&BATCH, SET_ASIDE_41);
}

/// The namesfix32 set-aside third (`SET_ASIDE_41`, 3 of 7 sources, 12 names): counts
/// only, its rows are never printed. Scored once before the round and once at its end.
#[test]
fn heldout41_set_aside_third() {
    report_set_aside(&BATCH, SET_ASIDE_41, 12);
}
