//! `kernel ab` as the pinned benchmark (`loop init --kernel-task DIR`): the task directory
//! (as `perfpilot kernel ab` takes it) inside the repository, run through the
//! `perfpilot-kernel` library in each candidate's tree. The loop's metric is
//! `kernel_time_ratio`: per trial, the weighted geometric mean over the task's shapes of
//! candidate median time / baseline median time (the two sides of the same trial run
//! back to back, so machine drift between rounds cancels); one value per trial is one run
//! for the statistics engine. A failed build, correctness gate or process rejects the
//! round with the harness's reason.

use std::collections::BTreeMap;
use std::path::Path;

use perfpilot_kernel::{AbOptions, run_ab};
use perfpilot_stats::{Statistic, geomean};

/// The metric a kernel task pins.
pub const METRIC: &str = "kernel_time_ratio";
/// The task's file inside its directory.
pub const TASK_FILE: &str = "task.toml";

/// What one `kernel ab` run gave the loop.
#[derive(Debug, Clone)]
pub struct KernelRun {
    /// One run per trial: `[geomean ratio]`.
    pub runs: Vec<Vec<f64>>,
    /// The harness's own verdict of the candidate side against the baseline side.
    pub outcome: String,
    /// Wall seconds.
    pub wall_s: f64,
}

/// The `perfpilot kernel ab` command line for the task at `rel`.
pub fn command_of(rel: &str) -> String {
    format!("perfpilot kernel ab {rel}")
}

/// Run `kernel ab` on the task `rel` inside `tree`; its JSONL goes to `work`.
pub fn run(rel: &str, tree: &Path, work: &Path) -> Result<KernelRun, String> {
    let dir = tree.join(rel);
    std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    let jsonl = work.join("kernel-ab.jsonl");
    let _ = std::fs::remove_file(&jsonl);
    let opts = AbOptions { dir, results: Some(jsonl.clone()), ..AbOptions::default() };
    let t0 = std::time::Instant::now();
    let r = run_ab(&opts, &perfpilot_report::NoProgress).map_err(|e| format!("kernel ab: {e}"))?;
    let wall_s = t0.elapsed().as_secs_f64();
    if !r.gate_passed || !r.failures.is_empty() || r.shapes.is_empty() {
        return Err(format!("kernel ab {rel}: {}", r.outcome.reason));
    }
    let weights: BTreeMap<String, f64> =
        r.shapes.iter().map(|s| (s.id.clone(), s.weight)).collect();
    let runs = trial_ratios(&jsonl, &weights)?;
    let outcome = format!(
        "{} ({})",
        r.outcome.verdict.map_or("none".to_string(), |v| v.to_string()),
        r.outcome.reason
    );
    Ok(KernelRun { runs, outcome, wall_s })
}

/// Per trial, the weighted geomean over shapes of candidate/baseline median time, from
/// the `run` records of a `kernel ab` JSONL.
pub fn trial_ratios(
    jsonl: &Path,
    weights: &BTreeMap<String, f64>,
) -> Result<Vec<Vec<f64>>, String> {
    let text = perfpilot_io::read_to_string_bounded(jsonl)
        .map_err(|e| format!("{}: {e}", jsonl.display()))?;
    // (trial, shape) -> (baseline median, candidate median)
    let mut cells: BTreeMap<(u64, String), (Option<f64>, Option<f64>)> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("{} line {}: not JSON: {e}", jsonl.display(), i + 1))?;
        if v.get("type").and_then(|t| t.as_str()) != Some("run") {
            continue;
        }
        let (Some(shape), Some(side), Some(trial), Some(samples)) = (
            v.get("shape").and_then(|x| x.as_str()),
            v.get("side").and_then(|x| x.as_str()),
            v.get("trial").and_then(|x| x.as_u64()),
            v.get("samples_us").and_then(|x| x.as_array()),
        ) else {
            continue;
        };
        let xs: Vec<f64> = samples.iter().filter_map(|x| x.as_f64()).collect();
        let Some(m) = Statistic::Median.of(&xs) else { continue };
        let cell = cells.entry((trial, shape.to_string())).or_default();
        match side {
            "baseline" => cell.0 = Some(m),
            "candidate" => cell.1 = Some(m),
            _ => {}
        }
    }
    let mut per_trial: BTreeMap<u64, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for ((trial, shape), (b, c)) in cells {
        if let (Some(b), Some(c), Some(w)) = (b, c, weights.get(&shape))
            && b > 0.0
        {
            let e = per_trial.entry(trial).or_default();
            e.0.push(c / b);
            e.1.push(*w);
        }
    }
    let runs: Vec<Vec<f64>> = per_trial
        .into_values()
        .filter(|(v, _)| v.len() == weights.len())
        .filter_map(|(v, w)| geomean(&v, &w))
        .map(|g| vec![g])
        .collect();
    if runs.is_empty() {
        return Err(format!("{}: no trial timed both sides of every shape", jsonl.display()));
    }
    Ok(runs)
}
