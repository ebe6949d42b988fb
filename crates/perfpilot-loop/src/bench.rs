//! The pinned benchmark: its configuration hash (benchmark alignment) and one
//! measurement (`repeats` runs of the command, each printing `METRIC=VALUE` samples).

use std::path::Path;
use std::time::Duration;

use perfpilot_kernel::runner;
use perfpilot_stats::{Spread, Statistic};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::LoopError;
use crate::git;
use crate::plan::{BenchKind, Benchmark};

/// One measurement: the samples of every run, the median of the pooled samples and the
/// spread of the per-run medians (the run-to-run noise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Measurement {
    /// Samples per run.
    pub runs: Vec<Vec<f64>>,
    /// Median of all samples.
    pub median: f64,
    /// Spread of the per-run medians.
    pub spread: Spread,
    /// Wall-clock seconds of all runs.
    pub wall_s: f64,
}

/// The hash that pins the benchmark: its command and the blob ids of its configuration
/// files at `commit` (a file that is missing hashes as `missing`).
pub fn config_hash(repo: &Path, bench: &Benchmark, commit: &str) -> Result<String, LoopError> {
    let mut text = format!(
        "perfpilot.loop.bench/1\ncommand\0{}\nrepeats\0{}\nthreshold\0{}\n",
        bench.command, bench.repeats, bench.threshold
    );
    if !bench.kind.is_command() {
        text.push_str(&format!(
            "kind\0{}\nspec\0{}\n",
            bench.kind.as_str(),
            bench.spec.as_deref().unwrap_or("")
        ));
    }
    let mut files = bench.config_files.clone();
    files.sort();
    for f in &files {
        text.push_str(&format!("file\0{f}\0{}\n", git::blob_id(repo, commit, f)));
    }
    git::hash_text(repo, &text)
}

/// Parse the `METRIC=VALUE` samples out of a run's stdout lines.
pub fn parse_samples(lines: &[String], metric: &str) -> Vec<f64> {
    lines
        .iter()
        .filter_map(|l| {
            let (k, v) = l.trim().split_once('=')?;
            (k.trim() == metric).then(|| v.trim().parse::<f64>().ok()).flatten()
        })
        .filter(|x| x.is_finite())
        .collect()
}

/// One measurement of the pinned benchmark in `tree` (scratch files under `work`): the
/// command `repeats` times, or one library run (`bench serve` with its repeats, `kernel
/// ab` with its trials); an error describes the failing run.
pub fn measure(
    bench: &Benchmark,
    metric: &str,
    tree: &Path,
    work: &Path,
    env: &[(String, String)],
) -> Result<Measurement, String> {
    let spec = bench.spec.as_deref().unwrap_or("");
    match bench.kind {
        BenchKind::Command => measure_command(bench, metric, tree, env),
        BenchKind::BenchServe => {
            let (runs, wall_s) = crate::serve_bench::run(spec, metric, work)?;
            measurement(runs, wall_s)
        }
        BenchKind::SweepWinner => {
            let (runs, wall_s) = crate::sweep_bench::run(spec, metric, tree, work)?;
            measurement(runs, wall_s)
        }
        BenchKind::KernelAb => {
            let k = crate::kernel_bench::run(spec, tree, work)?;
            measurement(k.runs, k.wall_s)
        }
    }
}

/// A measurement from its runs: pooled median, spread of the per-run medians.
pub fn measurement(runs: Vec<Vec<f64>>, wall_s: f64) -> Result<Measurement, String> {
    let all: Vec<f64> = runs.iter().flatten().copied().collect();
    let median = Statistic::Median.of(&all).ok_or("no finite sample")?;
    let per_run: Vec<f64> = runs.iter().filter_map(|r| Statistic::Median.of(r)).collect();
    let spread = Spread::of(&per_run).ok_or("no finite sample")?;
    Ok(Measurement { runs, median, spread, wall_s })
}

fn measure_command(
    bench: &Benchmark,
    metric: &str,
    tree: &Path,
    env: &[(String, String)],
) -> Result<Measurement, String> {
    let mut runs = Vec::new();
    let mut wall_s = 0.0;
    for i in 0..bench.repeats {
        let r = runner::run(&bench.command, tree, env, Duration::from_secs_f64(bench.timeout_s))
            .map_err(|e| format!("cannot start the benchmark: {e}"))?;
        wall_s += r.wall_s;
        if !r.exit.ok() {
            return Err(format!(
                "benchmark run {} of {} {}: {}",
                i + 1,
                bench.repeats,
                r.exit.describe(bench.timeout_s),
                r.stderr_tail.trim()
            ));
        }
        let samples = parse_samples(&r.stdout, metric);
        if samples.is_empty() {
            return Err(format!(
                "benchmark run {} of {} printed no `{metric}=VALUE` line",
                i + 1,
                bench.repeats
            ));
        }
        runs.push(samples);
    }
    measurement(runs, wall_s)
}

/// Run one shell command in `tree` (acceptance tests, implementing and reviewing
/// commands); `(exit ok, description, stdout)`.
pub fn run_command(
    command: &str,
    tree: &Path,
    env: &[(String, String)],
    timeout_s: f64,
) -> (bool, String, Vec<String>) {
    match runner::run(command, tree, env, Duration::from_secs_f64(timeout_s)) {
        Ok(r) => (r.exit.ok(), r.exit.describe(timeout_s), r.stdout),
        Err(e) => (false, format!("cannot start: {e}"), Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_only_of_the_metric() {
        let lines: Vec<String> =
            ["time_ms=1.5", "other=3", " time_ms = 2.5 ", "time_ms=nan", "time_ms=x", "noise"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        assert_eq!(parse_samples(&lines, "time_ms"), vec![1.5, 2.5]);
    }
}
