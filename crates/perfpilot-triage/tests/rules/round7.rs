//! The rules of round 7 of issue 15 (branch trifix7): signatures and end-of-log (stall) rules
//! written for the miss classes of `heldout-13` (see `tests/corpus_round7.rs`). `corpus_score`
//! guards them as it guards the earlier rounds: none may decide a log of another class in a
//! scored split.

/// Signature ids and stall-rule ids (`stall:<id>`) of round 7.
pub const CLASS_RULES_7: &[&str] = &[
    "trtllm-kv-cache-below-one-sequence",
    "trtllm-kv-manager-assertion-cut",
    "nccl-cuda-failure-out-of-memory",
    "nccl-cuda-failure-driver-or-image",
    "amdgpu-vm-fault",
    "nvidia-xid-memory-fault",
    "gpu-arch-missing-from-build",
    "tokenizer-config-unparsable",
    "dtype-needs-newer-gpu",
    "flash-attention-needs-newer-gpu",
    "go-listen-bind-local-host",
    "stall:monitor-says-stuck",
    "stall:ends-waiting",
    "stall:ends-at-full-kv",
    "stall:ends-with-unanswered-requests",
    "stall:ends-while-loading",
    "stall:ends-in-communicator-init",
];
