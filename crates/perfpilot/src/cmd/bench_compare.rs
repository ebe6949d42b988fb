//! `perfpilot bench compare`: result files (one against another, or a group of runs
//! against another group), or two live servers run interleaved (`--run A B`), judged by
//! the shared statistics engine.

use std::path::PathBuf;
use std::process::ExitCode;

use perfpilot_bench::CompareOptions;
use perfpilot_report::{TerminalProgress, Warning};

use super::{ServeArgs, compare_envelope, serve_setup};
use crate::output::emit;

/// Arguments of `perfpilot bench compare`.
#[derive(clap::Args, Debug)]
pub(super) struct CompareArgs {
    /// Result files: the first is the baseline and each other one a candidate; with
    /// --vs, these are the baseline group.
    inputs: Vec<PathBuf>,
    /// The baseline group (the same as listing its files before --vs).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    group: Vec<PathBuf>,
    /// The candidate group: compared as a whole with the baseline group (hierarchical
    /// bootstrap when each side has at least 3 runs).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    vs: Vec<PathBuf>,
    /// Benchmark two servers interleaved (rounds A B, B A, A B, … for --repeats rounds,
    /// each round with its own prompt seed) with the `bench serve` flags given, then
    /// compare the rounds paired (as --paired).
    #[arg(long, num_args = 2, value_names = ["URL_A", "URL_B"])]
    run: Vec<String>,
    /// The files of --group and --vs are interleaved rounds in order (run i of one side
    /// ran next to run i of the other): resample whole rounds, so a slow spell of the
    /// machine that both runs of a round share cancels.
    #[arg(long)]
    paired: bool,
    /// Where --run writes its result files (default: a new directory under the system
    /// temporary directory).
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Smallest change that matters, percent (`2` or `2%`).
    #[arg(long, default_value = "2", value_name = "PCT")]
    threshold: String,
    /// A metric whose SLOWER verdict exits 1 (repeatable; default ttft_ms.median and
    /// tpot_ms.median).
    #[arg(long = "key-metric", value_name = "METRIC")]
    key_metrics: Vec<String>,
    /// Largest difference of prefix-cache hit rates still called fair, percentage points.
    #[arg(long, default_value_t = 5.0, value_name = "POINTS")]
    cache_tolerance: f64,
    /// Compare even when fairness settings or cache-hit rates differ (a loud warning
    /// instead of a refusal).
    #[arg(long)]
    allow_unfair: bool,
    #[command(flatten)]
    serve: ServeArgs,
}

fn percent(s: &str) -> anyhow::Result<f64> {
    let t = s.trim().trim_end_matches('%');
    let v: f64 =
        t.parse().map_err(|_| anyhow::anyhow!("--threshold: `{s}` is not a percentage"))?;
    if !(0.0..100.0).contains(&v) {
        anyhow::bail!("--threshold: {v}% is outside [0, 100)");
    }
    Ok(v / 100.0)
}

/// Run `perfpilot bench compare`.
pub(super) fn compare(a: CompareArgs) -> anyhow::Result<ExitCode> {
    let mut inputs = a.group.clone();
    inputs.extend(a.inputs.iter().cloned());
    let mut opts = CompareOptions::new(inputs);
    opts.vs = a.vs.clone();
    opts.allow_unfair = a.allow_unfair;
    opts.paired = a.paired;
    opts.threshold = percent(&a.threshold)?;
    opts.cache_tolerance = a.cache_tolerance / 100.0;
    if !a.key_metrics.is_empty() {
        opts.key_metrics = a.key_metrics.clone();
    }
    let mut warnings = Vec::new();
    if !a.run.is_empty() {
        if !opts.inputs.is_empty() || !opts.vs.is_empty() {
            anyhow::bail!("--run benchmarks two servers: give no result files with it");
        }
        if a.serve.url.is_some() || a.serve.output.is_some() {
            anyhow::bail!(
                "--run takes the two URLs itself (no --url) and writes into --output-dir (no --output)"
            );
        }
        let (base, cand, dir) = run_interleaved(&a)?;
        warnings.push(Warning::new(
            "interleaved-runs",
            format!(
                "ran {} rounds A, B interleaved; result files in {}",
                base.len(),
                dir.display()
            ),
        ));
        opts.inputs = base;
        opts.vs = cand;
        opts.paired = true;
    }
    let report = perfpilot_bench::compare(&opts)?;
    let mut env = compare_envelope(&opts, report);
    env.warnings.extend(warnings);
    emit(&env, &a.serve.out)
}

/// `--run A B`: rounds of both servers, A first in odd rounds and B first in even ones
/// (A B, B A, A B, …: a drift of the machine favours neither side), round r using the
/// seed plus r unless --same-prompts; each run a single `bench serve` run with its own
/// warmup and cache flush.
fn run_interleaved(a: &CompareArgs) -> anyhow::Result<(Vec<PathBuf>, Vec<PathBuf>, PathBuf)> {
    let dir = match &a.output_dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("perfpilot-compare-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let rounds = a.serve.repeats.max(1);
    let (mut base, mut cand) = (Vec::new(), Vec::new());
    for r in 0..rounds {
        let order = [("a", &a.run[0]), ("b", &a.run[1])];
        let order = if r % 2 == 0 { order } else { [order[1], order[0]] };
        for (side, url) in order {
            let (mut opts, _sim, _w) = serve_setup(&a.serve, Some(url.clone()))?;
            opts.repeats = 1;
            if !a.serve.same_prompts {
                opts.seed = opts.seed.wrapping_add(u64::from(r));
            }
            let path = dir.join(format!("{side}{}.json", r + 1));
            opts.output = Some(path.clone());
            let progress = TerminalProgress::new(&format!("{side}{}/{rounds} requests", r + 1));
            let result = perfpilot_bench::serve(&opts, &progress)?;
            if result.status == perfpilot_workload::RunStatus::Interrupted {
                anyhow::bail!(
                    "interrupted during round {} ({side}); results so far in {}",
                    r + 1,
                    dir.display()
                );
            }
            if side == "a" { base.push(path) } else { cand.push(path) }
        }
    }
    Ok((base, cand, dir))
}
