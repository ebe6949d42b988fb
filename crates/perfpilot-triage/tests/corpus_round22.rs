//! Round 22 of issue 15 (branch trifix22): the development misses of `heldout-34` and
//! `heldout-35`. Written from their development two thirds (the set-aside thirds are listed in
//! `tests/fixtures/corpus/SOURCES-blind-4.md`, "trifix22 set-aside", and in
//! `class_training::SET_ASIDE_22`; never used here) and from real lines of other public reports.

#[path = "rules/class_training.rs"]
mod class_training;
#[path = "../../../tests/support/corpus.rs"]
mod corpus;
#[path = "rules/verdict.rs"]
mod verdict;

/// The trifix22 set-aside thirds are never trained on.
#[test]
fn round22_set_aside_is_not_trained_on() {
    for d in class_training::dev_docs() {
        assert!(!class_training::SET_ASIDE_22.contains(&d.source.as_str()), "{}", d.file);
    }
}

/// The set-aside thirds' score, printed as counts only (no file, class or line), for the one
/// scoring at the end of round 22:
/// `cargo test -p perfpilot-triage --test corpus_round22 round22_set_aside_score -- --ignored --nocapture`.
#[test]
#[ignore]
fn round22_set_aside_score() {
    verdict::print_set_aside_score("trifix22", class_training::SET_ASIDE_22);
}
