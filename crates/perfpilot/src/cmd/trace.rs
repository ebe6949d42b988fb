//! `perfpilot trace`.

use std::process::ExitCode;

/// Arguments of `perfpilot trace`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run `perfpilot trace`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`perfpilot trace` is not built yet")
}
