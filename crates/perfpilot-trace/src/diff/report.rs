//! The typed result of `trace diff` (JSON contract `perfpilot.trace.diff/2`: `/2` added the
//! pass match of the layer-type table and the passes of the compared stage).

use perfpilot_report::Warning;
use schemars::JsonSchema;
use serde::Serialize;

/// Schema id of [`DiffReport`].
pub const SCHEMA_VERSION: &str = "perfpilot.trace.diff/2";

/// What was compared on one side.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SideFacts {
    /// The trace file.
    pub input: String,
    /// Device analysed.
    pub device: u32,
    /// Framework guessed from kernel and frame names (`sglang`, `vllm`, …), when known.
    pub framework: Option<String>,
    /// GPU ops compared (after the stage filter).
    pub kernels: u64,
    /// Their summed time, ns.
    pub kernel_time_ns: i64,
    /// Forward passes found.
    pub passes: usize,
    /// Passes of the compared stage (every pass for stage `all`); per-pass times divide by
    /// this.
    pub compared_passes: usize,
    /// Passes with a layer split.
    pub passes_with_layers: usize,
}

/// How times are made comparable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Normalize {
    /// Per pass when both traces have passes and their counts differ, else totals.
    Auto,
    /// Whole-trace totals.
    Total,
    /// Divided by the number of passes of each trace.
    PerPass,
}

/// One row of a delta table (a category, a kernel or a layer type).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DeltaRow {
    /// Stable id (`cat-gemm`, the kernel's row id, `type-<slug>`).
    pub id: String,
    /// What the row is (category name, short kernel name, layer type).
    pub name: String,
    /// Category (kernel rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Time before, ns (normalised).
    pub before_ns: f64,
    /// Time after, ns (normalised).
    pub after_ns: f64,
    /// `after - before`.
    pub delta_ns: f64,
    /// The delta as a share of the whole BEFORE time, percent (sums to the total change).
    pub delta_share_pct: f64,
    /// Launches before (normalised like the times).
    pub before_launches: f64,
    /// Launches after.
    pub after_launches: f64,
}

/// The result of `trace diff`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DiffReport {
    /// BEFORE.
    pub before: SideFacts,
    /// AFTER.
    pub after: SideFacts,
    /// Stage compared (`all`, `extend`, `decode`).
    pub stage: String,
    /// `total` or `per_pass`.
    pub normalized: Normalize,
    /// True when the two traces share few kernel names (different frameworks or
    /// backends): compare by category and layer type, not by kernel.
    pub cross_framework: bool,
    /// Share of BEFORE time whose kernel also ran in AFTER, percent.
    pub kernel_overlap_pct: f64,
    /// The whole.
    pub total: DeltaRow,
    /// Per category (every category present on either side), by |delta| then name.
    pub categories: Vec<DeltaRow>,
    /// Per kernel (canonical name), by |delta| then id.
    pub kernels: Vec<DeltaRow>,
    /// Kernels only in AFTER (row ids).
    pub new_kernels: Vec<String>,
    /// Kernels only in BEFORE (row ids).
    pub gone_kernels: Vec<String>,
    /// Per layer type: mean summed time per layer in the matched pass of each side (the
    /// steady-state pass of the same stage, and of the same batch size where the step
    /// annotations name it); empty when no stage has a pass with layers on both sides.
    pub layer_types: Vec<DeltaRow>,
    /// Which pass of each side the layer-type table compares, or why it compares none.
    pub layer_match: super::passes::PassMatch,
    /// One line: where the time moved.
    pub verdict: String,
    /// Warnings (parse skips, unsure layers, mismatched pass counts).
    pub warnings: Vec<Warning>,
}
