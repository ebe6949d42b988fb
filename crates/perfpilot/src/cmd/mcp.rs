//! `perfpilot mcp`.

use std::process::ExitCode;

/// Arguments of `perfpilot mcp`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run `perfpilot mcp`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`perfpilot mcp` is not built yet")
}
