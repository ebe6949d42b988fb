//! Round 19 of issue 15 (branch trifix19): the development misses of `heldout-28` and
//! `heldout-29`. Written from their development two thirds (the set-aside thirds are listed in
//! `tests/fixtures/corpus/SOURCES-blind-4.md`, "trifix19 set-aside", and in
//! `class_training::SET_ASIDE_19`; never used here) and from real lines of other public reports.

#[path = "rules/class_training.rs"]
mod class_training;
#[path = "../../../tests/support/corpus.rs"]
mod corpus;
#[path = "rules/verdict.rs"]
mod verdict;

use verdict::{assert_files_decide, assert_texts_decide, triage_text, verdict};

/// The development misses of heldout-28 and heldout-29 that round 19's families decide, each with
/// the rule and its signal line.
#[test]
fn round19_development_misses_decide() {
    assert_files_decide(&[
        (
            "sglang-34226-diffusion-minimax-h3-served-model-name-unrecognized-arguments.log",
            "config-invalid",
            "argparse-unrecognized-arguments",
            "error: unrecognized arguments: --served-model-name",
        ),
        (
            "vllm-51964-v027-mi308x-kimi-k27-coder-mla-gluon-requires-gfx950-title-one-line.log",
            "dependency-mismatch",
            "kernel-requires-gpu-arch",
            "mla_gluon requires gfx950 (CDNA4), got gfx942",
        ),
        (
            "vllm-ascend-7685-v0170-310p-dsv32-kv-cache-dtype-fp8-invalid-float16-one-line.log",
            "config-invalid",
            "kv-cache-dtype-refused",
            "Invalid kv_cache_dtype: float16",
        ),
        (
            "tgi-ibm5-bloom560m-shard-ready-router-panic-could-not-find-tokenizer.log",
            "tokenizer-error",
            "tgi-router-tokenizer-not-found",
            "Could not find tokenizer for model",
        ),
        (
            "vllm-5976-v050post1-phi3-vision-max-seq-131072-over-kv-50944-title-one-line.log",
            "context-exceeds-kv",
            "vllm-v0-max-seq-len-exceeds-kv",
            "larger than the maximum number of tokens that can be stored in KV cache",
        ),
        (
            "trtllm-2814-triton-multimodal-tutorial-a10-do-not-set-crosskvcachefraction-decoder-only-title-one-line.log",
            "config-invalid",
            "trtllm-setting-for-other-model-kind",
            "Do not set crossKvCacheFraction for decoder-only model",
        ),
        (
            "ikllama-693-server-jinja-gpt-oss-20b-validate-chat-template-failed-to-apply-cut.log",
            "tokenizer-error",
            "chat-template-fallback-chatml",
            "failed to apply template",
        ),
        (
            "sglang-nvdrv1159-rtxpro6000-qwen3-fp8-rc-watchdog-gpu-locked-xid-8-dmesg.log",
            "hang",
            "nvidia-rc-watchdog-channel-timeout",
            "RC watchdog: GPU is probably locked!",
        ),
        (
            "ollama-3431-win-remote-chat-cumemsetaccess-pool-cuda-oom-ggml-assert.log",
            "oom-runtime",
            "ggml-cuda-oom-while-serving",
            "CUDA error: out of memory",
        ),
    ]);
}

/// The same families in other programs' and reports' words: argparse's refusal with its program
/// prefix (pytest without pytest-cov / pytest-timeout, as pasted in public debugging notes), the
/// NVIDIA driver's Xid 8 for llama-server (public Xid 8 incident notes for an RTX PRO 6000, driver
/// 595 / 610), aiter's FlyDSL GEMM refusal (its format string with the MI300 architecture), TGI's
/// 2023 router and Ollama's 2024 runner.
#[test]
fn round19_families_decide_other_sources() {
    assert_texts_decide(&[
        (
            "pytest: error: unrecognized arguments: --cov=src/apeg_core --cov-report=term-missing --cov-report=html",
            "config-invalid",
            "config-argparse-error",
        ),
        (
            "NVRM: Xid (PCI:0000:01:00): 8, pid=463898, name=llama-server, channel 0x00000007",
            "hang",
            "nvidia-rc-watchdog-channel-timeout",
        ),
        (
            "RuntimeError: FP4 GEMM requires gfx950, got gfx942",
            "dependency-mismatch",
            "kernel-requires-gpu-arch",
        ),
        // huggingface/text-generation-inference#238 (April 2023 router, the model name elided by
        // the reporter)
        (
            "thread 'main' panicked at 'called `Result::unwrap()` on an `Err` value: \"Model ...\" on the Hub doesn't have a tokenizer\"', router/src/main.rs:101:70",
            "tokenizer-error",
            "tgi-router-tokenizer-not-found",
        ),
        // ollama/ollama#3760 (Ollama 0.1.32's runner, llama.cpp's check of Feb 2024)
        (
            "{\"function\":\"validate_model_chat_template\",\"level\":\"ERR\",\"line\":437,\"msg\":\"The chat template comes with this model is not yet supported, falling back to chatml. This may cause the model to output suboptimal responses\",\"tid\":\"25744\",\"timestamp\":1713547085}",
            "tokenizer-error",
            "chat-template-fallback-chatml",
        ),
    ]);
}

/// Lines that look alike but are not these failures: tiktoken fallbacks warn that they could not
/// find a tokenizer for a model name and go on; an Xid 31 stays a memory fault.
#[test]
fn round19_lookalikes_stay_out() {
    let r = triage_text(
        "WARNING:root:Could not find tokenizer for model 'gpt-4o-mini'. Estimating tokens by character count.",
    );
    assert_ne!(verdict(&r).0, "tokenizer-error", "{}", r.headline);
    let r = triage_text(
        "NVRM: Xid (PCI:0000:3b:00): 31, pid=1234, name=python3, Ch 00000008, intr 00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_0 faulted @ 0x7f12_34560000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ",
    );
    assert_eq!(verdict(&r).0, "illegal-memory-access", "{}", r.headline);
}

/// The trifix19 set-aside thirds are never trained on.
#[test]
fn round19_set_aside_is_not_trained_on() {
    for d in class_training::dev_docs() {
        assert!(!class_training::SET_ASIDE_19.contains(&d.source.as_str()), "{}", d.file);
    }
}

/// The set-aside thirds' score, printed as counts only (no file, class or line), for the one
/// scoring at the end of round 19:
/// `cargo test -p perfpilot-triage --test corpus_round19 round19_set_aside_score -- --ignored --nocapture`.
#[test]
#[ignore]
fn round19_set_aside_score() {
    verdict::print_set_aside_score("trifix19", class_training::SET_ASIDE_19);
}
