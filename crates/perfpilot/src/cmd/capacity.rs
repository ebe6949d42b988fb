//! `perfpilot capacity`.

use std::process::ExitCode;

/// Arguments of `perfpilot capacity`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run `perfpilot capacity`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`perfpilot capacity` is not built yet")
}
