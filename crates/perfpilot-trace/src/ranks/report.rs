//! The typed result of `trace triage` over several ranks: per-rank skew, the usual tables
//! merged across ranks, the per-kernel spread across ranks and the collectives matched
//! across ranks. Times are integer nanoseconds.

use schemars::JsonSchema;
use serde::Serialize;

use crate::analysis::stage::Stage;
use crate::model::GpuKind;
use crate::taxonomy::Category;
use crate::triage::report::TraceInput;

/// How collectives are matched across ranks and which rank is called last to arrive.
pub const COLLECTIVE_METHOD: &str = "Collective kernels (category communication) are grouped \
    by stage, process group (Kineto's `Process Group Name` argument, when the trace records \
    it) and kernel name. Within a group they are matched across ranks by sequence number \
    (the `Seq` argument, PyTorch 2.6 and later) when every kernel of the group carries one \
    (matched_by = sequence), otherwise by order of appearance (the n-th launch on one rank \
    is the n-th on every other rank; matched_by = order). Clocks of different hosts are not \
    comparable, so the rank that arrived last is the rank whose collective kernel is the \
    shortest: every other rank started earlier and waited for it inside the kernel.";

/// How the instances of a collective group were matched across ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// By (process group, sequence number): every kernel of the group carried `Seq`.
    Sequence,
    /// By order of appearance within the group.
    Order,
}

impl MatchedBy {
    /// `sequence` / `order`.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Sequence => "sequence",
            MatchedBy::Order => "order",
        }
    }
}

/// The result of `perfpilot trace triage` on a multi-rank input.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RanksReport {
    /// Every trace file analysed, in rank order.
    pub inputs: Vec<TraceInput>,
    /// Ranks that produced tables, ascending.
    pub ranks: Vec<u32>,
    /// Ranks whose file failed to parse (see `failures`).
    pub failed_ranks: Vec<u32>,
    /// `distributedInfo.world_size` of the traces, when recorded and equal.
    pub world_size: Option<u32>,
    /// GPU names recorded in the traces, distinct, sorted.
    pub devices: Vec<String>,
    /// Consistency checks `--force` overrode (empty when none was needed).
    pub forced: Vec<String>,
    /// Rows under this share are hidden in text output (never in JSON).
    pub min_share_pct: f64,
    /// Kernels whose per-rank coefficient of variation exceeds this are flagged.
    pub cv_threshold: f64,
    /// Per rank: step time, GPU busy, exposed communication, time inside collectives.
    pub rank_skew: Vec<RankRow>,
    /// Kernel and category tables summed over ranks, per stage, extend first.
    pub stages: Vec<MergedStage>,
    /// Per kernel (stage, id): GPU time on each rank, min / median / max / CV.
    pub kernel_spread: Vec<KernelSpread>,
    /// Collectives matched across ranks.
    pub collectives: Collectives,
    /// Rank files that failed, with the reason; the other ranks still have tables.
    pub failures: Vec<RankFailure>,
    /// Problems noticed on the way. Not part of the JSON: callers move them into the
    /// envelope's `warnings`.
    #[serde(skip)]
    #[schemars(skip)]
    pub warnings: Vec<perfpilot_report::Warning>,
}

/// One rank's totals over its stages.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RankRow {
    /// Stable row id (`r-<rank>`).
    pub id: String,
    /// The rank.
    pub rank: u32,
    /// Files of this rank.
    pub files: Vec<String>,
    /// GPU span: first GPU op start to last end, summed over the rank's stages (HTA's
    /// `kernel_time` of `get_temporal_breakdown`).
    pub step_time_ns: i64,
    /// GPU busy: union of GPU op intervals over streams.
    pub gpu_busy_ns: i64,
    /// `step_time_ns - gpu_busy_ns`: no GPU op running.
    pub idle_ns: i64,
    /// Summed GPU op durations (concurrent streams count twice).
    pub kernel_time_ns: i64,
    /// Time inside collectives: union of communication-kernel intervals.
    pub collective_ns: i64,
    /// Communication time with no other-category op running on another stream.
    pub exposed_communication_ns: i64,
    /// Communication time overlapped by computation (union ∩ union; computation = every
    /// kernel that is not communication, memcpy/memset excluded), as HTA's
    /// `get_comm_comp_overlap` measures it.
    pub comm_hidden_by_compute_ns: i64,
    /// `100 × comm_hidden_by_compute_ns / collective_ns`; `None` without collectives.
    pub comm_compute_overlap_pct: Option<f64>,
    /// Matched collectives in which this rank arrived last (its kernel was the shortest).
    pub last_arrivals: u64,
    /// Step time relative to the median rank, percent (`+5.0` = 5 % slower).
    pub step_vs_median_pct: f64,
}

/// A rank file that could not be analysed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RankFailure {
    /// The rank (from the file name), when known.
    pub rank: Option<u32>,
    /// The files of that rank.
    pub paths: Vec<String>,
    /// Why: the parser's error (file, position, what was expected).
    pub reason: String,
}

/// One stage's tables summed over ranks.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MergedStage {
    /// The stage.
    pub stage: Stage,
    /// Ranks with this stage.
    pub ranks: u32,
    /// Summed GPU op durations, all ranks.
    pub kernel_time_ns: i64,
    /// Summed per-rank GPU busy time.
    pub busy_time_ns: i64,
    /// GPU ops, all ranks.
    pub launches: u64,
    /// Per category: sum over ranks and per-rank mean, by GPU time.
    pub categories: Vec<MergedCategory>,
    /// Per kernel row id: sum over ranks and per-rank mean, by GPU time.
    pub kernels: Vec<MergedKernel>,
}

/// A category summed over ranks.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MergedCategory {
    /// Stable row id (`c-<category>`).
    pub id: String,
    /// The category.
    pub category: Category,
    /// GPU time summed over ranks.
    pub gpu_time_ns: i64,
    /// `gpu_time_ns / ranks` of the stage.
    pub mean_per_rank_ns: f64,
    /// Share of the stage's summed kernel time, percent.
    pub share_pct: f64,
    /// GPU ops, all ranks.
    pub launches: u64,
}

/// A kernel row summed over ranks.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MergedKernel {
    /// The single-rank table's row id (same canonical name → same id on every rank).
    pub id: String,
    /// Display name.
    pub display: String,
    /// Kernel, memcpy or memset.
    pub kind: GpuKind,
    /// Category (as on the lowest rank that has the kernel).
    pub category: Category,
    /// GPU time summed over ranks.
    pub gpu_time_ns: i64,
    /// `gpu_time_ns / ranks` of the stage (ranks without the kernel count as 0).
    pub mean_per_rank_ns: f64,
    /// Share of the stage's summed kernel time, percent.
    pub share_pct: f64,
    /// Launches, all ranks.
    pub launches: u64,
    /// Ranks on which the kernel ran.
    pub ranks_present: u32,
}

/// The spread of one kernel's GPU time across ranks.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct KernelSpread {
    /// Stable row id (`<stage>-<kernel id>`).
    pub id: String,
    /// The stage.
    pub stage: Stage,
    /// Kernel row id.
    pub kernel: String,
    /// Display name.
    pub display: String,
    /// Category.
    pub category: Category,
    /// Lowest per-rank GPU time (0 when a rank never ran it).
    pub min_ns: i64,
    /// Median per-rank GPU time.
    pub median_ns: f64,
    /// Highest per-rank GPU time.
    pub max_ns: i64,
    /// The rank with the highest GPU time (lowest rank on ties).
    pub max_rank: u32,
    /// Coefficient of variation (population standard deviation / mean).
    pub cv: f64,
    /// `cv > cv_threshold`.
    pub flagged: bool,
}

/// Collectives matched across ranks.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Collectives {
    /// How they were matched and what "last to arrive" means.
    pub method: String,
    /// Per collective kernel name and stage.
    pub groups: Vec<CollectiveGroup>,
    /// Every matched instance, in stage, name, order.
    pub instances: Vec<CollectiveInstance>,
}

/// One collective kernel name (per stage and process group) over all its matched
/// instances.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CollectiveGroup {
    /// Stable row id (`<stage>-<kernel id>`, or `<stage>-pg<group>-<kernel id>` when the
    /// trace names the process group).
    pub id: String,
    /// The stage.
    pub stage: Stage,
    /// Display name of the collective kernel.
    pub collective: String,
    /// Process group (`Process Group Name`), when the trace records it.
    pub process_group: Option<String>,
    /// How the instances were matched across ranks.
    pub matched_by: MatchedBy,
    /// Instances matched on every rank.
    pub instances: u64,
    /// Instances on the rank with the most minus those on the rank with the fewest
    /// (unmatched tail, not in `instances`).
    pub unmatched: u64,
    /// Rank that arrived last most often (lowest rank on ties).
    pub most_often_last: u32,
    /// How often it did.
    pub most_often_last_count: u64,
    /// Summed over instances: longest minus shortest kernel (time the early ranks waited).
    pub wait_spread_ns: i64,
}

/// One collective instance across ranks.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CollectiveInstance {
    /// Stable row id: the group's id, then `-<ordinal>` (matched by order) or
    /// `-s<seq>` (matched by sequence number).
    pub id: String,
    /// The stage.
    pub stage: Stage,
    /// Display name of the collective kernel.
    pub collective: String,
    /// Process group (`Process Group Name`), when the trace records it.
    pub process_group: Option<String>,
    /// Sequence number within the process group (`Seq`), when matched by it.
    pub seq: Option<u64>,
    /// How this instance was matched across ranks.
    pub matched_by: MatchedBy,
    /// 0-based position of this instance among the group's matched instances.
    pub ordinal: u64,
    /// The rank that arrived last: shortest kernel (lowest rank on ties).
    pub last_rank: u32,
    /// Shortest kernel duration.
    pub shortest_ns: i64,
    /// Median kernel duration.
    pub median_ns: f64,
    /// Longest kernel duration.
    pub longest_ns: i64,
    /// The rank with the longest kernel (arrived first).
    pub first_rank: u32,
}
