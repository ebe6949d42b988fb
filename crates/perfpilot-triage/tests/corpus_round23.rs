//! Round 23 of issue 15 (branch trifix23): the development leftovers of every scored split
//! (`/work/notes/tri36_dev_misses.txt`, set-aside rows removed). Written from the development
//! rows and from real lines of other public reports; the set-aside third of `heldout-36` is
//! listed in `tests/fixtures/corpus/SOURCES-blind-4.md`, "trifix23 set-aside", and in
//! `class_training::SET_ASIDE_23`, never used here.

#[path = "rules/class_training.rs"]
mod class_training;
#[path = "../../../tests/support/corpus.rs"]
mod corpus;
#[path = "rules/verdict.rs"]
mod verdict;

use verdict::{assert_files_decide, assert_texts_decide, triage_text, verdict};

/// The trifix23 set-aside third is never trained on.
#[test]
fn round23_set_aside_is_not_trained_on() {
    for d in class_training::dev_docs() {
        assert!(!class_training::SET_ASIDE_23.contains(&d.source.as_str()), "{}", d.file);
    }
}

/// The set-aside third's score, printed as counts only (no file, class or line), for the one
/// scoring at the end of round 23:
/// `cargo test -p perfpilot-triage --test corpus_round23 round23_set_aside_score -- --ignored --nocapture`.
#[test]
#[ignore]
fn round23_set_aside_score() {
    verdict::print_set_aside_score("trifix23", class_training::SET_ASIDE_23);
}

/// Development misses get their class by this round's rules, with the line that shows it: four
/// forward tracebacks cut inside a layer's module call (out of memory, by their threads), SGLang's
/// cut ZMQ channel set-up, its generic-tokenizer warning, the gpt-oss template's refusal, Triton's
/// wrapped world-size check and a py-spy `top` table ending a freeze report.
#[test]
fn round23_development_misses_decide() {
    assert_files_decide(&[
        (
            "vllm-10034-mllama-2xa10-patch-embed-forward-oom-cut.log",
            "oom-runtime",
            "forward-cut-inside-layers",
            "models/mllama.py",
        ),
        (
            "vllm-17462-v1-qwen3-32b-2xl20-compiled-forward-oom-cut.log",
            "oom-runtime",
            "forward-cut-inside-layers",
            "<eval_with_key>",
        ),
        (
            "vllm-ascend-1617-qwen25vl-visual-attn-forward-frames-cut.log",
            "oom-runtime",
            "forward-cut-inside-layers",
            "models/qwen2_5_vl.py",
        ),
        (
            "tgi-1164-warmup-flash-llama-forward-cut.log",
            "oom-runtime",
            "forward-cut-inside-layers",
            "flash_llama_modeling.py",
        ),
        (
            "sglang-27142-multi-tokenizer-load-snapshot-zmq-same-endpoint-cut.log",
            "port-in-use",
            "sglang-ipc-channels-cut",
            "init_ipc_channels(",
        ),
        (
            "sglang-31271-gpt-oss-20b-merged-lora-tokenizer-still-tokenizersbackend-after-retries.log",
            "tokenizer-error",
            "sglang-tokenizer-generic-backend",
            "is still TokenizersBackend after retries",
        ),
        (
            "llamacpp-15242-gptoss-server-channel-tags-template-error-cut.log",
            "tokenizer-error",
            "chat-template-raised-message",
            "<|channel|> tags in the content field",
        ),
        (
            "trtllm-backend33-tritonserver-chatglm2-mpisize-ne-tp-times-pp-assertion-unavailable-cut.log",
            "config-invalid",
            "trtllm-mpi-size-ne-tp-pp",
            "mpiSize == tp * pp",
        ),
        (
            "sglang-23676-kimi-k26-tokenizer-manager-freeze-pyspy-added-tokens.log",
            "hang",
            "stall:ends-in-py-spy-top-profile",
            "OwnTime",
        ),
        (
            "vllm-27073-v1-kv-usage-99pct-waiting-63-stuck-hours.log",
            "kv-pool-full-retraction",
            "stall:vllm-ends-with-kv-full-and-queue",
            "Waiting: 63 reqs, GPU KV cache usage: 98.6%",
        ),
    ]);
}

/// The families decide real lines of other sources: SGLang's generic-tokenizer warning in an
/// Ascend DeepSeek-V4-Flash launch log (found by `find_string`, a public worklog of SGLang on
/// CANN 9), TensorRT-LLM's world-size check as optimum-nvidia printed it
/// (huggingface/optimum-nvidia#68), a py-spy `top` table of a spinning process (a public
/// profiling note: `_readBytes` at 89 %).
#[test]
fn round23_families_decide_other_sources() {
    assert_texts_decide(&[
        (
            "[2026-08-10 09:16:17] Tokenizer for /home/w00580100/model/DeepSeek-V4-Flash-0731-w4a8 is still TokenizersBackend after retries with --trust-remote-code. Model-specific tokenizer attributes may be missing.",
            "tokenizer-error",
            "sglang-tokenizer-generic-backend",
        ),
        (
            "RuntimeError: [TensorRT-LLM][ERROR] Assertion failed: mpiSize == tp * pp (/opt/optimum-nvidia/third-party/tensorrt-llm/cpp/tensorrt_llm/runtime/worldConfig.cpp:89)",
            "config-invalid",
            "trtllm-mpi-size-ne-tp-pp",
        ),
        (
            "  %Own   %Total  OwnTime  TotalTime  Function (filename)\n 89.00%  89.00%   10.95s    10.95s   _readBytes (tcp_interface_patch.py)\n 10.00% 100.00%   0.980s    11.99s   __reader (meshtastic/stream_interface.py)",
            "hang",
            "stall:ends-in-py-spy-top-profile",
        ),
        (
            "INFO 03-18 12:34:52 llm_engine.py:706] Avg prompt throughput: 209.6 tokens/s, Avg generation throughput: 567.4 tokens/s, Running: 36 reqs, Swapped: 0 reqs, Pending: 78 reqs, GPU KV cache usage: 99.1%, CPU KV cache usage: 0.0%",
            "kv-pool-full-retraction",
            "stall:vllm-ends-with-kv-full-and-queue",
        ),
    ]);
}

/// Look-alikes stay out: a serving traceback cut inside a kernel library's call (flashinfer's
/// prefill, not torch's module call) keeps the fault reading; a py-spy table followed by the
/// server's error is that error's; the generic-tokenizer warning before an out-of-memory line
/// does not outrank it (the lines: sgl-project/sglang#31271's warning, vllm-project/vllm#31273's
/// out-of-memory line, sgl-project/sglang#23676's py-spy header and row, CUDA's fault sentence).
#[test]
fn round23_lookalikes_stay_out() {
    assert_files_decide(&[(
        "tgi-3227-gemma3-flashinfer-prefill-frames-cut.log",
        "illegal-memory-access",
        "forward-or-sync-cut",
        "flashinfer/prefill.py",
    )]);
    let r = triage_text(
        "  %Own   %Total  OwnTime  TotalTime  Function (filename)\n 98.00%  98.00%    1.98s     1.98s   _worker (concurrent/futures/thread.py)\nRuntimeError: CUDA error: an illegal memory access was encountered",
    );
    assert_ne!(verdict(&r).0, "hang", "{}", r.headline);
    let r = triage_text(
        "[2026-07-15 11:18:20] Tokenizer for gpt-20b_merge_lora is still TokenizersBackend after retries with --trust-remote-code. Model-specific tokenizer attributes may be missing.\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 80.00 MiB. GPU 0 has a total capacity of 139.72 GiB of which 60.69 MiB is free. Process 691170 has 139.65 GiB memory in use.",
    );
    assert_ne!(verdict(&r).0, "tokenizer-error", "{}", r.headline);
    // vLLM's stats line followed by a served response (two consecutive lines of
    // vllm-project/vllm#27073) is a busy server, not a stuck pool.
    let r = triage_text(
        "t: 605.4 tokens/s, Running: 26 reqs, Waiting: 63 reqs, GPU KV cache usage: 97.9%, Prefix cache hit rate: 46.6%\n2025-10-15T00:07:49.295790680Z (APIServer pid=1) INFO:     10.250.3.7:42662 - \"POST /v1/chat/completions HTTP/1.1\" 200 OK",
    );
    assert_ne!(verdict(&r).0, "kv-pool-full-retraction", "{}", r.headline);
}
