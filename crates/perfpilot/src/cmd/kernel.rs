//! `perfpilot kernel {init,check,calibrate,ab,results,ncu,flags,dispatch,note,wiki}`: the
//! kernel A/B harness, profile digest, flag parity, dispatch tables and ledger
//! (`perfpilot-kernel`). Thin: parse, call the library, render.

use std::path::PathBuf;
use std::process::ExitCode;

use perfpilot_kernel::session::TimingOverrides;
use perfpilot_kernel::{
    AbOptions, AbReport, CalibrateOptions, CheckOptions, DispatchOptions, DispatchReport,
    FlagsOptions, FlagsReport, InitOptions, NcuOptions, NcuReport, NoteOptions, ResultsOptions,
    WikiOptions, WikiReport,
};
use perfpilot_report::{Envelope, InputRef, TerminalProgress};

use crate::output::{OutputArgs, emit};

/// Arguments of `perfpilot kernel`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: KernelCommand,
}

#[derive(clap::Subcommand, Debug)]
enum KernelCommand {
    /// Write a documented task.toml and a runnable example (baseline.c, candidate.c).
    Init(InitArgs),
    /// Validate DIR/task.toml and check the candidate's diff stays inside allowed_paths.
    Check(CheckArgs),
    /// A/A run of the baseline; stores the measured noise in DIR/calibration.json.
    Calibrate(CalibrateArgs),
    /// Build, gate correctness, then time baseline vs candidate (ABBA) and judge.
    Ab(AbArgs),
    /// Show the last finished `kernel ab` of DIR from its JSONL record.
    Results(ResultsArgs),
    /// Digest `ncu --csv` exports: per kernel the bound type by NCU's SOL rule and the one
    /// next edit; two reports = baseline vs candidate side by side.
    Ncu(NcuArgs),
    /// Compare the build flags of baseline and candidate (compile_commands.json,
    /// build.ninja, Triton metadata, command lines): numerics/speed flags on one side only
    /// fail.
    Flags(FlagsArgs),
    /// Turn DIR's last `kernel ab` over many shapes into a dispatch table: thresholds on one
    /// dimension, evidence per range, Rust/C++/Python snippets.
    Dispatch(DispatchArgs),
    /// Append a claim (kernel, GPU, dtype, shape, metric, value, source, date) to the global
    /// kernel ledger and, with --task, to the task's copy.
    Note(NoteArgs),
    /// Find ledger claims by kernel, GPU, dtype or shape (`gpu:h100 shape:n=4096 rmsnorm`).
    Wiki(WikiArgs),
}

#[derive(clap::Args, Debug)]
struct NoteArgs {
    /// Kernel (or task) name.
    #[arg(long)]
    kernel: String,
    /// GPU or device.
    #[arg(long)]
    gpu: String,
    /// dtype.
    #[arg(long)]
    dtype: String,
    /// Shape (an id and/or name=value dimensions).
    #[arg(long)]
    shape: String,
    /// Metric (speedup, median_us, dram_pct, …).
    #[arg(long)]
    metric: String,
    /// Value.
    #[arg(long, allow_negative_numbers = true)]
    value: f64,
    /// Where the claim comes from (a results file, a PR, a profile).
    #[arg(long)]
    source: String,
    /// Date YYYY-MM-DD (default today, UTC).
    #[arg(long, default_value = "")]
    date: String,
    /// Task directory whose copy (DIR/ledger.jsonl) also gets the claim.
    #[arg(long, value_name = "DIR")]
    task: Option<PathBuf>,
    /// Global ledger (default $XDG_DATA_HOME/perfpilot/kernel-ledger.jsonl).
    #[arg(long, value_name = "FILE")]
    ledger: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct WikiArgs {
    /// Terms that must all match: field:value (kernel, gpu, dtype, shape, metric, source)
    /// or a bare term (kernel, gpu, dtype, shape or metric).
    #[arg(value_name = "QUERY")]
    query: Vec<String>,
    /// Ledger to search (default the global one).
    #[arg(long, value_name = "FILE")]
    ledger: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct DispatchArgs {
    /// Task directory (task.toml gives the shapes' dimensions).
    dir: PathBuf,
    /// JSONL record of the A/B (default DIR/results.jsonl).
    #[arg(long, value_name = "FILE")]
    results: Option<PathBuf>,
    /// Dimension to split on (default: the one that separates the winners best).
    #[arg(long, value_name = "NAME")]
    dim: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct FlagsArgs {
    /// Baseline build: compile_commands.json, build.ninja, Triton metadata JSON, a file of
    /// compiler command lines, or one quoted command line.
    #[arg(value_name = "A")]
    baseline: String,
    /// Candidate build, in any of the same forms.
    #[arg(value_name = "B")]
    candidate: String,
    /// Rules file (perfpilot.kernel.flag-rules/1 TOML) replacing the built-in one.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct NcuArgs {
    /// `ncu --csv` exports (`--page details` or `--page raw`); two = baseline, candidate.
    #[arg(required = true, value_name = "REPORT.csv")]
    reports: Vec<PathBuf>,
    /// Rules file (perfpilot.kernel.ncu-rules/1 TOML) replacing the built-in one.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// SMs of the profiled GPU (for waves per SM when the export lacks them).
    #[arg(long, value_name = "N")]
    sm_count: Option<u32>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct InitArgs {
    /// Task directory (created when missing).
    dir: PathBuf,
    /// Overwrite an existing task.toml.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// Task directory.
    dir: PathBuf,
    /// Revision the boundary is diffed against.
    #[arg(long, default_value = "HEAD", value_name = "REV")]
    base: String,
    /// Tolerance table (perfpilot.kernel.tolerances/1 TOML) replacing built-in rows.
    #[arg(long, value_name = "FILE")]
    tolerances: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug, Clone)]
struct TimingArgs {
    /// Warm-up iterations per process (default: task.toml, else 10).
    #[arg(long, value_name = "N")]
    warmups: Option<u32>,
    /// Timed iterations per process (default: task.toml, else 200).
    #[arg(long, value_name = "N")]
    iterations: Option<u32>,
    /// Trials, i.e. processes per side per shape (default: task.toml, else 7).
    #[arg(long, value_name = "N")]
    trials: Option<u32>,
    /// Skip the build commands.
    #[arg(long)]
    no_build: bool,
}

impl TimingArgs {
    fn overrides(&self) -> TimingOverrides {
        TimingOverrides { warmups: self.warmups, iterations: self.iterations, trials: self.trials }
    }
}

#[derive(clap::Args, Debug)]
struct CalibrateArgs {
    /// Task directory.
    dir: PathBuf,
    #[command(flatten)]
    timing: TimingArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct AbArgs {
    /// Task directory.
    dir: PathBuf,
    #[command(flatten)]
    timing: TimingArgs,
    /// Tolerance table (perfpilot.kernel.tolerances/1 TOML) replacing built-in rows.
    #[arg(long, value_name = "FILE")]
    tolerances: Option<PathBuf>,
    /// JSONL record (default DIR/results.jsonl), written incrementally.
    #[arg(long, value_name = "FILE")]
    results: Option<PathBuf>,
    /// Global kernel ledger the per-shape claims are appended to (default
    /// $XDG_DATA_HOME/perfpilot/kernel-ledger.jsonl; DIR/ledger.jsonl always gets them).
    #[arg(long, value_name = "FILE")]
    ledger: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct ResultsArgs {
    /// Task directory.
    dir: PathBuf,
    /// JSONL record (default DIR/results.jsonl).
    #[arg(long, value_name = "FILE")]
    results: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

/// Run `perfpilot kernel`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        KernelCommand::Init(a) => {
            let r = perfpilot_kernel::init_task(&InitOptions { dir: a.dir, force: a.force })?;
            emit(&Envelope::new("kernel init", r), &a.output)
        }
        KernelCommand::Check(a) => {
            let opts = CheckOptions { dir: a.dir, base: Some(a.base), tolerances: a.tolerances };
            emit(&check_envelope(&opts)?, &a.output)
        }
        KernelCommand::Calibrate(a) => {
            let opts = CalibrateOptions {
                dir: a.dir,
                overrides: a.timing.overrides(),
                no_build: a.timing.no_build,
            };
            emit(&calibrate_envelope(&opts, &TerminalProgress::new("trials"))?, &a.output)
        }
        KernelCommand::Ab(a) => {
            let opts = AbOptions {
                dir: a.dir,
                tolerances: a.tolerances,
                results: a.results,
                overrides: a.timing.overrides(),
                no_build: a.timing.no_build,
                ledger: a.ledger.or_else(perfpilot_kernel::ledger::global_ledger),
            };
            let report = perfpilot_kernel::run_ab(&opts, &TerminalProgress::new("trials"))?;
            emit(&ab_envelope("kernel ab", report), &a.output)
        }
        KernelCommand::Results(a) => {
            let opts = ResultsOptions { dir: a.dir, results: a.results };
            emit(&ab_envelope("kernel results", perfpilot_kernel::read_results(&opts)?), &a.output)
        }
        KernelCommand::Ncu(a) => {
            let opts = NcuOptions { reports: a.reports, rules: a.rules, sm_count: a.sm_count };
            emit(&ncu_envelope(&opts)?, &a.output)
        }
        KernelCommand::Flags(a) => {
            let opts =
                FlagsOptions { baseline: a.baseline, candidate: a.candidate, rules: a.rules };
            emit(&flags_envelope(&opts)?, &a.output)
        }
        KernelCommand::Note(a) => {
            let claim = perfpilot_kernel::ledger::Claim {
                kernel: a.kernel,
                gpu: a.gpu,
                dtype: a.dtype,
                shape: a.shape,
                metric: a.metric,
                value: a.value,
                source: a.source,
                date: a.date,
            };
            let opts = NoteOptions { claim, task: a.task, ledger: a.ledger };
            emit(&Envelope::new("kernel note", perfpilot_kernel::run_note(&opts)?), &a.output)
        }
        KernelCommand::Wiki(a) => {
            let opts = WikiOptions { query: a.query, ledger: a.ledger };
            emit(&wiki_envelope(&opts)?, &a.output)
        }
        KernelCommand::Dispatch(a) => {
            let opts = DispatchOptions { dir: a.dir, results: a.results, dim: a.dim };
            emit(&dispatch_envelope(&opts)?, &a.output)
        }
    }
}

/// The envelope of `kernel wiki` (CLI and MCP).
pub(crate) fn wiki_envelope(opts: &WikiOptions) -> anyhow::Result<Envelope<WikiReport>> {
    let r = perfpilot_kernel::run_wiki(opts)?;
    let inputs = vec![InputRef::file("ledger", &r.ledger)];
    Ok(Envelope::new("kernel wiki", r).with_inputs(inputs))
}

/// The envelope of `kernel dispatch` (CLI and MCP).
pub(crate) fn dispatch_envelope(
    opts: &DispatchOptions,
) -> anyhow::Result<Envelope<DispatchReport>> {
    let r = perfpilot_kernel::run_dispatch(opts)?;
    let inputs = vec![
        InputRef::file("task", opts.dir.join("task.toml")),
        InputRef::file("results", &r.results_jsonl),
    ];
    let warnings = r.warnings.clone();
    Ok(Envelope::new("kernel dispatch", r).with_inputs(inputs).with_warnings(warnings))
}

/// The envelope of `kernel flags` (CLI and MCP).
pub(crate) fn flags_envelope(opts: &FlagsOptions) -> anyhow::Result<Envelope<FlagsReport>> {
    let r = perfpilot_kernel::run_flags(opts)?;
    let mut inputs = Vec::new();
    for (role, side) in [("baseline", &r.baseline), ("candidate", &r.candidate)] {
        inputs.push(if side.source == "<arg>" {
            InputRef::other(role, "command line")
        } else {
            InputRef::file(role, &side.source)
        });
    }
    inputs.extend(opts.rules.iter().map(|p| InputRef::file("rules", p)));
    Ok(Envelope::new("kernel flags", r).with_inputs(inputs))
}

/// The envelope of `kernel ncu` (CLI and MCP).
pub(crate) fn ncu_envelope(opts: &NcuOptions) -> anyhow::Result<Envelope<NcuReport>> {
    let r = perfpilot_kernel::run_ncu(opts)?;
    let mut inputs: Vec<InputRef> =
        opts.reports.iter().map(|p| InputRef::file("report", p)).collect();
    inputs.extend(opts.rules.iter().map(|p| InputRef::file("rules", p)));
    let warnings = r.warnings.clone();
    Ok(Envelope::new("kernel ncu", r).with_inputs(inputs).with_warnings(warnings))
}

/// The envelope of `kernel check` (CLI and MCP).
pub(crate) fn check_envelope(
    opts: &CheckOptions,
) -> anyhow::Result<Envelope<perfpilot_kernel::CheckReport>> {
    let r = perfpilot_kernel::run_check(opts)?;
    let mut inputs = vec![InputRef::file("task", &r.file)];
    inputs.extend(opts.tolerances.iter().map(|t| InputRef::file("tolerances", t)));
    Ok(Envelope::new("kernel check", r).with_inputs(inputs))
}

/// The envelope of `kernel calibrate` (CLI and MCP).
pub(crate) fn calibrate_envelope(
    opts: &CalibrateOptions,
    progress: &dyn perfpilot_report::Progress,
) -> anyhow::Result<Envelope<perfpilot_kernel::Calibration>> {
    let r = perfpilot_kernel::run_calibrate(opts, progress)?;
    let inputs = vec![InputRef::file("task", opts.dir.join("task.toml"))];
    Ok(Envelope::new("kernel calibrate", r).with_inputs(inputs))
}

/// The envelope of `kernel ab` / `kernel results` (CLI and MCP): the report's warnings.
pub(crate) fn ab_envelope(command: &str, report: AbReport) -> Envelope<AbReport> {
    let inputs = vec![
        InputRef::file("task", PathBuf::from(&report.dir).join("task.toml")),
        InputRef::file("results", &report.results_jsonl),
    ];
    let warnings = report.warnings.clone();
    Envelope::new(command, report).with_inputs(inputs).with_warnings(warnings)
}
