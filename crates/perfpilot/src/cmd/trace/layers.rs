//! `perfpilot trace layers`.

use std::process::ExitCode;

/// Arguments of `perfpilot trace layers`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run `perfpilot trace layers`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`perfpilot trace layers` is not built yet")
}
