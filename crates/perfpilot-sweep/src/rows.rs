//! The rows of `live_results.jsonl` (appended as the sweep goes, read back by `--resume`)
//! and the SLA check, always recomputed from the metrics.

use std::path::{Path, PathBuf};

use perfpilot_stats::Verdict;
use perfpilot_workload::BenchResult;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::SweepError;
use crate::candidates::Stage;
use crate::plan::Sla;

/// Schema of one `live_results.jsonl` line.
pub const ROW_SCHEMA: &str = "perfpilot.bench.sweep.row/1";

/// Metrics of one probe (missing metrics are absent, never 0).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Metrics {
    /// Requests measured.
    pub requests: u64,
    /// Requests that succeeded.
    pub completed: u64,
    /// completed / requests.
    pub success_rate: Option<f64>,
    /// req/s.
    pub request_throughput: Option<f64>,
    /// Output tok/s.
    pub output_token_throughput: Option<f64>,
    /// Input + output tok/s.
    pub total_token_throughput: Option<f64>,
    /// Mean TTFT, ms.
    pub mean_ttft_ms: Option<f64>,
    /// p99 TTFT, ms.
    pub p99_ttft_ms: Option<f64>,
    /// Mean TPOT, ms.
    pub mean_tpot_ms: Option<f64>,
    /// p99 TPOT, ms.
    pub p99_tpot_ms: Option<f64>,
    /// Mean end-to-end latency, ms.
    pub mean_e2e_ms: Option<f64>,
    /// p99 end-to-end latency, ms.
    pub p99_e2e_ms: Option<f64>,
}

impl Metrics {
    /// From a `bench serve` result.
    pub fn of(r: &BenchResult) -> Metrics {
        let s = &r.summary;
        Metrics {
            requests: s.requests,
            completed: s.completed,
            success_rate: (s.requests > 0).then(|| s.completed as f64 / s.requests as f64),
            request_throughput: s.request_throughput,
            output_token_throughput: s.output_throughput,
            total_token_throughput: s.total_throughput,
            mean_ttft_ms: s.ttft_ms.as_ref().map(|x| x.mean),
            p99_ttft_ms: s.ttft_ms.as_ref().map(|x| x.p99),
            mean_tpot_ms: s.tpot_ms.as_ref().map(|x| x.mean),
            p99_tpot_ms: s.tpot_ms.as_ref().map(|x| x.p99),
            mean_e2e_ms: s.e2e_ms.as_ref().map(|x| x.mean),
            p99_e2e_ms: s.e2e_ms.as_ref().map(|x| x.p99),
        }
    }
}

/// The SLA as checked on one probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SlaCheck {
    /// The bounds.
    #[serde(flatten)]
    pub sla: Sla,
    /// Recomputed from the metrics.
    pub passed: bool,
    /// Why it failed (empty when passed).
    #[serde(default)]
    pub failed_on: Vec<String>,
}

/// Check `sla` on `m`: every bound against the p99, success rate against the minimum; a
/// bounded metric that is missing fails.
pub fn check_sla(sla: &Sla, m: &Metrics) -> SlaCheck {
    let mut failed = Vec::new();
    for (name, bound, value) in [
        ("p99 TTFT", sla.max_p99_ttft_ms, m.p99_ttft_ms),
        ("p99 TPOT", sla.max_p99_tpot_ms, m.p99_tpot_ms),
        ("p99 E2E", sla.max_p99_e2e_ms, m.p99_e2e_ms),
    ] {
        if let Some(b) = bound {
            match value {
                Some(v) if v <= b => {}
                Some(v) => failed.push(format!("{name} {v:.1} ms > {b} ms")),
                None => failed.push(format!("{name} missing")),
            }
        }
    }
    match m.success_rate {
        Some(s) if s >= sla.min_success_rate => {}
        Some(s) => failed.push(format!("success {s:.3} < {}", sla.min_success_rate)),
        None => failed.push("no request measured".into()),
    }
    SlaCheck { sla: *sla, passed: failed.is_empty(), failed_on: failed }
}

/// One measured run at a fixed rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProbeRow {
    /// Stable id: `framework/candidate/scenario/cN/rRATE`.
    pub id: String,
    /// Framework.
    pub framework: String,
    /// Candidate id.
    pub candidate: String,
    /// Scenario name.
    pub scenario: String,
    /// Client concurrency cap (`null` = none).
    pub max_concurrency: Option<u32>,
    /// Offered rate, req/s.
    pub request_rate: f64,
    /// Metrics.
    pub metrics: Metrics,
    /// SLA as recorded (readers recompute it).
    pub sla: SlaCheck,
    /// End-to-end latency of each successful request, ms (for noise verdicts).
    pub e2e_ms: Vec<f64>,
    /// Wall time of the probe, s.
    pub wall_s: f64,
    /// Repeat index (0 = the rate search's own probe).
    #[serde(default)]
    pub repeat: u32,
}

/// How a rate search ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchOutcome {
    /// The best rate lies within a bracket narrower than the tolerance (or max_rounds).
    Bracketed,
    /// Even `lower` misses the SLA.
    LowerFails,
    /// `upper` meets the SLA: the best rate is ≥ upper.
    AtLeastUpper,
}

/// The highest SLA-meeting rate of one candidate × scenario × concurrency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SearchRow {
    /// Stable id: `framework/candidate/scenario/cN`.
    pub id: String,
    /// Framework.
    pub framework: String,
    /// Candidate id.
    pub candidate: String,
    /// Design stage.
    pub stage: Stage,
    /// Why the candidate exists.
    pub reason: String,
    /// Scenario.
    pub scenario: String,
    /// Concurrency cap.
    pub max_concurrency: Option<u32>,
    /// How the search ended.
    pub outcome: SearchOutcome,
    /// Highest rate that met the SLA (absent when lower fails).
    pub best_rate: Option<f64>,
    /// Lowest rate that missed it (absent when upper passes).
    pub failed_rate: Option<f64>,
    /// Probes run.
    pub probes: u32,
    /// Bisection rounds.
    pub rounds: u32,
    /// Metrics at the best rate.
    pub best_metrics: Option<Metrics>,
    /// The exact server argv.
    pub server_command: Vec<String>,
    /// Verdict of per-request E2E latency at `upper` against the baseline (FASTER =
    /// lower latency beyond noise); absent for the baseline.
    pub vs_baseline: Option<Verdict>,
    /// Ratio baseline / candidate of that latency (> 1 = better).
    pub vs_baseline_gain: Option<f64>,
}

/// A candidate that could not be measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FailureRow {
    /// Stable id: `framework/candidate` (`/scenario` when it failed mid-way).
    pub id: String,
    /// Framework.
    pub framework: String,
    /// Candidate id.
    pub candidate: String,
    /// Design stage.
    pub stage: Stage,
    /// `start_failed`, `exited`, `never_healthy`, `crashed`, `bench_failed`.
    pub status: String,
    /// Why, in words (exit status, timeout, triage class).
    pub failure_reason: String,
    /// `perfpilot triage` class of the log, when the framework's log dialect is known.
    pub triage_class: Option<String>,
    /// The log's last lines.
    pub log_tail: Vec<String>,
    /// The server log.
    pub log: PathBuf,
    /// The exact server argv.
    pub server_command: Vec<String>,
}

/// A framework's version, captured from `--version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct VersionRow {
    /// Stable id: `framework/version`.
    pub id: String,
    /// Framework.
    pub framework: String,
    /// First output line of the version command (absent when it printed nothing).
    pub version: Option<String>,
    /// The command run.
    pub command: Vec<String>,
}

/// One line of `live_results.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Row {
    /// A measured run.
    Probe(ProbeRow),
    /// A finished rate search.
    Search(SearchRow),
    /// A candidate that failed.
    Failure(FailureRow),
    /// A framework version.
    Version(VersionRow),
}

impl Row {
    /// The row's stable id.
    pub fn id(&self) -> &str {
        match self {
            Row::Probe(r) => &r.id,
            Row::Search(r) => &r.id,
            Row::Failure(r) => &r.id,
            Row::Version(r) => &r.id,
        }
    }
}

/// A JSONL line: the row and its schema.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RowLine {
    /// Always [`ROW_SCHEMA`].
    pub schema_version: String,
    /// The row.
    #[serde(flatten)]
    pub row: Row,
}

/// `live_results.jsonl`: appended one flushed line per row.
pub struct RowLog {
    file: perfpilot_io::JsonlFile,
}

impl RowLog {
    /// Open for appending (created when missing).
    pub fn open(path: &Path) -> Result<RowLog, SweepError> {
        let file = perfpilot_io::JsonlFile::append(path).map_err(|e| SweepError::io(path, e))?;
        Ok(RowLog { file })
    }

    /// Append one row and flush it to disk.
    pub fn append(&mut self, row: &Row) -> Result<(), SweepError> {
        let line = RowLine { schema_version: ROW_SCHEMA.into(), row: row.clone() };
        let s = serde_json::to_string(&line).map_err(|e| SweepError::Other(e.to_string()))?;
        self.file.write_line(&s).map_err(|e| SweepError::io(self.file.path(), e))?;
        self.file.sync().map_err(|e| SweepError::io(self.file.path(), e))
    }
}

/// Read rows back. A torn last line (the sweep was killed mid-write) is ignored; any
/// other bad line is an error naming it.
pub fn read_rows(path: &Path) -> Result<Vec<Row>, SweepError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(SweepError::io(path, e)),
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut rows = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<RowLine>(line) {
            Ok(l) => rows.push(l.row),
            Err(_) if i + 1 == lines.len() && !text.ends_with('\n') => {}
            Err(e) => {
                return Err(SweepError::Results {
                    path: path.to_path_buf(),
                    line: i + 1,
                    message: format!("not a sweep row ({ROW_SCHEMA}): {e}"),
                });
            }
        }
    }
    Ok(rows)
}
