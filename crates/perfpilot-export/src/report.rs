//! The result of `trace export`: what was written, per rank and per file.

use perfpilot_report::Warning;
use schemars::JsonSchema;
use serde::Serialize;

/// Versioned schema id of [`ExportReport`] (the JSON result, not the dataset).
pub const SCHEMA_VERSION: &str = "perfpilot.trace.export/1";

/// What `trace export` wrote.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ExportReport {
    /// The dataset directory.
    pub dir: String,
    /// `schema_version` written into every Parquet file's key-value metadata.
    pub dataset_schema_version: String,
    /// The taxonomy the categories come from (`embedded:…` or a rule file).
    pub taxonomy: String,
    /// Per rank, ascending.
    pub ranks: Vec<RankRow>,
    /// Every file written, in path order.
    pub files: Vec<FileRow>,
    /// Distinct full kernel names (rows of `names/part-0.parquet`).
    pub names: u64,
    /// Stale rank partitions of an earlier export that were removed.
    pub removed: Vec<String>,
    /// Files left out and other problems.
    pub warnings: Vec<Warning>,
}

/// One rank's partition.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RankRow {
    /// The rank (the `rank=N` partition).
    pub rank: u32,
    /// Where the rank came from: `file name`, `trace metadata` or `default` (0).
    pub rank_from: String,
    /// The trace files read.
    pub inputs: Vec<String>,
    /// Rows written (GPU ops).
    pub rows: u64,
    /// Summed `dur_ns` of the rows.
    pub gpu_time_ns: i64,
    /// Rows per stage, extend before decode before all.
    pub stages: Vec<StageRows>,
    /// Rows inside a forward pass.
    pub in_pass: u64,
    /// Rows inside a layer of a pass.
    pub in_layer: u64,
}

/// Rows of one stage of a rank.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StageRows {
    /// `extend`, `decode` or `all`.
    pub stage: String,
    /// Rows.
    pub rows: u64,
    /// Summed `dur_ns`.
    pub gpu_time_ns: i64,
}

/// One file written.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FileRow {
    /// Path relative to the dataset directory (`kernels/rank=0/part-0.parquet`).
    pub path: String,
    /// `kernels` or `names`.
    pub table: String,
    /// Rows.
    pub rows: u64,
    /// Size in bytes.
    pub bytes: u64,
}
