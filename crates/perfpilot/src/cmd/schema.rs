//! `perfpilot schema COMMAND`: the JSON Schema of a command's `--format json` output (or,
//! with `--input`, of its MCP tool arguments), from the same table the MCP server uses.
//! `--write-dir docs/schemas` regenerates the committed copies.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::mcp::registry::{self, Capability};

/// Arguments of `perfpilot schema`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The command, e.g. `trace triage` (one or several words; `trace-triage` works too).
    #[arg(value_name = "COMMAND", required_unless_present_any = ["list", "write_dir"])]
    command: Vec<String>,
    /// Print the schema of the command's MCP tool arguments (its options) instead.
    #[arg(long)]
    input: bool,
    /// List the commands that have a schema.
    #[arg(long, conflicts_with_all = ["command", "write_dir"])]
    list: bool,
    /// Write every schema to DIR: `<command>.json` (output) and `<command>.input.json`
    /// (tool arguments), e.g. `--write-dir docs/schemas`.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    write_dir: Option<PathBuf>,
}

/// Run `perfpilot schema`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.list {
        for c in registry::all() {
            let tool = c.tool.as_ref().map(|t| format!("MCP tool {}", t.name));
            println!("{}\t{}", c.command, tool.unwrap_or_else(|| "CLI only".into()));
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(dir) = &args.write_dir {
        let written = write_all(dir)?;
        eprintln!("wrote {} schema files to {}", written.len(), dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    let wanted = args.command.join(" ");
    let cap = registry::find(&wanted).ok_or_else(|| {
        let known: Vec<&str> = registry::all().iter().map(|c| c.command).collect();
        anyhow::anyhow!("no schema for `{wanted}`; commands with one: {}", known.join(", "))
    })?;
    let schema = if args.input {
        let tool = cap.tool.as_ref().ok_or_else(|| {
            anyhow::anyhow!("`{}` is not an MCP tool, so it has no input schema", cap.command)
        })?;
        (tool.input_schema)()
    } else {
        (cap.output_schema)()
    };
    println!("{}", to_text(&schema)?);
    Ok(ExitCode::SUCCESS)
}

/// The committed form of a schema: pretty JSON with a trailing newline.
fn to_text(schema: &serde_json::Value) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(schema)?)
}

/// The files `--write-dir` produces: (file name, contents).
pub fn files() -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for c in registry::all() {
        out.push(file_for(c, false)?);
        if c.tool.is_some() {
            out.push(file_for(c, true)?);
        }
    }
    Ok(out)
}

fn file_for(c: &Capability, input: bool) -> anyhow::Result<(String, String)> {
    let stem = registry::file_stem(c.command);
    let (name, schema) = match (&c.tool, input) {
        (Some(t), true) => (format!("{stem}.input.json"), (t.input_schema)()),
        _ => (format!("{stem}.json"), (c.output_schema)()),
    };
    Ok((name, format!("{}\n", to_text(&schema)?)))
}

fn write_all(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for (name, text) in files()? {
        let path = dir.join(name);
        perfpilot_report::write_atomic(&path, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}
