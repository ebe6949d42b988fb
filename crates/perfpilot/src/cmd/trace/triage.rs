//! `perfpilot trace triage`.

use std::path::PathBuf;
use std::process::ExitCode;

use perfpilot_report::{Envelope, InputRef, TerminalProgress};
use perfpilot_trace::analysis::stage::Stage;
use perfpilot_trace::{TriageOptions, TriageReport, triage};

use crate::output::{OutputArgs, emit};

/// Arguments of `perfpilot trace triage`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A trace file (`.json` / `.json.gz`) or a profile directory (per-rank, per-stage
    /// `*.trace.json.gz`, `server_args.json` beside them).
    #[arg(value_name = "INPUT")]
    input: PathBuf,
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
    /// Rank to analyse in a multi-rank directory (default: the lowest).
    #[arg(long, value_name = "N")]
    rank: Option<u32>,
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
    let opts = TriageOptions {
        input: args.input.clone(),
        mapping: args.mapping.clone(),
        stage: args.stage,
        min_share_pct: args.min_share,
        rank: args.rank,
        rules: args.rules.clone(),
        fusions: args.fusions.clone(),
        attribution: args.attribution.clone(),
        stages: args.stages.clone(),
    };
    let progress = TerminalProgress::new("bytes");
    let report = triage(&opts, &progress)?;
    emit(&envelope(&opts, report), &args.output)
}

/// The envelope of `trace triage` (CLI and MCP): the report's warnings; the trace files
/// analysed, then `server_args.json` and the rule files, as inputs.
pub(crate) fn envelope(opts: &TriageOptions, mut report: TriageReport) -> Envelope<TriageReport> {
    let warnings = std::mem::take(&mut report.warnings);
    let mut inputs: Vec<InputRef> =
        report.inputs.iter().map(|i| InputRef::file(&i.role, &i.path)).collect();
    if let Some(sa) = &report.server_args {
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
