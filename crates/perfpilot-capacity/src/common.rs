//! Result pieces shared by `explain` and `plan`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a number came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SourceLine {
    /// 1-based line number in the log.
    pub line: u64,
    /// The line text.
    pub text: String,
}

/// One row of a memory breakdown (per rank).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BreakdownRow {
    /// Stable id: `total`, `framework`, `weights`, `kv_pool`, `state_pool`, `pool_other`,
    /// `reserved`, `cuda_graphs`, `headroom`, `unknown`.
    pub id: String,
    /// Human label.
    pub category: String,
    /// Bytes (None: the log does not say and it cannot be derived).
    pub bytes: Option<i64>,
    /// Share of the device total, percent (when the total is known).
    pub percent: Option<f64>,
    /// How the number was obtained.
    pub derivation: String,
    /// The log lines it came from.
    pub sources: Vec<SourceLine>,
}

/// A setting in force, with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Setting {
    /// Name (`tp`, `mem_fraction_static`, …).
    pub key: String,
    /// Value.
    pub value: String,
    /// `log line N`, `user`, `config`, `default (rule)`, `implied by the log`, …
    pub source: String,
}

/// The GPU used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GpuInfo {
    /// Name.
    pub name: String,
    /// Device total bytes.
    pub total_bytes: i64,
    /// Where the size came from.
    pub source: String,
}

/// A tuning note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Note {
    /// Stable id (`raise-mem-fraction`, `fp8-kv`, …).
    pub id: String,
    /// The advice, with the numbers behind it and any caveat.
    pub text: String,
}

/// Fill in `percent` from the total.
pub fn with_percent(mut rows: Vec<BreakdownRow>, total: Option<i64>) -> Vec<BreakdownRow> {
    if let Some(t) = total.filter(|t| *t > 0) {
        for r in &mut rows {
            r.percent = r.bytes.map(|b| (b as f64 / t as f64 * 10000.0).round() / 100.0);
        }
    }
    rows
}

/// A row without sources.
pub fn row(
    id: &str,
    category: &str,
    bytes: Option<i64>,
    derivation: impl Into<String>,
) -> BreakdownRow {
    BreakdownRow {
        id: id.into(),
        category: category.into(),
        bytes,
        percent: None,
        derivation: derivation.into(),
        sources: Vec::new(),
    }
}
