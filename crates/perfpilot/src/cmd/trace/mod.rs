//! `perfpilot trace …`: one file per subcommand.

use std::process::ExitCode;

pub(crate) mod classify;
pub(crate) mod diff;
#[cfg(feature = "parquet")]
pub(crate) mod export;
pub(crate) mod layers;
pub(crate) mod triage;

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
    /// Every GPU kernel of every rank as a Hive-partitioned Parquet dataset.
    #[cfg(feature = "parquet")]
    Export(export::Args),
}

/// Run `perfpilot trace …`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Triage(a) => triage::run(a),
        Command::Classify(a) => classify::run(a),
        Command::Layers(a) => layers::run(a),
        Command::Diff(a) => diff::run(a),
        #[cfg(feature = "parquet")]
        Command::Export(a) => export::run(a),
    }
}

/// `--stage` of `trace triage` and `trace diff`: extend (or prefill), decode or all.
fn parse_stage(s: &str) -> Result<perfpilot_trace::analysis::stage::Stage, String> {
    use perfpilot_trace::analysis::stage::Stage;
    match s.to_ascii_lowercase().as_str() {
        "extend" | "prefill" => Ok(Stage::Extend),
        "decode" => Ok(Stage::Decode),
        "all" => Ok(Stage::All),
        other => Err(format!("unknown stage {other:?}: expected extend, decode or all")),
    }
}
