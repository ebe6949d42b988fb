//! Typed results of `kernel ab` and `kernel check`, their human view, and reading a
//! finished run back from its JSONL record (`kernel results`).

use std::path::Path;

use perfpilot_report::{Document, Report, Section, Table, Warning};
use perfpilot_stats::{Comparison, Verdict};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::KernelError;
use crate::boundary::Boundary;
use crate::calibrate::CalibrationSummary;
use crate::gate::Compared;
use crate::protocol::Timer;
use crate::task::{Mode, Timing};
use crate::tolerance::Tolerance;

/// Where a failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// A build command.
    Build,
    /// A correctness run.
    Gate,
    /// A timed trial.
    Timing,
}

/// One build command's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BuildRow {
    /// `build/<side>/<n>`.
    pub id: String,
    /// baseline, candidate, variant or reference.
    pub side: String,
    /// The command.
    pub command: String,
    /// Whether it exited 0 in time.
    pub ok: bool,
    /// Wall seconds.
    pub wall_s: f64,
}

/// A process that crashed, timed out, broke the protocol or printed too few samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FailureRow {
    /// `failure/<n>` in order of occurrence.
    pub id: String,
    /// Where.
    pub phase: Phase,
    /// The shape, when there is one.
    pub shape: Option<String>,
    /// The side.
    pub side: String,
    /// The trial, for timed runs.
    pub trial: Option<u32>,
    /// What happened.
    pub reason: String,
    /// The last 2 KiB of the process's stderr.
    pub stderr_tail: String,
}

/// One correctness check (shape × seed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GateRow {
    /// `gate/<shape>/<seed>`.
    pub id: String,
    /// Shape id.
    pub shape: String,
    /// Seed of the inputs.
    pub seed: u64,
    /// The shape's dtype.
    pub dtype: String,
    /// `baseline` or `reference`.
    pub against: String,
    /// The tolerance applied.
    pub tolerance: Tolerance,
    /// Whether the candidate passed.
    pub passed: bool,
    /// Why not.
    pub reason: String,
    /// The figures, when both outputs were read.
    pub compared: Option<Compared>,
}

/// The effective settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Settings {
    /// Warm-up iterations per process.
    pub warmups: u32,
    /// Timed iterations per process.
    pub iterations: u32,
    /// Processes per side per shape.
    pub trials: u32,
    /// Process limit, seconds.
    pub timeout_s: f64,
    /// Policy threshold (before calibration).
    pub policy_threshold: f64,
    /// The statistic compared.
    pub statistic: String,
    /// Trial order.
    pub order: String,
}

impl Settings {
    /// From the effective timing.
    pub fn new(t: &Timing) -> Settings {
        Settings {
            warmups: t.warmups,
            iterations: t.iterations,
            trials: t.trials,
            timeout_s: t.timeout_s,
            policy_threshold: t.threshold,
            statistic: "median".into(),
            order: "ABBA".into(),
        }
    }
}

/// One shape's timing verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ShapeRow {
    /// Shape id.
    pub id: String,
    /// Weight in the geomean.
    pub weight: f64,
    /// dtype.
    pub dtype: String,
    /// The timer the program used.
    pub timer: Option<Timer>,
    /// Threshold used: max(policy threshold, calibrated noise).
    pub threshold: f64,
    /// The A/A noise from `kernel calibrate`, when used.
    pub calibrated_noise: Option<f64>,
    /// baseline median / candidate median.
    pub speedup: Option<f64>,
    /// The statistics engine's comparison (ratio = candidate / baseline median time).
    pub comparison: Option<Comparison>,
    /// Trials whose process failed.
    pub trials_failed: u32,
    /// Total wall seconds of the timed processes.
    pub process_wall_s: f64,
    /// Why there is no comparison.
    pub reason: String,
}

/// The run's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Outcome {
    /// Correct and not slower (exit 0).
    pub passed: bool,
    /// Over shapes: SLOWER if any is SLOWER; FASTER if all are FASTER or SAME and one is
    /// FASTER; SAME if all are SAME; else NOISY. Null when nothing was timed.
    pub verdict: Option<Verdict>,
    /// One sentence.
    pub reason: String,
}

impl Outcome {
    /// Decide the outcome.
    pub fn decide(
        built: bool,
        gate_passed: bool,
        gate: &[GateRow],
        failures: &[FailureRow],
        shapes: &[ShapeRow],
    ) -> Outcome {
        let verdicts: Vec<Verdict> =
            shapes.iter().filter_map(|s| s.comparison.as_ref().map(|c| c.verdict)).collect();
        let verdict = (!verdicts.is_empty()).then(|| {
            if verdicts.contains(&Verdict::Slower) {
                Verdict::Slower
            } else if verdicts.iter().all(|v| *v == Verdict::Same) {
                Verdict::Same
            } else if verdicts.iter().all(|v| matches!(v, Verdict::Same | Verdict::Faster)) {
                Verdict::Faster
            } else {
                Verdict::Noisy
            }
        });
        let (passed, reason) = if !built {
            (false, "a build failed: nothing was checked or timed".to_string())
        } else if !gate_passed {
            let bad = gate.iter().filter(|g| !g.passed).count();
            let first = gate.iter().find(|g| !g.passed).map(|g| format!("{}: {}", g.id, g.reason));
            (
                false,
                format!(
                    "correctness gate failed ({bad} of {} checks{}): the candidate was not timed",
                    gate.len(),
                    first.map(|f| format!("; {f}")).unwrap_or_default()
                ),
            )
        } else if !failures.is_empty() {
            (false, format!("{} process failure(s) while timing", failures.len()))
        } else if verdict == Some(Verdict::Slower) {
            let slow: Vec<&str> = shapes
                .iter()
                .filter(|s| s.comparison.as_ref().is_some_and(|c| c.verdict == Verdict::Slower))
                .map(|s| s.id.as_str())
                .collect();
            (false, format!("correct but SLOWER on {}", slow.join(", ")))
        } else {
            let v = verdict.map_or("not timed".to_string(), |v| v.to_string());
            (true, format!("correct; overall {v}"))
        };
        Outcome { passed, verdict, reason }
    }
}

/// The result of `kernel ab`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AbReport {
    /// Task name.
    pub task: String,
    /// Task directory.
    pub dir: String,
    /// Two commands or one command with a variant argument.
    pub mode: Mode,
    /// Protocol version.
    pub protocol: String,
    /// Effective settings.
    pub settings: Settings,
    /// The calibration used, if any.
    pub calibration: CalibrationSummary,
    /// The build-flag parity check of the two sides' build commands (two-command tasks
    /// whose sides both compile); a numerics flag on one side only fails the run first.
    #[serde(default)]
    pub flags: Option<crate::flags::FlagsReport>,
    /// Build commands.
    pub builds: Vec<BuildRow>,
    /// Correctness checks (shape × seed).
    pub gate: Vec<GateRow>,
    /// Whether every check passed.
    pub gate_passed: bool,
    /// Per-shape verdicts (empty when the gate failed).
    pub shapes: Vec<ShapeRow>,
    /// Process failures.
    pub failures: Vec<FailureRow>,
    /// Weighted geomean of candidate / baseline median ratios.
    pub geomean_ratio: Option<f64>,
    /// 1 / geomean_ratio.
    pub geomean_speedup: Option<f64>,
    /// The outcome.
    pub outcome: Outcome,
    /// The JSONL record of this run.
    pub results_jsonl: String,
    /// The ledgers the per-shape claims were appended to (task copy, global).
    #[serde(default)]
    pub ledger: Vec<String>,
    /// Things to know (no calibration, stale calibration).
    pub warnings: Vec<Warning>,
}

fn f(x: Option<f64>, digits: usize) -> String {
    x.map_or("-".into(), |v| format!("{v:.digits$}"))
}

impl Report for AbReport {
    fn schema_version(&self) -> &'static str {
        crate::ab::AB_SCHEMA
    }

    fn check_failed(&self) -> bool {
        !self.outcome.passed
    }

    fn document(&self) -> Document {
        let verdict = self.outcome.verdict.map_or("-".to_string(), |v| v.to_string());
        let mut doc = Document::new(format!("kernel ab: {}", self.task))
            .with_fact(
                "outcome",
                format!(
                    "{} ({})",
                    if self.outcome.passed { "PASS" } else { "FAIL" },
                    self.outcome.reason
                ),
            )
            .with_fact("verdict", verdict)
            .with_fact("geomean speedup", f(self.geomean_speedup, 3))
            .with_fact(
                "settings",
                format!(
                    "{} warm-ups / {} iterations / {} trials, {} of each process, ABBA",
                    self.settings.warmups,
                    self.settings.iterations,
                    self.settings.trials,
                    self.settings.statistic
                ),
            )
            .with_fact("calibration", self.calibration.state.clone())
            .with_fact(
                "build flags",
                self.flags.as_ref().map_or(
                    "not checked (no compiler build commands on both sides)".to_string(),
                    |f| {
                        if f.passed {
                            format!("parity ({} other difference(s))", f.findings.len())
                        } else {
                            format!("{} numerics/speed flag(s) on one side only", f.errors)
                        }
                    },
                ),
            )
            .with_fact("results", self.results_jsonl.clone());
        let mut g =
            Table::new("gate", ["id", "dtype", "against", "passed", "rel_l2", "max_abs", "reason"])
                .right(&["rel_l2", "max_abs"]);
        for r in &self.gate {
            let c = r.compared.as_ref();
            g.push_row(
                r.id.clone(),
                [
                    r.id.clone(),
                    r.dtype.clone(),
                    r.against.clone(),
                    if r.passed { "yes" } else { "NO" }.into(),
                    c.and_then(|c| c.rel_l2).map_or("-".into(), |v| format!("{v:.2e}")),
                    c.and_then(|c| c.max_abs).map_or("-".into(), |v| format!("{v:.2e}")),
                    r.reason.clone(),
                ],
            );
        }
        doc.push(Section::new("Correctness gate").with_table(g));
        let mut t = Table::new(
            "shapes",
            [
                "shape",
                "weight",
                "timer",
                "base µs",
                "cand µs",
                "speedup",
                "ratio [95% CI]",
                "threshold",
                "verdict",
            ],
        )
        .right(&["weight", "base µs", "cand µs", "speedup", "threshold"]);
        for s in &self.shapes {
            let c = s.comparison.as_ref();
            t.push_row(
                s.id.clone(),
                [
                    s.id.clone(),
                    format!("{}", s.weight),
                    s.timer.map_or("-".into(), |t| format!("{t:?}").to_lowercase()),
                    f(c.map(|c| c.baseline), 2),
                    f(c.map(|c| c.candidate), 2),
                    f(s.speedup, 3),
                    c.map_or(s.reason.clone(), |c| {
                        format!("{:.3} [{:.3}, {:.3}]", c.ratio, c.ci_low, c.ci_high)
                    }),
                    format!("{:.1}%", s.threshold * 100.0),
                    c.map_or("-".into(), |c| c.verdict.to_string()),
                ],
            );
        }
        if !self.shapes.is_empty() {
            doc.push(Section::new("Timing").with_table(t));
        }
        if !self.failures.is_empty() {
            let mut ft =
                Table::new("failures", ["id", "phase", "shape", "side", "trial", "reason"]);
            for x in &self.failures {
                ft.push_row(
                    x.id.clone(),
                    [
                        x.id.clone(),
                        format!("{:?}", x.phase).to_lowercase(),
                        x.shape.clone().unwrap_or_default(),
                        x.side.clone(),
                        x.trial.map_or(String::new(), |t| t.to_string()),
                        x.reason.clone(),
                    ],
                );
            }
            doc.push(Section::new("Failures").with_table(ft));
        }
        doc
    }
}

/// The result of `kernel check`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckReport {
    /// Task name.
    pub task: String,
    /// Task file.
    pub file: String,
    /// Mode.
    pub mode: Mode,
    /// Shapes and their tolerances.
    pub shapes: Vec<CheckShape>,
    /// The boundary check.
    pub boundary: Boundary,
    /// Task valid and boundary respected.
    pub passed: bool,
}

/// One shape as checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckShape {
    /// Shape id.
    pub id: String,
    /// dims as `k=v,…`.
    pub dims: String,
    /// dtype.
    pub dtype: String,
    /// Weight.
    pub weight: f64,
    /// Seeds checked by the gate.
    pub seeds: Vec<u64>,
    /// The tolerance in force.
    pub tolerance: Tolerance,
}

impl Report for CheckReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.kernel.check/1"
    }

    fn check_failed(&self) -> bool {
        !self.passed
    }

    fn document(&self) -> Document {
        let mut t = Table::new(
            "shapes",
            ["shape", "dims", "dtype", "weight", "seeds", "rel_l2", "max_abs"],
        );
        for s in &self.shapes {
            t.push_row(
                s.id.clone(),
                [
                    s.id.clone(),
                    s.dims.clone(),
                    s.dtype.clone(),
                    s.weight.to_string(),
                    s.seeds.iter().map(u64::to_string).collect::<Vec<_>>().join(","),
                    format!("{:.1e}", s.tolerance.rel_l2),
                    format!("{:.1e}", s.tolerance.max_abs),
                ],
            );
        }
        let mut b = Table::new("boundary", ["path", "allowed"]);
        for c in &self.boundary.changed {
            b.push_row(
                c.path.clone(),
                [c.path.clone(), if c.allowed { "yes" } else { "NO" }.into()],
            );
        }
        Document::new(format!("kernel check: {}", self.task))
            .with_fact("result", if self.passed { "PASS" } else { "FAIL" })
            .with_fact("task file", self.file.clone())
            .with_fact("boundary", self.boundary.summary.clone())
            .with_section(Section::new("Workload").with_table(t))
            .with_section(Section::new("Changed files").with_table(b))
    }
}

/// Read the report of a finished `kernel ab` from its JSONL record (the last `report`
/// line).
pub fn results_report(jsonl: &Path) -> Result<AbReport, KernelError> {
    let text = std::fs::read_to_string(jsonl).map_err(|e| KernelError::io(jsonl, e))?;
    let mut records = 0;
    let mut last = None;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        records += 1;
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| {
            KernelError::Invalid(format!("{}:{}: not a JSON record: {e}", jsonl.display(), i + 1))
        })?;
        if v["type"] == "report" {
            last = Some((i + 1, v["report"].clone()));
        }
    }
    let (line, v) = last.ok_or_else(|| {
        KernelError::Invalid(format!(
            "{}: no `report` record among {records} records (the run was interrupted or is still going)",
            jsonl.display()
        ))
    })?;
    serde_json::from_value(v).map_err(|e| {
        KernelError::Invalid(format!(
            "{}:{line}: the report record does not match {}: {e}",
            jsonl.display(),
            crate::ab::AB_SCHEMA
        ))
    })
}

/// Options of `kernel results`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultsOptions {
    /// The task directory.
    pub dir: std::path::PathBuf,
    /// The JSONL record (default `DIR/results.jsonl`).
    #[serde(default)]
    pub results: Option<std::path::PathBuf>,
}

/// Read the last finished `kernel ab` of a task.
pub fn read_results(opts: &ResultsOptions) -> Result<AbReport, KernelError> {
    let path = opts.results.clone().unwrap_or_else(|| opts.dir.join("results.jsonl"));
    results_report(&path)
}
