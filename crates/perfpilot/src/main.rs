//! `perfpilot`: the command-line front end. Thin by design: parse arguments, call one
//! library function, hand the typed result to `perfpilot-report`.

mod cmd;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// LLM-serving performance engineering: traces, benchmarks, a simulator, capacity
/// planning and incident triage, with machine-readable output.
#[derive(Parser, Debug)]
#[command(name = "perfpilot", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Cap on a whole-file input (configs, rules, profiles, result JSON), in bytes
    /// [default: 64 MiB; env PERFPILOT_MAX_INPUT_BYTES].
    #[arg(long, global = true, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
    max_input_bytes: Option<u64>,
    /// Budget of decompressed gzip input (traces), in bytes [default: 16 GiB; env
    /// PERFPILOT_MAX_DECOMPRESSED_BYTES].
    #[arg(long, global = true, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
    max_decompressed_bytes: Option<u64>,
}

// Parsed once per process; boxing the larger argument structs would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
enum Command {
    /// Torch-profiler trace analysis (kernel, overlap and fuse tables; layers; diffs).
    Trace(cmd::trace::Args),
    /// Benchmark OpenAI-compatible servers.
    Bench(cmd::bench::Args),
    /// The simulated serving engine (HTTP server, virtual-time runs, fitting).
    Sim(cmd::sim::Args),
    /// Explain launch memory and plan KV-cache capacity.
    Capacity(cmd::capacity::Args),
    /// Incident triage from server logs and live endpoints.
    Triage(cmd::triage::Args),
    /// Kernel A/B harness: task, correctness gate, interleaved trials, verdicts.
    Kernel(cmd::kernel::Args),
    /// The optimisation loop: plan, rounds judged against the best, stop rules, review, report.
    Loop(cmd::loop_cmd::Args),
    /// Agent skills shipped with perfpilot.
    Skills(cmd::skills::Args),
    /// Serve perfpilot's capabilities over the Model Context Protocol (stdio).
    Mcp(cmd::mcp::Args),
    /// Print the JSON Schema of a command's JSON output.
    Schema(cmd::schema::Args),
}

fn main() -> ExitCode {
    let cli = cmd::flag_hints::parse::<Cli>();
    if let Some(b) = cli.max_input_bytes {
        perfpilot_io::set_max_input_bytes(b);
    }
    if let Some(b) = cli.max_decompressed_bytes {
        perfpilot_io::set_max_decompressed_bytes(b);
    }
    let result = match cli.command {
        Command::Trace(a) => cmd::trace::run(a),
        Command::Bench(a) => cmd::bench::run(a),
        Command::Sim(a) => cmd::sim::run(a),
        Command::Capacity(a) => cmd::capacity::run(a),
        Command::Triage(a) => cmd::triage::run(a),
        Command::Kernel(a) => cmd::kernel::run(a),
        Command::Loop(a) => cmd::loop_cmd::run(a),
        Command::Skills(a) => cmd::skills::run(a),
        Command::Mcp(a) => cmd::mcp::run(a),
        Command::Schema(a) => cmd::schema::run(a),
    };
    match result {
        Ok(code) => code,
        Err(err) => output::report_error(&err),
    }
}
