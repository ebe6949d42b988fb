//! The settings a result is only comparable under (fairness), saved with every result.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{ArrivalSpec, DatasetInfo, DatasetSpec};

/// Which OpenAI-compatible route is driven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Endpoint {
    /// `/v1/completions` (`prompt`, `max_tokens`).
    Completions,
    /// `/v1/chat/completions` (`messages`, `max_completion_tokens`).
    Chat,
}

impl Endpoint {
    /// The URL path.
    pub fn path(&self) -> &'static str {
        match self {
            Endpoint::Completions => "/v1/completions",
            Endpoint::Chat => "/v1/chat/completions",
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Endpoint::Completions => "completions",
            Endpoint::Chat => "chat",
        })
    }
}

impl std::str::FromStr for Endpoint {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().trim_start_matches('/') {
            "completions" | "v1/completions" => Ok(Endpoint::Completions),
            "chat" | "chat/completions" | "v1/chat/completions" => Ok(Endpoint::Chat),
            _ => Err(format!("unknown endpoint `{s}` (expected completions or chat)")),
        }
    }
}

/// Sampling fields sent with every request (a request's own `extra_body` is merged after
/// them and can override).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SamplingSettings {
    /// `ignore_eos` sent (true by default, as SGLang; vLLM forces it for random data).
    pub ignore_eos: bool,
    /// `min_tokens` sent, if any.
    pub min_tokens: Option<u32>,
    /// `temperature` sent, if any (default 0, greedy).
    pub temperature: Option<f64>,
    /// Extra JSON merged into every body.
    pub extra_body: Option<serde_json::Map<String, serde_json::Value>>,
    /// `stream_options.include_usage` (always true for the client).
    pub include_usage: bool,
}

/// What the server said about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ServerInfo {
    /// Model ids from `GET /v1/models`.
    pub models: Vec<String>,
    /// Server version or build, where it reports one (llama.cpp `/props`
    /// `build_info`, vLLM `/version`, SGLang `/get_server_info` `version`).
    pub version: Option<String>,
    /// Raw metadata worth keeping (e.g. `/v1/models` `meta`, llama.cpp `n_ctx`).
    pub details: Option<serde_json::Value>,
}

/// Run bounds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RunLimits {
    /// Stop sending new requests after this many seconds.
    pub duration_s: Option<f64>,
    /// Cancel everything and write results after this many seconds.
    pub deadline_s: Option<f64>,
    /// Fail a request when no byte arrives for this long.
    pub stall_timeout_s: Option<f64>,
}

/// Everything a result depends on besides the server's speed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RunSettings {
    /// Who produced the result (`perfpilot bench serve`, `perfpilot sim run (virtual
    /// time)`).
    pub client: String,
    /// Server base URL (no credentials).
    pub base_url: Option<String>,
    /// Route driven.
    pub endpoint: Endpoint,
    /// `model` field sent.
    pub model: Option<String>,
    /// What the server reported.
    pub server: Option<ServerInfo>,
    /// The workload.
    pub dataset: DatasetInfo,
    /// The arrival process.
    pub arrival: ArrivalSpec,
    /// Seed of dataset and schedule.
    pub seed: u64,
    /// Requests in the measured run.
    pub num_prompts: usize,
    /// Warmup requests sent before the clock starts.
    pub warmup_requests: usize,
    /// Client-side concurrency cap.
    pub max_concurrency: Option<u32>,
    /// Sampling fields.
    pub sampling: SamplingSettings,
    /// Bounds.
    pub limits: RunLimits,
    /// How connections are made and reused, and whether setup is inside TTFT.
    pub connection_policy: Option<String>,
    /// Names of extra HTTP headers sent with every request (`--header KEY=VALUE`; values
    /// are not recorded, they may hold credentials).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request_headers: Vec<String>,
}

impl RunSettings {
    /// The settings two runs must share to be compared fairly, as `(name, value)`
    /// pairs in a fixed order.
    pub fn fairness(&self) -> Vec<(&'static str, String)> {
        let j = |v: &dyn erased::ToJson| v.to_json();
        let mut v = vec![
            ("endpoint", self.endpoint.to_string()),
            ("model", j(&self.model)),
            ("dataset.kind", dataset_kind(&self.dataset.spec).to_string()),
            ("dataset.fingerprint", self.dataset.fingerprint.clone()),
            ("dataset.spec", j(&self.dataset.spec)),
            ("num_prompts", self.num_prompts.to_string()),
            ("seed", self.seed.to_string()),
            ("arrival", self.arrival.describe()),
            ("max_concurrency", j(&self.max_concurrency)),
            ("warmup_requests", self.warmup_requests.to_string()),
            ("ignore_eos", self.sampling.ignore_eos.to_string()),
            ("min_tokens", j(&self.sampling.min_tokens)),
            ("temperature", j(&self.sampling.temperature)),
            ("extra_body", j(&self.sampling.extra_body)),
        ];
        if let DatasetSpec::Random(r) = &self.dataset.spec {
            v.push(("range_mode", r.range_mode.to_string()));
            v.push(("range_ratio", r.range_ratio.to_string()));
        }
        v
    }
}

/// Short dataset kind name.
pub fn dataset_kind(spec: &DatasetSpec) -> &'static str {
    match spec {
        DatasetSpec::Random(_) => "random",
        DatasetSpec::Sharegpt(_) => "sharegpt",
        DatasetSpec::SharedPrefix(_) => "shared-prefix",
        DatasetSpec::Jsonl(_) => "jsonl",
    }
}

mod erased {
    pub trait ToJson {
        fn to_json(&self) -> String;
    }
    impl<T: serde::Serialize> ToJson for T {
        fn to_json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}
