//! Bare-name accuracy on the fourth held-out batch (`tests/fixtures/trace/kernel-names-4.tsv`,
//! split `heldout-4`): 637 real kernel names from sources no earlier corpus used
//! (TransformerEngine, FBGEMM, DeepSpeed, torchao, llm-awq, QServe, ThunderKittens, FlashMLA,
//! DeepGEMM), hand-labelled and committed before any rule was changed for it. See
//! `tests/fixtures/trace/SOURCES.md` ("Corpus 4") and `docs/taxonomy.md`.
//!
//! First score, taken once after the rule change (`1bab2c7`): 346/637 = 54.32 % (main's rules,
//! `e463f8b`: 336). Scored on its own:
//! `cargo test -p perfpilot-trace --test taxonomy_heldout4 -- --nocapture` prints the accuracy,
//! per category, and every miss.

mod heldout_batch;

use heldout_batch::{Batch, CORPORA, SOURCES_NO_FIRST_HELDOUT, check_fresh, score};

const BATCH: Batch = Batch {
    file: "kernel-names-4.tsv",
    text: CORPORA[4],
    split: "heldout-4",
    // Every name of the earlier corpora.
    earlier_names: CORPORA.split_at(4).0,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: SOURCES_NO_FIRST_HELDOUT.split_at(3).0,
    min_names: 400,
    // First score (rules of 1bab2c7): 346/637 = 54.32 %, the floor.
    first_score: 346,
    // Development score since it became dev data (issue #18, after heldout-5: 452; raised by
    // the pipeline-words round of namesfix3, `docs/taxonomy.md` "After heldout-7", and by the
    // namesfix4 round, `docs/taxonomy-corpus.md` "After heldout-8").
    // Raised by the namesfix6 token model (names no rule knows; data/name_model.tsv) and by
    // namesfix7 (model retrained with heldout-11, heldout-11 family rules) and namesfix8
    // (quantisation-scale computation).
    // Lowered by namesfix9 (516 -> 514): the token model's threshold min_posterior 0.6 -> 0.7,
    // chosen by the written cross-validation rule applied after the round's rules
    // (docs/taxonomy-corpus-2.md, namesfix9): names the model decided right at 0.6 (in-sample)
    // now stay `other`. No rule change lost a name.
    // Raised by namesfix10 (514 -> 516): heldout-14 family rules and the token model retrained
    // with heldout-14's development thirds, min_posterior 0.6 by the written rule (docs/taxonomy-corpus-2.md).
    // Raised by namesfix13 (516 -> 517): a Triton kernel named only by the pass (`_fwd_kernel`)
    // is attention (docs/taxonomy.md, 'Step words another family owns').
    // Raised by namesfix17 (517 -> 518): the token model retrained with heldout-21/22's development
    // thirds (docs/taxonomy-corpus-3.md, namesfix17).
    // Raised by namesfix18 (518 -> 524): FBGEMM gen_ai's MoE token bookkeeping without a MoE
    // word (moe.dense-token-bookkeeping; docs/taxonomy-corpus-3.md, namesfix18).
    // Raised by namesfix19 (524 -> 525): a standalone online softmax
    // (reduction.online-softmax-and-p-norm; docs/taxonomy-corpus-3.md, namesfix19).
    // Raised by namesfix23 (526 -> 528): two MegaFP4 pack kernels (quantize.fp4-pack) (docs/taxonomy-corpus-4.md, namesfix23).
    // namesfix29 (round 31): raised to the current total.
    // namesfix31 (round 33): +2 development names (taxonomy-corpus-5.md).
    dev_floor: Some(537),
};

#[test]
fn heldout4_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}

#[test]
fn heldout4_bare_name_accuracy() {
    score(&BATCH);
}
