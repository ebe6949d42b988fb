//! `perfpilot trace export`.

use std::path::PathBuf;
use std::process::ExitCode;

use perfpilot_export::{ExportOptions, ExportReport, export};
use perfpilot_report::{Envelope, InputRef, TerminalProgress};

use crate::output::{OutputArgs, emit};

/// Arguments of `perfpilot trace export`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Trace files (`.json` / `.json.gz`) or profile directories; every rank is exported.
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<PathBuf>,
    /// Write a Hive-partitioned Parquet dataset here: `DIR/kernels/rank=N/part-0.parquet`
    /// and `DIR/names/part-0.parquet` (DIR: new, empty, or an earlier export).
    #[arg(long, value_name = "DIR", required = true)]
    parquet: PathBuf,
    /// Taxonomy rule file replacing the built-in kernel categories.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

/// Run `perfpilot trace export`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let opts = ExportOptions {
        inputs: args.inputs.clone(),
        parquet: args.parquet.clone(),
        rules: args.rules.clone(),
    };
    let progress = TerminalProgress::new("bytes");
    let report = export(&opts, &progress)?;
    emit(&envelope(&opts, report), &args.output)
}

/// The envelope of `trace export` (CLI and MCP): the trace files read and the rule file
/// as inputs, the report's warnings.
pub(crate) fn envelope(opts: &ExportOptions, mut report: ExportReport) -> Envelope<ExportReport> {
    let warnings = std::mem::take(&mut report.warnings);
    let mut inputs: Vec<InputRef> = report
        .ranks
        .iter()
        .flat_map(|r| r.inputs.iter().map(|p| InputRef::file("trace", p)))
        .collect();
    if let Some(rules) = &opts.rules {
        inputs.push(InputRef::file("rules", rules));
    }
    Envelope::new("trace export", report).with_inputs(inputs).with_warnings(warnings)
}
