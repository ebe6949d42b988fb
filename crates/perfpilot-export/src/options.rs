//! Options of [`crate::export()`]: the same fields the CLI flags and the MCP tool take.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Deserialize;

/// What to export and where.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportOptions {
    /// Trace files (`.json` / `.json.gz`) or profile directories; every rank of each is
    /// exported (one file per rank and stage, chosen as `trace triage --rank N` does).
    pub inputs: Vec<PathBuf>,
    /// The dataset directory: absent, empty, or an earlier export (replaced).
    pub parquet: PathBuf,
    /// A taxonomy rule file replacing the built-in kernel categories.
    #[serde(default)]
    pub rules: Option<PathBuf>,
}

impl ExportOptions {
    /// Export `inputs` into `parquet` with the built-in rules.
    pub fn new(inputs: Vec<PathBuf>, parquet: impl Into<PathBuf>) -> ExportOptions {
        ExportOptions { inputs, parquet: parquet.into(), rules: None }
    }
}
