//! `perfpilot capacity …`: explain launch memory from a log, plan it from a model config.

use std::process::ExitCode;

mod data_files;
pub(crate) mod explain;
pub(crate) mod plan;

/// Arguments of `perfpilot capacity`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per process; boxing the larger argument structs would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Where a GPU's memory went at launch, per rank, from an SGLang or vLLM log.
    Explain(explain::Args),
    /// Predict the launch memory breakdown from a model config and a GPU spec.
    Plan(plan::Args),
}

/// Run `perfpilot capacity …`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Explain(a) => explain::run(a),
        Command::Plan(a) => plan::run(a),
    }
}

/// A comma-separated list of token counts (one clap value).
#[derive(Debug, Clone)]
pub(crate) struct TokenList(pub Vec<u64>);

/// Parse `4096,8192,32k` into token counts.
pub(crate) fn parse_tokens(s: &str) -> Result<TokenList, String> {
    let v: Result<Vec<u64>, String> =
        s.split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                let t = p.trim().to_ascii_lowercase().replace('_', "");
                let (num, mult) = match t.strip_suffix('k') {
                    Some(n) => (n.to_string(), 1024),
                    None => (t.clone(), 1),
                };
                num.parse::<u64>().ok().filter(|v| *v > 0).map(|v| v * mult).ok_or_else(|| {
                    format!("`{p}` is not a positive token count (e.g. 4096 or 32k)")
                })
            })
            .collect();
    v.map(TokenList)
}

/// Parse a GiB figure (`105.59`) into exact bytes.
pub(crate) fn parse_gib(s: &str) -> Result<i64, String> {
    perfpilot_capacity::parse_gib_exact(s)
        .ok_or_else(|| format!("`{s}` is not a GiB figure (e.g. 56.98)"))
}
