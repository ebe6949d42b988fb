//! The result record of a serving benchmark — produced by `perfpilot bench serve`
//! against a real server and by `perfpilot sim run` in virtual time, from the same code.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{CacheSummary, FailureCheck, RepeatRun, RequestSamples, RunSettings, Summary};

/// How the run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RunStatus {
    /// Every scheduled request was sent and finished (successfully or not).
    Complete,
    /// `--duration` passed: no new requests were sent after it; in-flight ones finished.
    DurationReached,
    /// The overall deadline passed: in-flight requests were cancelled (counted as
    /// `deadline` failures), unsent ones dropped.
    DeadlineReached,
    /// Ctrl-C: in-flight requests were cancelled (`interrupted`), unsent ones dropped.
    Interrupted,
}

/// The benchmark client's own resource use during the measured run: the client thread's
/// CPU when it runs on one worker thread (so a server in the same process is not
/// counted), else the whole process's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClientOverhead {
    /// User CPU seconds of the client.
    pub cpu_user_s: f64,
    /// System CPU seconds of the client.
    pub cpu_system_s: f64,
    /// Wall seconds of the measured run.
    pub wall_s: f64,
    /// Client CPU (user + system) per output token streamed, microseconds.
    pub cpu_us_per_output_token: Option<f64>,
    /// Client CPU per content chunk received, microseconds.
    pub cpu_us_per_chunk: Option<f64>,
    /// Peak resident memory of the process, bytes.
    pub max_rss_bytes: Option<u64>,
    /// Runtime worker threads used by the client.
    pub worker_threads: u32,
}

/// The result of one serving benchmark run (`perfpilot.bench.serve/2`). With repeats,
/// `summary` covers every repeat pooled and `repeats` holds each one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BenchResult {
    /// How the run ended.
    pub status: RunStatus,
    /// Wall-clock start (Unix seconds); virtual runs use 0.
    pub started_unix_s: f64,
    /// What the run depends on besides the server's speed.
    pub settings: RunSettings,
    /// Aggregated metrics.
    pub summary: Summary,
    /// The client's own cost (absent for simulated runs).
    pub client_overhead: Option<ClientOverhead>,
    /// Where the per-request JSONL records were written.
    pub records_file: Option<String>,
    /// Things the reader should know (dataset resampling, token-count checks, …).
    pub notes: Vec<String>,
    /// Per-request latency samples (the single run's; absent with repeats, which carry
    /// their own, and in results written before schema 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<RequestSamples>,
    /// Prefix-cache handling and cached-token totals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<CacheSummary>,
    /// Whether failed requests fail the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_check: Option<FailureCheck>,
    /// The repeats of `bench serve --repeats N` (empty for one run).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repeats: Vec<RepeatRun>,
}

impl BenchResult {
    /// The per-request samples of each run: one entry per repeat, or the single run's.
    pub fn runs_samples(&self) -> Vec<&RequestSamples> {
        if self.repeats.is_empty() {
            self.samples.iter().collect()
        } else {
            self.repeats.iter().map(|r| &r.samples).collect()
        }
    }

    /// One summary per run: each repeat's, or the single run's.
    pub fn run_summaries(&self) -> Vec<&Summary> {
        if self.repeats.is_empty() {
            vec![&self.summary]
        } else {
            self.repeats.iter().map(|r| &r.summary).collect()
        }
    }
}

/// Schema id of [`BenchResult`].
pub const BENCH_SERVE_SCHEMA: &str = "perfpilot.bench.serve/2";

/// Earlier schema ids of [`BenchResult`] that still read (their new fields are absent).
pub const BENCH_SERVE_SCHEMA_COMPAT: &[&str] = &["perfpilot.bench.serve/1"];

impl perfpilot_report::Report for BenchResult {
    fn schema_version(&self) -> &'static str {
        BENCH_SERVE_SCHEMA
    }

    fn document(&self) -> perfpilot_report::Document {
        crate::document::document(self)
    }

    fn check_failed(&self) -> bool {
        self.summary.goodput.as_ref().is_some_and(|g| !g.passed)
            || self.failure_check.as_ref().is_some_and(|f| !f.passed)
    }
}
