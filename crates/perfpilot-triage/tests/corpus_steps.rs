//! The phase vocabulary and the engine-neutral message families of branch trifix3, on the real
//! logs of the two thirds of `heldout-9` they were built from (the other third was set aside by
//! source before any rule change and scored once; see docs/triage.md). Each case: the label's
//! class, the step or signature that decided it, and a line of the log that shows it.
//! That the new signatures decide no log of another class in any scored split is checked by
//! `corpus_score` (`CLASS_RULES_8`).

#[path = "../../../tests/support/corpus.rs"]
mod corpus;

use corpus::corpus;
use perfpilot_triage::{TriageOptions, triage_logs};

/// Triage `file` alone; returns (class, decided_by of the verdict finding, its signal texts).
fn triage(file: &str) -> (String, String, Vec<String>) {
    let path = corpus().join("failures").join(file);
    let r = triage_logs(&TriageOptions::new(vec![path])).unwrap_or_else(|e| panic!("{file}: {e}"));
    let f = r.findings.iter().find(|f| f.class == r.class);
    let by = f.and_then(|f| f.facts.get("decided_by")).cloned().unwrap_or_default();
    let sig = f.map(|f| f.signal.iter().map(|s| s.text.clone()).collect()).unwrap_or_default();
    (r.class.as_str().to_string(), by, sig)
}

#[test]
fn steps_and_message_families_decide_their_logs() {
    let cases = [
        // Out of memory placed by its step: the method a worker ran, the loader's frames, the
        // last progress line before a component's error line.
        (
            "axolotl-1971-vllm-mp-load-model-oom.log",
            "oom-weights",
            "step:weights:oom",
            "method load_model",
        ),
        (
            "lsglang-7-glm51-mtp-lk-moe-init-oom-wrapped.log",
            "oom-weights",
            "step:weights:oom",
            "loading shards",
        ),
        // Cut tracebacks: the step's usual failure, at low confidence.
        (
            "tgi-844-flash-llama-layer-init-oom-cut.log",
            "oom-weights",
            "step:weights",
            "in get_model",
        ),
        (
            "sglang-445-v01-8xl4-load-model-oom-cut.log",
            "oom-weights",
            "step:weights",
            "in load_model",
        ),
        (
            "ktransformers-1969-v061-dsv32-sglang-load-model-oom-cut.log",
            "oom-weights",
            "step:weights",
            "load_model",
        ),
        (
            "vllm-17431-v1-a800-util04-no-cache-blocks-cut.log",
            "kv-budget-negative",
            "step:kv-sizing",
            "torch.compile takes",
        ),
        (
            "vllm-7539-v0-serving-ima-background-task-cut.log",
            "illegal-memory-access",
            "step:serve-forward",
            "_log_task_completion",
        ),
        (
            "vllm-35679-ci-powermoe-chat-template-missing-cut.log",
            "chat-template-missing",
            "step:chat-template",
            "render_chat_async",
        ),
        // Engine-neutral message families.
        (
            "vllm-5828-v050-ray-2node-gather-nccl-error-2.log",
            "nccl-timeout",
            "signature nccl-error",
            "NCCL Error 2",
        ),
        (
            "trtllm-backend-62-baichuan2-tokenizer-class-missing.log",
            "tokenizer-error",
            "signature tokenizer-error",
            "does not exist or is not currently imported",
        ),
        (
            "ollama-11418-msty-json-ggml-assert-old-runner.log",
            "dependency-mismatch",
            "signature ollama-runner-ggml-assert-at-load",
            "GGML_ASSERT",
        ),
        (
            "sglang-26248-swa-full-token-usage-100-after-retract.log",
            "kv-pool-full-retraction",
            "signature token-usage-saturated-queue",
            "token usage: 1.00",
        ),
    ];
    for (file, class, by, line) in cases {
        let (got, decided, signal) = triage(file);
        assert_eq!(got, class, "{file}");
        assert!(decided.starts_with(by), "{file}: decided_by {decided:?}");
        assert!(signal.iter().any(|s| s.contains(line)), "{file}: signal {signal:?}");
    }
}
