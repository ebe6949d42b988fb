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

/// The stable id of a breakdown row. Serialized as the snake_case name (`kv_pool`), the
/// same string the output carried before the type existed; the schema keeps it a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowId {
    /// The device total.
    Total,
    /// In use before the framework's first stage (CUDA context, NCCL, driver, others).
    Framework,
    /// Model weights.
    Weights,
    /// vLLM non-torch memory.
    NonTorch,
    /// Profiled activation peak.
    Activations,
    /// vLLM's CUDA-graph estimate (printed, not added to the total).
    CudaGraphEstimate,
    /// KV cache pool (or its budget).
    KvPool,
    /// Mamba / linear-attention state pool.
    StatePool,
    /// Other allocations while loading weights.
    WeightsOther,
    /// Other pool allocations.
    PoolOther,
    /// Other allocations before CUDA-graph capture.
    PreCaptureOther,
    /// Other allocations during capture.
    CaptureOther,
    /// Allocations after capture.
    PostCaptureOther,
    /// CUDA graphs.
    CudaGraphs,
    /// Backend buffers allocated before KV sizing.
    Reserved,
    /// The rest of vLLM's utilization budget.
    BudgetOther,
    /// Budget the pools leave unused (rounding, caps).
    BudgetRounding,
    /// Free headroom at the end of start-up (or outside the budget).
    Headroom,
    /// Free at the last stage the log shows.
    FreeAtLastStage,
    /// What the other rows leave unexplained.
    Unknown,
}

impl RowId {
    /// Every id, in declaration order.
    pub const ALL: [RowId; 20] = [
        RowId::Total,
        RowId::Framework,
        RowId::Weights,
        RowId::NonTorch,
        RowId::Activations,
        RowId::CudaGraphEstimate,
        RowId::KvPool,
        RowId::StatePool,
        RowId::WeightsOther,
        RowId::PoolOther,
        RowId::PreCaptureOther,
        RowId::CaptureOther,
        RowId::PostCaptureOther,
        RowId::CudaGraphs,
        RowId::Reserved,
        RowId::BudgetOther,
        RowId::BudgetRounding,
        RowId::Headroom,
        RowId::FreeAtLastStage,
        RowId::Unknown,
    ];

    /// The id as it appears in the output (`kv_pool`).
    pub fn as_str(self) -> &'static str {
        match self {
            RowId::Total => "total",
            RowId::Framework => "framework",
            RowId::Weights => "weights",
            RowId::NonTorch => "non_torch",
            RowId::Activations => "activations",
            RowId::CudaGraphEstimate => "cuda_graph_estimate",
            RowId::KvPool => "kv_pool",
            RowId::StatePool => "state_pool",
            RowId::WeightsOther => "weights_other",
            RowId::PoolOther => "pool_other",
            RowId::PreCaptureOther => "pre_capture_other",
            RowId::CaptureOther => "capture_other",
            RowId::PostCaptureOther => "post_capture_other",
            RowId::CudaGraphs => "cuda_graphs",
            RowId::Reserved => "reserved",
            RowId::BudgetOther => "budget_other",
            RowId::BudgetRounding => "budget_rounding",
            RowId::Headroom => "headroom",
            RowId::FreeAtLastStage => "free_at_last_stage",
            RowId::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for RowId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of a memory breakdown (per rank).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BreakdownRow {
    /// Stable id: `total`, `framework`, `weights`, `kv_pool`, `state_pool`, `pool_other`,
    /// `reserved`, `cuda_graphs`, `headroom`, `unknown`.
    #[schemars(with = "String")]
    pub id: RowId,
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
    id: RowId,
    category: &str,
    bytes: Option<i64>,
    derivation: impl Into<String>,
) -> BreakdownRow {
    BreakdownRow {
        id,
        category: category.into(),
        bytes,
        percent: None,
        derivation: derivation.into(),
        sources: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_ids_serialize_as_their_names() {
        for id in RowId::ALL {
            let json = serde_json::to_string(&id).unwrap();
            assert_eq!(json, format!("\"{}\"", id.as_str()));
            assert_eq!(serde_json::from_str::<RowId>(&json).unwrap(), id);
        }
    }
}
