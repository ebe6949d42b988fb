//! The tenth held-out batch (`tests/fixtures/trace/kernel-names-10.tsv`, split `heldout-10`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind.md` ("Corpus 10 (blind)").
//!
//! 935 names from 31 repositories, 262 of them as profilers print them. Scored once, blind, by
//! the lead at 90de2d8 (after the namesfix5 round was merged): 764/935 = 81.71 %. That first
//! score is the floor; heldout-10 is development data from here on.
//!
//! Development floor (issue #18, namesfix6, the token model): 782/935; the model was trained on
//! two thirds of the batch (446 -> 462/565); the third set aside by source repository
//! (`SET_ASIDE_10`, drawn before any change, never trained on) went 318 -> 320/370 when scored
//! once at the round's end.

mod heldout_batch;

use heldout_batch::set_aside::SET_ASIDE_10;
use heldout_batch::{Batch, CORPORA, check_fresh, report_set_aside, score_hiding};

const BATCH: Batch = Batch {
    file: "kernel-names-10.tsv",
    text: CORPORA[10],
    split: "heldout-10",
    // Every name of the earlier corpora (1 … heldout-9).
    earlier_names: CORPORA.split_at(10).0,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: CORPORA.split_at(10).0,
    min_names: 700,
    // The blind first score (90de2d8, after namesfix5).
    first_score: 764,
    // Raised by the namesfix6 token model (names no rule knows; data/name_model.tsv) and by
    // namesfix8 (attention steps: block / indexer scores; LM-head argmax and LM head; attention output gate;
    // paged-decode passes; quantisation scales).
    // Lowered by namesfix9 (796 -> 795): the token model's threshold min_posterior 0.6 -> 0.7,
    // chosen by the written cross-validation rule applied after the round's rules
    // (docs/taxonomy-corpus-2.md, namesfix9): names the model decided right at 0.6 (in-sample)
    // now stay `other`. No rule change lost a name.
    // Raised by namesfix10 (795 -> 800): heldout-14 family rules and the token model retrained
    // with heldout-14's development thirds, min_posterior 0.6 by the written rule (docs/taxonomy-corpus-2.md).
    // Raised by namesfix11 (800 -> 802): ggml spellings and heldout-15 family rules, token model
    // retrained with heldout-15's development thirds (docs/taxonomy-corpus-2.md, namesfix11).
    // Raised by namesfix12 (802 -> 805): the fused-step rule and heldout-16 family rules
    // (docs/taxonomy-corpus-3.md).
    // Raised by namesfix13 (805 -> 808): step words another family owns (docs/taxonomy.md,
    // 'Step words another family owns').
    // Raised by namesfix14 (808 -> 812): helper kernels filed with the family they prepare
    // (docs/taxonomy.md, 'Helper kernels of attention, EP and fused KV steps').
    // Raised by namesfix16 (812 -> 813): the token model retrained with heldout-20's development
    // thirds decides `_fused_merge_recompute_kernel` (ssm) (docs/taxonomy-corpus-3.md, namesfix16).
    // Raised by namesfix17 (813 -> 817): the router's top-k softmax (moe.topk-softmax) and the retrain (docs/taxonomy-corpus-3.md, namesfix17).
    // Raised by namesfix19 (817 -> 819): the sigmoid-bias router (moe.expert-gemm-variants) and the
    // gated-delta norm (norm.gated-delta-norms) (docs/taxonomy-corpus-3.md, namesfix19).
    // Raised by namesfix21 (820 -> 821): the namesfix21 dense fused gate-up rule (weight format = gemm) (docs/taxonomy-corpus-3.md).
    // Raised by namesfix22 (821 -> 822): MoE hash routing (moe.hash-routing: _hash_topk_kernel) (docs/taxonomy-corpus-4.md).
    // Raised by namesfix25 (822 -> 824): a speculative drafter's top-k is sampling
    // (geometric_draft_topk_partial / _combine) (docs/taxonomy-corpus-4.md).
    // namesfix29 (round 31): raised to the current total.
    dev_floor: Some(836),
};

#[test]
fn heldout10_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}

#[test]
fn heldout10_bare_name_accuracy() {
    score_hiding(&BATCH, SET_ASIDE_10);
}

/// The namesfix6 set-aside third (`SET_ASIDE_10`, 11 of 31 repositories): counts only, its rows
/// are never printed. Scored once before the round and once at its end.
#[test]
fn heldout10_set_aside_third() {
    report_set_aside(&BATCH, SET_ASIDE_10, 370);
}
