//! The rules of round 19 of issue 15 (branch trifix19): heldout-28's and heldout-29's development
//! misses as families (argparse's unrecognized arguments, a kernel's GPU-architecture
//! requirement, KV-cache dtype refusals, TGI's router tokenizer panic, TensorRT-LLM's settings for
//! another model kind, ik_llama.cpp's wording of the start-up template check (widened), the NVIDIA driver's channel watchdog,
//! ggml's CUDA out-of-memory while serving). `corpus_score` guards them as it guards the earlier
//! rounds: none may decide a log of another class in a scored split.

/// Signature ids of round 19 (`data/signatures_2.toml`).
pub const CLASS_RULES_R19: &[&str] = &[
    "argparse-unrecognized-arguments",
    "kernel-requires-gpu-arch",
    "kv-cache-dtype-refused",
    "tgi-router-tokenizer-not-found",
    "trtllm-setting-for-other-model-kind",
    "chat-template-fallback-chatml",
    "nvidia-rc-watchdog-channel-timeout",
    "ggml-cuda-oom-while-serving",
];
