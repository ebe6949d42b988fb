//! `perfpilot trace classify`.

use std::process::ExitCode;

/// Arguments of `perfpilot trace classify`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run `perfpilot trace classify`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`perfpilot trace classify` is not built yet")
}
