//! `state.json`, the one source of truth of a loop, and the journal it appends to.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use perfpilot_stats::Comparison;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::LoopError;
use crate::bench::Measurement;
use crate::stop::StopDecision;
use crate::verdict::{ParsedReview, ReviewFinding};

/// The state file's schema version.
pub const STATE_SCHEMA: &str = "perfpilot.loop.state/1";
/// The state file's name.
pub const STATE_FILE: &str = "state.json";
/// The journal's name (JSONL, appended).
pub const JOURNAL_FILE: &str = "journal.jsonl";

/// What a round concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// Faster than the best so far beyond noise: the new best.
    Advanced,
    /// Same or not distinguishable from the best.
    Stalled,
    /// Slower than the best beyond noise.
    Regressed,
    /// Not measured or not admissible: boundary, benchmark alignment, acceptance tests,
    /// a failing benchmark.
    Rejected,
}

impl Outcome {
    /// The word as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Advanced => "ADVANCED",
            Outcome::Stalled => "STALLED",
            Outcome::Regressed => "REGRESSED",
            Outcome::Rejected => "REJECTED",
        }
    }
}

/// The baseline or the best candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Point {
    /// Round that produced it (0 = baseline).
    pub round: u32,
    /// Commit id.
    pub commit: String,
    /// Its measurement.
    pub measurement: Measurement,
}

/// One acceptance test run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TestRun {
    /// `AC-n`.
    pub criterion: String,
    /// `positive` or `negative`.
    pub kind: String,
    /// The command.
    pub command: String,
    /// Whether it behaved as expected (positive passed, negative failed).
    pub ok: bool,
    /// How it ended.
    pub exit: String,
}

/// A finding of a review with its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// Stable id `R<round>-F<n>`.
    pub id: String,
    /// The round reviewed.
    pub round: u32,
    /// The finding.
    pub finding: ReviewFinding,
    /// Severity at or below the plan's blocking severity.
    pub blocking: bool,
    /// The answer, once given.
    pub answer: Option<String>,
}

/// An answer to a checklist item of `loop review`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChecklistAnswer {
    /// The round.
    pub round: u32,
    /// Checklist item id.
    pub item: String,
    /// The answer.
    pub answer: String,
}

/// A recorded replan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Replan {
    /// After which round.
    pub after_round: u32,
    /// Why.
    pub why: String,
    /// The new plan hash.
    pub plan_hash: String,
}

/// One finished round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RoundRecord {
    /// Round number (1-based).
    pub round: u32,
    /// Candidate commit.
    pub commit: String,
    /// Its subject line (what was tried).
    pub subject: String,
    /// The best commit it was compared with (its parent in the lineage).
    pub parent: String,
    /// A drift-recovery round.
    pub drift_recovery: bool,
    /// The conclusion.
    pub outcome: Outcome,
    /// Why, one sentence each.
    pub reasons: Vec<String>,
    /// Changed files against the baseline outside the boundaries.
    pub boundary_violations: Vec<String>,
    /// The benchmark configuration hash at the candidate.
    pub bench_hash: String,
    /// Acceptance test runs.
    pub tests: Vec<TestRun>,
    /// The measurement, when it was measured.
    pub measurement: Option<Measurement>,
    /// Against the best so far, from `perfpilot-stats`.
    pub vs_best: Option<Comparison>,
    /// Against the baseline.
    pub vs_baseline: Option<Comparison>,
    /// The parsed review, when a reviewing command ran.
    pub review: Option<ParsedReview>,
    /// The digest of the profile the round brought (`--profile`), via `trace triage`.
    #[serde(default)]
    pub profile: Option<crate::profile::ProfileDigest>,
    /// Unix seconds when it finished.
    pub finished_at: u64,
}

/// A round that started and has not finished (a crash leaves this set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InProgress {
    /// Round number.
    pub round: u32,
    /// Unix seconds when it started.
    pub started_at: u64,
    /// Process id of the runner.
    pub pid: u32,
}

/// The whole loop state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct State {
    /// [`STATE_SCHEMA`].
    pub schema_version: String,
    /// Repository top level.
    pub repo: String,
    /// Unix seconds of `init`.
    pub started_at: u64,
    /// The baseline (round 0).
    pub baseline: Point,
    /// The best so far.
    pub best: Point,
    /// The pinned benchmark configuration hash.
    pub bench_hash: String,
    /// Hash of `plan.toml` once frozen (after round 0).
    pub plan_hash: String,
    /// Finished rounds.
    pub rounds: Vec<RoundRecord>,
    /// Stalled (or regressed, or rejected) rounds in a row.
    pub stall_count: u32,
    /// `normal` or `replan_required` (the next round is a drift-recovery round).
    pub drift_status: String,
    /// The stop decision once the loop stopped.
    pub stopped: Option<StopDecision>,
    /// A round in flight.
    pub in_progress: Option<InProgress>,
    /// Review findings.
    pub findings: Vec<Finding>,
    /// Checklist answers.
    pub answers: Vec<ChecklistAnswer>,
    /// Replans.
    pub replans: Vec<Replan>,
    /// Hardware and host the numbers come from.
    pub host: String,
}

impl State {
    /// Read `DIR/state.json`.
    pub fn load(dir: &Path) -> Result<State, LoopError> {
        let file = dir.join(STATE_FILE);
        if !file.exists() {
            return Err(LoopError::Invalid(format!(
                "{}: no loop state here (run `perfpilot loop init {}` first)",
                file.display(),
                dir.display()
            )));
        }
        let bytes = read_own(&file)?;
        let state: State = serde_json::from_slice(&bytes).map_err(|e| {
            LoopError::Invalid(format!(
                "{}: line {} column {}: not a loop state: {e}",
                file.display(),
                e.line(),
                e.column()
            ))
        })?;
        if state.schema_version != STATE_SCHEMA {
            return Err(LoopError::Invalid(format!(
                "{}: schema_version `{}`, expected `{STATE_SCHEMA}`",
                file.display(),
                state.schema_version
            )));
        }
        Ok(state)
    }

    /// Write `DIR/state.json` atomically.
    pub fn save(&self, dir: &Path) -> Result<(), LoopError> {
        let file = dir.join(STATE_FILE);
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| LoopError::Invalid(format!("serialising the state: {e}")))?;
        text.push('\n');
        perfpilot_io::write_output(&file, text.as_bytes()).map_err(|e| LoopError::io(&file, e))
    }

    /// Findings that block the next round: blocking and unanswered.
    pub fn open_blocking(&self) -> Vec<&Finding> {
        self.findings.iter().filter(|f| f.blocking && f.answer.is_none()).collect()
    }
}

/// Read a file this tool wrote and rewrites (so it is not recorded as an input the
/// output writer must protect): a regular file, at most the input cap.
pub fn read_own(file: &Path) -> Result<Vec<u8>, LoopError> {
    use std::io::Read;
    let f = std::fs::File::open(file).map_err(|e| LoopError::io(file, e))?;
    let meta = f.metadata().map_err(|e| LoopError::io(file, e))?;
    if !meta.is_file() {
        return Err(LoopError::Invalid(format!("{}: expected a regular file", file.display())));
    }
    let cap = perfpilot_io::max_input_bytes();
    let mut buf = Vec::new();
    f.take(cap + 1).read_to_end(&mut buf).map_err(|e| LoopError::io(file, e))?;
    if buf.len() as u64 > cap {
        return Err(LoopError::Invalid(format!("{}: larger than {cap} bytes", file.display())));
    }
    Ok(buf)
}

/// Append one event to the journal (one JSON line, flushed); a torn last line left by a
/// crash is skipped by readers.
pub fn journal(dir: &Path, event: &str, detail: serde_json::Value) -> Result<(), LoopError> {
    let file = dir.join(JOURNAL_FILE);
    let line = serde_json::json!({ "at": crate::now_unix(), "event": event, "detail": detail });
    let mut f = perfpilot_io::OutputFile::append(&file).map_err(|e| LoopError::io(&file, e))?;
    // A torn line from a crash would glue onto this one: start on a fresh line.
    let torn =
        std::fs::metadata(&file).map(|m| m.len() > 0).unwrap_or(false) && !ends_with_newline(&file);
    let text = format!("{}{line}\n", if torn { "\n" } else { "" });
    f.write_all(text.as_bytes()).and_then(|_| f.flush()).map_err(|e| LoopError::io(&file, e))
}

fn ends_with_newline(file: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut f) = std::fs::File::open(file) else { return true };
    let mut b = [0u8; 1];
    f.seek(SeekFrom::End(-1))
        .and_then(|_| f.read_exact(&mut b))
        .map(|_| b[0] == b'\n')
        .unwrap_or(true)
}

/// The journal's events, torn lines skipped.
pub fn read_journal(dir: &Path) -> Result<Vec<serde_json::Value>, LoopError> {
    let file: PathBuf = dir.join(JOURNAL_FILE);
    if !file.exists() {
        return Ok(Vec::new());
    }
    // Appended by this tool later in the same process (MCP): not recorded as an input.
    let bytes = read_own(&file)?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
}
