//! The parsed trace: events by class, stored compactly, with interned names.
//!
//! Every vector is sorted by start time (ties: lane, then longer first, then name), so
//! range queries can binary-search. Times are integer nanoseconds.

mod events;
mod names;

use std::collections::HashMap;

pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

use serde::Serialize;

pub use events::{
    Annotation, AnnotationSide, CollectiveMeta, CommId, CpuOp, Flow, FlowKind, FlowPhase, GpuKind,
    GpuOp, Lane, LaneId, Ns, ProcId, PyFrame, RuntimeCall, RuntimeKind,
};
pub use names::{NameId, Names};

/// Facts from the trace's top-level keys (`distributedInfo`, `deviceProperties`, …).
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TraceMeta {
    /// `distributedInfo.rank`.
    pub rank: Option<u32>,
    /// `distributedInfo.world_size`.
    pub world_size: Option<u32>,
    /// `distributedInfo.backend` (`nccl`, …).
    pub backend: Option<String>,
    /// `deviceProperties[].name`, in order (may be empty strings on ROCm).
    pub device_names: Vec<String>,
    /// True when the top level names a HIP/ROCm runtime (`hip_runtime_version`,
    /// `roctracer_version`).
    pub rocm: bool,
    /// `with_stack` as recorded by newer Kineto (1 when Python frames were captured).
    pub with_stack: Option<bool>,
}

/// Counts of what the parser read, and of what it had to skip.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ParseStats {
    /// Bytes of JSON read (after decompression).
    pub json_bytes: u64,
    /// Top-level trace events seen.
    pub events: u64,
    /// Events that were read but belong to no class this crate models (instant events,
    /// `overhead`, `Trace` spans, memory instants, …).
    pub ignored: u64,
    /// Events that could not be used, per reason.
    pub skipped: Vec<SkipCount>,
    /// Time values with sub-nanosecond digits (rounded to the nearest ns).
    pub sub_ns_rounded: u64,
}

/// Sum of nanosecond values that saturates at `i64::MAX` / `i64::MIN` instead of wrapping
/// (kernel times of a hostile or corrupt trace can add past the i64 range; triage warns).
pub fn sat_sum(values: impl IntoIterator<Item = Ns>) -> Ns {
    values.into_iter().fold(0, Ns::saturating_add)
}

/// Why events were skipped, how many, and where the first one was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SkipCount {
    /// Stable reason code (`missing-ts`, `negative-duration`, `malformed-event`, …).
    pub reason: String,
    /// How many events.
    pub count: u64,
    /// Byte offset (in the decompressed JSON) of the first such event.
    pub first_offset: u64,
    /// What was wrong with the first one.
    pub first_detail: String,
}

/// Identity of a trace: each new (parsed or default) trace draws a fresh one, clones share
/// it. Caches keyed by [`NameId`] check it, since name ids of two traces mean different
/// strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceId(u64);

impl Default for TraceId {
    fn default() -> TraceId {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        TraceId(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

/// A parsed trace file.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// Which trace this is (see [`TraceId`]).
    pub id: TraceId,
    /// The string table.
    pub names: Names,
    /// (pid, tid) lanes; events refer to them by [`LaneId`].
    pub lanes: Vec<Lane>,
    /// GPU kernels, memcpy, memset and sync records, by start time.
    pub gpu: Vec<GpuOp>,
    /// CPU operators, by start time.
    pub cpu_ops: Vec<CpuOp>,
    /// CUDA/HIP runtime and driver calls (launches among them), by start time.
    pub runtime: Vec<RuntimeCall>,
    /// Python frames, by start time; `parent` indexes this vector.
    pub python: Vec<PyFrame>,
    /// User annotations (CPU and GPU side), by start time.
    pub annotations: Vec<Annotation>,
    /// Flow ends (ac2g and others), by time.
    pub flows: Vec<Flow>,
    /// NCCL metadata of the collective kernels that carry it ([`GpuOp::comm`] indexes it).
    pub collectives: Vec<CollectiveMeta>,
    /// Top-level facts.
    pub meta: TraceMeta,
    /// Parse counts and skips.
    pub stats: ParseStats,
}

impl Trace {
    /// The NCCL metadata of a GPU op, when it is a collective kernel that carries it.
    pub fn collective(&self, op: &GpuOp) -> Option<&CollectiveMeta> {
        op.comm.and_then(|c| self.collectives.get(c.index()))
    }

    /// The string of a name id.
    pub fn name(&self, id: NameId) -> &str {
        self.names.get(id)
    }

    /// The lane of an id.
    pub fn lane(&self, id: LaneId) -> Option<&Lane> {
        self.lanes.get(id.0 as usize)
    }

    /// GPU kernels only (not memcpy/memset/sync).
    pub fn kernels(&self) -> impl Iterator<Item = &GpuOp> {
        self.gpu.iter().filter(|g| g.kind == GpuKind::Kernel)
    }

    /// Runtime calls that launch work on a GPU (kernel and graph launches, copies, sets).
    pub fn launches(&self) -> impl Iterator<Item = &RuntimeCall> {
        self.runtime.iter().filter(|r| r.kind.enqueues_work())
    }

    /// Sorted index of runtime calls by correlation id (no allocation per id).
    pub fn runtime_correlation_index(&self) -> IdIndex {
        IdIndex::new(self.runtime.iter().map(|r| r.correlation))
    }

    /// Sorted index of CPU operators by External id.
    pub fn cpu_op_external_index(&self) -> IdIndex {
        IdIndex::new(self.cpu_ops.iter().map(|c| c.external_id))
    }

    /// Devices that ran GPU work, with their summed kernel time, heaviest first.
    pub fn devices_by_kernel_time(&self) -> Vec<(u32, Ns)> {
        let mut per: FastMap<u32, Ns> = FastMap::default();
        for k in self.kernels() {
            let t = per.entry(k.device).or_default();
            *t = t.saturating_add(k.dur);
        }
        let mut v: Vec<(u32, Ns)> = per.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    /// First and last time of any GPU event, when there is one.
    pub fn gpu_span(&self) -> Option<(Ns, Ns)> {
        let first = self.gpu.first()?.ts;
        let last = self.gpu.iter().map(GpuOp::end).max()?;
        Some((first, last))
    }
}

/// A sorted (id, event index) index: every event carrying an id (0 = none is skipped),
/// looked up by binary search. Built in one sort, with no allocation per id.
#[derive(Debug, Clone, Default)]
pub struct IdIndex {
    pairs: Vec<(u64, u32)>,
}

impl IdIndex {
    /// Index the ids of a vector's events, in vector order.
    pub fn new(ids: impl Iterator<Item = u64>) -> IdIndex {
        let mut pairs: Vec<(u64, u32)> =
            ids.enumerate().filter(|(_, id)| *id != 0).map(|(i, id)| (id, i as u32)).collect();
        pairs.sort_unstable();
        IdIndex { pairs }
    }

    /// Indices of the events with `id`, in vector order (empty for 0).
    pub fn get(&self, id: u64) -> impl Iterator<Item = usize> + '_ {
        let start = self.pairs.partition_point(|p| p.0 < id);
        let end = if id == 0 {
            start
        } else {
            start + self.pairs[start..].partition_point(|p| p.0 == id)
        };
        self.pairs[start..end].iter().map(|p| p.1 as usize)
    }

    /// The first event with `id`.
    pub fn first(&self, id: u64) -> Option<usize> {
        self.get(id).next()
    }
}
