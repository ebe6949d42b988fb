//! The token model's data file (`data/name_model.tsv`) is what its generator makes now from
//! the labelled corpora (`heldout_batch/training.rs`), so it cannot drift from them; and the
//! model decides only names no rule knows.

#[path = "heldout_batch/set_aside.rs"]
mod set_aside;
#[path = "heldout_batch/training.rs"]
mod training;

use perfpilot_trace::taxonomy::model::EMBEDDED_NAME_MODEL;
use perfpilot_trace::taxonomy::{Category, Evidence, LaunchContext, Taxonomy};
use training::model_file;

#[test]
fn committed_model_is_what_the_generator_makes() {
    let now = model_file(&Taxonomy::embedded());
    assert!(
        now == EMBEDDED_NAME_MODEL,
        "data/name_model.tsv is stale: rerun `cargo run -q -p perfpilot-trace --example \
         train_name_model > crates/perfpilot-trace/data/name_model.tsv`"
    );
}

#[test]
fn model_decides_only_names_no_rule_knows() {
    let tax = Taxonomy::embedded();
    // A name a rule knows keeps its rule.
    let (_, rule) = tax.classify_explained("nvjet_tst_64x8_64x16_1x4_h_bz_TNT");
    assert_eq!(Evidence::of_name_rule(rule.as_str()), Evidence::NameRule);
    // corpus 2 (flash-linear-attention chunked kernel, labelled ssm): no rule knows it; the
    // model decides from its words, and the id names the category and the deciding tokens.
    let (c, rule) = tax.classify_explained("chunk_transform_qk_fwd_kernel");
    assert_eq!((c, rule.as_str()), (Category::Ssm, "model.ssm[chunk+fwd+qk]"));
    assert_eq!(Evidence::of_name_rule(rule.as_str()), Evidence::TokenModel);
    assert!(tax.rule_source(rule.as_str()).is_some_and(|s| s.contains("cross-validation")));
    // A launch context a rule knows outranks the model's guess.
    let ctx = LaunchContext { launch_op: Some("aten::mm"), ..Default::default() };
    let d = tax.classify_in_context("chunk_transform_qk_fwd_kernel", &ctx);
    assert_eq!((d.category, d.evidence), (Category::Gemm, Evidence::LaunchOp));
    // One known word alone decides nothing (`min_tokens`), nor do words no corpus used.
    assert_eq!(tax.classify_explained("zzqx_frobnicate_wibble").1.as_str(), "fallback.other");
}
