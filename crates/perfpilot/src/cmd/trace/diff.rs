//! `perfpilot trace diff`.

use std::process::ExitCode;

/// Arguments of `perfpilot trace diff`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run `perfpilot trace diff`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`perfpilot trace diff` is not built yet")
}
