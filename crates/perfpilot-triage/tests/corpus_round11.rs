//! Round 11 of issue 15 (branch trifix11): the class model (`data/class_model.tsv`), a naive
//! Bayes over the words of the error lines, for logs no rule decides. The committed model must be
//! what the generator makes now from the development corpus (never the trifix11 set-aside third
//! of `heldout-17`, listed in `tests/fixtures/corpus/SOURCES-blind-3.md`).

#[path = "rules/class_training.rs"]
mod class_training;
#[path = "../../../tests/support/corpus.rs"]
mod corpus;

use perfpilot_triage::class_model::{ClassModel, EMBEDDED_CLASS_MODEL};

#[test]
fn committed_class_model_is_what_the_generator_makes() {
    let want = class_training::model_file();
    assert!(
        EMBEDDED_CLASS_MODEL == want,
        "data/class_model.tsv is stale: regenerate it with `cargo run -q -p perfpilot-triage \
         --example train_class_model > crates/perfpilot-triage/data/class_model.tsv`"
    );
    assert!(ClassModel::parse(EMBEDDED_CLASS_MODEL).is_ok());
}

#[test]
fn set_aside_logs_are_not_trained_on() {
    let docs = class_training::dev_docs();
    assert!(docs.len() > 300, "{} development logs", docs.len());
    for d in &docs {
        assert!(!class_training::SET_ASIDE_11.contains(&d.source.as_str()), "{}", d.file);
        assert!(class_training::DEV_SPLITS.contains(&d.split.as_str()), "{}", d.file);
    }
}

#[test]
fn a_bad_model_file_is_a_clear_error() {
    for (text, want) in [
        ("", "line 1"),
        ("# perfpilot.class-model/1\nfoo\tno-such-class\t3\n", "unknown class"),
        ("# perfpilot.class-model/1\nfoo\toom-runtime\tx\n", "bad count"),
        ("# perfpilot.class-model/1\nfoo\toom-runtime\n", "expected token"),
        ("# perfpilot.class-model/1\n", "no prior rows"),
    ] {
        let e = ClassModel::parse(text).expect_err(text);
        assert!(e.contains(want), "{text:?}: {e}");
    }
}

/// The model speaks only where the rules name no class, so the one way it can turn a right log
/// wrong is an `unknown` label (a failure whose cause no line of the excerpt shows): every such
/// development log stays `unknown`.
#[test]
fn unknown_labels_stay_unknown() {
    use perfpilot_triage::{ProblemClass, TriageOptions, triage_logs};
    let docs = class_training::dev_docs();
    let unknown: Vec<_> = docs.iter().filter(|d| d.class == ProblemClass::Unknown).collect();
    assert!(!unknown.is_empty());
    for d in unknown {
        let path = corpus::corpus().join("failures").join(&d.file);
        let r = triage_logs(&TriageOptions::new(vec![path])).unwrap();
        assert_eq!(r.class, ProblemClass::Unknown, "{}", d.file);
    }
}
