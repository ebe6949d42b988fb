//! `perfpilot skills`.

use std::process::ExitCode;

/// Arguments of `perfpilot skills`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run `perfpilot skills`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`perfpilot skills` is not built yet")
}
