//! The event classes of a parsed trace. Times are integer nanoseconds (`Ns`), ids are the
//! trace's own numbers (`0` when the event has none, as Kineto itself uses 0 for "none").

use serde::Serialize;

use super::names::NameId;

/// Nanoseconds. Kineto writes µs with up to 3 decimals, so every value is exact.
pub type Ns = i64;

/// Index of a (process, thread) pair in [`crate::Trace::lanes`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
pub struct LaneId(pub u32);

/// A process or thread id as the trace wrote it: a number, or a string
/// (legacy Kineto writes `"tid": "stream 7"`; profiler spans use `"pid": "Spans"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProcId {
    /// A numeric id.
    Num(i64),
    /// A string id, interned.
    Name(NameId),
}

/// One (pid, tid) timeline of the trace, with the names metadata events gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    /// Process id (for GPU events, Kineto uses the device index).
    pub pid: ProcId,
    /// Thread id (for GPU events, the stream).
    pub tid: ProcId,
    /// `thread_name` metadata, when present.
    pub thread_name: Option<NameId>,
    /// `process_name` metadata of the pid, when present.
    pub process_name: Option<NameId>,
}

/// What a GPU-side event is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum GpuKind {
    /// A kernel (`cat` `kernel` / `Kernel`).
    Kernel,
    /// A copy (`gpu_memcpy` / `Memcpy`).
    Memcpy,
    /// A set (`gpu_memset` / `Memset`).
    Memset,
    /// A CUDA synchronisation record (`cuda_sync`: stream/event/context sync, stream wait).
    Sync,
}

/// A GPU-side event: kernel, memcpy, memset or sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GpuOp {
    /// Interned name (full kernel name as the trace wrote it).
    pub name: NameId,
    /// Kernel, memcpy, memset or sync.
    pub kind: GpuKind,
    /// Start.
    pub ts: Ns,
    /// Duration (never negative: such events are dropped with a warning).
    pub dur: Ns,
    /// Device index (`args.device`, else the numeric pid).
    pub device: u32,
    /// Stream (`args.stream`, else `args.cuda_stream`, else the numeric tid).
    pub stream: u32,
    /// `args.correlation`: joins the launch on the CPU (0 = none).
    pub correlation: u64,
    /// `args["External id"]`: joins the `cpu_op` that launched it (0 = none).
    pub external_id: u64,
    /// The (pid, tid) lane it was drawn on.
    pub lane: LaneId,
    /// The NCCL metadata of a collective kernel, in [`crate::Trace::collectives`]
    /// (`None` for every other op; no memory taken beyond this index).
    pub comm: Option<CommId>,
}

/// Index of a [`CollectiveMeta`] in [`crate::Trace::collectives`] (plus one, so that
/// `Option<CommId>` fits in four bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommId(pub std::num::NonZeroU32);

impl CommId {
    /// The index into [`crate::Trace::collectives`].
    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }
}

/// The NCCL/RCCL metadata Kineto records in a collective kernel's `args` (PyTorch 2.1 and
/// later; `Seq` from PyTorch 2.6). Kept only for kernels that carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CollectiveMeta {
    /// `Process Group Name` (PyTorch's id of the group: `"0"` is the default group).
    pub process_group: Option<NameId>,
    /// `Seq`: the collective's sequence number within its process group.
    pub seq: Option<u64>,
    /// `Collective name` (`allreduce`, `_allgather_base`, …).
    pub collective: Option<NameId>,
    /// `Group size`.
    pub group_size: Option<u32>,
    /// `In msg nelems`.
    pub in_nelems: Option<u64>,
    /// `dtype` (`Float`, `BFloat16`, …).
    pub dtype: Option<NameId>,
    /// `Process Group Ranks`, as written (`[0, 1]`).
    pub group_ranks: Option<NameId>,
}

impl GpuOp {
    /// End time.
    pub fn end(&self) -> Ns {
        self.ts.saturating_add(self.dur)
    }
}

/// An operator on the CPU (`cat` `cpu_op`, legacy `Operator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuOp {
    /// Interned name (`aten::mm`, `vllm::unified_attention`, …).
    pub name: NameId,
    /// Start.
    pub ts: Ns,
    /// Duration.
    pub dur: Ns,
    /// `args["External id"]` (0 = none).
    pub external_id: u64,
    /// Thread lane.
    pub lane: LaneId,
    /// `args["Input Dims"]` (recorded with `record_shapes=True`), interned in a compact
    /// form: `[[1, 2048], [2048, 4096], []]` → `[1,2048]x[2048,4096]` (whitespace removed,
    /// entries joined by `x`, trailing non-tensor `[]` entries left out). `None` when
    /// not recorded or when no input has dims.
    pub input_dims: Option<NameId>,
    /// `args["Input type"]` the same way, joined by `,`: `c10::BFloat16,c10::BFloat16,Scalar`.
    pub input_types: Option<NameId>,
}

impl CpuOp {
    /// End time.
    pub fn end(&self) -> Ns {
        self.ts.saturating_add(self.dur)
    }
}

/// What a CUDA/HIP runtime or driver call does.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RuntimeKind {
    /// A kernel launch (`cudaLaunchKernel`, `cudaLaunchKernelExC`, `cuLaunchKernel(Ex)`,
    /// `hipLaunchKernel`, `hipExtModuleLaunchKernel`, …).
    KernelLaunch,
    /// A CUDA/HIP graph launch (`cudaGraphLaunch`, `hipGraphLaunch`): replays many kernels.
    GraphLaunch,
    /// An async or sync copy (`cudaMemcpyAsync`, `hipMemcpyWithStream`, …).
    Memcpy,
    /// A memset (`cudaMemsetAsync`, …).
    Memset,
    /// A blocking synchronisation (`cudaStreamSynchronize`, `cudaDeviceSynchronize`,
    /// `cudaEventSynchronize`, …).
    Synchronize,
    /// Anything else (attribute queries, event records, …).
    Other,
}

impl RuntimeKind {
    /// Classify a runtime/driver call by name.
    pub fn of(name: &str) -> RuntimeKind {
        let lower_has = |needle: &str| name.contains(needle);
        if lower_has("GraphLaunch") {
            RuntimeKind::GraphLaunch
        } else if lower_has("LaunchKernel")
            || lower_has("LaunchCooperativeKernel")
            || name.starts_with("cuLaunch")
            || name.starts_with("hipModuleLaunch")
            || name.starts_with("hipExtLaunch")
        {
            RuntimeKind::KernelLaunch
        } else if lower_has("Memcpy") {
            RuntimeKind::Memcpy
        } else if lower_has("Memset") {
            RuntimeKind::Memset
        } else if lower_has("Synchronize") {
            RuntimeKind::Synchronize
        } else {
            RuntimeKind::Other
        }
    }

    /// True for calls that put work on a GPU stream (launches, graph launches, copies, sets).
    pub fn enqueues_work(self) -> bool {
        !matches!(self, RuntimeKind::Synchronize | RuntimeKind::Other)
    }
}

/// A CUDA/HIP runtime or driver call (`cat` `cuda_runtime` / `cuda_driver`, legacy `Runtime`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeCall {
    /// Interned name (`cudaLaunchKernel`, `cudaGraphLaunch`, `hipLaunchKernel`, …).
    pub name: NameId,
    /// What the call does.
    pub kind: RuntimeKind,
    /// Start.
    pub ts: Ns,
    /// Duration.
    pub dur: Ns,
    /// `args.correlation`: the GPU events it launched carry the same number (0 = none).
    pub correlation: u64,
    /// `args["External id"]`: the enclosing `cpu_op` (0 = none).
    pub external_id: u64,
    /// Thread lane.
    pub lane: LaneId,
}

impl RuntimeCall {
    /// End time.
    pub fn end(&self) -> Ns {
        self.ts.saturating_add(self.dur)
    }
}

/// A Python frame (`cat` `python_function`, present when profiled `with_stack=True`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PyFrame {
    /// Interned name: `path(line): function` or `<built-in method …>`.
    pub name: NameId,
    /// Start.
    pub ts: Ns,
    /// Duration.
    pub dur: Ns,
    /// `args["Python id"]`.
    pub python_id: u64,
    /// `args["Python parent id"]` (`u64::MAX` for a root).
    pub parent_id: u64,
    /// Index (in [`crate::Trace::python`]) of the parent frame: the enclosing frame on
    /// the same thread whose `Python id` is `parent_id`; `u32::MAX` for a root or when
    /// the parent was not recorded.
    pub parent: u32,
    /// Thread lane.
    pub lane: LaneId,
}

impl PyFrame {
    /// End time.
    pub fn end(&self) -> Ns {
        self.ts.saturating_add(self.dur)
    }

    /// Index of the parent frame, when known.
    pub fn parent_index(&self) -> Option<usize> {
        (self.parent != u32::MAX).then_some(self.parent as usize)
    }
}

/// Where an annotation was recorded.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AnnotationSide {
    /// `user_annotation` (a `record_function` range on a CPU thread; also ProfilerStep#N).
    Cpu,
    /// `gpu_user_annotation` (the same range projected onto a GPU stream).
    Gpu,
}

/// A user annotation range (`record_function`, `ProfilerStep#N`, framework step names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Annotation {
    /// Interned name.
    pub name: NameId,
    /// CPU or GPU side.
    pub side: AnnotationSide,
    /// Start.
    pub ts: Ns,
    /// Duration.
    pub dur: Ns,
    /// `args["External id"]` (0 = none).
    pub external_id: u64,
    /// Lane (a CPU thread, or the GPU device/stream for `gpu_user_annotation`).
    pub lane: LaneId,
}

impl Annotation {
    /// End time.
    pub fn end(&self) -> Ns {
        self.ts.saturating_add(self.dur)
    }
}

/// The family of a flow event.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FlowKind {
    /// CPU launch → GPU event (`ac2g`, older `async_cpu_to_gpu`, legacy `async`/`launch`).
    CpuToGpu,
    /// Forward → backward (`fwdbwd`).
    FwdBwd,
    /// Any other flow category.
    Other,
}

/// Which end of a flow an event is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FlowPhase {
    /// `ph: "s"`.
    Start,
    /// `ph: "t"`.
    Step,
    /// `ph: "f"`.
    Finish,
}

/// One end of a flow arrow (`ph` `s`/`t`/`f`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    /// Flow id (for CPU→GPU flows it equals the correlation id).
    pub id: u64,
    /// Family.
    pub kind: FlowKind,
    /// Start, step or finish.
    pub phase: FlowPhase,
    /// Time stamp (binds to the slice enclosing it on `lane`).
    pub ts: Ns,
    /// Lane.
    pub lane: LaneId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_kinds_cover_cuda_and_hip_names() {
        for (name, kind) in [
            ("cudaLaunchKernel", RuntimeKind::KernelLaunch),
            ("cudaLaunchKernelExC", RuntimeKind::KernelLaunch),
            ("cuLaunchKernelEx", RuntimeKind::KernelLaunch),
            ("cuLaunchKernel", RuntimeKind::KernelLaunch),
            ("cudaLaunchCooperativeKernel", RuntimeKind::KernelLaunch),
            ("hipLaunchKernel", RuntimeKind::KernelLaunch),
            ("hipExtModuleLaunchKernel", RuntimeKind::KernelLaunch),
            ("hipModuleLaunchKernel", RuntimeKind::KernelLaunch),
            ("cudaGraphLaunch", RuntimeKind::GraphLaunch),
            ("hipGraphLaunch", RuntimeKind::GraphLaunch),
            ("cudaMemcpyAsync", RuntimeKind::Memcpy),
            ("hipMemcpyWithStream", RuntimeKind::Memcpy),
            ("cudaMemsetAsync", RuntimeKind::Memset),
            ("cudaStreamSynchronize", RuntimeKind::Synchronize),
            ("cudaDeviceGetAttribute", RuntimeKind::Other),
            ("cudaEventRecord", RuntimeKind::Other),
        ] {
            assert_eq!(RuntimeKind::of(name), kind, "{name}");
        }
    }

    #[test]
    fn events_stay_compact() {
        assert!(std::mem::size_of::<GpuOp>() <= 56);
        assert!(std::mem::size_of::<PyFrame>() <= 48);
        assert!(std::mem::size_of::<CpuOp>() <= 48);
    }
}
