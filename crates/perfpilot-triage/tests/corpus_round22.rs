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

use verdict::{assert_files_decide, assert_texts_decide, triage_text, verdict};

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

/// Nine development misses of `heldout-34` and `heldout-35` get their class, by this round's
/// rules, with the line that shows the failure (the two hangs with the line the log ends on; the
/// cut WorkerProc traceback with the worker_main frame its cut answer reads).
#[test]
fn round22_development_misses_decide() {
    assert_files_decide(&[
        (
            "mlxopenai264-qwen35-35b-vlm-processor-no-chat-template-500-cut.log",
            "chat-template-missing",
            "chat-template-missing",
            "this processor does not have a chat template",
        ),
        (
            "vllm-verl6677-rollout-same-node-instances-workerproc-failed-to-start-cut.log",
            "port-in-use",
            "step:worker-proc-construct",
            "in worker_main",
        ),
        (
            "trtllm-260-tritonserver-v100-tp2-bs24-modelinstancestate-cudamallocasync-oom-cut.log",
            "oom-runtime",
            "trtllm-buffer-oom-after-execution-context",
            "cudaMallocAsync",
        ),
        (
            "ollama-9209-llama-70b-journal-load-meta-then-runner-start-timeout-title-cut.log",
            "hang",
            "stall:ends-in-gguf-load-metadata",
            "llm_load_print_meta",
        ),
        (
            "vllm-ascend14469-a3-dsv4-flash-1p1d-prefill-fftsplus-aivector-smmu-fault-cut.log",
            "illegal-memory-access",
            "ascend-core-exception",
            "fftsplus aivector error",
        ),
        (
            "sglang-jax1360-tpu-tp16-dp4-swa-chunk-cache-long-run-prefill-oom-quoted-one-line.log",
            "kv-pool-full-retraction",
            "sglang-prefill-oom",
            "Prefill out of memory",
        ),
        (
            "vllm-dynamo1471-v0-kv-router-cache-usage-1.0-mqenginedead-cpu-swap-space-abort-cut.log",
            "kv-pool-full-retraction",
            "vllm-v0-cpu-swap-space-exhausted",
            "lack of CPU swap space",
        ),
        (
            "ds4-554-l40s-ctx-1m-kv-disk-deepseek-tui-tools-prompt-start-then-silent-cut.log",
            "hang",
            "stall:ds4-ends-at-prompt-start",
            "prompt start",
        ),
        (
            "vllm-13941-v0-sleep-mode-72b-8xa800-40g-wake-up-cumem-allocator-oom-cut.log",
            "oom-weights",
            "step:weights",
            "in wake_up",
        ),
    ]);
}

/// The families decide real lines of other sources: CANN's core exception in the Ascend SGLang
/// FAQ's plog (Ascend/sglang docs_new/docs/hardware-platforms/ascend-npus/ascend_npu_faq.mdx at
/// bf186cf8, `alloc_extend_kernel error`), in both its EZ9999 and its RUNTIME form.
#[test]
fn round22_families_decide_other_sources() {
    assert_texts_decide(&[
        (
            "EZ9999[PID: 164243] 2026-04-14-06:40:35.033.745 (EZ9999): The error from device(chipId:0, dieId:1), serial number is 1, there is an exception of aivec error, core id is 23, error code = 0, dump info: pc start: 0x12420156a000, current: 0x12420156ad74, vec error info: 0xdb1751f50e, ",
            "illegal-memory-access",
            "ascend-core-exception",
        ),
        (
            "[ERROR] RUNTIME(164629,):2026-04-14-05:34:12.369.730 device error core proc.cc:3471170327 PrintCorelnfo:The error from device(chipld:6, dield:1), serial number is 1, there is an exception of aivec error, core id is 42, error code = O, dump info: pc start: 0x125a015ae000,current: 0x125a015aed74, vec ",
            "illegal-memory-access",
            "ascend-core-exception",
        ),
    ]);
}

/// Look-alikes stay out: a cudaMallocAsync OOM with no execution context before it keeps the
/// weights' reading where Triton failed to create the instance (tensorrtllm_backend#303), and
/// CANN's aicore timeout is no memory fault.
#[test]
fn round22_lookalikes_stay_out() {
    assert_files_decide(&[(
        "trtllm-backend-303-llama2-13b-v071-load-engine-cudamallocasync-oom.log",
        "oom-weights",
        "triton-instance-creation-oom",
        "Failed to create instance",
    )]);
    let r = triage_text(
        "RuntimeError: ACL stream synchronize failed, error code:507014 aicore timeout",
    );
    assert_ne!(verdict(&r).0, "illegal-memory-access", "{}", r.headline);
}
