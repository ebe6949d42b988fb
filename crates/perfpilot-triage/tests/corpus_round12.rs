//! Round 12 of issue 15 (branch trifix12): launch-fact refusals (an engine's arithmetic on figures
//! it prints) and the faulthandler timeout dump, from the development two thirds of `heldout-18`
//! (the set-aside third is listed in `tests/fixtures/corpus/SOURCES-blind-3.md`, "trifix12
//! set-aside", scored once); the class model retrained with that split, never on the set-aside.

#[path = "rules/class_training.rs"]
mod class_training;
#[path = "../../../tests/support/corpus.rs"]
mod corpus;
#[path = "rules/verdict.rs"]
mod verdict;

use verdict::assert_files_decide;

/// A setting pair the engine refuses (a multimodal item larger than a step's token budget) and a
/// test harness's faulthandler timeout, each in the printing program's own words.
#[test]
fn round12_wordings_decide_their_logs() {
    assert_files_decide(&[
        // vLLM's encoder budget check: max_tokens_per_mm_item against max_num_batched_tokens
        (
            "vllmrecipes-441-gemma4-26b-a100-mm-item-2496-over-batched-2048.log",
            "config-invalid",
            "vllm-mm-item-over-batched-tokens",
            "is larger than max_num_batched_tokens",
        ),
        // CPython faulthandler.dump_traceback_later under pytest: `Timeout (0:25:00)!`
        (
            "vllm-51278-amd-mi300-ci-guidance-test-hang-faulthandler-25min-cut.log",
            "hang",
            "faulthandler-timeout-dump",
            "Timeout (0:25:00)!",
        ),
    ]);
}

/// The trifix12 set-aside third is never trained on; the development splits include heldout-18.
#[test]
fn round12_set_aside_is_not_trained_on() {
    assert!(class_training::DEV_SPLITS.contains(&"heldout-18"));
    for d in class_training::dev_docs() {
        assert!(!class_training::SET_ASIDE_12.contains(&d.source.as_str()), "{}", d.file);
        assert!(!class_training::SET_ASIDE_11.contains(&d.source.as_str()), "{}", d.file);
    }
}
