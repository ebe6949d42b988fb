//! `perfpilot bench sweep PLAN` (launch candidates, find the highest SLA-meeting rate,
//! rank), and `bench sweep validate|render|status`.

use std::path::PathBuf;
use std::process::ExitCode;

use perfpilot_report::{EXIT_BAD_INPUT, Envelope, InputRef, TerminalProgress, Warning};
use perfpilot_sweep::{PlanReport, Rules, Severity, SweepError, SweepOptions, check_plan};

use crate::output::{OutputArgs, emit};

/// Arguments of `perfpilot bench sweep`.
#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<SweepCommand>,
    /// The plan (YAML: SGLang v1 cookbook keys plus launch keys; see docs/sweep.md).
    #[arg(value_name = "PLAN", required = true)]
    plan: Option<PathBuf>,
    /// Output folder (default: benchmark.output_dir of the plan, else ./sweep-out).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Continue a sweep from its live_results.jsonl: finished rows are not rerun, and
    /// servers left by a killed run are killed first.
    #[arg(long)]
    resume: bool,
    /// Rerun the top two candidates per framework and scenario N times; the statistics
    /// engine says whether the winner is ahead beyond noise or tied.
    #[arg(long, default_value_t = 0, value_name = "N")]
    repeats: u32,
    /// List the candidates (baseline and stage 1) with their argv and stage 2's rule;
    /// start nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    rules: RulesArg,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct RulesArg {
    /// Framework rules (TOML) replacing the built-in ones.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
}

impl RulesArg {
    fn load(&self) -> Result<Rules, SweepError> {
        match &self.rules {
            Some(p) => Rules::from_file(p),
            None => Rules::builtin(),
        }
    }
}

#[derive(clap::Subcommand, Debug)]
enum SweepCommand {
    /// Check a plan: every problem with its YAML line (exit 2 when there is an error).
    Validate(PlanArgs),
    /// Print each planned candidate's exact argv and why it exists.
    Render(PlanArgs),
    /// A sweep's status and summary, read from its output folder (starts nothing).
    Status(StatusArgs),
    /// The dry-run plan: candidates with their argv and an upper bound of the work
    /// (server starts, searches, probes, requests) per framework; starts nothing.
    Plan(PlanWorkArgs),
}

#[derive(clap::Args, Debug)]
struct PlanWorkArgs {
    /// The plan.
    plan: PathBuf,
    /// The --repeats the bound assumes.
    #[arg(long, default_value_t = 0, value_name = "N")]
    repeats: u32,
    #[command(flatten)]
    rules: RulesArg,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct PlanArgs {
    /// The plan.
    plan: PathBuf,
    #[command(flatten)]
    rules: RulesArg,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct StatusArgs {
    /// The plan the sweep ran.
    plan: PathBuf,
    /// The sweep's output folder.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    rules: RulesArg,
    #[command(flatten)]
    output: OutputArgs,
}

/// Run `perfpilot bench sweep`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Some(SweepCommand::Validate(a)) => plan_cmd(&a, false),
        Some(SweepCommand::Render(a)) => plan_cmd(&a, true),
        Some(SweepCommand::Status(a)) => status(&a),
        Some(SweepCommand::Plan(a)) => plan_work(&a),
        None => sweep(args),
    }
}

/// The envelope of a plan report (CLI and MCP): problems as warnings too.
pub(crate) fn plan_envelope(command: &str, report: PlanReport) -> Envelope<PlanReport> {
    let warnings = report
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .map(|p| Warning::new("plan", p.to_string()))
        .collect();
    let inputs = vec![InputRef::file("plan", &report.plan)];
    Envelope::new(command, report).with_inputs(inputs).with_warnings(warnings)
}

fn emit_plan(command: &str, report: PlanReport, out: &OutputArgs) -> anyhow::Result<ExitCode> {
    let bad = !report.ok;
    let code = emit(&plan_envelope(command, report), out)?;
    Ok(if bad { ExitCode::from(EXIT_BAD_INPUT) } else { code })
}

fn plan_cmd(a: &PlanArgs, show: bool) -> anyhow::Result<ExitCode> {
    let (_, report) = check_plan(&a.plan, &a.rules.load()?, show)?;
    emit_plan(if show { "bench sweep render" } else { "bench sweep validate" }, report, &a.output)
}

/// The envelope of `bench sweep plan` (CLI and MCP).
pub(crate) fn plan_work_envelope(
    plan: &std::path::Path,
    rules: &Rules,
    repeats: u32,
) -> anyhow::Result<Envelope<perfpilot_sweep::SweepPlan>> {
    let (loaded, report) = check_plan(plan, rules, true)?;
    let work = match &loaded.plan {
        Some(p) => perfpilot_sweep::plan_work(p, report, repeats),
        None => perfpilot_sweep::SweepPlan {
            plan: report,
            repeats,
            frameworks: Vec::new(),
            total: perfpilot_sweep::Work::default(),
        },
    };
    Ok(Envelope::new("bench sweep plan", work).with_inputs(vec![InputRef::file("plan", plan)]))
}

fn plan_work(a: &PlanWorkArgs) -> anyhow::Result<ExitCode> {
    let env = plan_work_envelope(&a.plan, &a.rules.load()?, a.repeats)?;
    let bad = !env.result.plan.ok;
    let code = emit(&env, &a.output)?;
    Ok(if bad { ExitCode::from(EXIT_BAD_INPUT) } else { code })
}

fn status(a: &StatusArgs) -> anyhow::Result<ExitCode> {
    let (loaded, report) = check_plan(&a.plan, &a.rules.load()?, false)?;
    let Some(plan) = loaded.plan else {
        return emit_plan("bench sweep validate", report, &a.output);
    };
    let r = perfpilot_sweep::status(&plan, &a.out)?;
    let env = Envelope::new("bench sweep", r).with_inputs(vec![InputRef::file("plan", &a.plan)]);
    emit(&env, &a.output)
}

fn sweep(args: Args) -> anyhow::Result<ExitCode> {
    let Some(plan) = args.plan.clone() else {
        anyhow::bail!("`bench sweep` needs a PLAN");
    };
    let rules = args.rules.load()?;
    let (_, report) = check_plan(&plan, &rules, args.dry_run)?;
    if args.dry_run || !report.ok {
        return emit_plan(
            if args.dry_run { "bench sweep --dry-run" } else { "bench sweep" },
            report,
            &args.output,
        );
    }
    perfpilot_sweep::process::install_interrupt_handler();
    let opts = SweepOptions {
        plan: plan.clone(),
        out: args.out.clone(),
        resume: args.resume,
        repeats: args.repeats,
        rules,
    };
    // A bar with an ETA on a terminal (stderr only): one unit per search or repeat block.
    let progress = TerminalProgress::new("searches");
    let result = perfpilot_sweep::run_sweep(&opts, &progress);
    perfpilot_report::Progress::finish(&progress);
    let result = result?;
    let warnings: Vec<Warning> = result
        .failed
        .iter()
        .map(|f| Warning::new("candidate-failed", format!("{}: {}", f.id, f.failure_reason)))
        .collect();
    let env = Envelope::new("bench sweep", result)
        .with_inputs(vec![InputRef::file("plan", &plan)])
        .with_warnings(warnings);
    emit(&env, &args.output)
}
