//! `perfpilot trace diff`.

use std::path::PathBuf;
use std::process::ExitCode;

use perfpilot_report::{Envelope, InputRef, TerminalProgress};
use perfpilot_trace::analysis::stage::Stage;
use perfpilot_trace::diff::Normalize;
use perfpilot_trace::{DiffOptions, DiffReport, diff};

use crate::output::{OutputArgs, emit};

/// Arguments of `perfpilot trace diff`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The BEFORE trace (file or profile directory).
    #[arg(value_name = "BEFORE")]
    before: PathBuf,
    /// The AFTER trace.
    #[arg(value_name = "AFTER")]
    after: PathBuf,
    /// Only this stage: the category and kernel tables count its kernels, the layer-type
    /// table compares passes of this stage only.
    #[arg(long, value_name = "extend|decode|all", default_value = "all", value_parser = super::parse_stage)]
    stage: Stage,
    /// The model's `config.json`, for per-layer-type deltas.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Number of decoder layers (instead of, or overriding, the config's).
    #[arg(long, value_name = "N")]
    layers: Option<usize>,
    /// Compare totals, per pass, or per pass when the pass counts differ.
    #[arg(long, value_name = "auto|total|per-pass", default_value = "auto", value_parser = parse_normalize)]
    normalize: Normalize,
    /// Rank to analyse in multi-rank directories.
    #[arg(long, value_name = "N")]
    rank: Option<u32>,
    /// Taxonomy rule file replacing the built-in kernel categories.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// Rule file replacing the built-in `config.json` reading rules (same schema as
    /// `crates/perfpilot-modelconfig/data/model_config.toml`).
    #[arg(long = "model-rules", value_name = "FILE")]
    model_rules: Option<PathBuf>,
    /// Pass rules replacing the built-in `passes.toml` (step annotations, batch sizes, idle
    /// gap; same schema, `perfpilot.passes/1`).
    #[arg(long, value_name = "FILE")]
    passes: Option<PathBuf>,
    /// Stage rules replacing the built-in `stages.toml` (annotation name → extend, decode or
    /// mixed; same schema).
    #[arg(long, value_name = "FILE")]
    stages: Option<PathBuf>,
    /// Python frame rules replacing the built-in `attribution.toml` (same schema).
    #[arg(long, value_name = "FILE")]
    attribution: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

fn parse_normalize(s: &str) -> Result<Normalize, String> {
    match s.to_ascii_lowercase().replace('_', "-").as_str() {
        "auto" => Ok(Normalize::Auto),
        "total" => Ok(Normalize::Total),
        "per-pass" => Ok(Normalize::PerPass),
        other => Err(format!("unknown normalisation {other:?}: expected auto, total or per-pass")),
    }
}

/// Run `perfpilot trace diff`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let opts = DiffOptions {
        before: args.before.clone(),
        after: args.after.clone(),
        stage: args.stage,
        config: args.config.clone(),
        layers: args.layers,
        normalize: args.normalize,
        rank: args.rank,
        rules: args.rules.clone(),
        model_rules: args.model_rules.clone(),
        passes: args.passes.clone(),
        stages: args.stages.clone(),
        attribution: args.attribution.clone(),
    };
    let progress = TerminalProgress::new("bytes");
    let report = diff(&opts, &progress)?;
    emit(&envelope(&opts, report), &args.output)
}

/// The envelope of `trace diff` (CLI and MCP): the report's warnings; both traces, the
/// config and the rule file as inputs.
pub(crate) fn envelope(opts: &DiffOptions, mut report: DiffReport) -> Envelope<DiffReport> {
    let warnings = std::mem::take(&mut report.warnings);
    let mut inputs = vec![
        InputRef::file("before", &report.before.input),
        InputRef::file("after", &report.after.input),
    ];
    if let Some(c) = &opts.config {
        inputs.push(InputRef::file("config", c));
    }
    if let Some(r) = &opts.rules {
        inputs.push(InputRef::file("rules", r));
    }
    if let Some(r) = &opts.model_rules {
        inputs.push(InputRef::file("model_rules", r));
    }
    if let Some(r) = &opts.passes {
        inputs.push(InputRef::file("passes", r));
    }
    if let Some(r) = &opts.stages {
        inputs.push(InputRef::file("stages", r));
    }
    if let Some(r) = &opts.attribution {
        inputs.push(InputRef::file("attribution", r));
    }
    Envelope::new("trace diff", report).with_inputs(inputs).with_warnings(warnings)
}
