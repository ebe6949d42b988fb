//! `perfpilot loop {init,round,replan,status,review,report}`: the optimisation loop
//! (`perfpilot-loop`). Thin: parse, call the library, render.

use std::path::PathBuf;
use std::process::ExitCode;

use perfpilot_loop::plan::StopSettings;
use perfpilot_loop::{InitOptions, ReviewOptions, RoundOptions};
use perfpilot_report::{Envelope, InputRef};
use perfpilot_stats::Better;

use crate::output::{OutputArgs, emit};

/// Arguments of `perfpilot loop`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: LoopCommand,
}

#[derive(clap::Subcommand, Debug)]
enum LoopCommand {
    /// Write the plan (plan.toml, plan.md), measure the baseline, freeze the plan.
    Init(Box<InitArgs>),
    /// Gate, measure and judge one candidate against the best so far; apply the stop rules.
    Round(RoundArgs),
    /// Accept an edited plan.toml after recording why (the benchmark stays pinned).
    Replan(ReplanArgs),
    /// Where the loop stands: baseline, best, rounds, stall count, stop decision.
    Status(DirArgs),
    /// The review checklist of a round's diff, its reviewer findings, and answers.
    Review(ReviewArgs),
    /// The PR description written from the ledgers, with the numbers.
    Report(ReportArgs),
}

#[derive(clap::ValueEnum, Debug, Clone, Copy)]
enum BetterArg {
    Lower,
    Higher,
}

#[derive(clap::Args, Debug)]
struct InitArgs {
    /// State directory (created; must not hold a loop yet).
    dir: PathBuf,
    /// The goal, one statement.
    #[arg(long)]
    goal: String,
    /// The target, METRIC=VALUE (the benchmark prints METRIC=VALUE lines).
    #[arg(long, value_name = "METRIC=VALUE")]
    target: String,
    /// Whether lower (latency, time) or higher (throughput) is better (default lower; a
    /// `--from-bench` or `--kernel-task` metric decides it).
    #[arg(long, value_enum)]
    better: Option<BetterArg>,
    /// The benchmark command (`sh -c`, run in an export of each candidate's tree).
    #[arg(long, value_name = "CMD", required_unless_present_any = ["from_bench", "kernel_task", "from_sweep"], conflicts_with_all = ["from_bench", "kernel_task", "from_sweep"])]
    bench: Option<String>,
    /// Pin a `perfpilot bench serve --repeats N` result (N >= 3) as the baseline: its
    /// recorded settings are re-run through the benchmark library every round.
    #[arg(long, value_name = "RESULT.json", conflicts_with_all = ["kernel_task", "from_sweep"])]
    from_bench: Option<PathBuf>,
    /// Pin a `perfpilot bench sweep` summary's winner: every measurement (the baseline at
    /// init, then each round) starts its server command in the candidate's tree and runs
    /// the winner probe's `bench serve` workload with --repeats (at least 3).
    #[arg(long, value_name = "SUMMARY.json", conflicts_with = "kernel_task")]
    from_sweep: Option<PathBuf>,
    /// The sweep plan of --from-sweep (default: the summary's `plan`, found as written or
    /// relative to the folder the sweep ran in).
    #[arg(long, value_name = "PLAN.yaml", requires = "from_sweep")]
    sweep_plan: Option<PathBuf>,
    /// Which winner of --from-sweep (`framework/scenario`) when the sweep has several.
    #[arg(long, value_name = "ID", requires = "from_sweep")]
    winner: Option<String>,
    /// Pin `perfpilot kernel ab` on this task directory (inside the repository); the
    /// metric is `kernel_time_ratio` (candidate / baseline time).
    #[arg(long, value_name = "DIR")]
    kernel_task: Option<PathBuf>,
    /// A file of the benchmark's configuration (relative to the repository; repeatable):
    /// its content is part of the pinned hash.
    #[arg(long = "bench-config", value_name = "FILE")]
    bench_config: Vec<String>,
    /// Benchmark runs per measurement.
    #[arg(long, default_value_t = 5)]
    repeats: u32,
    /// Practical threshold of a verdict (fraction: 0.02 = 2%).
    #[arg(long, default_value_t = 0.02)]
    threshold: f64,
    /// Seconds one benchmark or test run may take.
    #[arg(long = "timeout", default_value_t = 600.0, value_name = "SECONDS")]
    timeout_s: f64,
    /// An acceptance test expected to pass (repeatable; AC-2, AC-3, …).
    #[arg(long = "test", value_name = "CMD")]
    tests: Vec<String>,
    /// An acceptance test expected to fail, paired with the --test of the same position.
    #[arg(long = "negative-test", value_name = "CMD")]
    negative_tests: Vec<String>,
    /// A path prefix candidates may change (repeatable; none: everything not forbidden).
    #[arg(long = "allow", value_name = "PATH")]
    allowed: Vec<String>,
    /// A path prefix candidates must not change (repeatable).
    #[arg(long = "forbid", value_name = "PATH")]
    forbidden: Vec<String>,
    /// The repository (any directory inside it).
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// The baseline revision.
    #[arg(long, default_value = "HEAD", value_name = "REV")]
    baseline: String,
    /// Stalled rounds in a row before a drift-recovery round.
    #[arg(long, default_value_t = 2)]
    replan_after_stalls: u32,
    /// Stalled rounds in a row before the loop stops.
    #[arg(long, default_value_t = 3)]
    stop_after_stalls: u32,
    /// Most rounds.
    #[arg(long, default_value_t = 42)]
    max_rounds: u32,
    /// Time budget from init, seconds (0: none).
    #[arg(long, default_value_t = 0)]
    time_budget: u64,
    /// Findings `[P0]`..`[Pn]` with n at most this block the next round until answered.
    #[arg(long, default_value_t = 1)]
    blocking_severity: u8,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct RoundArgs {
    /// State directory.
    dir: PathBuf,
    /// Candidate revision (default: HEAD, after --implement).
    #[arg(long, value_name = "REV")]
    candidate: Option<String>,
    /// Implementing command run in the repository first (PERFPILOT_LOOP_PROMPT names the
    /// prompt: plan.md, or the drift-recovery prompt); it must leave a clean, committed tree.
    #[arg(long, value_name = "CMD")]
    implement: Option<String>,
    /// Reviewing command; its stdout must follow the verdict grammar
    /// (`Mainline Progress Verdict: …`, `[P0]`..`[P9]` findings, last line COMPLETE/STOP).
    #[arg(long, value_name = "CMD")]
    review: Option<String>,
    /// Seconds the implementing and reviewing commands may run.
    #[arg(long, default_value_t = 3600.0, value_name = "SECONDS")]
    command_timeout: f64,
    /// A torch-profiler trace of the candidate: its `trace triage` digest is recorded.
    #[arg(long, value_name = "TRACE")]
    profile: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct ReplanArgs {
    /// State directory.
    dir: PathBuf,
    /// Why the plan changes (recorded in the state and journal).
    #[arg(long)]
    why: String,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct DirArgs {
    /// State directory.
    dir: PathBuf,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct ReviewArgs {
    /// State directory (not needed with --diff).
    #[arg(required_unless_present = "diff")]
    dir: Option<PathBuf>,
    /// Review a unified diff file (an upstream PR's .diff, `git diff` output) instead of a
    /// loop's round: the checklist with the lines touching each item; nothing is recorded.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["round", "answers"])]
    diff: Option<PathBuf>,
    /// Round (default: the last).
    #[arg(long)]
    round: Option<u32>,
    /// Record an answer, ID=TEXT (a checklist item id or a finding id; repeatable).
    #[arg(long = "answer", value_name = "ID=TEXT")]
    answers: Vec<String>,
    /// A checklist (perfpilot.loop.checklist/1 TOML) replacing the built-in one.
    #[arg(long, value_name = "FILE")]
    checklist: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct ReportArgs {
    /// State directory.
    dir: PathBuf,
    /// A checklist (perfpilot.loop.checklist/1 TOML) replacing the built-in one.
    #[arg(long, value_name = "FILE")]
    checklist: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

fn state_inputs(dir: &std::path::Path) -> Vec<InputRef> {
    vec![
        InputRef::file("plan", dir.join("plan.toml")),
        InputRef::file("state", dir.join("state.json")),
    ]
}

/// Run `perfpilot loop`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        LoopCommand::Init(a) => {
            let opts = InitOptions {
                dir: a.dir.clone(),
                repo: a.repo.clone(),
                goal: a.goal.clone(),
                target: a.target.clone(),
                better: a.better.map(|b| match b {
                    BetterArg::Lower => Better::Lower,
                    BetterArg::Higher => Better::Higher,
                }),
                bench: a.bench.clone(),
                from_bench: a.from_bench.clone(),
                kernel_task: a.kernel_task.clone(),
                from_sweep: a.from_sweep.clone().map(|summary| {
                    perfpilot_loop::sweep_bench::SweepSource {
                        summary,
                        plan: a.sweep_plan.clone(),
                        winner: a.winner.clone(),
                    }
                }),
                bench_config: a.bench_config.clone(),
                repeats: a.repeats,
                threshold: a.threshold,
                timeout_s: a.timeout_s,
                tests: a.tests.clone(),
                negative_tests: a.negative_tests.clone(),
                allowed: a.allowed.clone(),
                forbidden: a.forbidden.clone(),
                baseline: a.baseline.clone(),
                stop: StopSettings {
                    replan_after_stalls: a.replan_after_stalls,
                    stop_after_stalls: a.stop_after_stalls,
                    max_rounds: a.max_rounds,
                    time_budget_s: a.time_budget,
                    blocking_severity: a.blocking_severity,
                },
            };
            let r = perfpilot_loop::init_loop(&opts)?;
            let mut inputs: Vec<InputRef> = Vec::new();
            inputs.extend(a.from_bench.iter().map(|f| InputRef::file("bench_result", f)));
            inputs.extend(a.from_sweep.iter().map(|f| InputRef::file("sweep_summary", f)));
            inputs.extend(
                a.kernel_task.iter().map(|d| InputRef::file("kernel_task", d.join("task.toml"))),
            );
            emit(&Envelope::new("loop init", r).with_inputs(inputs), &a.output)
        }
        LoopCommand::Round(a) => {
            let opts = RoundOptions {
                dir: a.dir.clone(),
                candidate: a.candidate,
                implement: a.implement,
                review: a.review,
                command_timeout_s: a.command_timeout,
                profile: a.profile,
            };
            let r = perfpilot_loop::run_round(&opts)?;
            emit(&Envelope::new("loop round", r).with_inputs(state_inputs(&a.dir)), &a.output)
        }
        LoopCommand::Replan(a) => {
            let r = perfpilot_loop::replan(&a.dir, &a.why)?;
            emit(&Envelope::new("loop replan", r).with_inputs(state_inputs(&a.dir)), &a.output)
        }
        LoopCommand::Status(a) => emit(&status_envelope(&a.dir)?, &a.output),
        LoopCommand::Review(a) => {
            let opts = ReviewOptions {
                dir: a.dir.unwrap_or_default(),
                round: a.round,
                answers: a.answers,
                checklist: a.checklist,
                diff: a.diff,
            };
            emit(&review_envelope(&opts)?, &a.output)
        }
        LoopCommand::Report(a) => {
            emit(&report_envelope(&a.dir, a.checklist.as_deref())?, &a.output)
        }
    }
}

/// The envelope of `loop status` (CLI and MCP).
pub(crate) fn status_envelope(
    dir: &std::path::Path,
) -> anyhow::Result<Envelope<perfpilot_loop::StatusReport>> {
    let r = perfpilot_loop::loop_status(dir)?;
    Ok(Envelope::new("loop status", r).with_inputs(state_inputs(dir)))
}

/// The envelope of `loop review` (CLI and MCP).
pub(crate) fn review_envelope(
    opts: &ReviewOptions,
) -> anyhow::Result<Envelope<perfpilot_loop::ReviewReport>> {
    let r = perfpilot_loop::run_review(opts)?;
    let mut inputs = match &opts.diff {
        Some(d) => vec![InputRef::file("diff", d)],
        None => state_inputs(&opts.dir),
    };
    inputs.extend(opts.checklist.iter().map(|c| InputRef::file("checklist", c)));
    Ok(Envelope::new("loop review", r).with_inputs(inputs))
}

/// The envelope of `loop report` (CLI and MCP).
pub(crate) fn report_envelope(
    dir: &std::path::Path,
    checklist: Option<&std::path::Path>,
) -> anyhow::Result<Envelope<perfpilot_loop::PrReport>> {
    let r = perfpilot_loop::pr_report(dir, checklist)?;
    let mut inputs = state_inputs(dir);
    inputs.extend(checklist.map(|c| InputRef::file("checklist", c)));
    Ok(Envelope::new("loop report", r).with_inputs(inputs))
}
