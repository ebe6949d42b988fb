//! The fixed, documented list of problem classes and how severe a finding is.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A problem class: the `class` field of every finding. The list is fixed; a class is
/// added only with a test on a real log (see `docs/triage.md`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemClass {
    /// No or negative KV-cache memory at start-up.
    KvBudgetNegative,
    /// The maximum model length is larger than the KV cache can hold.
    ContextExceedsKv,
    /// Out of memory while loading the weights.
    OomWeights,
    /// Out of memory while capturing CUDA graphs.
    OomGraphCapture,
    /// Out of memory while serving (or in a profiling forward pass).
    OomRuntime,
    /// A kernel read or wrote memory it does not own (illegal address, memory access fault).
    IllegalMemoryAccess,
    /// A device-side assertion fired inside a kernel.
    DeviceAssert,
    /// A collective (NCCL, gloo) timed out or failed.
    NcclTimeout,
    /// The KV pool is full: the scheduler retracts or preempts requests.
    KvPoolFullRetraction,
    /// A bounded per-request state pool ran out (mamba / linear-attention state slots,
    /// request slots, the detokenizer's state table).
    StateSlotsExhausted,
    /// The server stopped making progress (watchdog, py-spy dump of a stuck thread).
    Hang,
    /// A port the server (or one of its sockets) binds is already in use.
    PortInUse,
    /// The model path or repository could not be found or accessed.
    ModelNotFound,
    /// The tokenizer has no chat template and none was given.
    ChatTemplateMissing,
    /// The tokenizer could not be loaded or failed to encode/decode.
    TokenizerError,
    /// Kernel library, Python package or driver versions do not match.
    DependencyMismatch,
    /// An unsupported flag combination or invalid setting.
    ConfigInvalid,
    /// No failure found.
    None,
    /// A failure that matches no signature (the first fatal lines are shown).
    Unknown,
}

impl ProblemClass {
    /// Every class, in documentation order.
    pub const ALL: [ProblemClass; 19] = [
        ProblemClass::KvBudgetNegative,
        ProblemClass::ContextExceedsKv,
        ProblemClass::OomWeights,
        ProblemClass::OomGraphCapture,
        ProblemClass::OomRuntime,
        ProblemClass::IllegalMemoryAccess,
        ProblemClass::DeviceAssert,
        ProblemClass::NcclTimeout,
        ProblemClass::KvPoolFullRetraction,
        ProblemClass::StateSlotsExhausted,
        ProblemClass::Hang,
        ProblemClass::PortInUse,
        ProblemClass::ModelNotFound,
        ProblemClass::ChatTemplateMissing,
        ProblemClass::TokenizerError,
        ProblemClass::DependencyMismatch,
        ProblemClass::ConfigInvalid,
        ProblemClass::None,
        ProblemClass::Unknown,
    ];

    /// The id as written in JSON and in the catalogue (`kv-budget-negative`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemClass::KvBudgetNegative => "kv-budget-negative",
            ProblemClass::ContextExceedsKv => "context-exceeds-kv",
            ProblemClass::OomWeights => "oom-weights",
            ProblemClass::OomGraphCapture => "oom-graph-capture",
            ProblemClass::OomRuntime => "oom-runtime",
            ProblemClass::IllegalMemoryAccess => "illegal-memory-access",
            ProblemClass::DeviceAssert => "device-assert",
            ProblemClass::NcclTimeout => "nccl-timeout",
            ProblemClass::KvPoolFullRetraction => "kv-pool-full-retraction",
            ProblemClass::StateSlotsExhausted => "state-slots-exhausted",
            ProblemClass::Hang => "hang",
            ProblemClass::PortInUse => "port-in-use",
            ProblemClass::ModelNotFound => "model-not-found",
            ProblemClass::ChatTemplateMissing => "chat-template-missing",
            ProblemClass::TokenizerError => "tokenizer-error",
            ProblemClass::DependencyMismatch => "dependency-mismatch",
            ProblemClass::ConfigInvalid => "config-invalid",
            ProblemClass::None => "none",
            ProblemClass::Unknown => "unknown",
        }
    }

    /// Parse an id.
    pub fn parse(s: &str) -> Option<ProblemClass> {
        ProblemClass::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// One-line description (the documented meaning).
    pub fn description(self) -> &'static str {
        match self {
            ProblemClass::KvBudgetNegative => "no or negative KV-cache memory at start-up",
            ProblemClass::ContextExceedsKv => {
                "the maximum model length is larger than the KV cache can hold"
            }
            ProblemClass::OomWeights => "out of GPU memory while loading the weights",
            ProblemClass::OomGraphCapture => "out of GPU memory while capturing CUDA graphs",
            ProblemClass::OomRuntime => {
                "out of GPU memory in a forward pass (serving or profiling)"
            }
            ProblemClass::IllegalMemoryAccess => "a kernel accessed memory it does not own",
            ProblemClass::DeviceAssert => "a device-side assertion fired inside a kernel",
            ProblemClass::NcclTimeout => "a collective operation (NCCL/gloo) timed out or failed",
            ProblemClass::KvPoolFullRetraction => {
                "the KV pool is full: requests are retracted or preempted"
            }
            ProblemClass::StateSlotsExhausted => {
                "a bounded per-request state pool ran out (mamba/linear-attention slots, \
                 request slots, detokenizer states)"
            }
            ProblemClass::Hang => "the server stopped making progress",
            ProblemClass::PortInUse => "a port is already in use",
            ProblemClass::ModelNotFound => "the model path or repository cannot be found or read",
            ProblemClass::ChatTemplateMissing => "the tokenizer has no chat template",
            ProblemClass::TokenizerError => "the tokenizer cannot be loaded or failed",
            ProblemClass::DependencyMismatch => {
                "kernel library, package or driver versions do not match"
            }
            ProblemClass::ConfigInvalid => "an unsupported flag combination or invalid setting",
            ProblemClass::None => "no failure found",
            ProblemClass::Unknown => "a failure that matches no signature",
        }
    }
}

impl std::fmt::Display for ProblemClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How bad a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The server died, cannot start, or stopped serving: `triage` exits 1.
    Fatal,
    /// The server runs but degrades (retraction, preemption, rejected requests).
    Degraded,
}

impl Severity {
    /// `fatal` or `degraded`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Fatal => "fatal",
            Severity::Degraded => "degraded",
        }
    }
}

/// Where in a server's life a line falls, from the launch events and markers before it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// The log shows no launch line before this point.
    Unknown,
    /// Before any launch event (process start, argument parsing, distributed init).
    Start,
    /// Loading the weights.
    Load,
    /// Weights loaded, sizing the KV cache (profiling run).
    Kv,
    /// KV pool allocated, initialising backends before graph capture.
    Init,
    /// Capturing CUDA graphs.
    Capture,
    /// Start-up finished, no request yet.
    Ready,
    /// Serving requests.
    Serve,
}

impl Phase {
    /// Every phase in order.
    pub const ALL: [Phase; 8] = [
        Phase::Unknown,
        Phase::Start,
        Phase::Load,
        Phase::Kv,
        Phase::Init,
        Phase::Capture,
        Phase::Ready,
        Phase::Serve,
    ];

    /// The id (`load`, `capture`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Unknown => "unknown",
            Phase::Start => "start",
            Phase::Load => "load",
            Phase::Kv => "kv",
            Phase::Init => "init",
            Phase::Capture => "capture",
            Phase::Ready => "ready",
            Phase::Serve => "serve",
        }
    }

    /// Parse an id.
    pub fn parse(s: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// What the server was doing, for sentences.
    pub fn doing(self) -> &'static str {
        match self {
            Phase::Unknown => "in a state the log does not show (no launch line before it)",
            Phase::Start => "starting up (before the weights)",
            Phase::Load => "loading the weights",
            Phase::Kv => "sizing the KV cache after the weights loaded",
            Phase::Init => "initialising backends after the KV pool was allocated",
            Phase::Capture => "capturing CUDA graphs",
            Phase::Ready => "ready, before the first request",
            Phase::Serve => "serving requests",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_match_serde() {
        for c in ProblemClass::ALL {
            assert_eq!(ProblemClass::parse(c.as_str()), Some(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
        assert_eq!(ProblemClass::parse("oom"), None);
    }
}
