//! The seventh held-out batch (`tests/fixtures/trace/kernel-names-7.tsv`, split `heldout-7`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES.md` ("Corpus 7 (blind)").
//!
//! 682 names from 27 repositories. Scored once, blind, by the lead at 47e27bc (after the
//! op-name round of branch namesfix2 was merged): 525/682 = 76.98 %. Development data since.
//!
//! Development floor (issue #18, "After heldout-7" in `docs/taxonomy.md`): 568/682 = 83.28 %
//! with the pipeline-words round, built on two thirds of the batch; the third set aside by
//! source repository (`SET_ASIDE_7`, the FNV-1a-64 draw) went 255 -> 262/322 when scored once.

mod heldout_batch;

use heldout_batch::set_aside::SET_ASIDE_7;
use heldout_batch::{Batch, CORPORA, check_fresh, report_set_aside, score};

const BATCH: Batch = Batch {
    file: "kernel-names-7.tsv",
    text: CORPORA[7],
    split: "heldout-7",
    // Every name of the earlier corpora.
    earlier_names: CORPORA.split_at(7).0,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: CORPORA.split_at(7).0,
    min_names: 600,
    // First score, blind (rules of 47e27bc, after the op-name round): 525/682 = 76.98 %.
    first_score: 525,
    // Development floor after the pipeline-words round of namesfix3 (`docs/taxonomy.md`, "After
    // heldout-7"): 568/682 = 83.28 %, built on two thirds of the batch (306/360); the set-aside
    // third went 255 -> 262/322 when scored once. Raised by the namesfix4 round
    // (`docs/taxonomy-corpus.md`, "After heldout-8"): 587.
    // Raised by the namesfix6 token model (names no rule knows; data/name_model.tsv) and by
    // namesfix7 (model retrained with heldout-11, heldout-11 family rules).
    // Lowered by namesfix9 (597 -> 596): the token model's threshold min_posterior 0.6 -> 0.7,
    // chosen by the written cross-validation rule applied after the round's rules
    // (docs/taxonomy-corpus-2.md, namesfix9): names the model decided right at 0.6 (in-sample)
    // now stay `other`. No rule change lost a name.
    // Raised by namesfix10 (596 -> 597): heldout-14 family rules and the token model retrained
    // with heldout-14's development thirds, min_posterior 0.6 by the written rule (docs/taxonomy-corpus-2.md).
    // Raised by namesfix12 (597 -> 600): the fused-step rule and heldout-16 family rules
    // (docs/taxonomy-corpus-3.md).
    // Raised by namesfix21 (600 -> 601): the namesfix21 dense fused gate-up rule (activation alone) (docs/taxonomy-corpus-3.md).
    // namesfix28 (round 30): raised to the current total.
    // namesfix29 (round 31): raised to the current total.
    // namesfix31 (round 33): +3 development names (taxonomy-corpus-5.md).
    dev_floor: Some(606),
};

#[test]
fn heldout7_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}

#[test]
fn heldout7_bare_name_accuracy() {
    score(&BATCH);
}

#[test]
fn heldout7_set_aside_third() {
    report_set_aside(&BATCH, SET_ASIDE_7, 322);
}
