//! Options of `bench serve`, shared by the CLI and the MCP server (JSON arguments).

use std::path::PathBuf;

use std::collections::BTreeMap;

use perfpilot_workload::{
    CompatFormat, DatasetSpec, Endpoint, RampUp, RandomSpec, RangeMode, Slo, VllmPercentiles,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A number or the string `"inf"` (JSON has no infinity).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum NumberOrInf {
    /// A finite number.
    Number(f64),
    /// `"inf"`.
    Text(String),
}

impl NumberOrInf {
    /// The value (`inf` → `f64::INFINITY`); `None` for other strings.
    pub fn value(&self) -> Option<f64> {
        match self {
            NumberOrInf::Number(x) => Some(*x),
            NumberOrInf::Text(s) if s.eq_ignore_ascii_case("inf") => Some(f64::INFINITY),
            NumberOrInf::Text(_) => None,
        }
    }
}

/// Where the client's token counts come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TokenizerChoice {
    /// A local `tokenizer.json` (or a directory holding one).
    Path(PathBuf),
    /// The server's `/tokenize` and `/detokenize` endpoints.
    Server,
}

impl std::str::FromStr for TokenizerChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(if s == "server" { TokenizerChoice::Server } else { TokenizerChoice::Path(s.into()) })
    }
}

/// Everything `bench serve` needs. Defaults follow the SGLang anchor where the anchors
/// differ on sampling (`ignore_eos` on, temperature 0), and vLLM on lengths (range
/// ratio 0 in vLLM mode = fixed lengths); every one of them is saved in the result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServeOptions {
    /// Server base URL, e.g. `http://127.0.0.1:8080` (a trailing `/v1` is accepted).
    pub url: String,
    /// Route to drive.
    #[serde(default = "default_endpoint")]
    pub endpoint: Endpoint,
    /// `model` to send; default: the first id of `GET /v1/models`.
    #[serde(default)]
    pub model: Option<String>,
    /// The workload.
    #[serde(default = "default_dataset")]
    pub dataset: DatasetSpec,
    /// Requests in the measured run (required for random and shared-prefix; default
    /// all records for sharegpt and jsonl).
    #[serde(default)]
    pub num_prompts: Option<usize>,
    /// Mean request rate per second, or `"inf"` (default): all at once.
    #[serde(default)]
    pub request_rate: Option<NumberOrInf>,
    /// Gamma shape of inter-arrival gaps: 1 (default) Poisson, `"inf"` constant.
    #[serde(default)]
    pub burstiness: Option<NumberOrInf>,
    /// Client-side cap on requests in flight.
    #[serde(default)]
    pub max_concurrency: Option<u32>,
    /// Warmup requests (copies of the first request, output ≤ 32 tokens) sent before
    /// the clock starts and never summarised. Default 1.
    #[serde(default = "one")]
    pub warmup: usize,
    /// Stop sending new requests after this many seconds.
    #[serde(default)]
    pub duration_s: Option<f64>,
    /// Cancel everything and write the result after this many seconds.
    #[serde(default)]
    pub deadline_s: Option<f64>,
    /// Fail a request when no byte arrives for this long (default 120 s).
    #[serde(default = "default_stall")]
    pub stall_timeout_s: f64,
    /// Time limit on opening a connection (default 10 s).
    #[serde(default = "default_connect")]
    pub connect_timeout_s: f64,
    /// Seed of dataset and schedule.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Tokenizer for building prompts and recounting output.
    #[serde(default)]
    pub tokenizer: Option<TokenizerChoice>,
    /// Latency objectives; a run below the attainment fails the check (exit 1).
    #[serde(default)]
    pub slo: Option<Slo>,
    /// Send `ignore_eos: true` (default true).
    #[serde(default = "yes")]
    pub ignore_eos: bool,
    /// Send `min_tokens`.
    #[serde(default)]
    pub min_tokens: Option<u32>,
    /// Send `temperature` (default 0; `null` to leave it to the server).
    #[serde(default = "default_temperature")]
    pub temperature: Option<f64>,
    /// Extra JSON merged into every request body.
    #[serde(default)]
    pub extra_body: Option<serde_json::Map<String, serde_json::Value>>,
    /// Name of the environment variable holding the API key (default
    /// `OPENAI_API_KEY`). The key itself is never written anywhere.
    #[serde(default)]
    pub api_key_env: Option<String>,
    /// Write the result JSON here (atomically), also on deadline, Ctrl-C or failure.
    #[serde(default)]
    pub output: Option<PathBuf>,
    /// Also write the anchor-compatible JSON next to the result or at `compat_output`:
    /// `sglang` appends one JSON line per run, as SGLang's `--output-file`
    /// (`<output>.sglang.jsonl`); `vllm` writes vLLM's `--save-result` object
    /// (`<output>.vllm.json`).
    #[serde(default)]
    pub compat: Option<CompatFormat>,
    /// Path for the compat JSON.
    #[serde(default)]
    pub compat_output: Option<PathBuf>,
    /// Per-request records (JSONL, written as requests finish). Default
    /// `<output>.records.jsonl` when `output` is set.
    #[serde(default)]
    pub records: Option<PathBuf>,
    /// Save the request list (JSONL) for replay with the jsonl dataset.
    #[serde(default)]
    pub save_requests: Option<PathBuf>,
    /// Keep generated text in the per-request records.
    #[serde(default)]
    pub keep_text: bool,
    /// Extra HTTP headers sent with every request (vLLM `--header KEY=VALUE`); only the
    /// names are recorded in the result.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Start the server's profiler (`POST /start_profile`) before the measured run and
    /// stop it (`POST /stop_profile`) after, as SGLang's and vLLM's `--profile`.
    #[serde(default)]
    pub profile: bool,
    /// Ramp the request rate (vLLM `--ramp-up-*`); `request_rate` must then be inf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ramp_up: Option<RampUp>,
    /// Which metrics and percentiles the vLLM layout carries (vLLM
    /// `--percentile-metrics`, `--metric-percentiles`); default p90/p95/p99 of all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vllm_percentiles: Option<VllmPercentiles>,
    /// Runtime worker threads for the client (default 1: one core).
    #[serde(default = "one")]
    pub threads: usize,
    /// Install a Ctrl-C handler that stops the run and writes the result (the CLI sets
    /// it; library callers usually do not).
    #[serde(default)]
    pub handle_ctrl_c: bool,
    /// Flush the server's prefix cache before each measured run and repeat (SGLang
    /// `/flush_cache`, vLLM `/reset_prefix_cache`; llama.cpp: `cache_prompt: false` per
    /// request). Default on.
    #[serde(default = "yes")]
    pub flush_cache: bool,
    /// Largest fraction of failed requests (deadline and interrupt cancellations not
    /// counted) that still passes; a run where no request succeeded always fails.
    #[serde(default)]
    pub max_failure_rate: f64,
    /// Measured runs (each after its own warmup and cache flush).
    #[serde(default = "one_u32")]
    pub repeats: u32,
    /// Every repeat sends the same prompts (default: repeat i uses seed + i).
    #[serde(default)]
    pub same_prompts: bool,
}

fn one_u32() -> u32 {
    1
}

fn default_endpoint() -> Endpoint {
    Endpoint::Completions
}
fn default_dataset() -> DatasetSpec {
    DatasetSpec::Random(RandomSpec {
        input_len: 1024,
        output_len: 128,
        range_ratio: 0.0,
        range_mode: RangeMode::Vllm,
        token_ids: false,
        vocab_size: None,
    })
}
fn one() -> usize {
    1
}
fn yes() -> bool {
    true
}
fn default_stall() -> f64 {
    120.0
}
fn default_connect() -> f64 {
    10.0
}
fn default_seed() -> u64 {
    42
}
fn default_temperature() -> Option<f64> {
    Some(0.0)
}

impl ServeOptions {
    /// Options for `url` with every default.
    pub fn new(url: impl Into<String>) -> ServeOptions {
        ServeOptions {
            url: url.into(),
            endpoint: default_endpoint(),
            model: None,
            dataset: default_dataset(),
            num_prompts: None,
            request_rate: None,
            burstiness: None,
            max_concurrency: None,
            warmup: 1,
            duration_s: None,
            deadline_s: None,
            stall_timeout_s: default_stall(),
            connect_timeout_s: default_connect(),
            seed: default_seed(),
            tokenizer: None,
            slo: None,
            ignore_eos: true,
            min_tokens: None,
            temperature: default_temperature(),
            extra_body: None,
            api_key_env: None,
            output: None,
            compat: None,
            compat_output: None,
            records: None,
            save_requests: None,
            keep_text: false,
            headers: BTreeMap::new(),
            profile: false,
            ramp_up: None,
            vllm_percentiles: None,
            threads: 1,
            handle_ctrl_c: false,
            flush_cache: true,
            max_failure_rate: 0.0,
            repeats: 1,
            same_prompts: false,
        }
    }
}
