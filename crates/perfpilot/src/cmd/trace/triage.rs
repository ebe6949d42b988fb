//! `perfpilot trace triage`.

use std::path::PathBuf;
use std::process::ExitCode;

use perfpilot_report::{Envelope, InputRef, TerminalProgress};
use perfpilot_trace::analysis::stage::Stage;
use perfpilot_trace::{TriageOptions, TriageOutput, triage_any};

use crate::output::{OutputArgs, emit};

/// Arguments of `perfpilot trace triage`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Trace files (`.json` / `.json.gz`) or profile directories (per-rank, per-stage
    /// `*.trace.json.gz`, `server_args.json` beside them). Several ranks are analysed
    /// in parallel, each alone and merged, with rank-skew tables.
    #[arg(value_name = "INPUT", required = true, num_args = 1..)]
    input: Vec<PathBuf>,
    /// A second trace of the same workload run with CUDA graphs / torch.compile off: call
    /// sites for replayed kernels, matched by kernel name and launch order.
    #[arg(long, value_name = "INPUT")]
    mapping: Option<PathBuf>,
    /// Only this stage.
    #[arg(long, value_name = "extend|decode|all", default_value = "all", value_parser = super::parse_stage)]
    stage: Stage,
    /// Hide rows under this share (percent) in table/md output; JSON keeps every row.
    #[arg(long = "min-share", value_name = "PCT", default_value_t = perfpilot_trace::triage::DEFAULT_MIN_SHARE_PCT)]
    min_share: f64,
    /// Only this rank of a multi-rank input (default: every rank).
    #[arg(long, value_name = "N")]
    rank: Option<u32>,
    /// Flag kernels whose per-rank GPU time varies more than this coefficient of
    /// variation across ranks (multi-rank input).
    #[arg(long = "cv-threshold", value_name = "CV", default_value_t = perfpilot_trace::triage::DEFAULT_CV_THRESHOLD)]
    cv_threshold: f64,
    /// Analyse rank files that look like different runs (device counts, GPUs, start times
    /// hours apart) or repeat a rank id, instead of refusing.
    #[arg(long)]
    force: bool,
    /// Taxonomy rule file replacing the built-in kernel categories.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// Fusion catalogue replacing the built-in `fusions.toml` (same schema,
    /// `perfpilot.fusions/1`).
    #[arg(long, value_name = "FILE")]
    fusions: Option<PathBuf>,
    /// Python frame rules replacing the built-in `attribution.toml` (same schema).
    #[arg(long, value_name = "FILE")]
    attribution: Option<PathBuf>,
    /// Stage rules replacing the built-in `stages.toml` (annotation name → extend, decode or
    /// mixed; same schema).
    #[arg(long, value_name = "FILE")]
    stages: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

/// Run `perfpilot trace triage`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut inputs = args.input.into_iter();
    let Some(input) = inputs.next() else { anyhow::bail!("trace triage needs an INPUT") };
    let mut opts = TriageOptions::new(input);
    opts.more_inputs = inputs.collect();
    opts.mapping = args.mapping.clone();
    opts.stage = args.stage;
    opts.min_share_pct = args.min_share;
    opts.rank = args.rank;
    opts.rules = args.rules.clone();
    opts.fusions = args.fusions.clone();
    opts.attribution = args.attribution.clone();
    opts.stages = args.stages.clone();
    opts.cv_threshold = args.cv_threshold;
    opts.force = args.force;
    let progress = TerminalProgress::new("bytes");
    let report = triage_any(&opts, &progress)?;
    let partial = report.partial();
    let code = emit(&envelope(&opts, report), &args.output)?;
    // A rank file failed while the others produced tables: the result is written, and
    // the run is bad input (2).
    Ok(if partial { ExitCode::from(2) } else { code })
}

/// The envelope of `trace triage` (CLI and MCP): the report's warnings; the trace files
/// analysed, then `server_args.json` and the rule files, as inputs.
pub(crate) fn envelope(opts: &TriageOptions, mut report: TriageOutput) -> Envelope<TriageOutput> {
    let warnings = report.take_warnings();
    let mut inputs: Vec<InputRef> =
        report.input_paths().iter().map(|(role, path)| InputRef::file(role, path)).collect();
    if let TriageOutput::Rank(r) = &report
        && let Some(sa) = &r.server_args
    {
        inputs.push(InputRef::file("server_args", &sa.path));
    }
    if let Some(rules) = &opts.rules {
        inputs.push(InputRef::file("rules", rules));
    }
    if let Some(r) = &opts.fusions {
        inputs.push(InputRef::file("fusions", r));
    }
    if let Some(r) = &opts.attribution {
        inputs.push(InputRef::file("attribution", r));
    }
    if let Some(r) = &opts.stages {
        inputs.push(InputRef::file("stages", r));
    }
    Envelope::new("trace triage", report).with_inputs(inputs).with_warnings(warnings)
}
