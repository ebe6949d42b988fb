//! The typed result of `trace triage` (JSON schema `perfpilot.trace.triage/5`; version 2
//! added `evidence` to every kernel row, version 3 the multi-rank result
//! [`crate::RanksReport`] as the other shape the command can return, version 4 the
//! process group, sequence number and matching method of each matched collective, version 5
//! the `token_model` evidence of a name no rule knows).
//! Times are integer nanoseconds; shares are percentages.

use schemars::JsonSchema;
use serde::Serialize;

use crate::analysis::attribution::{CpuOpLink, LaunchLink};
use crate::analysis::frames::ReplayKind;
use crate::analysis::stage::{Stage, StageRule};
use crate::model::{GpuKind, ParseStats, TraceMeta};
use crate::taxonomy::{Category, Evidence};

/// Schema id of [`TriageReport`].
pub const SCHEMA_VERSION: &str = "perfpilot.trace.triage/5";

/// The result of `perfpilot trace triage`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TriageReport {
    /// Trace files analysed (and the mapping trace files, role `mapping`).
    pub inputs: Vec<TraceInput>,
    /// Serving framework (`sglang`, `vllm`, `tensorrt_llm`, …), when detected, and how.
    pub framework: Option<Detected>,
    /// Model path from `server_args.json`.
    pub model: Option<String>,
    /// Facts from `server_args.json`, when found.
    pub server_args: Option<ServerFacts>,
    /// Ranks present in the input (from file names or `distributedInfo`).
    pub ranks: Vec<u32>,
    /// The rank analysed.
    pub rank: Option<u32>,
    /// The GPU analysed (the one with the most kernel time) and the others seen.
    pub device: DeviceFacts,
    /// Which attribution links were used, counted over kernels.
    pub links: LinkCounts,
    /// How many kernels each stage rule assigned.
    pub stage_rules: Vec<StageRuleCount>,
    /// `--mapping` results, when a mapping trace was given.
    pub mapping: Option<MappingStats>,
    /// Rows under this share are hidden in text output (never in JSON).
    pub min_share_pct: f64,
    /// Per-stage tables, extend first.
    pub stages: Vec<StageReport>,
    /// Where the kernel categories came from (rule file).
    pub taxonomy: String,
    /// Parser counts per input file, in input order.
    pub parse: Vec<ParseStats>,
    /// Top-level trace facts of the first trace.
    pub trace_meta: TraceMeta,
    /// Problems noticed on the way (skipped events, files not analysed, …). Not part of
    /// the result's JSON: callers move them into the envelope's `warnings`.
    #[serde(skip)]
    #[schemars(skip)]
    pub warnings: Vec<perfpilot_report::Warning>,
}

/// A value and the evidence it was detected from.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq, Eq)]
pub struct Detected {
    /// The value.
    pub value: String,
    /// Where it came from (`server_args`, `path`, `python frames`, …).
    pub from: String,
}

/// One input file.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TraceInput {
    /// `trace` or `mapping`.
    pub role: String,
    /// Path.
    pub path: String,
    /// Rank from the file name or `distributedInfo`.
    pub rank: Option<u32>,
    /// Stage from the path (`all` when the path has none).
    pub stage: Stage,
    /// Decompressed JSON bytes read.
    pub json_bytes: u64,
    /// Events in the file.
    pub events: u64,
}

/// Facts from `server_args.json`.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq)]
pub struct ServerFacts {
    /// The file.
    pub path: String,
    /// `model_path` / `model`.
    pub model: Option<String>,
    /// `tp_size` / `tensor_parallel_size`.
    pub tp_size: Option<u32>,
    /// `dtype`.
    pub dtype: Option<String>,
    /// `quantization`.
    pub quantization: Option<String>,
    /// `kv_cache_dtype`.
    pub kv_cache_dtype: Option<String>,
    /// `attention_backend`.
    pub attention_backend: Option<String>,
    /// CUDA graphs disabled (`disable_cuda_graph` / `enforce_eager`).
    pub cuda_graph_disabled: Option<bool>,
}

/// The GPU analysed.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct DeviceFacts {
    /// Device index.
    pub device: u32,
    /// `deviceProperties[device].name`, when recorded.
    pub name: Option<String>,
    /// Other devices with kernels in the same file (not analysed).
    pub other_devices: Vec<u32>,
}

/// Counts of the links used to attribute kernels.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct LinkCounts {
    /// Kernels analysed.
    pub kernels: u64,
    /// Launch found by correlation id.
    pub launch_by_correlation: u64,
    /// Launch found by an ac2g flow.
    pub launch_by_flow: u64,
    /// No launch found.
    pub launch_missing: u64,
    /// CPU op found by External id.
    pub cpu_op_by_external_id: u64,
    /// CPU op found as the op enclosing the launch.
    pub cpu_op_by_enclosing: u64,
    /// No CPU op.
    pub cpu_op_missing: u64,
    /// Call site from a Python frame.
    pub site_python_frame: u64,
    /// CUDA/HIP graph replays.
    pub site_cuda_graph_replay: u64,
    /// torch.compile replays.
    pub site_torch_compile_replay: u64,
    /// Call site mapped from the `--mapping` trace.
    pub site_mapped: u64,
    /// No call site.
    pub site_unresolved: u64,
}

impl LinkCounts {
    /// Count one kernel's links.
    pub fn add(&mut self, launch: LaunchLink, cpu: CpuOpLink) {
        self.kernels += 1;
        match launch {
            LaunchLink::Correlation => self.launch_by_correlation += 1,
            LaunchLink::Flow => self.launch_by_flow += 1,
            LaunchLink::None => self.launch_missing += 1,
        }
        match cpu {
            CpuOpLink::ExternalId => self.cpu_op_by_external_id += 1,
            CpuOpLink::Enclosing => self.cpu_op_by_enclosing += 1,
            CpuOpLink::None => self.cpu_op_missing += 1,
        }
    }
}

/// How many kernels one stage rule assigned.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StageRuleCount {
    /// The rule.
    pub rule: StageRule,
    /// Kernels it assigned.
    pub kernels: u64,
}

/// `--mapping`: formal kernels without a call site matched to the mapping trace.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct MappingStats {
    /// Formal kernels that needed a mapped call site (replays and unresolved).
    pub needed: u64,
    /// Of those, matched to a mapping-trace kernel (same canonical name).
    pub matched: u64,
    /// `matched / needed` in percent.
    pub match_rate_pct: f64,
    /// Distinct kernel names in the mapping trace with a Python call site.
    pub mapping_kernel_names: u64,
}

/// All tables of one stage.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StageReport {
    /// The stage.
    pub stage: Stage,
    /// Summed duration of the stage's GPU ops (concurrent streams count twice).
    pub kernel_time_ns: i64,
    /// GPU busy time: the union over streams.
    pub busy_time_ns: i64,
    /// First start to last end of the stage's GPU ops.
    pub span_ns: i64,
    /// GPU ops (kernels, memcpy, memset) in the stage.
    pub launches: u64,
    /// Kernel table, by GPU time.
    pub kernels: Vec<KernelRow>,
    /// Overlap table.
    pub overlap: OverlapReport,
    /// Fuse table.
    pub fusions: Vec<FuseRow>,
}

/// One row of the kernel table.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct KernelRow {
    /// Stable id from the canonical name (`k-` + 16 hex digits of its FNV-1a hash).
    pub id: String,
    /// Canonical (demangled) kernel name, in full.
    pub name: String,
    /// Short display form.
    pub display: String,
    /// Kernel, memcpy or memset.
    pub kind: GpuKind,
    /// Category from the taxonomy.
    pub category: Category,
    /// Which evidence decided `category`: `name_rule`, `fallback`, or — for a generic name —
    /// the launching CPU op (`launch_op`), the call site (`call_site`) or the capture-time
    /// call site of a CUDA-graph replay (`capture_site`).
    pub evidence: Evidence,
    /// Summed GPU time.
    pub gpu_time_ns: i64,
    /// Share of the stage's summed kernel time.
    pub share_pct: f64,
    /// Launches.
    pub launches: u64,
    /// Mean duration.
    pub mean_ns: f64,
    /// Median duration.
    pub p50_ns: i64,
    /// Call sites, by GPU time (top 3).
    pub sites: Vec<SiteRow>,
    /// The CPU op that launched most of its time.
    pub cpu_op: Option<String>,
    /// Streams it ran on.
    pub streams: Vec<u32>,
}

/// One call site of a kernel.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SiteRow {
    /// `path:line function`, or `replay …`, or `unresolved`.
    pub site: String,
    /// What kind of site.
    pub kind: SiteKind,
    /// Share of the kernel's time from this site.
    pub share_pct: f64,
    /// GPU time from this site.
    pub gpu_time_ns: i64,
    /// Launches from this site.
    pub launches: u64,
    /// Most common CPU op at this site.
    pub cpu_op: Option<String>,
    /// For graph replays: the graph launches (first few) that replayed it.
    pub graph_launches: Vec<GraphLaunchRef>,
}

/// What a site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// A Python frame in this trace.
    Frame,
    /// A Python frame found in the `--mapping` trace.
    Mapped,
    /// A replay (see `replay`).
    Replay(ReplayKind),
    /// Nothing found.
    Unresolved,
}

/// A graph launch that replayed kernels.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq, Eq)]
pub struct GraphLaunchRef {
    /// `cudaGraphLaunch` / `hipGraphLaunch`.
    pub api: String,
    /// Its correlation id.
    pub correlation: u64,
    /// Its start (trace clock, ns).
    pub ts_ns: i64,
}

/// The overlap table of one stage.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct OverlapReport {
    /// Time with two or more streams busy.
    pub multi_stream_ns: i64,
    /// Most streams busy at once.
    pub max_streams: u32,
    /// Union of communication kernels.
    pub communication_ns: i64,
    /// Communication time with no other-stream compute running.
    pub exposed_communication_ns: i64,
    /// Union of memory ops (memcpy, memset, copy kernels).
    pub memory_ns: i64,
    /// Memory time with no other-stream work running.
    pub exposed_memory_ns: i64,
    /// GPU idle gaps inside the stage.
    pub idle: GapStats,
    /// Idle gaps whose next op was launched after the GPU went idle (the CPU was late).
    pub host_bound_idle: GapStats,
    /// Gaps between consecutive launch calls on the launching CPU thread(s).
    pub cpu_launch_gaps: GapStats,
    /// Per category.
    pub categories: Vec<OverlapRow>,
    /// Per kernel (rows of the kernel table).
    pub kernels: Vec<OverlapRow>,
}

/// Count, total and longest of a set of gaps.
#[derive(Debug, Clone, Copy, Default, Serialize, JsonSchema, PartialEq, Eq)]
pub struct GapStats {
    /// Number of gaps.
    pub count: u64,
    /// Summed length.
    pub total_ns: i64,
    /// Longest gap.
    pub longest_ns: i64,
}

impl GapStats {
    /// Add one gap.
    pub fn add(&mut self, gap: i64) {
        if gap > 0 {
            self.count += 1;
            self.total_ns = self.total_ns.saturating_add(gap);
            self.longest_ns = self.longest_ns.max(gap);
        }
    }
}

/// One row of the overlap table.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OverlapRow {
    /// Stable id (`c-<category>` or the kernel row id).
    pub id: String,
    /// Category name or kernel display name.
    pub name: String,
    /// Category.
    pub category: Category,
    /// Summed GPU time.
    pub total_ns: i64,
    /// Time with no other stream busy.
    pub exclusive_ns: i64,
    /// Time with another stream's op running.
    pub hidden_ns: i64,
    /// Share of the stage's GPU busy time (union), so rows are comparable with it.
    pub share_of_busy_pct: f64,
    /// `P1`…`P5`.
    pub priority: String,
    /// What to try.
    pub recommendation: String,
}

/// One row of the fuse table: a catalogue pattern and the kernels it matched.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FuseRow {
    /// Stable id (`f-` + pattern id).
    pub id: String,
    /// Pattern name.
    pub pattern: String,
    /// What the match means (`split` kernels that a fused path replaces, or the fused
    /// kernel `present`).
    pub status: String,
    /// Matched kernels (kernel row ids and display names) with their time.
    pub kernels: Vec<FuseKernel>,
    /// Summed time of the matched kernels.
    pub gpu_time_ns: i64,
    /// Share of the stage's summed kernel time.
    pub share_pct: f64,
    /// Where the fused path lives / the catalogue's source.
    pub source: String,
    /// The catalogue's advice.
    pub note: String,
}

/// A kernel matched by a fuse pattern.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FuseKernel {
    /// Kernel row id.
    pub id: String,
    /// Display name.
    pub display: String,
    /// GPU time.
    pub gpu_time_ns: i64,
}
