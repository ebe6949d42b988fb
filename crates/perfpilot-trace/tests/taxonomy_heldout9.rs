//! The ninth held-out batch (`tests/fixtures/trace/kernel-names-9.tsv`, split `heldout-9`),
//! a BLIND batch: real kernel names from repositories no earlier corpus used, collected and
//! hand-labelled (from what each source says the kernel does) by an engineer who writes no
//! rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES.md` ("Corpus 9 (blind)").
//!
//! 776 names from 37 repositories. Scored once, blind, by the lead at 8333878 (after the
//! namesfix4 round was merged): 597/776 = 76.93 %. That first score is the floor; heldout-9 is
//! development data from here on.
//!
//! Development floor (issue #18, namesfix5): 669/776 = 86.21 %, built on two thirds of the
//! batch (499 -> 571/638); the third set aside by source repository (`SET_ASIDE_9`) stayed 98/138
//! when scored once (no set-aside name moved).

mod heldout_batch;

use heldout_batch::set_aside::SET_ASIDE_9;
use heldout_batch::{Batch, CORPORA, check_fresh, report_set_aside, score_hiding};

const BATCH: Batch = Batch {
    file: "kernel-names-9.tsv",
    text: CORPORA[9],
    split: "heldout-9",
    // Every name of the earlier corpora (1 … heldout-8).
    earlier_names: CORPORA.split_at(9).0,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: CORPORA.split_at(9).0,
    min_names: 700,
    // The blind first score (8333878, after namesfix4).
    first_score: 597,
    // Development floor after the namesfix5 round (`docs/taxonomy-corpus-2.md`, "After
    // heldout-9"): 669/776, built on two thirds of the batch (499 -> 571/638); the set-aside
    // third stayed 98/138 when scored once.
    // Raised by the namesfix6 token model (names no rule knows; data/name_model.tsv) and by
    // namesfix7 (model retrained with heldout-11, heldout-11 family rules).
    // Lowered by namesfix9 (687 -> 682): the token model's threshold min_posterior 0.6 -> 0.7,
    // chosen by the written cross-validation rule applied after the round's rules
    // (docs/taxonomy-corpus-2.md, namesfix9): names the model decided right at 0.6 (in-sample)
    // now stay `other`. No rule change lost a name.
    // Raised by namesfix10 (682 -> 687): heldout-14 family rules and the token model retrained
    // with heldout-14's development thirds, min_posterior 0.6 by the written rule (docs/taxonomy-corpus-2.md).
    // Lowered by namesfix11 (687 -> 685): the token model retrained with heldout-15's development
    // thirds no longer reaches min_posterior on `_bwd_dv_kernel` and `fused_bwd_kernel_dk_dv` (ssm;
    // heldout-12 labels `bwd_kernel_dk_dv` attention) (in-sample names decided by
    // the model before; heldout-15's labels moved those tokens' counts). No rule change lost a name
    // (docs/taxonomy-corpus-2.md, namesfix11).
    // Raised by namesfix12 (685 -> 687): the fused-step rule and heldout-16 family rules
    // (docs/taxonomy-corpus-3.md).
    // Lowered by namesfix14 (687 -> 686): the token model retrained with heldout-18's development
    // thirds turns one row of the namesfix5 set-aside third (held back, not printed) wrong; no
    // rule change lost a name (docs/taxonomy-corpus-3.md, namesfix14).
    // Raised by namesfix17 (686 -> 687): the token model retrained with heldout-21/22's development
    // thirds (docs/taxonomy-corpus-3.md, namesfix17).
    // Raised by namesfix19 (687 -> 688): the token model retrained with heldout-24's development
    // thirds decides `_varlen_bwd_input_kernel` (ssm) (docs/taxonomy-corpus-3.md, namesfix19).
    // Raised by namesfix26 (688 -> 689): a held-back row of the namesfix5 set-aside third is now
    // right (counted, never printed) (docs/taxonomy-corpus-4.md, namesfix26).
    // namesfix29 (round 31): raised to the current total.
    // namesfix30 (round 32): raised by the development gain (690 -> 691): tile_kernel (memory.bare-tile).
    dev_floor: Some(691),
};

#[test]
fn heldout9_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}

#[test]
fn heldout9_bare_name_accuracy() {
    score_hiding(&BATCH, SET_ASIDE_9);
}

#[test]
fn heldout9_set_aside_third() {
    report_set_aside(&BATCH, SET_ASIDE_9, 138);
}
