//! `sim run`: a benchmark in virtual time. The dataset, the arrival schedule, the
//! per-request records and the summary come from `perfpilot-workload`, the same code
//! `bench serve` uses, so the result is the same record (`BenchResult`).

use std::path::PathBuf;
use std::sync::Arc;

use perfpilot_report::{Document, Report, Section};
use perfpilot_workload::{
    ArrivalSpec, BenchResult, CacheFlush, CacheSummary, DatasetSpec, Endpoint, Prompt,
    RequestRecord, RequestSamples, RequestSpec, RunLimits, RunSettings, RunStatus,
    SamplingSettings, Schedule, ServerInfo, Slo, SummaryOptions, TextTokenizer, TokenizerFile,
    generate, summarize,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::engine::{EngineConfig, EngineStats};
use crate::error::SimError;
use crate::overrides::Overrides;
use crate::profile::{Capacity, Profile};
use crate::request::natural_output_len;
use crate::text::{BuiltinTokenizer, PromptTokenizer};
use crate::virtual_time::{VirtualRequest, simulate};

/// Options of a virtual-time run (the MCP server passes them as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SimRunOptions {
    /// Profile name or path to a profile TOML.
    pub profile: String,
    /// What-if changes.
    #[serde(default)]
    pub overrides: Overrides,
    /// The workload.
    pub dataset: DatasetSpec,
    /// Number of requests (required for random and shared-prefix).
    #[serde(default)]
    pub num_prompts: Option<usize>,
    /// Seed of the dataset, the schedule and the simulated EOS.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Mean request rate, req/s (`None` = all at once).
    #[serde(default)]
    pub request_rate: Option<f64>,
    /// Gamma shape of inter-arrival gaps (1 = Poisson; infinite = constant).
    #[serde(default = "default_burstiness")]
    pub burstiness: f64,
    /// Client-side concurrency cap.
    #[serde(default)]
    pub max_concurrency: Option<u32>,
    /// Route (completions or chat); chat prompts get the chat template.
    #[serde(default = "default_endpoint")]
    pub endpoint: Endpoint,
    /// A `tokenizer.json` for datasets and prompt counts (default: the built-in one,
    /// as the real-time server uses).
    #[serde(default)]
    pub tokenizer: Option<PathBuf>,
    /// Send `ignore_eos` (default true, as `bench serve`).
    #[serde(default = "default_true")]
    pub ignore_eos: bool,
    /// `min_tokens` sent with every request.
    #[serde(default)]
    pub min_tokens: Option<u32>,
    /// Goodput objectives.
    #[serde(default)]
    pub slo: Option<Slo>,
}

fn default_seed() -> u64 {
    42
}
fn default_burstiness() -> f64 {
    1.0
}
fn default_endpoint() -> Endpoint {
    Endpoint::Completions
}
fn default_true() -> bool {
    true
}

impl SimRunOptions {
    /// Options with defaults for `profile` and `dataset`.
    pub fn new(profile: &str, dataset: DatasetSpec, num_prompts: Option<usize>) -> SimRunOptions {
        SimRunOptions {
            profile: profile.to_string(),
            overrides: Overrides::default(),
            dataset,
            num_prompts,
            seed: default_seed(),
            request_rate: None,
            burstiness: 1.0,
            max_concurrency: None,
            endpoint: Endpoint::Completions,
            tokenizer: None,
            ignore_eos: true,
            min_tokens: None,
            slo: None,
        }
    }
}

/// The result of `sim run` (`perfpilot.sim.run/1`): the benchmark record plus what the
/// engine did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SimRunReport {
    /// Profile name.
    pub profile: String,
    /// Overrides applied, `key=value`.
    pub overrides: Vec<String>,
    /// Capacity of the simulated engine.
    pub capacity: Capacity,
    /// Scheduler settings used.
    pub engine_config: EngineConfig,
    /// Engine counters over the run.
    pub engine: EngineStats,
    /// Virtual seconds until the last request ended.
    pub virtual_duration_s: f64,
    /// The benchmark record, as `bench serve` writes it.
    pub result: BenchResult,
}

impl Report for SimRunReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.sim.run/1"
    }

    fn document(&self) -> Document {
        let mut doc = self.result.document();
        doc.title = "Simulated serving benchmark (virtual time)".into();
        doc.header.insert(0, ("profile".into(), self.profile.clone()));
        if !self.overrides.is_empty() {
            doc.header.insert(1, ("overrides".into(), self.overrides.join(", ")));
        }
        let e = &self.engine;
        doc.push(Section::new("Simulated engine").with_facts([
            ("max_total_num_tokens", self.capacity.max_total_num_tokens.to_string()),
            ("max_running_requests", self.capacity.max_running_requests.to_string()),
            (
                "steps (prefill / decode)",
                format!("{} ({} / {})", e.steps, e.prefill_steps, e.decode_steps),
            ),
            ("busy time (s)", format!("{:.3}", e.busy_s)),
            (
                "prefix-cache hit",
                format!("{} of {} prompt tokens", e.cached_tokens, e.prompt_tokens),
            ),
            ("peak KV use (tokens)", e.peak_used_tokens.to_string()),
            ("peak running batch", e.peak_running.to_string()),
            (
                "retractions (requests)",
                format!("{} ({})", e.retraction_events, e.retracted_requests),
            ),
            ("aborted by the engine", e.aborted_requests.to_string()),
        ]));
        doc
    }

    fn check_failed(&self) -> bool {
        self.result.check_failed()
    }
}

/// Vocabulary of token-id prompts when no tokenizer is given (the CLI's `--vocab-size`).
pub const DEFAULT_VOCAB_SIZE: u32 = 32000;

/// Without a tokenizer, synthetic prompts are token ids from [`DEFAULT_VOCAB_SIZE`] ids,
/// as `sim run` on the command line does: so any dataset valid by the options' schema
/// (e.g. MCP `{kind: random, input_len, output_len}`) runs.
fn with_token_id_defaults(spec: &DatasetSpec) -> DatasetSpec {
    let mut spec = spec.clone();
    match &mut spec {
        DatasetSpec::Random(r) => {
            r.token_ids = true;
            r.vocab_size = r.vocab_size.or(Some(DEFAULT_VOCAB_SIZE));
        }
        DatasetSpec::SharedPrefix(g) => {
            g.token_ids = true;
            g.vocab_size = g.vocab_size.or(Some(DEFAULT_VOCAB_SIZE));
        }
        _ => {}
    }
    spec
}

/// Adapts a workload tokenizer to the server's tokenizer trait.
pub struct WorkloadTokenizer(pub Arc<dyn TextTokenizer>);

impl PromptTokenizer for WorkloadTokenizer {
    fn encode(&self, text: &str) -> Vec<u32> {
        self.0.encode(text).unwrap_or_default()
    }
    fn name(&self) -> String {
        self.0.name()
    }
}

/// Run a benchmark in virtual time.
pub fn run_virtual(opts: &SimRunOptions) -> Result<SimRunReport, SimError> {
    run_virtual_with_records(opts).map(|(r, _)| r)
}

/// Run a benchmark in virtual time and also return the per-request records (the ones
/// `bench serve` writes to its records JSONL).
pub fn run_virtual_with_records(
    opts: &SimRunOptions,
) -> Result<(SimRunReport, Vec<RequestRecord>), SimError> {
    let base = Profile::load(&opts.profile)?;
    let profile = opts.overrides.apply(&base)?;
    let tokenizer: Option<Arc<dyn TextTokenizer>> = match &opts.tokenizer {
        Some(p) => {
            Some(Arc::new(TokenizerFile::open(p).map_err(|e| SimError::Options(e.to_string()))?))
        }
        None => None,
    };
    let dataset = match &tokenizer {
        Some(_) => opts.dataset.clone(),
        None => with_token_id_defaults(&opts.dataset),
    };
    let data = generate(&dataset, opts.num_prompts, opts.seed, tokenizer.as_deref())
        .map_err(|e| SimError::Options(e.to_string()))?;
    if data.requests.is_empty() {
        return Err(SimError::Options("the workload has no requests".into()));
    }
    let arrival = ArrivalSpec::new(opts.request_rate, opts.burstiness)
        .map_err(|e| SimError::Options(e.to_string()))?;
    let schedule = Schedule::generate(&arrival, data.requests.len(), opts.seed)
        .map_err(|e| SimError::Options(e.to_string()))?;
    let prompt_tok: Arc<dyn PromptTokenizer> = match &tokenizer {
        Some(t) => Arc::new(WorkloadTokenizer(t.clone())),
        None => Arc::new(BuiltinTokenizer),
    };
    let reqs: Vec<VirtualRequest> = data
        .requests
        .iter()
        .zip(&schedule.send_at_s)
        .map(|(r, &at)| {
            virtual_request(r, at, opts, prompt_tok.as_ref(), profile.generation.eos_mean_tokens)
        })
        .collect();
    let ecfg = EngineConfig::from_profile(&profile);
    let out = simulate(&ecfg, &reqs, opts.max_concurrency);
    let summary = summarize(&out.records, &SummaryOptions { slo: opts.slo, window: None });
    let cap = profile.capacity();
    let mut notes = data.info.warnings.clone();
    notes.push(format!(
        "virtual time: engine profile `{}`; no network and no client overhead; every token \
         of a step is delivered at the step's end",
        profile.name
    ));
    let settings = RunSettings {
        client: "perfpilot sim run (virtual time)".into(),
        base_url: None,
        endpoint: opts.endpoint,
        model: Some(profile.model.served_name.clone()),
        server: Some(ServerInfo {
            models: vec![profile.model.served_name.clone()],
            version: Some(format!("perfpilot-sim {}", env!("CARGO_PKG_VERSION"))),
            details: Some(capacity_json(&cap)),
        }),
        dataset: data.info.clone(),
        arrival,
        seed: opts.seed,
        num_prompts: data.requests.len(),
        warmup_requests: 0,
        max_concurrency: opts.max_concurrency,
        sampling: SamplingSettings {
            ignore_eos: opts.ignore_eos,
            min_tokens: opts.min_tokens,
            temperature: Some(0.0),
            extra_body: None,
            include_usage: true,
        },
        limits: RunLimits { duration_s: None, deadline_s: None, stall_timeout_s: None },
        connection_policy: Some("in-process virtual time: no connections".into()),
        request_headers: Vec::new(),
    };
    let report = SimRunReport {
        profile: profile.name.clone(),
        overrides: opts.overrides.describe(),
        capacity: cap,
        engine_config: ecfg,
        engine: out.engine,
        virtual_duration_s: out.end_s,
        result: BenchResult {
            status: RunStatus::Complete,
            started_unix_s: 0.0,
            settings,
            summary,
            client_overhead: None,
            records_file: None,
            notes,
            samples: Some(RequestSamples::from_records(&out.records)),
            cache: Some(CacheSummary::from_records(CacheFlush::Fresh, &out.records)),
            failure_check: None,
            repeats: Vec::new(),
        },
    };
    Ok((report, out.records))
}

fn capacity_json(cap: &Capacity) -> Value {
    json!({
        "max_total_num_tokens": cap.max_total_num_tokens,
        "max_running_requests": cap.max_running_requests,
        "max_req_input_len": cap.max_req_input_len,
    })
}

/// The request as the server would see it: prompt ids from the same tokenizer and
/// template, the same EOS draw.
fn virtual_request(
    r: &RequestSpec,
    at: f64,
    opts: &SimRunOptions,
    tok: &dyn PromptTokenizer,
    eos_mean: f64,
) -> VirtualRequest {
    let prompt = match (&r.prompt, opts.endpoint) {
        (Prompt::TokenIds(ids), _) => ids.clone(),
        (Prompt::Text(t), Endpoint::Completions) => tok.encode(t),
        (Prompt::Text(t), Endpoint::Chat) => {
            let msgs = json!([{"role": "user", "content": t}]);
            tok.encode(&crate::server::chat_template(&msgs).unwrap_or_default())
        }
        (Prompt::Messages(m), _) => {
            let msgs = serde_json::to_value(m).unwrap_or(Value::Null);
            tok.encode(&crate::server::chat_template(&msgs).unwrap_or_default())
        }
    };
    let extra = r.extra_body.as_ref();
    let ignore_eos =
        extra.and_then(|e| e.get("ignore_eos")).and_then(Value::as_bool).unwrap_or(opts.ignore_eos);
    let min_tokens = extra
        .and_then(|e| e.get("min_tokens"))
        .and_then(Value::as_u64)
        .map(|v| v.min(u64::from(u32::MAX)) as u32)
        .or(opts.min_tokens)
        .unwrap_or(0);
    let eos_after = (!ignore_eos).then(|| {
        let key = crate::kv::block_hashes(&prompt, 1).last().copied().unwrap_or(0);
        natural_output_len(opts.seed, key, eos_mean)
    });
    VirtualRequest {
        id: r.id,
        scheduled_s: at,
        input_len: r.input_len,
        max_new_tokens: r.output_len.max(1),
        min_new_tokens: min_tokens,
        eos_after,
        prompt,
    }
}
