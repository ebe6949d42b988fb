//! Round 24 of issue 15 (branch trifix24): the development misses of `heldout-37` … `heldout-40`
//! (`/work/notes/tri40_dev_misses.txt`, set-aside rows removed). Written from the development
//! rows and from real lines of other public reports; the set-aside thirds of `heldout-37` …
//! `heldout-40` are listed in `tests/fixtures/corpus/SOURCES-blind-4.md`, "trifix24 set-aside",
//! and in `class_training::SET_ASIDE_24`, never used here.

#[path = "rules/class_training.rs"]
mod class_training;
#[path = "../../../tests/support/corpus.rs"]
mod corpus;
#[path = "rules/verdict.rs"]
mod verdict;

/// The trifix24 set-aside thirds are never trained on.
#[test]
fn round24_set_aside_is_not_trained_on() {
    for d in class_training::dev_docs() {
        assert!(!class_training::SET_ASIDE_24.contains(&d.source.as_str()), "{}", d.file);
    }
}

/// The set-aside thirds' score, printed as counts only (no file, class or line), for the one
/// scoring at the end of round 24:
/// `cargo test -p perfpilot-triage --test corpus_round24 round24_set_aside_score -- --ignored --nocapture`.
#[test]
#[ignore]
fn round24_set_aside_score() {
    verdict::print_set_aside_score("trifix24", class_training::SET_ASIDE_24);
}

use verdict::{assert_files_decide, assert_texts_decide};

/// Development misses get their class by this round's rules, with the line that shows it: LM
/// Studio's failed listen (EACCES on port 1234), an MLX server's Metal out-of-memory abort, the
/// Ascend runtime's 207001 allocation failure, c10d's store socket timeout, transformers'
/// remote-code tokenizer refusal, the hub-kernels `LayerRepository` refusal, Ollama's 412 pull,
/// vLLM 0.6's `Prompt length of …`, Ollama's bare `model '…' not found` and llama-cpp-python's
/// refusal with its exception type cut, vLLM-Omni's start-up future timing out (hang).
#[test]
fn round24_development_misses_decide() {
    assert_files_decide(&[
        (
            "lmstudio-tracker-106-v032-error-starting-server-listen-eacces-1234-one-line.log",
            "port-in-use",
            "node-listen-eacces-eaddrinuse-object",
            "\"syscall\":\"listen\"",
        ),
        (
            "omlx-pr1397-prefill-80k-boundary-snapshot-metal-insufficient-memory-abort.log",
            "oom-runtime",
            "metal-command-buffer-out-of-memory",
            "Insufficient Memory",
        ),
        (
            "vllm-omni-2259-npu-wan22-usp2-sdpa-alloc-memory-failed-207001-cut.log",
            "oom-runtime",
            "ascend-runtime-alloc-memory-failed",
            "207001",
        ),
        (
            "sglang-21292-v058-pd-dsv32-deepep-c10d-store-socket-timed-out-600000ms-cut.log",
            "nccl-timeout",
            "c10d-socket-wait-timed-out",
            "waitForInput",
        ),
        (
            "fastchat-2230-qwen-tokenizer-requires-trust-remote-code-quote-one-line.log",
            "tokenizer-error",
            "transformers-remote-code-tokenizer",
            "execute the tokenizer file",
        ),
        (
            "odysseus-191-cookbook-vllm-serve-import-hub-kernels-layerrepository-revision-or-version-quote.log",
            "dependency-mismatch",
            "hub-kernels-layer-repository-version",
            "Either a revision or a version",
        ),
        (
            "ollama-termux-pr28027-v0142-run-lfm25-pull-manifest-412-requires-newer-ollama-cut.log",
            "dependency-mismatch",
            "ollama-pull-requires-newer-ollama",
            "requires a newer version of Ollama",
        ),
        (
            "llamafactory-7723-vllm-prompt-5016-longer-than-max-model-len-4096-one-line.log",
            "context-exceeds-kv",
            "request-longer-than-context",
            "Prompt length of 5016",
        ),
        (
            "ollama-webresearcher42-api-404-model-custom-phi3-32k-not-found-one-line.log",
            "model-not-found",
            "ollama-model-not-pulled",
            "model 'custom-phi3-32k-Q4_K_M' not found",
        ),
        (
            "logdetective-100-llama-cpp-python-server-requested-tokens-2138-exceed-context-2048-cut.log",
            "context-exceeds-kv",
            "request-over-context-budget",
            "exceed context window of 2048",
        ),
        (
            "vllm-omni-2661-ci-qwen3-omni-perf-orchestrator-startup-timeout-cut.log",
            "hang",
            "engine-startup-future-timed-out",
            "TimeoutError",
        ),
    ]);
}

/// The widened rules still decide their earlier sources' lines (Ollama's pull hint,
/// otwld/ollama-helm#61; vLLM V1's decoder-prompt wording, unsloth#2666), and the new wordings
/// decide pasted alone: Ollama's 404 answer as its own CLI test payload prints it
/// (ollama cmd/cmd_test.go, `{"error":"model '%s' not found"}`), llama-cpp-python's full
/// exception line (the round-22 example).
#[test]
fn round24_families_decide_other_sources() {
    assert_texts_decide(&[
        (
            "{\"error\":\"model 'tinyllama' not found, try pulling it first\"}",
            "model-not-found",
            "ollama-model-not-pulled",
        ),
        (
            "{\"error\":\"model 'test-model' not found\"}",
            "model-not-found",
            "ollama-model-not-pulled",
        ),
        (
            "ERROR:  ValueError: The decoder prompt (length 322) is longer than the maximum model length of 256. Make sure that `max_model_len` is no smaller than the number of text tokens.",
            "context-exceeds-kv",
            "request-longer-than-context",
        ),
        (
            "ValueError: Requested tokens (1062) exceed context window of 1024",
            "context-exceeds-kv",
            "request-over-context-budget",
        ),
    ]);
}
