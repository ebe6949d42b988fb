//! `perfpilot bench`.

use std::process::ExitCode;

/// Arguments of `perfpilot bench`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run `perfpilot bench`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`perfpilot bench` is not built yet")
}
