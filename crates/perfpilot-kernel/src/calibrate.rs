//! `kernel calibrate`: an A/A run (baseline against itself, same schedule as `kernel ab`)
//! whose measured difference |ratio − 1| per shape is stored in `DIR/calibration.json`
//! and becomes the floor of the threshold of later verdicts (a change no larger than
//! what two identical sides showed is never FASTER or SLOWER).

use std::path::{Path, PathBuf};

use perfpilot_report::{Document, Progress, Report, Section, Table};
use perfpilot_stats::Verdict;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ab::{check_dtypes, collect, judge};
use crate::report::{BuildRow, FailureRow, Phase};
use crate::session::{Session, TimingOverrides};
use crate::task::{Mode, Task, Timing, load_task};
use crate::{KernelError, PROTOCOL, tolerance};

/// The file a calibration is stored in, inside the task directory.
pub const CALIBRATION_FILE: &str = "calibration.json";
/// Its schema id.
pub const CALIBRATION_SCHEMA: &str = "perfpilot.kernel.calibration/1";

/// Options of `kernel calibrate`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct CalibrateOptions {
    /// The task directory.
    pub dir: PathBuf,
    /// Timing overrides (must match those `kernel ab` will use).
    #[serde(default, flatten)]
    pub overrides: TimingOverrides,
    /// Skip the build commands.
    #[serde(default)]
    pub no_build: bool,
}

/// One shape's A/A figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CalibrationRow {
    /// Shape id.
    pub id: String,
    /// A/A ratio of medians.
    pub ratio: f64,
    /// Interval low.
    pub ci_low: f64,
    /// Interval high.
    pub ci_high: f64,
    /// |ratio − 1|: the difference measured between two identical sides (fraction).
    pub noise: f64,
    /// The A/A verdict (FASTER or SLOWER here means the setup is biased).
    pub verdict: Verdict,
}

/// A stored calibration (also the result of `kernel calibrate`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Calibration {
    /// `perfpilot.kernel.calibration/1`.
    pub schema: String,
    /// Task name.
    pub task: String,
    /// Fingerprint of baseline, shapes and timing it was measured under.
    pub fingerprint: String,
    /// Mode.
    pub mode: Mode,
    /// Per shape.
    pub shapes: Vec<CalibrationRow>,
    /// Build rows.
    pub builds: Vec<BuildRow>,
    /// Process failures.
    pub failures: Vec<FailureRow>,
    /// Where it was stored (empty when not stored).
    pub stored: String,
    /// Why it was not stored (empty when stored).
    pub not_stored: String,
}

impl Report for Calibration {
    fn schema_version(&self) -> &'static str {
        CALIBRATION_SCHEMA
    }

    fn check_failed(&self) -> bool {
        self.stored.is_empty()
    }

    fn document(&self) -> Document {
        let mut t = Table::new("shapes", ["shape", "A/A ratio", "95% CI", "noise", "verdict"])
            .right(&["A/A ratio", "noise"]);
        for s in &self.shapes {
            t.push_row(
                s.id.clone(),
                [
                    s.id.clone(),
                    format!("{:.4}", s.ratio),
                    format!("[{:.4}, {:.4}]", s.ci_low, s.ci_high),
                    format!("{:.2}%", s.noise * 100.0),
                    s.verdict.to_string(),
                ],
            );
        }
        let mut doc = Document::new(format!("kernel calibrate: {}", self.task))
            .with_fact("fingerprint", self.fingerprint.clone())
            .with_fact(
                "stored",
                if self.stored.is_empty() { "no (failures)".into() } else { self.stored.clone() },
            )
            .with_section(Section::new("A/A noise").with_table(t));
        if !self.failures.is_empty() {
            doc.push(
                Section::new("Failures").with_list(self.failures.iter().map(|f| f.reason.clone())),
            );
        }
        doc
    }
}

/// What `kernel ab` found in the task directory.
#[derive(Debug, Clone)]
pub enum CalibrationState {
    /// No calibration file.
    Missing {
        /// Where it was looked for.
        path: String,
    },
    /// One made under another fingerprint.
    Stale {
        /// The file.
        path: String,
        /// Its fingerprint.
        found: String,
    },
    /// A valid calibration.
    Used(Box<Calibration>),
}

/// The calibration as a report states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CalibrationSummary {
    /// `used`, `missing` or `stale`.
    pub state: String,
    /// The calibration file.
    pub path: String,
}

impl CalibrationState {
    /// The calibrated noise of a shape, when used.
    pub fn noise(&self, shape: &str) -> Option<f64> {
        match self {
            CalibrationState::Used(c) => c.shapes.iter().find(|s| s.id == shape).map(|s| s.noise),
            _ => None,
        }
    }

    /// For the report.
    pub fn summary(&self) -> CalibrationSummary {
        let (state, path) = match self {
            CalibrationState::Missing { path } => ("missing", path.clone()),
            CalibrationState::Stale { path, .. } => ("stale", path.clone()),
            CalibrationState::Used(c) => ("used", c.stored.clone()),
        };
        CalibrationSummary { state: state.into(), path }
    }
}

/// Load `DIR/calibration.json` and check it against the task and effective timing.
pub fn load_calibration(
    dir: &Path,
    task: &Task,
    timing: &Timing,
) -> Result<CalibrationState, KernelError> {
    let path = dir.join(CALIBRATION_FILE);
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(CalibrationState::Missing { path: shown });
        }
        Err(e) => return Err(KernelError::io(&path, e)),
    };
    let c: Calibration = serde_json::from_str(&text).map_err(|e| {
        KernelError::Invalid(format!(
            "{shown}:{}:{}: not a {CALIBRATION_SCHEMA} file: {e}",
            e.line(),
            e.column()
        ))
    })?;
    if c.schema != CALIBRATION_SCHEMA {
        return Err(KernelError::Invalid(format!(
            "{shown}: schema `{}` is not `{CALIBRATION_SCHEMA}`",
            c.schema
        )));
    }
    if c.fingerprint != task.fingerprint(timing) {
        return Ok(CalibrationState::Stale { path: shown, found: c.fingerprint });
    }
    Ok(CalibrationState::Used(Box::new(c)))
}

/// Run the A/A calibration and store it (atomically) unless a process failed.
pub fn run_calibrate(
    opts: &CalibrateOptions,
    progress: &dyn Progress,
) -> Result<Calibration, KernelError> {
    let loaded = load_task(&opts.dir)?;
    let task = loaded.task.clone();
    let tols = tolerance::effective(None, &task.correctness.tolerances)?;
    check_dtypes(&task, &tols, &loaded.file)?;
    let timing = opts.overrides.apply(&task.timing);
    let mut s =
        Session::open(loaded, timing.clone(), opts.dir.join("calibration.jsonl"), progress)?;
    s.record(
        "header",
        &serde_json::json!({ "schema": CALIBRATION_SCHEMA, "protocol": PROTOCOL,
        "task": task.name, "fingerprint": task.fingerprint(&timing), "timing": timing }),
    )?;
    let mut builds = Vec::new();
    let mut built = true;
    if !opts.no_build {
        let side = task
            .baseline
            .as_ref()
            .map(|b| ("baseline", b))
            .or(task.variant.as_ref().map(|v| ("variant", v)));
        let (rows, ok) = s.build(&side.into_iter().collect::<Vec<_>>())?;
        builds = rows;
        built = ok;
    }
    let mut shapes = Vec::new();
    if built {
        progress.set_total(u64::from(timing.trials) * task.shapes.len() as u64);
        for shape in &task.shapes {
            let col = collect(&mut s, &task, shape, true)?;
            let row = judge(shape, col, timing.threshold, None);
            if let Some(c) = row.comparison {
                shapes.push(CalibrationRow {
                    id: shape.id.clone(),
                    ratio: c.ratio,
                    ci_low: c.ci_low,
                    ci_high: c.ci_high,
                    noise: (c.ratio - 1.0).abs(),
                    verdict: c.verdict,
                });
            }
        }
    }
    let mut failures = std::mem::take(&mut s.failures);
    for (i, f) in failures.iter_mut().enumerate() {
        f.id = format!("failure/{i}");
        debug_assert!(matches!(f.phase, Phase::Build | Phase::Timing | Phase::Gate));
    }
    let path = opts.dir.join(CALIBRATION_FILE);
    let mut cal = Calibration {
        schema: CALIBRATION_SCHEMA.into(),
        task: task.name.clone(),
        fingerprint: task.fingerprint(&timing),
        mode: task.mode(),
        shapes,
        builds,
        failures,
        stored: String::new(),
        not_stored: String::new(),
    };
    let biased: Vec<&str> = cal
        .shapes
        .iter()
        .filter(|s| matches!(s.verdict, Verdict::Faster | Verdict::Slower))
        .map(|s| s.id.as_str())
        .collect();
    let noisy: Vec<String> = cal
        .shapes
        .iter()
        .filter(|s| s.noise > timing.max_noise)
        .map(|s| format!("{} ({:.1}%)", s.id, s.noise * 100.0))
        .collect();
    // Every reason that applies is named: a biased A/A run on a noisy machine is both.
    let mut reasons = Vec::new();
    if !cal.failures.is_empty() || cal.shapes.len() != task.shapes.len() {
        reasons.push(format!("{} process failure(s)", cal.failures.len()));
    }
    if !biased.is_empty() {
        reasons.push(format!(
            "the A/A run itself said FASTER/SLOWER on {} (a biased setup)",
            biased.join(", ")
        ));
    }
    if !noisy.is_empty() {
        reasons.push(format!(
            "A/A difference above max_noise {:.0}% on {}: the machine is too noisy; calibrate on a quieter one",
            timing.max_noise * 100.0,
            noisy.join(", ")
        ));
    }
    cal.not_stored = reasons.join("; ");
    if cal.not_stored.is_empty() {
        cal.stored = path.display().to_string();
        let text =
            serde_json::to_string_pretty(&cal).map_err(|e| KernelError::Invalid(e.to_string()))?;
        perfpilot_report::write_atomic(&path, format!("{text}\n").as_bytes())
            .map_err(|e| KernelError::io(&path, e))?;
    }
    s.record("calibration", &cal)?;
    progress.finish();
    Ok(cal)
}
