//! The rules of round 23 of issue 15 (branch trifix23): the development leftovers of every scored
//! split as families (a forward-pass traceback cut inside a layer's module call, SGLang's ZMQ
//! channel set-up cut, SGLang's generic-tokenizer warning, a py-spy `top` table as a log's end, vLLM's
//! stats line with the KV pool full and requests waiting as a log's end).
//! `corpus_score` guards them as it guards the earlier rounds: none may decide a log of another
//! class in a scored split. (The round's widenings of older rules — the gpt-oss template sentence
//! in `chat-template-raised-message`, the wrapped `mpiSize == tp * pp` line — are guarded by the
//! lists of the rounds that wrote those rules.)

/// Signature, evidence and stall rule ids of round 23 (`data/signatures_3.toml`,
/// `data/evidence.toml`, `data/stall.toml`).
pub const CLASS_RULES_R23: &[&str] = &[
    "forward-cut-inside-layers",
    "sglang-ipc-channels-cut",
    "sglang-tokenizer-generic-backend",
    "stall:ends-in-py-spy-top-profile",
    "stall:vllm-ends-with-kv-full-and-queue",
];
