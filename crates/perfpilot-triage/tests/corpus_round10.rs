//! Round 10 of issue 15 (branch trifix10): the classes of the misses of the blind batches
//! `heldout-15` and `heldout-16`, built from the development two thirds (the set-aside third is
//! listed in `tests/fixtures/corpus/SOURCES-blind-3.md`, "trifix10 set-aside", scored once).
//! Each log is decided by the rule written for its class (the printing program's wording or the
//! phase its frames name), not for the log.

#[path = "../../../tests/support/corpus.rs"]
mod corpus;
#[path = "rules/verdict.rs"]
mod verdict;

use verdict::assert_files_decide;

/// Engines' and platforms' configuration checks, a registry's missing model and the CUDA error
/// name of a device-side assertion, each in the printing program's own words (`data/messages.toml`).
#[test]
fn round10_wordings_decide_their_logs() {
    assert_files_decide(&[
        // TensorRT-LLM's LLM API: world size (tp x pp) against the node's GPUs
        (
            "trtllm-2594-trtllm-serve-two-nodes-only-8-gpus-of-16.log",
            "config-invalid",
            "trtllm-world-size-exceeds-gpus",
            "Only 8 GPUs are available, but 16 are required",
        ),
        // Tenstorrent's vLLM generator: the device's max_model_len limit
        (
            "ttinference-3151-n150-llama8b-max-model-len-65536-unsupported.log",
            "config-invalid",
            "platform-max-model-len-limit",
            "do not support max_model_len greater than 32768",
        ),
        // Ollama: the registry's 404 on the manifest (os.ErrNotExist)
        (
            "ollama-12986-cloud-model-copy-run-pull-manifest-missing.log",
            "model-not-found",
            "ollama-manifest-not-found",
            "pull model manifest: file does not exist",
        ),
        // torch's CUDA check names cudaErrorAssert; the output handler's traceback follows
        (
            "vllm-31709-qwen3-0112-upgrade-cudaerrorassert-output-handler.log",
            "device-assert",
            "cuda-error-assert-name",
            "cudaErrorAssert",
        ),
    ]);
}

/// Out-of-memory errors placed in the weights' phase: Triton's model-instance creation (the
/// engine's load) and the quantized kernels' weight repacking; a load traceback introduced by
/// vLLM's `WorkerProc failed to start.` and cut before its exception.
#[test]
fn round10_phases_decide_their_logs() {
    assert_files_decide(&[
        (
            "trtllm-backend-303-llama2-13b-v071-load-engine-cudamallocasync-oom.log",
            "oom-weights",
            "triton-instance-creation-oom",
            "Failed to create instance",
        ),
        (
            "club3090-60-vllm-v1-gptq-marlin-repack-cuda-driver-oom.log",
            "oom-weights",
            "load-oom-text",
            "CUDA driver error: out of memory",
        ),
        (
            "vllm-ascend-7123-kimi25-a2-multinode-load-model-frames-cut.log",
            "oom-weights",
            "loader-frames-cut",
            "in load_model",
        ),
    ]);
}

/// `_initialize_kv_caches` runs the profiling pass and then sizes the KV cache: a V0 traceback
/// cut at that frame after `Starting profile run` is still the profiling pass (an earlier log,
/// kept right when the frame stopped naming the KV-sizing step).
#[test]
fn kv_init_frame_is_placed_by_its_progress_line() {
    assert_files_decide(&[(
        "llmcompressor-1234-encdec-profile-run-oom-cut.log",
        "oom-runtime",
        "step:profile",
        "Traceback",
    )]);
}
