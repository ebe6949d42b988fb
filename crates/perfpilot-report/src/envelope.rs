//! The JSON envelope every command emits, and the trait results implement.

use schemars::JsonSchema;
use serde::Serialize;

use crate::Document;

/// A command's typed result. Implemented by every capability's result type.
pub trait Report: Serialize {
    /// Versioned schema id of the result, e.g. `perfpilot.trace.triage/1`.
    /// Bump the number on any breaking change of the JSON shape.
    fn schema_version(&self) -> &'static str;

    /// The human view: sections of tables, key/value facts and notes.
    fn document(&self) -> Document;

    /// True when the command's check failed (SLA missed, regression, fatal problem):
    /// the CLI then exits with status 1.
    fn check_failed(&self) -> bool {
        false
    }
}

/// Name and version of the tool that produced an output.
#[derive(Debug, Clone, Serialize, serde::Deserialize, JsonSchema, PartialEq, Eq)]
pub struct ToolInfo {
    /// Always `perfpilot`.
    pub name: String,
    /// The crate version.
    pub version: String,
}

impl Default for ToolInfo {
    fn default() -> Self {
        ToolInfo { name: "perfpilot".into(), version: env!("CARGO_PKG_VERSION").into() }
    }
}

/// One input a command read.
#[derive(Debug, Clone, Serialize, serde::Deserialize, JsonSchema, PartialEq, Eq)]
pub struct InputRef {
    /// What the input is to the command (`trace`, `mapping`, `log`, `config`, `url`, …).
    pub role: String,
    /// Path or URL as given.
    pub path: String,
    /// Size in bytes, when a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
}

impl InputRef {
    /// An input file; its size is read from the file system when it exists.
    pub fn file(role: &str, path: impl AsRef<std::path::Path>) -> InputRef {
        let p = path.as_ref();
        InputRef {
            role: role.to_string(),
            path: p.display().to_string(),
            bytes: std::fs::metadata(p).ok().filter(|m| m.is_file()).map(|m| m.len()),
        }
    }

    /// A non-file input such as a URL.
    pub fn other(role: &str, what: impl Into<String>) -> InputRef {
        InputRef { role: role.to_string(), path: what.into(), bytes: None }
    }
}

/// A warning: something the command noticed and the user should know about, without
/// failing. `code` is stable (for agents); `count` aggregates repeats.
#[derive(Debug, Clone, Serialize, serde::Deserialize, JsonSchema, PartialEq, Eq)]
pub struct Warning {
    /// Stable machine-readable code, kebab-case (e.g. `negative-duration`).
    pub code: String,
    /// Human-readable message naming the file and position where relevant.
    pub message: String,
    /// How many times it occurred, when aggregated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

impl Warning {
    /// A warning without a count.
    pub fn new(code: &str, message: impl Into<String>) -> Warning {
        Warning { code: code.into(), message: message.into(), count: None }
    }

    /// A warning that aggregates `count` occurrences.
    pub fn counted(code: &str, count: u64, message: impl Into<String>) -> Warning {
        Warning { code: code.into(), message: message.into(), count: Some(count) }
    }
}

/// The JSON output contract: `schema_version`, tool, command, inputs, warnings, result.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Envelope<R> {
    /// Versioned schema id of `result`.
    pub schema_version: String,
    /// The tool and its version.
    pub tool: ToolInfo,
    /// The command that ran, e.g. `trace triage`.
    pub command: String,
    /// Every input the command read.
    pub inputs: Vec<InputRef>,
    /// Warnings, deterministic order.
    pub warnings: Vec<Warning>,
    /// The command's typed result.
    pub result: R,
}

impl<R: Report> Envelope<R> {
    /// Wrap a result; inputs and warnings are added with the builder methods.
    pub fn new(command: &str, result: R) -> Envelope<R> {
        Envelope {
            schema_version: result.schema_version().to_string(),
            tool: ToolInfo::default(),
            command: command.to_string(),
            inputs: Vec::new(),
            warnings: Vec::new(),
            result,
        }
    }

    /// Record the inputs.
    pub fn with_inputs(mut self, inputs: Vec<InputRef>) -> Self {
        self.inputs = inputs;
        self
    }

    /// Record warnings.
    pub fn with_warnings(mut self, warnings: Vec<Warning>) -> Self {
        self.warnings = warnings;
        self
    }
}
