//! The rules of round 20 of issue 15 (branch trifix20): heldout-30's and heldout-31's development
//! misses as families (ds4's model arena OOM, rocBLAS without Tensile kernels for the GPU, requests
//! over the reserved context in FreeToken / LM Studio / llama-cpp-python words, Ollama's stalled
//! runner start, a tokenizer backend without its file; vLLM's cache-block sentence retyped in
//! prose; the weights step's TensorRT-LLM and TGI lines). `corpus_score` guards them as it guards
//! the earlier rounds: none may decide a log of another class in a scored split.

/// Signature ids of round 20 (`data/signatures_3.toml`, the widened `vllm-no-memory-for-cache-blocks`
/// of `data/signatures.toml`) and the weights step's OOM placement (`data/evidence.toml`, widened
/// this round; its cut-traceback guess `step:weights` is older and misses a log of `dev` already).
pub const CLASS_RULES_R20: &[&str] = &[
    "model-arena-alloc-oom",
    "rocblas-tensile-library-missing-arch",
    "request-over-context-budget",
    "ollama-runner-start-stalled",
    "tokenizer-file-not-found",
    "vllm-no-memory-for-cache-blocks",
    "step:weights:oom",
];
