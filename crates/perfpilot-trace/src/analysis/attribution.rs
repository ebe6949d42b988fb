//! Kernel → launch → CPU op → Python call site, recording which link found each step.
//!
//! 1. Launch: the runtime/driver call with the kernel's `correlation`; else the `ac2g`
//!    flow that ends at the kernel (its start's enclosing runtime call).
//! 2. CPU op: the `cpu_op` whose External id the kernel (or its launch) carries, on the
//!    launching thread; else the innermost `cpu_op` enclosing the launch on that thread.
//! 3. Call site: the Python frames active at the launch on the launching thread (a sweep
//!    over the `python_function` intervals); the innermost framework frame that is not a
//!    wrapper wins; outside any framework, the innermost frame that is not Python or
//!    torch plumbing.
//! 4. Replays are not call sites: a kernel launched by `cudaGraphLaunch`/`hipGraphLaunch`
//!    is a CUDA-graph replay of that launch; one under a torch.compile marker frame or
//!    op is a compiled-code replay.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::frames::{FrameInfo, FrameRules, ReplayKind};
use crate::model::{
    FastMap as HashMap, FlowKind, FlowPhase, IdIndex, LaneId, NameId, Ns, RuntimeKind, Trace,
    TraceId,
};

/// How the launch of a kernel was found.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LaunchLink {
    /// `args.correlation` equals the runtime call's.
    Correlation,
    /// An `ac2g` (or older `async_cpu_to_gpu`) flow arrow.
    Flow,
    /// No launch found.
    None,
}

/// How the CPU op of a kernel was found.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CpuOpLink {
    /// `External id` equals the op's.
    ExternalId,
    /// The innermost op enclosing the launch on the launching thread (time window).
    Enclosing,
    /// No op found.
    None,
}

/// Where a kernel came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// A Python frame (index into `Trace::python`).
    Frame {
        /// The frame.
        frame: u32,
    },
    /// Replayed by a graph or compiled code.
    Replay {
        /// Graph or compile.
        kind: ReplayKind,
        /// The graph launch (index into `Trace::runtime`), for CUDA-graph replays.
        graph_launch: Option<u32>,
        /// The framework frame the replay was started from, when known.
        via: Option<u32>,
    },
    /// No Python frame (trace without stacks, or nothing meaningful active).
    Unresolved,
}

/// One kernel's attribution with provenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribution {
    /// The launch (index into `Trace::runtime`).
    pub launch: Option<u32>,
    /// How it was found.
    pub launch_link: LaunchLink,
    /// The CPU op (index into `Trace::cpu_ops`).
    pub cpu_op: Option<u32>,
    /// How it was found.
    pub cpu_op_link: CpuOpLink,
    /// The call site.
    pub site: Site,
}

/// Frame facts, cached per interned frame name.
pub struct FrameCache<'r> {
    rules: &'r FrameRules,
    /// The facts per name id of the trace `owner`.
    infos: Vec<Option<FrameInfo>>,
    owner: Option<TraceId>,
}

impl<'r> FrameCache<'r> {
    /// A cache over `rules`.
    pub fn new(rules: &'r FrameRules) -> FrameCache<'r> {
        FrameCache { rules, infos: Vec::new(), owner: None }
    }

    /// The facts of a frame name of `trace`. The cache follows one trace at a time and
    /// starts over when asked about another.
    pub fn info(&mut self, trace: &Trace, name: NameId) -> &FrameInfo {
        if self.owner != Some(trace.id) {
            self.infos.clear();
            self.owner = Some(trace.id);
        }
        let i = name.0 as usize;
        if i >= self.infos.len() {
            self.infos.resize(trace.names.len().max(i + 1), None);
        }
        let rules = self.rules;
        self.infos[i].get_or_insert_with(|| rules.classify(trace.name(name)))
    }

    /// The rules.
    pub fn rules(&self) -> &FrameRules {
        self.rules
    }
}

/// Steps 1 and 2 only: the launch and the CPU op of every GPU op in `ops` (indices into
/// `trace.gpu`), with `site` left [`Site::Unresolved`]. Cheaper than [`attribute`] when
/// the call site is not needed (no Python sweep).
pub fn link_cpu_ops(trace: &Trace, ops: &[u32]) -> Vec<Attribution> {
    let by_corr: IdIndex = trace.runtime_correlation_index();
    let by_ext: IdIndex = trace.cpu_op_external_index();
    // The fallbacks' indices are built on first need: most kernels link by correlation
    // and External id, and `trace layers` links only a few hundred kernels.
    let flows = std::cell::LazyCell::new(|| FlowIndex::new(trace));
    let cpu_by_lane = std::cell::LazyCell::new(|| by_lane(trace.cpu_ops.iter().map(|c| c.lane)));
    let rt_by_lane = std::cell::LazyCell::new(|| by_lane(trace.runtime.iter().map(|r| r.lane)));

    let mut out = Vec::with_capacity(ops.len());
    for &i in ops {
        let k = &trace.gpu[i as usize];
        let (launch, launch_link) = match by_corr.first(k.correlation) {
            Some(r) => (Some(r as u32), LaunchLink::Correlation),
            None => match flows.launch_of(trace, k.lane, k.ts, &rt_by_lane) {
                Some(r) => (Some(r), LaunchLink::Flow),
                None => (None, LaunchLink::None),
            },
        };
        let launch_call = launch.map(|r| &trace.runtime[r as usize]);
        let ext = if k.external_id != 0 {
            k.external_id
        } else {
            launch_call.map_or(0, |l| l.external_id)
        };
        let mut cpu_op = None;
        let mut cpu_op_link = CpuOpLink::None;
        if by_ext.first(ext).is_some() {
            let cands = || by_ext.get(ext);
            let pick = match launch_call {
                Some(l) => cands()
                    .find(|&c| {
                        let op = &trace.cpu_ops[c];
                        op.lane == l.lane && op.ts <= l.ts && op.end() >= l.ts
                    })
                    .or_else(|| nearest_before(trace, cands, l.ts)),
                None => nearest_before(trace, cands, k.ts),
            };
            if let Some(c) = pick {
                cpu_op = Some(c as u32);
                cpu_op_link = CpuOpLink::ExternalId;
            }
        }
        if cpu_op.is_none()
            && let Some(l) = launch_call
            && let Some(c) = enclosing(&cpu_by_lane, l.lane, l.ts, |c| {
                let op = &trace.cpu_ops[c as usize];
                (op.ts, op.end())
            })
        {
            cpu_op = Some(c);
            cpu_op_link = CpuOpLink::Enclosing;
        }
        out.push(Attribution { launch, launch_link, cpu_op, cpu_op_link, site: Site::Unresolved });
    }
    out
}

/// Attribute every GPU op in `ops` (indices into `trace.gpu`).
pub fn attribute(trace: &Trace, ops: &[u32], frames: &mut FrameCache<'_>) -> Vec<Attribution> {
    let mut out = link_cpu_ops(trace, ops);
    // Anchors for the Python sweep: (lane, time, kernel slot).
    let mut anchors: Vec<(LaneId, Ns, usize)> = Vec::with_capacity(ops.len());
    for (slot, a) in out.iter().enumerate() {
        let anchor = match (a.launch, a.cpu_op) {
            (Some(l), _) => {
                let l = &trace.runtime[l as usize];
                Some((l.lane, l.ts))
            }
            (None, Some(c)) => {
                let op = &trace.cpu_ops[c as usize];
                Some((op.lane, op.ts.saturating_add((op.dur / 2).min(1000))))
            }
            _ => None,
        };
        if let Some((lane, t)) = anchor {
            anchors.push((lane, t, slot));
        }
    }

    python_sweep(trace, &mut anchors, frames, &mut out);

    // Replays by launch API or CPU op override the frame.
    for a in &mut out {
        let via = match a.site {
            Site::Frame { frame } => Some(frame),
            Site::Replay { via, .. } => via,
            Site::Unresolved => None,
        };
        if let Some(l) = a.launch
            && trace.runtime[l as usize].kind == RuntimeKind::GraphLaunch
        {
            a.site = Site::Replay { kind: ReplayKind::CudaGraph, graph_launch: Some(l), via };
            continue;
        }
        if let Some(c) = a.cpu_op {
            let name = trace.name(trace.cpu_ops[c as usize].name);
            if let Some(kind) = frames.rules().replay_op(name)
                && !matches!(a.site, Site::Replay { .. })
            {
                a.site = Site::Replay { kind, graph_launch: None, via };
            }
        }
    }
    out
}

/// Per lane, the indices of events on it, in the (time-sorted) vector order.
fn by_lane(lanes: impl Iterator<Item = LaneId>) -> HashMap<LaneId, Vec<u32>> {
    let mut map: HashMap<LaneId, Vec<u32>> = HashMap::default();
    for (i, lane) in lanes.enumerate() {
        map.entry(lane).or_default().push(i as u32);
    }
    map
}

/// The innermost interval on `lane` containing `t`: the latest-starting one that still
/// covers it (a bounded backward scan from the last start ≤ t).
fn enclosing(
    index: &HashMap<LaneId, Vec<u32>>,
    lane: LaneId,
    t: Ns,
    span: impl Fn(u32) -> (Ns, Ns),
) -> Option<u32> {
    let list = index.get(&lane)?;
    let upto = list.partition_point(|&i| span(i).0 <= t);
    list[..upto].iter().rev().take(256).copied().find(|&i| span(i).1 >= t)
}

fn nearest_before<I: Iterator<Item = usize>>(
    trace: &Trace,
    cands: impl Fn() -> I,
    t: Ns,
) -> Option<usize> {
    cands()
        .filter(|&c| trace.cpu_ops[c].ts <= t)
        .max_by_key(|&c| (trace.cpu_ops[c].ts, std::cmp::Reverse(c)))
        .or_else(|| cands().min_by_key(|&c| (trace.cpu_ops[c].ts - t).abs()))
}

/// CPU→GPU flow ends, to find a launch when a kernel has no usable correlation.
struct FlowIndex {
    finish_at: HashMap<(LaneId, Ns), u64>,
    start_of: HashMap<u64, (LaneId, Ns)>,
}

impl FlowIndex {
    fn new(trace: &Trace) -> FlowIndex {
        let mut finish_at = HashMap::default();
        let mut start_of = HashMap::default();
        for f in trace.flows.iter().filter(|f| f.kind == FlowKind::CpuToGpu) {
            match f.phase {
                FlowPhase::Start => {
                    start_of.entry(f.id).or_insert((f.lane, f.ts));
                }
                FlowPhase::Finish => {
                    finish_at.entry((f.lane, f.ts)).or_insert(f.id);
                }
                FlowPhase::Step => {}
            }
        }
        FlowIndex { finish_at, start_of }
    }

    fn launch_of(
        &self,
        trace: &Trace,
        lane: LaneId,
        ts: Ns,
        rt_by_lane: &HashMap<LaneId, Vec<u32>>,
    ) -> Option<u32> {
        let id = self.finish_at.get(&(lane, ts))?;
        let &(cpu_lane, cpu_ts) = self.start_of.get(id)?;
        enclosing(rt_by_lane, cpu_lane, cpu_ts, |r| {
            let call = &trace.runtime[r as usize];
            (call.ts, call.end())
        })
    }
}

/// Sweep each lane's Python frames once, answering every anchor with the chosen frame.
fn python_sweep(
    trace: &Trace,
    anchors: &mut [(LaneId, Ns, usize)],
    frames: &mut FrameCache<'_>,
    out: &mut [Attribution],
) {
    if trace.python.is_empty() || anchors.is_empty() {
        return;
    }
    anchors.sort_unstable_by_key(|&(lane, t, slot)| (lane, t, slot));
    let py_by_lane = by_lane(trace.python.iter().map(|p| p.lane));
    let mut start = 0;
    while start < anchors.len() {
        let lane = anchors[start].0;
        let end = start + anchors[start..].partition_point(|a| a.0 == lane);
        let Some(list) = py_by_lane.get(&lane) else {
            start = end;
            continue;
        };
        let mut stack: Vec<u32> = Vec::new();
        let mut next = 0usize;
        for &(_, t, slot) in &anchors[start..end] {
            while next < list.len() && trace.python[list[next] as usize].ts <= t {
                let f = list[next];
                let fs = trace.python[f as usize].ts;
                while stack.last().is_some_and(|&top| trace.python[top as usize].end() < fs) {
                    stack.pop();
                }
                stack.push(f);
                next += 1;
            }
            while stack.last().is_some_and(|&top| trace.python[top as usize].end() < t) {
                stack.pop();
            }
            out[slot].site = choose(trace, &stack, t, frames);
        }
        start = end;
    }
}

/// Pick the call site from the active stack (outermost first).
fn choose(trace: &Trace, stack: &[u32], t: Ns, frames: &mut FrameCache<'_>) -> Site {
    let mut replay: Option<ReplayKind> = None;
    let mut fallback: Option<u32> = None;
    for &f in stack.iter().rev() {
        let frame = &trace.python[f as usize];
        if frame.end() < t {
            continue; // a sibling left on the stack by imperfect nesting
        }
        let info = frames.info(trace, frame.name);
        if let Some(kind) = info.replay {
            replay.get_or_insert(kind);
        }
        if info.framework.is_some() && !info.low_signal && info.replay.is_none() {
            return match replay {
                Some(kind) => Site::Replay { kind, graph_launch: None, via: Some(f) },
                None => Site::Frame { frame: f },
            };
        }
        if fallback.is_none() && !info.noise && !info.low_signal && info.replay.is_none() {
            fallback = Some(f);
        }
    }
    match (replay, fallback) {
        (Some(kind), _) => Site::Replay { kind, graph_launch: None, via: None },
        (None, Some(f)) => Site::Frame { frame: f },
        (None, None) => Site::Unresolved,
    }
}

#[cfg(test)]
mod frame_cache_tests {
    use super::*;
    use crate::parse::parse_trace_bytes;

    /// A trace whose first interned name is the Python frame `frame`.
    fn trace_with_frame(frame: &str) -> Trace {
        let json = format!(
            r#"{{"traceEvents": [{{"ph": "X", "cat": "python_function", "name": "{frame}",
                "pid": 1, "tid": 1, "ts": 1, "dur": 5, "args": {{"Python id": 1}}}}]}}"#
        );
        parse_trace_bytes(json.as_bytes()).unwrap()
    }

    /// Two traces read one after the other into the same variable (same address) must not
    /// share cached frame facts: their name ids mean different strings.
    #[test]
    fn the_cache_follows_the_trace_not_its_address() {
        let rules = FrameRules::embedded();
        let mut cache = FrameCache::new(&rules);
        let mut trace = trace_with_frame("vllm/model_executor/layers/linear.py(500): forward");
        let id = trace.python[0].name;
        let first = cache.info(&trace, id).site.clone();
        trace = trace_with_frame("sglang/srt/layers/layernorm.py(70): forward_cuda");
        let id = trace.python[0].name;
        let second = cache.info(&trace, id).site.clone();
        assert!(first.contains("linear.py"), "{first}");
        assert!(second.contains("layernorm.py"), "{second}");
    }
}
