//! The eleventh held-out batch (`tests/fixtures/trace/kernel-names-11.tsv`, split `heldout-11`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 11 (blind)").
//!
//! 1091 names from 31 repositories, 328 of them as profilers print them (325 Inductor
//! `triton_*_fused_*` names). Scored once, blind, by the lead at e1207a9 + the namesfix6 merge
//! (rules and the token model): 904/1091 = 82.86 %. That first score is the floor; heldout-11
//! is development data from here on.
//!
//! Development floor (issue #18, namesfix7: the token model retrained with the batch's two
//! development thirds, and rules from their misses): 937/1091; the two thirds went
//! 653 -> 686/759; the third set aside by source repository (`SET_ASIDE_11`, drawn before any
//! change, never trained on) stayed 251/332 when scored once at the round's end.

mod heldout_batch;

use heldout_batch::set_aside::SET_ASIDE_11;
use heldout_batch::{Batch, CORPORA, check_fresh, report_set_aside, score_hiding};

const BATCH: Batch = Batch {
    file: "kernel-names-11.tsv",
    text: CORPORA[11],
    split: "heldout-11",
    // Every name of the earlier corpora (1 … heldout-10).
    earlier_names: CORPORA.split_at(11).0,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: CORPORA.split_at(11).0,
    min_names: 700,
    // The blind first score (after namesfix6).
    first_score: 904,
    // Raised by namesfix7 (token model retrained, heldout-11 family rules) and namesfix8.
    // Lowered by namesfix9 (942 -> 936): the token model's threshold min_posterior 0.6 -> 0.7,
    // chosen by the written cross-validation rule applied after the round's rules
    // (docs/taxonomy-corpus-2.md, namesfix9): names the model decided right at 0.6 (in-sample)
    // now stay `other`. No rule change lost a name.
    // Raised by namesfix10 (936 -> 940): heldout-14 family rules and the token model retrained
    // with heldout-14's development thirds, min_posterior 0.6 by the written rule (docs/taxonomy-corpus-2.md).
    // Lowered by namesfix11 (940 -> 939): the token model retrained with heldout-15's development
    // thirds no longer reaches min_posterior on `store_rows_indexed_kernel` (memory) (in-sample names decided by
    // the model before; heldout-15's labels moved those tokens' counts). No rule change lost a name
    // (docs/taxonomy-corpus-2.md, namesfix11).
    // Raised by namesfix12 (939 -> 941): the fused-step rule and heldout-16 family rules
    // (docs/taxonomy-corpus-3.md).
    // Raised by namesfix13 (941 -> 943): step words another family owns (docs/taxonomy.md,
    // 'Step words another family owns').
    // Raised by namesfix15 (943 -> 944): the token model retrained with heldout-19's development
    // thirds decides `_csa_fwd_kernel` (attention) (docs/taxonomy-corpus-3.md, namesfix15).
    // Raised by namesfix17 (944 -> 945): the token model retrained with heldout-21/22's development
    // thirds (docs/taxonomy-corpus-3.md, namesfix17).
    // Raised by namesfix26 (945 -> 947): xDiT's `triton_fill_block_map_kernel` and
    // `triton_bmm_pool_sim_simmean` are SpargeAttn's block-map preprocessing
    // (attention.sparse-block-map) (docs/taxonomy-corpus-4.md, namesfix26).
    // namesfix28 (round 30): raised to the current total.
    // namesfix29 (round 31): raised to the current total.
    dev_floor: Some(954),
};

#[test]
fn heldout11_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}

#[test]
fn heldout11_bare_name_accuracy() {
    score_hiding(&BATCH, SET_ASIDE_11);
}

/// The namesfix7 set-aside third (`SET_ASIDE_11`, 11 of 31 repositories): counts only, its rows
/// are never printed. Scored once before the round and once at its end.
#[test]
fn heldout11_set_aside_third() {
    report_set_aside(&BATCH, SET_ASIDE_11, 332);
}
