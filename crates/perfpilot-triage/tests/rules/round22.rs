//! The rules of round 22 of issue 15 (branch trifix22): heldout-34's and heldout-35's development
//! misses as families (CANN's NPU core exception lines, vLLM V0's CPU swap space abort, a
//! TensorRT-LLM buffer OOM after the execution context, the cut WorkerProc constructor, and the two
//! stall rules: ds4-server's `prompt start` and llama.cpp's load metadata as a log's last line). `corpus_score` guards them as it guards the earlier rounds: none may decide a log of
//! another class in a scored split. (The round's edits of older rules — the processor's chat
//! template sentence, `Prefill out of memory`'s class, the `wake_up` frame — are guarded by the
//! lists of the rounds that wrote those rules.)

/// Signature, step and stall rule ids of round 22 (`data/signatures_3.toml`, `data/evidence.toml`,
/// `data/stall.toml`).
pub const CLASS_RULES_R22: &[&str] = &[
    "ascend-core-exception",
    "vllm-v0-cpu-swap-space-exhausted",
    "trtllm-buffer-oom-after-execution-context",
    "step:worker-proc-construct",
    "stall:ds4-ends-at-prompt-start",
    "stall:ends-in-gguf-load-metadata",
];
