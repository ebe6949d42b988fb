//! `perfpilot triage LOG…` (problem class, strongest signal and next step from server logs)
//! and `perfpilot triage bundle` (a read-only snapshot of a live server, or a saved one).

use std::path::PathBuf;
use std::process::ExitCode;

use perfpilot_report::{Envelope, InputRef, TerminalProgress, Warning};
use perfpilot_triage::{
    BundleOptions, BundleReport, SummarizeOptions, TriageOptions, TriageReport,
};

use crate::output::{OutputArgs, emit};

/// Arguments of `perfpilot triage`.
#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<TriageCommand>,
    /// Server logs (SGLang, vLLM): one file, or several ranks / nodes of one incident.
    /// (A log file named `bundle` must be given as `./bundle`.)
    #[arg(value_name = "LOG", required = true)]
    logs: Vec<PathBuf>,
    /// Extra signature catalogue (TOML); its signatures are added or replace built-in
    /// ones with the same id. Repeatable.
    #[arg(long = "signatures", value_name = "FILE")]
    signatures: Vec<PathBuf>,
    /// Evidence rules replacing the built-in `evidence.toml` (how a class is named when no
    /// signature decides; same TOML shape).
    #[arg(long = "evidence", value_name = "FILE")]
    evidence: Option<PathBuf>,
    /// Launch-log value rules replacing the built-in ones (same TOML shape as
    /// `crates/perfpilot-launchlog/src/rules.toml`).
    #[arg(long = "launch-rules", value_name = "FILE")]
    launch_rules: Option<PathBuf>,
    /// Stall rules replacing the built-in `stall.toml` (how a log that ends with no error is
    /// read as a hang; same TOML shape).
    #[arg(long = "stall-rules", value_name = "FILE")]
    stall_rules: Option<PathBuf>,
    /// Most timeline rows shown (rows around the first failure are kept).
    #[arg(long, default_value_t = 40, value_name = "N")]
    timeline_limit: usize,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Subcommand, Debug)]
enum TriageCommand {
    /// Collect a read-only snapshot of a live server (--url) or read a saved one (--dir),
    /// and summarise health, load, latency averages and the signals they show.
    Bundle(BundleArgs),
}

/// Arguments of `perfpilot triage bundle`.
#[derive(clap::Args, Debug)]
struct BundleArgs {
    /// Base URL of the server (http://host:port).
    #[arg(long, value_name = "URL", required_unless_present = "dir", conflicts_with = "dir")]
    url: Option<String>,
    /// Save the snapshot into this folder (each failed endpoint as NAME.error.json).
    #[arg(long, value_name = "DIR", requires = "url")]
    out: Option<PathBuf>,
    /// Summarise a folder saved with --out instead of collecting.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Timeout per endpoint, seconds.
    #[arg(long, default_value_t = 20.0, value_name = "S")]
    timeout: f64,
    /// Bearer token for servers started with an API key.
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,
    /// Endpoints, metric names, fact keys and signal thresholds replacing the built-in ones
    /// (same TOML shape as `data/bundle.toml`).
    #[arg(long = "bundle-config", value_name = "FILE")]
    bundle_config: Option<PathBuf>,
    /// Seconds between two /metrics samples that tell a busy server (tokens generated)
    /// from a stuck one (requests running, counter flat); 0 takes one sample.
    #[arg(long, default_value_t = 2.0, value_name = "S")]
    sample_interval: f64,
    #[command(flatten)]
    output: OutputArgs,
}

/// Run `perfpilot triage`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(TriageCommand::Bundle(b)) = args.command {
        return run_bundle(b);
    }
    let opts = TriageOptions {
        logs: args.logs.clone(),
        signatures: args.signatures.clone(),
        timeline_limit: args.timeline_limit,
        evidence: args.evidence.clone(),
        launch_rules: args.launch_rules.clone(),
        stall: args.stall_rules.clone(),
    };
    let progress = TerminalProgress::new("bytes");
    let report = perfpilot_triage::triage_logs_with(&opts, &progress)?;
    let env = logs_envelope(&opts, report);
    emit(&env, &args.output)
}

fn run_bundle(b: BundleArgs) -> anyhow::Result<ExitCode> {
    let (report, inputs) = match (&b.url, &b.dir) {
        (Some(url), _) => {
            let opts = BundleOptions {
                url: url.clone(),
                out: b.out.clone(),
                timeout_s: b.timeout,
                token: b.token.clone(),
                bundle_config: b.bundle_config.clone(),
                sample_interval_s: b.sample_interval,
            };
            let progress = TerminalProgress::new("endpoints");
            (
                perfpilot_triage::bundle_with(&opts, &progress)?,
                vec![InputRef::other("url", perfpilot_report::Redactor::from_env().clean(url))],
            )
        }
        (None, Some(dir)) => (
            perfpilot_triage::summarize_bundle(&SummarizeOptions {
                dir: dir.clone(),
                bundle_config: b.bundle_config.clone(),
            })?,
            vec![InputRef::other("bundle", dir.display().to_string())],
        ),
        (None, None) => anyhow::bail!("`triage bundle` needs --url URL or --dir DIR"),
    };
    let mut inputs = inputs;
    if let Some(c) = &b.bundle_config {
        inputs.push(InputRef::file("bundle_config", c));
    }
    let warnings = bundle_warnings(&report);
    let env = Envelope::new("triage bundle", report).with_inputs(inputs).with_warnings(warnings);
    emit(&env, &b.output)
}

/// The envelope of `triage LOG…` (CLI and MCP): the logs and catalogues as inputs, empty
/// files as warnings.
pub(crate) fn logs_envelope(opts: &TriageOptions, report: TriageReport) -> Envelope<TriageReport> {
    let mut inputs: Vec<InputRef> = opts.logs.iter().map(|p| InputRef::file("log", p)).collect();
    inputs.extend(opts.signatures.iter().map(|p| InputRef::file("signatures", p)));
    inputs.extend(opts.evidence.iter().map(|p| InputRef::file("evidence", p)));
    inputs.extend(opts.launch_rules.iter().map(|p| InputRef::file("launch_rules", p)));
    inputs.extend(opts.stall.iter().map(|p| InputRef::file("stall", p)));
    let warnings: Vec<Warning> = report
        .files
        .iter()
        .filter(|f| f.lines == 0)
        .map(|f| Warning::new("empty-log", format!("{}: the file is empty", f.path)))
        .collect();
    Envelope::new("triage", report).with_inputs(inputs).with_warnings(warnings)
}

/// The warnings of `triage bundle` (CLI and MCP): one per endpoint that failed; 404/405
/// means "this server has no such endpoint", not a failure.
pub(crate) fn bundle_warnings(report: &BundleReport) -> Vec<Warning> {
    report
        .endpoints
        .iter()
        .filter(|e| !e.ok && !matches!(e.status, Some(404 | 405)))
        .map(|e| {
            Warning::new(
                "endpoint-failed",
                format!("{} ({}): {}", e.name, e.path, e.error.clone().unwrap_or_default()),
            )
        })
        .collect()
}
