//! The capability table shared by `perfpilot mcp` (tools) and `perfpilot schema` (output
//! schemas, `docs/schemas/`). One row per command; adding a capability means adding one
//! row in the area's file below (plus its skill under `skills/`).
//!
//! A row's tool calls the same library entry point as the CLI, with the options struct
//! deserialised from the tool arguments, and returns the same [`Envelope`] JSON as
//! `--format json`.

use perfpilot_report::{Envelope, Progress, Report};
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde::de::DeserializeOwned;
use serde_json::Value;

mod agent;
mod bench;
mod capacity;
mod kernel;
mod loop_cmd;
mod sim;
mod sweep;
mod trace;
mod trace_export;
mod triage;

/// One command with a JSON output: its output schema and, when exposed over MCP, its tool.
pub struct Capability {
    /// The CLI command words, e.g. `trace triage`.
    pub command: &'static str,
    /// JSON Schema (draft 2020-12) of the command's `--format json` output.
    pub output_schema: fn() -> Value,
    /// The MCP tool, when the command is one.
    pub tool: Option<Tool>,
}

/// An MCP tool: input schema, the file arguments to confine, and the call itself.
pub struct Tool {
    /// Tool name (`trace_triage`): the command words joined by `_`.
    pub name: &'static str,
    /// What the tool does and when to use it (shown to the model).
    pub description: &'static str,
    /// JSON Schema of the arguments: the capability's options struct.
    pub input_schema: fn() -> Value,
    /// Arguments that name files or directories, or environment variables (JSON pointers
    /// into the arguments); the server confines them before the call.
    pub paths: &'static [PathArg],
    /// True for calls that usually take long (benchmarks, simulations): they report
    /// progress and deserve the full time budget.
    pub long_running: bool,
    /// Run the capability on deserialised arguments.
    pub call: fn(Value, &dyn Progress) -> anyhow::Result<ToolOutput>,
}

/// A file (or environment-variable) argument of a tool, confined by the server.
pub struct PathArg {
    /// JSON pointer to the argument (`/input`); a string, an array of strings, or absent.
    pub pointer: &'static str,
    /// Whether the tool reads or writes the path.
    pub access: Access,
}

/// How a tool uses a path argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Read: the path must exist inside a root.
    Read,
    /// Write: the path (or, when it does not exist yet, its parent) must be inside a root.
    Write,
    /// A shipped name or a file (`profile`): checked as [`Access::Read`] when the value
    /// looks like a path (has a `/` or an extension such as `.toml`).
    NameOrRead,
    /// Not a path: the name of an environment variable the tool reads (an API key). Only
    /// names allowed with `perfpilot mcp --allow-env NAME` pass.
    EnvVar,
}

/// What a tool call produces: the envelope JSON and a short summary (which names a failed
/// check).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ToolOutput {
    /// The same JSON as `--format json` (compact, fields in the CLI's order).
    pub envelope: String,
    /// A few lines for the model to read first.
    pub summary: String,
}

/// Every command with a JSON output, in a stable order.
pub fn all() -> Vec<&'static Capability> {
    [
        agent::ENTRIES,
        trace::ENTRIES,
        trace_export::ENTRIES,
        bench::ENTRIES,
        sim::ENTRIES,
        capacity::ENTRIES,
        triage::ENTRIES,
        kernel::ENTRIES,
        sweep::ENTRIES,
        loop_cmd::ENTRIES,
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Every MCP tool, in a stable order.
pub fn tools() -> Vec<&'static Tool> {
    all().into_iter().filter_map(|c| c.tool.as_ref()).collect()
}

/// The capability whose command is `command` (words separated by any whitespace, `-` or `_`).
pub fn find(command: &str) -> Option<&'static Capability> {
    let wanted = normalise(command);
    all().into_iter().find(|c| normalise(c.command) == wanted)
}

/// The tool named `name`.
pub fn find_tool(name: &str) -> Option<&'static Tool> {
    tools().into_iter().find(|t| t.name == name)
}

fn normalise(command: &str) -> String {
    command
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

/// The file name a command's schema has under `docs/schemas/` (`trace-triage`).
pub fn file_stem(command: &str) -> String {
    normalise(command).replace(' ', "-")
}

/// JSON Schema of what `T` accepts (tool arguments), draft 2020-12 as MCP requires.
pub fn input_schema<T: JsonSchema>() -> Value {
    let schema = SchemaSettings::draft2020_12().into_generator().into_root_schema_for::<T>();
    schema.to_value()
}

/// JSON Schema of what `Envelope<R>` serialises to (a command's JSON output).
pub fn output_schema<R: JsonSchema>() -> Value {
    let schema = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<Envelope<R>>();
    schema.to_value()
}

/// Deserialise tool arguments into a capability's options, with an error that names the
/// offending argument.
pub fn parse_args<T: DeserializeOwned>(tool: &str, args: Value) -> anyhow::Result<T> {
    serde_json::from_value(args)
        .map_err(|e| anyhow::anyhow!("invalid arguments for tool `{tool}`: {e}"))
}

/// Finish a call: serialise the envelope and summarise the result's human view.
pub fn finish<R: Report>(env: Envelope<R>) -> anyhow::Result<ToolOutput> {
    let summary = crate::cmd::mcp::summary::summarise(&env);
    let envelope = serde_json::to_string(&env)?;
    Ok(ToolOutput { envelope, summary })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_tools_are_unique_and_named_after_each_other() {
        let mut seen = std::collections::BTreeSet::new();
        for c in all() {
            assert!(seen.insert(file_stem(c.command)), "duplicate command {}", c.command);
            if let Some(t) = &c.tool {
                assert_eq!(t.name, normalise(c.command).replace(' ', "_"), "{}", c.command);
                assert!(!t.description.is_empty());
            }
        }
    }

    #[test]
    fn lookups_accept_dashes_and_underscores() {
        for c in all() {
            let dashed = file_stem(c.command);
            assert_eq!(find(&dashed).map(|f| f.command), Some(c.command));
        }
        assert!(find("no such command").is_none());
    }

    #[test]
    fn every_schema_is_an_object_schema() {
        for c in all() {
            let out = (c.output_schema)();
            assert_eq!(out["type"], "object", "{} output", c.command);
            let branches = match out["anyOf"].as_array() {
                Some(b) => b.clone(),
                None => vec![out.clone()],
            };
            for b in branches {
                assert!(b["properties"]["schema_version"].is_object(), "{}", c.command);
            }
            if let Some(t) = &c.tool {
                let input = (t.input_schema)();
                assert_eq!(input["type"], "object", "{} input", c.command);
            }
        }
    }

    #[test]
    fn path_pointers_name_properties_of_the_input_schema() {
        for t in tools() {
            let input = (t.input_schema)();
            for p in t.paths {
                let name = p.pointer.trim_start_matches('/').split('/').next().unwrap_or_default();
                assert!(
                    input["properties"].get(name).is_some(),
                    "tool {}: path argument {} is not a property of its input schema",
                    t.name,
                    p.pointer
                );
            }
        }
    }

    /// A string argument whose name says it is a file must be declared as a path, so that
    /// the server confines it to the roots.
    #[test]
    fn file_like_arguments_are_declared_as_paths() {
        const HINTS: &[&str] = &["path", "file", "dir", "trace", "log", "input", "output", "out"];
        for t in tools() {
            let input = (t.input_schema)();
            let Some(props) = input["properties"].as_object() else { continue };
            for (name, schema) in props {
                let text = schema.to_string();
                let stringy = text.contains("\"string\"");
                let file_like = HINTS.iter().any(|h| name.to_ascii_lowercase().contains(h));
                if stringy && file_like {
                    let declared =
                        t.paths.iter().any(|p| p.pointer.trim_start_matches('/') == name);
                    let waived = NOT_PATHS.contains(&(t.name, name.as_str()));
                    assert!(
                        declared || waived,
                        "tool {}: argument `{name}` looks like a file; declare it in `paths` \
                         or waive it in NOT_PATHS",
                        t.name
                    );
                }
            }
        }
    }

    /// Arguments whose names look like files but are not (tool, argument).
    const NOT_PATHS: &[(&str, &str)] = &[];
}
