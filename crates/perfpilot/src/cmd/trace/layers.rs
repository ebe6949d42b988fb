//! `perfpilot trace layers`.

use std::path::PathBuf;
use std::process::ExitCode;

use perfpilot_report::{Envelope, InputRef, TerminalProgress};
use perfpilot_trace::{LayersOptions, LayersReport, layers};

use crate::output::{OutputArgs, emit};

/// Arguments of `perfpilot trace layers`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A trace file (`.json` / `.json.gz`) or a profile directory (one file is analysed).
    #[arg(value_name = "INPUT")]
    input: PathBuf,
    /// The model's Hugging Face `config.json`: layer count and layer types.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Number of decoder layers (overrides the config's; needed when there is no config
    /// and the count cannot be inferred).
    #[arg(long, value_name = "N")]
    layers: Option<usize>,
    /// Regex over kernel names: each layer starts at its first anchor kernel (the anchor
    /// must occur k times per layer). Default: found automatically.
    #[arg(long, value_name = "REGEX")]
    anchor: Option<String>,
    /// The pass the per-layer tables describe (default: the steady-state pass).
    #[arg(long, value_name = "K")]
    pass: Option<usize>,
    /// Rank to analyse in a multi-rank directory (default: the lowest).
    #[arg(long, value_name = "N")]
    rank: Option<u32>,
    /// Write a copy of the trace with a `pass N / layer L` guide track (for Perfetto);
    /// `.gz` compresses.
    #[arg(long = "emit-trace", value_name = "OUT.json.gz")]
    emit_trace: Option<PathBuf>,
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
    #[command(flatten)]
    output: OutputArgs,
}

/// Run `perfpilot trace layers`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let opts = LayersOptions {
        input: args.input.clone(),
        config: args.config.clone(),
        layers: args.layers,
        anchor: args.anchor.clone(),
        pass: args.pass,
        rank: args.rank,
        emit_trace: args.emit_trace.clone(),
        rules: args.rules.clone(),
        model_rules: args.model_rules.clone(),
        passes: args.passes.clone(),
        stages: args.stages.clone(),
    };
    let progress = TerminalProgress::new("bytes");
    let report = layers(&opts, &progress)?;
    emit(&envelope(&opts, report), &args.output)
}

/// The envelope of `trace layers` (CLI and MCP): the report's warnings; the trace, config
/// and rule file as inputs.
pub(crate) fn envelope(opts: &LayersOptions, mut report: LayersReport) -> Envelope<LayersReport> {
    let warnings = std::mem::take(&mut report.warnings);
    let mut inputs = vec![InputRef::file("trace", &report.input)];
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
    Envelope::new("trace layers", report).with_inputs(inputs).with_warnings(warnings)
}
