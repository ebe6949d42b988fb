//! `perfpilot trace …`: one file per subcommand.

use std::process::ExitCode;

mod classify;
mod diff;
mod layers;
mod triage;

/// Arguments of `perfpilot trace`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Kernel, overlap and fuse tables of a torch-profiler trace (file or profile directory).
    Triage(triage::Args),
    /// Classify kernel names into the taxonomy (one `category<TAB>name` line each).
    Classify(classify::Args),
    /// Forward passes and layers of one rank, without a hand-written model profile.
    Layers(layers::Args),
    /// Compare two traces by category, kernel and layer type.
    Diff(diff::Args),
}

/// Run `perfpilot trace …`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Triage(a) => triage::run(a),
        Command::Classify(a) => classify::run(a),
        Command::Layers(a) => layers::run(a),
        Command::Diff(a) => diff::run(a),
    }
}
