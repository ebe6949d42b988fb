//! The typed result of `trace layers` (JSON contract `perfpilot.trace.layers/1`).

use perfpilot_report::Warning;
use schemars::JsonSchema;
use serde::Serialize;

use super::config::ModelLayout;
use super::passes::PassSource;
use super::period::Period;
use super::segment::Phase;
use crate::model::Ns;

/// Schema id of [`LayersReport`].
pub const SCHEMA_VERSION: &str = "perfpilot.trace.layers/1";

/// Where the layer count came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LayerCountSource {
    /// The model's `config.json`.
    Config,
    /// `--layers`.
    Option,
    /// Inferred from kernel counts (no config, no `--layers`).
    Inferred,
}

/// The model facts used.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ModelFacts {
    /// Where the layer count came from.
    pub layer_count_source: LayerCountSource,
    /// The layout (count, kinds, and how they were derived).
    pub layout: ModelLayout,
}

/// Kernel time per category group of a layer (or pass part), ns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CategorySplit {
    /// Attention, and SSM / linear-attention kernels.
    pub attention_ns: Ns,
    /// Dense GEMMs.
    pub gemm_ns: Ns,
    /// MoE routing, grouped GEMMs, combine.
    pub moe_ns: Ns,
    /// Collectives.
    pub communication_ns: Ns,
    /// Norms.
    pub norm_ns: Ns,
    /// Everything else (rope, activation, quantize, memory, elementwise, …).
    pub other_ns: Ns,
}

impl CategorySplit {
    /// The sum of all groups.
    pub fn total(&self) -> Ns {
        crate::model::sat_sum([
            self.attention_ns,
            self.gemm_ns,
            self.moe_ns,
            self.communication_ns,
            self.norm_ns,
            self.other_ns,
        ])
    }

    /// Add another split.
    pub fn add(&mut self, o: &CategorySplit) {
        self.attention_ns = self.attention_ns.saturating_add(o.attention_ns);
        self.gemm_ns = self.gemm_ns.saturating_add(o.gemm_ns);
        self.moe_ns = self.moe_ns.saturating_add(o.moe_ns);
        self.communication_ns = self.communication_ns.saturating_add(o.communication_ns);
        self.norm_ns = self.norm_ns.saturating_add(o.norm_ns);
        self.other_ns = self.other_ns.saturating_add(o.other_ns);
    }

    /// The groups with their names, display order.
    pub fn parts(&self) -> [(&'static str, Ns); 6] {
        [
            ("attention", self.attention_ns),
            ("gemm", self.gemm_ns),
            ("moe", self.moe_ns),
            ("communication", self.communication_ns),
            ("norm", self.norm_ns),
            ("other", self.other_ns),
        ]
    }
}

/// How the layers of the passes were found.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Detection {
    /// Layers per pass looked for.
    pub layers: usize,
    /// The anchor kernel (display name) of the reference pass, when layers were found.
    pub anchor: Option<String>,
    /// Anchor occurrences per layer.
    pub anchor_per_layer: Option<usize>,
    /// How layer starts were placed.
    pub phase: Option<Phase>,
    /// The repeating unit of the reference pass's kernel sequence.
    pub period: Option<Period>,
    /// Layers per repeating unit implied by `period` (1 for a homogeneous stack).
    pub layers_per_period: Option<f64>,
    /// Evidence lines (always filled when detection was unsure).
    pub evidence: Vec<String>,
}

/// One forward pass.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PassRow {
    /// Stable id (`pass-<index>`; passes are numbered in time order).
    pub id: String,
    /// Index in time order.
    pub index: usize,
    /// How the pass was delimited.
    pub source: PassSource,
    /// The step annotation's name.
    pub step: Option<String>,
    /// `extend`, `decode` or `all` (from the step's or an enclosing annotation's name).
    pub stage: String,
    /// First op start (trace µs clock, in ns).
    pub start_ns: Ns,
    /// Last op end.
    pub end_ns: Ns,
    /// `end - start`.
    pub duration_ns: Ns,
    /// GPU ops (kernels, memcpy, memset).
    pub kernels: u64,
    /// Summed op time.
    pub kernel_time_ns: Ns,
    /// Layers found (`None`: detection unsure for this pass).
    pub layers: Option<usize>,
    /// Ops before layer 0 (embedding, input preparation).
    pub prologue_kernels: u64,
    /// Their summed time.
    pub prologue_ns: Ns,
    /// Ops after the last layer (final norm, LM head, sampling).
    pub epilogue_kernels: u64,
    /// Their summed time.
    pub epilogue_ns: Ns,
    /// Summed time of the layers.
    pub layers_ns: Ns,
    /// `cold start`, `steady state`, `growing 1.8x`, `layers not found`, …
    pub note: String,
}

/// One layer of the reported pass.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct LayerRow {
    /// Stable id (`layer-<n>`).
    pub id: String,
    /// Layer number.
    pub layer: usize,
    /// Layer type label (from the config, or the kernel signature cluster).
    pub kind: String,
    /// First op start to last op end.
    pub wall_ns: Ns,
    /// Summed op time.
    pub sum_ns: Ns,
    /// Summed time by category group.
    pub split: CategorySplit,
    /// All-reduce kernels.
    pub allreduce: u64,
    /// Ops.
    pub kernels: u64,
    /// Start (trace clock, ns).
    pub start_ns: Ns,
}

/// Layers of one type in the reported pass.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ClusterRow {
    /// Stable id (`type-<slug>`).
    pub id: String,
    /// The type label.
    pub kind: String,
    /// Layers of this type.
    pub count: usize,
    /// Mean wall time.
    pub mean_wall_ns: f64,
    /// Mean summed time.
    pub mean_sum_ns: f64,
    /// Share of the summed time per category group, percent (same order as
    /// [`CategorySplit::parts`]).
    pub shares_pct: Vec<(String, f64)>,
    /// Shortest wall time.
    pub min_wall_ns: Ns,
    /// Longest wall time.
    pub max_wall_ns: Ns,
    /// Coefficient of variation of wall time, percent.
    pub wall_cv_pct: f64,
    /// Attention / SSM kernels these layers run (display names).
    pub signature: Vec<String>,
}

/// One kernel of a representative layer.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct FlowRow {
    /// Stable id (`<type>-k<position>-<kernel slug>`).
    pub id: String,
    /// Position in the layer.
    pub position: usize,
    /// Taxonomy category.
    pub category: String,
    /// Short kernel name.
    pub kernel: String,
    /// Duration.
    pub dur_ns: Ns,
    /// Share of the layer's summed time, percent.
    pub share_pct: f64,
    /// Start relative to the layer start.
    pub offset_ns: Ns,
    /// Stream.
    pub stream: u32,
    /// The CPU op that launched the kernel (kernel → launch by correlation → `cpu_op` by
    /// External id, else the op enclosing the launch); empty when none was found.
    pub cpu_op: String,
    /// That op's `Input Dims`, compact (`[1,2048]x[2048,4096]`: one `[..]` per input,
    /// trailing non-tensor inputs left out); empty when the trace did not record shapes
    /// (`record_shapes=False`) or no op was found.
    pub input_dims: String,
    /// That op's `Input type`, comma-separated (`c10::BFloat16,c10::BFloat16`); empty
    /// like `input_dims`.
    pub input_types: String,
}

/// The kernel sequence of one representative layer of a type.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ComputeFlow {
    /// Type label.
    pub kind: String,
    /// The layer shown (the one with the median wall time of its type).
    pub layer: usize,
    /// Kernels in order.
    pub kernels: Vec<FlowRow>,
}

/// What `--emit-trace` wrote.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct EmittedTrace {
    /// Output path.
    pub path: String,
    /// Synthetic slices appended.
    pub slices: u64,
    /// Original bytes copied through unchanged (decompressed JSON).
    pub original_bytes: u64,
}

/// The result of `trace layers`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct LayersReport {
    /// The trace file analysed.
    pub input: String,
    /// GPU device analysed.
    pub device: u32,
    /// Model facts, when a layer count was known or inferred.
    pub model: Option<ModelFacts>,
    /// How the passes were found and split.
    pub detection: Detection,
    /// Every pass, time order.
    pub passes: Vec<PassRow>,
    /// Ops outside every pass (launched outside every step window).
    pub outside_kernels: u64,
    /// Their summed time.
    pub outside_ns: Ns,
    /// The steady-state pass, chosen automatically.
    pub steady_pass: Option<usize>,
    /// The rule that chose it.
    pub steady_rule: String,
    /// The pass the per-layer tables describe (`--pass`, else the steady-state pass).
    pub reported_pass: Option<usize>,
    /// Per-layer table of the reported pass.
    pub layers: Vec<LayerRow>,
    /// Per-type table of the reported pass.
    pub clusters: Vec<ClusterRow>,
    /// One representative layer of each type.
    pub compute_flows: Vec<ComputeFlow>,
    /// The layer trace written, when asked for.
    pub emitted: Option<EmittedTrace>,
    /// Warnings (parse skips, unsure detection, config mismatches).
    pub warnings: Vec<Warning>,
}
