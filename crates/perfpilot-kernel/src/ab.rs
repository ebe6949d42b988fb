//! `kernel ab`: build, gate every shape and seed, then time both sides in interleaved
//! trials and judge each shape with `perfpilot-stats`.

use std::path::{Path, PathBuf};

use perfpilot_report::{Progress, Warning};
use perfpilot_stats::{Better, Policy, Statistic, compare_paired, geomean};
use serde::{Deserialize, Serialize};

use crate::calibrate::{CalibrationState, load_calibration};
use crate::gate;
use crate::npy::read_npy;
use crate::protocol::{BASELINE, CANDIDATE, Invocation, REFERENCE};
use crate::report::{AbReport, GateRow, Outcome, Phase, Settings, ShapeRow};
use crate::session::{Collected, Session, TimingOverrides, abba};
use crate::task::{Mode, Shape, Task, load_task};
use crate::tolerance::{self, Tolerances};
use crate::{KernelError, PROTOCOL};

/// Options of `kernel ab` (also the MCP tool's arguments).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AbOptions {
    /// The task directory (holds `task.toml`).
    pub dir: PathBuf,
    /// A tolerance table (`perfpilot.kernel.tolerances/1` TOML) replacing built-in rows.
    #[serde(default)]
    pub tolerances: Option<PathBuf>,
    /// Where the JSONL record goes (default `DIR/results.jsonl`).
    #[serde(default)]
    pub results: Option<PathBuf>,
    /// Timing overrides (quick runs).
    #[serde(default, flatten)]
    pub overrides: TimingOverrides,
    /// Skip the build commands (already built).
    #[serde(default)]
    pub no_build: bool,
    /// The global kernel ledger the results are also recorded in (the task's copy,
    /// `DIR/ledger.jsonl`, always gets them); the CLI defaults it to
    /// `$XDG_DATA_HOME/perfpilot/kernel-ledger.jsonl`.
    #[serde(default)]
    pub ledger: Option<PathBuf>,
}

/// The schema id of `kernel ab` results.
pub const AB_SCHEMA: &str = "perfpilot.kernel.ab/2";

/// Run `kernel ab`.
pub fn run_ab(opts: &AbOptions, progress: &dyn Progress) -> Result<AbReport, KernelError> {
    let loaded = load_task(&opts.dir)?;
    let task = loaded.task.clone();
    let tols = tolerance::effective(opts.tolerances.as_deref(), &task.correctness.tolerances)?;
    check_dtypes(&task, &tols, &loaded.file)?;
    let timing = opts.overrides.apply(&task.timing);
    let jsonl = opts.results.clone().unwrap_or_else(|| opts.dir.join("results.jsonl"));
    let calibration = load_calibration(&opts.dir, &task, &timing)?;
    let mut s = Session::open(loaded, timing.clone(), jsonl, progress)?;
    s.record(
        "header",
        &serde_json::json!({ "schema": AB_SCHEMA, "protocol": PROTOCOL, "task": task.name,
            "fingerprint": task.fingerprint(&timing), "timing": timing }),
    )?;
    let mut warnings = Vec::new();
    match &calibration {
        CalibrationState::Missing { path } => warnings.push(Warning::new(
            "not-calibrated",
            format!("{path} does not exist: thresholds are the policy's only; run `perfpilot kernel calibrate` first"),
        )),
        CalibrationState::Stale { path, .. } => warnings.push(Warning::new(
            "stale-calibration",
            format!("{path} was made for another task fingerprint or timing: ignored; rerun `perfpilot kernel calibrate`"),
        )),
        CalibrationState::Used(_) => {}
    }
    // Build-flag parity first (loop-kda-ncu.md 5): a numerics flag on one side only
    // stops the run before anything is built.
    let flags = crate::flags::task_flags(&task)?;
    if let Some(f) = &flags {
        s.record("flags", f)?;
    }
    let flags_ok = flags.as_ref().is_none_or(|f| f.passed);
    let mut builds = Vec::new();
    let mut built = flags_ok;
    if !opts.no_build && flags_ok {
        let mut sides = Vec::new();
        match task.mode() {
            Mode::TwoCommands => {
                sides.extend(task.baseline.iter().map(|b| ("baseline", b)));
                sides.extend(task.candidate.iter().map(|c| ("candidate", c)));
            }
            Mode::Variant => sides.extend(task.variant.iter().map(|v| ("variant", v))),
        }
        sides.extend(task.reference.iter().map(|r| ("reference", r)));
        let (rows, ok) = s.build(&sides)?;
        builds = rows;
        built = ok;
    }
    let mut gate_rows = Vec::new();
    if built {
        gate_rows = run_gate(&mut s, &task, &tols)?;
    }
    let gate_passed = built && !gate_rows.is_empty() && gate_rows.iter().all(|g| g.passed);
    let mut shapes = Vec::new();
    if gate_passed && s.failures.is_empty() {
        progress.set_total(u64::from(timing.trials) * task.shapes.len() as u64);
        for shape in &task.shapes {
            let col = collect(&mut s, &task, shape, false)?;
            let noise = calibration.noise(&shape.id);
            let threshold = noise.map_or(timing.threshold, |n| n.max(timing.threshold));
            shapes.push(judge(shape, col, threshold, noise));
        }
    }
    let ratios: Vec<(f64, f64)> = shapes
        .iter()
        .filter_map(|r: &ShapeRow| r.comparison.as_ref().map(|c| (c.ratio, r.weight)))
        .collect();
    let (v, w): (Vec<f64>, Vec<f64>) = ratios.into_iter().unzip();
    let geo = geomean(&v, &w);
    let mut failures = std::mem::take(&mut s.failures);
    for (i, f) in failures.iter_mut().enumerate() {
        f.id = format!("failure/{i}");
    }
    let ledger_written = record_claims(opts, &task, &shapes, s.jsonl_path())?;
    let mut outcome = Outcome::decide(built, gate_passed, &gate_rows, &failures, &shapes);
    if let Some(f) = flags.as_ref().filter(|f| !f.passed) {
        let keys: Vec<String> = f
            .findings
            .iter()
            .filter(|x| x.class == crate::flags::FlagClass::Numerics)
            .map(|x| {
                format!(
                    "{} (baseline {}, candidate {})",
                    x.key,
                    x.baseline.as_deref().unwrap_or("absent"),
                    x.candidate.as_deref().unwrap_or("absent")
                )
            })
            .collect();
        outcome.reason = format!(
            "build flags differ in numerics/speed on one side only: {}; nothing was built, checked or timed",
            keys.join("; ")
        );
    }
    let report = AbReport {
        task: task.name.clone(),
        dir: opts.dir.display().to_string(),
        mode: task.mode(),
        protocol: PROTOCOL.to_string(),
        settings: Settings::new(&timing),
        calibration: calibration.summary(),
        flags,
        builds,
        gate: gate_rows,
        gate_passed,
        shapes,
        failures,
        geomean_ratio: geo,
        geomean_speedup: geo.map(|g| 1.0 / g),
        outcome,
        results_jsonl: s.jsonl_path().display().to_string(),
        ledger: ledger_written,
        warnings,
    };
    s.record("report", &serde_json::json!({ "report": report }))?;
    progress.finish();
    Ok(report)
}

/// Record every timed shape's figures as ledger claims: the task's copy and, when given,
/// the global ledger. Returns the files written.
fn record_claims(
    opts: &AbOptions,
    task: &Task,
    shapes: &[ShapeRow],
    jsonl: &Path,
) -> Result<Vec<String>, KernelError> {
    let date = crate::ledger::today();
    let mut claims = Vec::new();
    for row in shapes {
        let (Some(c), Some(shape)) =
            (row.comparison.as_ref(), task.shapes.iter().find(|s| s.id == row.id))
        else {
            continue;
        };
        let dims: Vec<String> = shape.dims.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let source = format!(
            "kernel ab {} ({}: ratio {:.4} [{:.4}, {:.4}], {}/{} runs)",
            jsonl.display(),
            c.verdict,
            c.ratio,
            c.ci_low,
            c.ci_high,
            c.runs[0],
            c.runs[1]
        );
        let speedup = row.speedup.unwrap_or(1.0 / c.ratio);
        for (metric, value) in [
            ("speedup", speedup),
            ("baseline_median_us", c.baseline),
            ("candidate_median_us", c.candidate),
        ] {
            claims.push(crate::ledger::Claim {
                kernel: task.name.clone(),
                gpu: task.gpu.clone().unwrap_or_else(|| "unknown".into()),
                dtype: shape.dtype.clone(),
                shape: format!("{}[{}]", shape.id, dims.join(",")),
                metric: metric.into(),
                value,
                source: source.clone(),
                date: date.clone(),
            });
        }
    }
    if claims.is_empty() {
        return Ok(Vec::new());
    }
    let mut written = Vec::new();
    let task_copy = opts.dir.join(crate::ledger::TASK_LEDGER);
    for path in std::iter::once(task_copy).chain(opts.ledger.clone()) {
        crate::ledger::append(&path, &claims)?;
        written.push(path.display().to_string());
    }
    Ok(written)
}

/// Every shape's dtype must have a tolerance row.
pub(crate) fn check_dtypes(task: &Task, tols: &Tolerances, file: &Path) -> Result<(), KernelError> {
    for (i, s) in task.shapes.iter().enumerate() {
        if !tols.contains_key(&s.dtype) {
            let known: Vec<&str> = tols.keys().map(String::as_str).collect();
            return Err(KernelError::Task {
                path: file.display().to_string(),
                line: 0,
                key: format!("shapes[{i}].dtype"),
                message: format!(
                    "`{}` has no tolerance; known: {} (or add [correctness.tolerances.{}])",
                    s.dtype,
                    known.join(", "),
                    s.dtype
                ),
            });
        }
    }
    Ok(())
}

/// The command template and variant of each gate side.
fn gate_sides(task: &Task) -> [(&'static str, String, &'static str); 2] {
    let reference = match (&task.reference, &task.baseline, &task.variant) {
        (Some(r), _, _) => ("reference", r.command.clone(), REFERENCE),
        (None, Some(b), _) => ("baseline", b.command.clone(), BASELINE),
        (None, None, Some(v)) => ("baseline", v.command.clone(), BASELINE),
        (None, None, None) => ("baseline", String::new(), BASELINE),
    };
    let cand = match (&task.candidate, &task.variant) {
        (Some(c), _) => c.command.clone(),
        (None, Some(v)) => v.command.clone(),
        (None, None) => String::new(),
    };
    [reference, ("candidate", cand, CANDIDATE)]
}

fn run_gate(
    s: &mut Session<'_>,
    task: &Task,
    tols: &Tolerances,
) -> Result<Vec<GateRow>, KernelError> {
    let out_dir = s.loaded.dir.join("out");
    std::fs::create_dir_all(&out_dir).map_err(|e| KernelError::io(&out_dir, e))?;
    let sides = gate_sides(task);
    let mut rows = Vec::new();
    for shape in &task.shapes {
        for &seed in &shape.seeds {
            s.progress.message(&format!("gate {} seed {seed}", shape.id));
            let tol = tols[&shape.dtype].clone();
            let mut row = GateRow {
                id: format!("gate/{}/{seed}", shape.id),
                shape: shape.id.clone(),
                seed,
                dtype: shape.dtype.clone(),
                against: sides[0].0.to_string(),
                tolerance: tol.clone(),
                passed: false,
                reason: String::new(),
                compared: None,
            };
            let mut arrays = Vec::new();
            for (name, template, variant) in &sides {
                let path = out_dir.join(format!("gate-{}-{seed}-{name}.npy", shape.id));
                // A stale file would hide a program that writes nothing.
                let _ = std::fs::remove_file(&path);
                let inv = Invocation {
                    shape,
                    variants: vec![variant],
                    warmups: 0,
                    iterations: 1,
                    seed,
                    poison: s.timing.poison,
                    output: Some(&path),
                };
                let run = s.run_side(Phase::Gate, name, template, &inv, None, false)?;
                if run.parsed.is_none() {
                    row.reason = format!("the {name} failed (see failures)");
                    break;
                }
                if !path.exists() {
                    row.reason = format!("the {name} wrote no output file {}", path.display());
                    break;
                }
                match read_npy(&path) {
                    Ok(a) => arrays.push(a),
                    Err(e) => {
                        row.reason = format!("the {name}'s output: {e}");
                        break;
                    }
                }
            }
            if let [r, c] = &arrays[..] {
                let cmp = gate::compare(r, c, &shape.dtype, &tol, s.timing.poison);
                row.passed = cmp.passed;
                row.reason = cmp.reason.clone();
                row.compared = Some(cmp);
            }
            s.record("gate", &row)?;
            rows.push(row);
        }
    }
    Ok(rows)
}

/// Time both sides of `shape` over the trials; `aa` runs the baseline on both sides.
pub(crate) fn collect(
    s: &mut Session<'_>,
    task: &Task,
    shape: &Shape,
    aa: bool,
) -> Result<Collected, KernelError> {
    let mut col = Collected::default();
    for t in 0..s.timing.trials {
        s.progress.message(&format!("time {} trial {}/{}", shape.id, t + 1, s.timing.trials));
        match (task.mode(), &task.baseline, &task.candidate, &task.variant) {
            (Mode::TwoCommands, Some(b), Some(c), _) => {
                for side in abba(t) {
                    let template = if side == BASELINE || aa { &b.command } else { &c.command };
                    let variant = if aa { BASELINE } else { side };
                    let inv = s.timed(shape, vec![variant], t);
                    let run = s.run_side(Phase::Timing, side, template, &inv, Some(t), true)?;
                    col.wall_s += run.wall_s;
                    let side_runs =
                        if side == BASELINE { &mut col.baseline } else { &mut col.candidate };
                    let Some(p) = run.parsed else {
                        col.failed_trials += 1;
                        // An empty run keeps the trials paired; the comparison drops it.
                        side_runs.push(Vec::new());
                        continue;
                    };
                    col.timer = col.timer.or(p.timer);
                    let samples = p.samples.get(variant).cloned().unwrap_or_default();
                    s.record("run", &run_record(shape, side, t, inv.seed, run.wall_s, &samples))?;
                    if side == BASELINE { &mut col.baseline } else { &mut col.candidate }
                        .push(samples);
                }
            }
            (Mode::Variant, _, _, Some(v)) => {
                let mut inv = s.timed(shape, if aa { vec![BASELINE] } else { abba(t).to_vec() }, t);
                if aa {
                    inv.iterations *= 2;
                }
                let run = s.run_side(Phase::Timing, "variant", &v.command, &inv, Some(t), true)?;
                col.wall_s += run.wall_s;
                let Some(p) = run.parsed else {
                    col.failed_trials += 1;
                    col.baseline.push(Vec::new());
                    col.candidate.push(Vec::new());
                    continue;
                };
                col.timer = col.timer.or(p.timer);
                let (base, cand) = if aa {
                    // A/A inside one process: alternate iterations are the two sides.
                    let all = p.samples.get(BASELINE).cloned().unwrap_or_default();
                    let (mut a, mut b) = (Vec::new(), Vec::new());
                    for (i, x) in all.into_iter().enumerate() {
                        if (i + t as usize).is_multiple_of(2) { a.push(x) } else { b.push(x) }
                    }
                    (a, b)
                } else {
                    (
                        p.samples.get(BASELINE).cloned().unwrap_or_default(),
                        p.samples.get(CANDIDATE).cloned().unwrap_or_default(),
                    )
                };
                s.record("run", &run_record(shape, BASELINE, t, inv.seed, run.wall_s, &base))?;
                s.record("run", &run_record(shape, CANDIDATE, t, inv.seed, run.wall_s, &cand))?;
                col.baseline.push(base);
                col.candidate.push(cand);
            }
            _ => return Err(KernelError::Invalid("task has no runnable sides".into())),
        }
        s.progress.advance(1);
    }
    Ok(col)
}

fn run_record(
    shape: &Shape,
    side: &str,
    trial: u32,
    seed: u64,
    wall_s: f64,
    samples: &[f64],
) -> serde_json::Value {
    serde_json::json!({ "shape": shape.id, "side": side, "trial": trial, "seed": seed,
        "wall_s": wall_s, "samples_us": samples })
}

/// Judge one shape: median, hierarchical bootstrap over trials paired as they ran (ABBA
/// neighbours), the threshold given.
pub(crate) fn judge(shape: &Shape, col: Collected, threshold: f64, noise: Option<f64>) -> ShapeRow {
    let policy = Policy { threshold, ..Policy::default() };
    let cmp =
        compare_paired(&col.baseline, &col.candidate, Statistic::Median, Better::Lower, &policy);
    let (comparison, reason) = match cmp {
        Ok(c) => (Some(c), String::new()),
        Err(e) => (None, e.to_string()),
    };
    ShapeRow {
        id: shape.id.clone(),
        weight: shape.weight,
        dtype: shape.dtype.clone(),
        timer: col.timer,
        threshold,
        calibrated_noise: noise,
        speedup: comparison.as_ref().map(|c| 1.0 / c.ratio),
        comparison,
        trials_failed: col.failed_trials,
        process_wall_s: col.wall_s,
        reason,
    }
}
