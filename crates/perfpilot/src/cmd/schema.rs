//! `perfpilot schema`.

use std::process::ExitCode;

/// Arguments of `perfpilot schema`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run `perfpilot schema`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`perfpilot schema` is not built yet")
}
