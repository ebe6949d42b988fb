//! `perfpilot sim`.

use std::process::ExitCode;

/// Arguments of `perfpilot sim`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run `perfpilot sim`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`perfpilot sim` is not built yet")
}
