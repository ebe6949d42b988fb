//! `perfpilot capacity explain`.

use std::path::PathBuf;
use std::process::ExitCode;

use perfpilot_capacity::{ExplainOptions, ExplainReport, explain_with_progress};
use perfpilot_report::{Envelope, InputRef, TerminalProgress, Warning};

use crate::output::{OutputArgs, emit};

/// Arguments of `perfpilot capacity explain`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// SGLang or vLLM launch log (whole file or an excerpt).
    #[arg(value_name = "LOG")]
    log: PathBuf,
    /// The model's HF config.json: config-side KV bytes per token and model-aware notes.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// GPU name for the device total (h100, h200, b200, … see `data/gpus.toml`).
    #[arg(long, value_name = "NAME")]
    gpu: Option<String>,
    #[command(flatten)]
    data: super::data_files::DataFiles,
    /// `nvidia-smi --query-gpu=index,memory.used,memory.free --format=csv` output.
    #[arg(long, value_name = "FILE")]
    smi: Option<PathBuf>,
    /// Request lengths for the concurrency table.
    #[arg(long = "request-tokens", value_name = "N,N,…", value_parser = super::parse_tokens)]
    request_tokens: Option<super::TokenList>,
    /// Rank shown in detail: `3` (TP or worker rank) or a label such as `DP1 TP2`.
    #[arg(long, value_name = "N")]
    rank: Option<String>,
    /// What-if, repeatable: mem_fraction=0.85, kv_dtype=fp8_e4m3, tp=8, context_len=32768,
    /// max_running_requests=64.
    #[arg(long = "what-if", value_name = "KEY=VALUE")]
    what_if: Vec<String>,
    /// Launch-log value rules replacing the built-in ones (same TOML shape as
    /// `crates/perfpilot-launchlog/src/rules.toml`).
    #[arg(long = "launch-rules", value_name = "FILE")]
    launch_rules: Option<PathBuf>,
    /// Also list every value the log states (weights, KV pool, K/V sizes, blocks, graphs, times,
    /// flags; SGLang, vLLM, TensorRT-LLM, llama.cpp and Ollama wordings) under its semantic key,
    /// per launch, with its line.
    #[arg(long)]
    stated: bool,
    #[command(flatten)]
    output: OutputArgs,
}

/// Run `perfpilot capacity explain`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let opts = ExplainOptions {
        log: args.log.clone(),
        config: args.config.clone(),
        gpu: args.gpu.clone(),
        gpu_table: args.data.gpu_table.clone(),
        frameworks: args.data.frameworks.clone(),
        smi: args.smi.clone(),
        request_tokens: args.request_tokens.clone().map(|t| t.0).unwrap_or_default(),
        rank: args.rank.clone(),
        what_if: args.what_if.clone(),
        model_rules: args.data.model_rules.clone(),
        limits: args.data.limits.clone(),
        launch_rules: args.launch_rules.clone(),
        stated: args.stated,
    };
    let progress = TerminalProgress::new("bytes");
    let report = explain_with_progress(&opts, &progress)?;
    let env = envelope(&opts, report);
    emit(&env, &args.output)
}

/// The envelope of `capacity explain` (CLI and MCP): the log, then the optional files, as
/// inputs; two warnings on incomplete evidence.
pub(crate) fn envelope(opts: &ExplainOptions, report: ExplainReport) -> Envelope<ExplainReport> {
    let mut inputs = vec![InputRef::file("log", &opts.log)];
    for (role, p) in [
        ("config", &opts.config),
        ("smi", &opts.smi),
        ("gpu_table", &opts.gpu_table),
        ("frameworks", &opts.frameworks),
        ("model_rules", &opts.model_rules),
        ("limits", &opts.limits),
        ("launch_rules", &opts.launch_rules),
    ] {
        if let Some(p) = p {
            inputs.push(InputRef::file(role, p));
        }
    }
    let mut warnings = Vec::new();
    if !report.missing.is_empty() {
        warnings.push(Warning::counted(
            "incomplete-log",
            report.missing.len() as u64,
            format!(
                "{}: stages not in the log are reported as unknown, not guessed",
                opts.log.display()
            ),
        ));
    }
    if report.gpu.is_none() {
        warnings.push(Warning::new(
            "no-device-total",
            "device total unknown: pass --gpu NAME or --smi FILE",
        ));
    }
    Envelope::new("capacity explain", report).with_inputs(inputs).with_warnings(warnings)
}
