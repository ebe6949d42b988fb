//! `perfpilot triage`.

use std::process::ExitCode;

/// Arguments of `perfpilot triage`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run `perfpilot triage`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`perfpilot triage` is not built yet")
}
