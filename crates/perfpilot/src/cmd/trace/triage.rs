//! `perfpilot trace triage`.

use std::process::ExitCode;

/// Arguments of `perfpilot trace triage`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run `perfpilot trace triage`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`perfpilot trace triage` is not built yet")
}
