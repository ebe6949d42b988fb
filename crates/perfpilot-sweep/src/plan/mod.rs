//! The sweep plan: SGLang's v1 cookbook config (every key its validator accepts) plus
//! per-framework launch keys. [`load`] reads the YAML into a [`Plan`] and lists every
//! problem with its line; `crate::validate` adds the checks that need the rules.

mod lines;
mod load;

use std::path::PathBuf;

use perfpilot_workload::Endpoint;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::rules::FrameworkRules;

pub use lines::LineIndex;
pub use load::{Loaded, load, load_text};

/// A flag value as written in the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum FlagValue {
    /// `true` → bare flag; `false` → omitted.
    Bool(bool),
    /// A number or string, stringified.
    Text(String),
    /// A list → the flag repeated once per item.
    List(Vec<FlagValue>),
    /// `null` → omitted.
    Null,
}

impl FlagValue {
    /// The value as a number, when it is one.
    pub fn number(&self) -> Option<f64> {
        match self {
            FlagValue::Text(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A short label (`true`, `8`, `[a,b]`, `null`).
    pub fn label(&self) -> String {
        match self {
            FlagValue::Bool(b) => b.to_string(),
            FlagValue::Text(s) => s.clone(),
            FlagValue::Null => "null".into(),
            FlagValue::List(v) => {
                format!("[{}]", v.iter().map(FlagValue::label).collect::<Vec<_>>().join(","))
            }
        }
    }
}

/// One scenario: a pair of aligned `input_len[i]`, `output_len[i]` (no cartesian product).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Scenario {
    /// `scenario_names[i]`, else `s{i}-{in}x{out}`.
    pub name: String,
    /// Prompt tokens.
    pub input_len: u32,
    /// Output tokens.
    pub output_len: u32,
}

/// The latency SLA; every bound is checked on p99 recomputed from the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Sla {
    /// Bound on p99 TTFT, ms.
    pub max_p99_ttft_ms: Option<f64>,
    /// Bound on p99 TPOT, ms.
    pub max_p99_tpot_ms: Option<f64>,
    /// Bound on p99 end-to-end latency, ms.
    pub max_p99_e2e_ms: Option<f64>,
    /// Least fraction of requests that must succeed (default 0.99).
    pub min_success_rate: f64,
}

/// The rate search bracket.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Qps {
    /// Lowest rate tried (req/s).
    pub lower: f64,
    /// Highest rate tried (req/s).
    pub upper: f64,
    /// Stop when the bracket is narrower than this (req/s, absolute).
    pub tolerance: f64,
    /// Most bisection rounds.
    pub max_rounds: u32,
}

/// How each probe is driven.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Benchmark {
    /// Route driven.
    pub endpoint: Endpoint,
    /// `backend` as written (informational: perfpilot's client speaks the OpenAI API).
    pub backend: Option<String>,
    /// Client tokenizer: a `tokenizer.json` path, `server`, or none (token-id prompts).
    pub tokenizer: Option<String>,
    /// Client concurrency caps (`null` = unlimited); one rate search each.
    pub max_concurrency: Vec<Option<u32>>,
    /// JSON merged into every request body.
    pub extra_request_body: Option<serde_json::Map<String, serde_json::Value>>,
    /// Rate search bracket.
    pub qps: Qps,
    /// Warm-up requests before each probe.
    pub warmup_requests: usize,
    /// Seed of prompts and arrivals (the same for every candidate).
    pub seed: u64,
    /// Default output folder.
    pub output_dir: Option<PathBuf>,
}

/// The search budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Search {
    /// Informational tier.
    pub tier: Option<u32>,
    /// Candidates per framework, baseline included.
    pub max_candidates_per_framework: usize,
    /// As written (perfpilot always designs baseline + one-at-a-time + factorial).
    pub candidate_generation: Option<String>,
    /// Resume from `live_results.jsonl` by default.
    pub resume: bool,
}

/// One framework's launch recipe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Framework {
    /// The key under `frameworks`.
    pub name: String,
    /// Disabled frameworks are skipped.
    pub enabled: bool,
    /// `server_command` split into argv (no shell).
    pub command: Vec<String>,
    /// Informational.
    pub config_source: Option<String>,
    /// Flags of every candidate, in plan order.
    pub base_flags: Vec<(String, FlagValue)>,
    /// Values tried per key, in plan order.
    pub search_space: Vec<(String, Vec<FlagValue>)>,
    /// Environment of the server (values are never written out when they look secret).
    pub env: Vec<(String, String)>,
    /// A captured `--help` file to check flags against.
    pub help_file: Option<PathBuf>,
    /// The rules after the plan's overrides.
    pub rules: FrameworkRules,
}

/// A loaded plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Plan {
    /// The plan file.
    pub path: PathBuf,
    /// `model.name`.
    pub model: String,
    /// `model.tokenizer`.
    pub model_tokenizer: Option<String>,
    /// Scenarios in order.
    pub scenarios: Vec<Scenario>,
    /// Requests per probe.
    pub num_prompts: usize,
    /// Vocabulary of token-id prompts (no tokenizer).
    pub vocab_size: u32,
    /// How probes are driven.
    pub benchmark: Benchmark,
    /// The SLA.
    pub sla: Sla,
    /// The budget.
    pub search: Search,
    /// Frameworks in plan order.
    pub frameworks: Vec<Framework>,
    /// `hardware`, as written (informational).
    pub hardware: serde_json::Value,
}

impl Plan {
    /// max(input_len + output_len) over the scenarios.
    pub fn required_seq_len(&self) -> u64 {
        self.scenarios.iter().map(|s| s.input_len as u64 + s.output_len as u64).max().unwrap_or(0)
    }
}

/// How bad a problem is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The plan cannot run.
    Error,
    /// Runs, but read it.
    Warning,
}

/// One problem of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// Dotted key path.
    pub path: String,
    /// 1-based YAML line (of the key, or its nearest parent).
    pub line: Option<u64>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}: {}", self.path, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}
