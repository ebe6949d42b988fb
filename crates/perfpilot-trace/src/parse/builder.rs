//! Turns raw events into the compact model: classify by phase and category, intern
//! names and lanes, convert times, count what had to be skipped.

use crate::model::FastMap as HashMap;

use super::number::{NumError, micros_literal_to_ns};
use super::raw::{RawArgs, RawComm, RawEvent, RawVal, render_array};
use crate::model::{
    Annotation, AnnotationSide, CollectiveMeta, CommId, CpuOp, Flow, FlowKind, FlowPhase, GpuKind,
    GpuOp, Lane, LaneId, NameId, ProcId, PyFrame, RuntimeCall, RuntimeKind, SkipCount, Trace,
};

/// What a complete (`ph: X`) event is, from its category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Gpu(GpuKind),
    CpuOp,
    Runtime,
    Python,
    Annotation(AnnotationSide),
    Ignored,
}

fn class_of(cat: &[u8]) -> Class {
    // Modern Kineto uses snake_case categories; the 2021 format capitalises them.
    match cat {
        b"kernel" | b"Kernel" => Class::Gpu(GpuKind::Kernel),
        b"gpu_memcpy" | b"Memcpy" => Class::Gpu(GpuKind::Memcpy),
        b"gpu_memset" | b"Memset" => Class::Gpu(GpuKind::Memset),
        b"cuda_sync" => Class::Gpu(GpuKind::Sync),
        b"cpu_op" | b"Operator" | b"operator" => Class::CpuOp,
        b"cuda_runtime" | b"cuda_driver" | b"Runtime" | b"runtime" | b"Driver" => Class::Runtime,
        b"python_function" | b"Python" => Class::Python,
        b"user_annotation" | b"User annotation" => Class::Annotation(AnnotationSide::Cpu),
        b"gpu_user_annotation" | b"GPU user annotation" => Class::Annotation(AnnotationSide::Gpu),
        _ => Class::Ignored,
    }
}

fn flow_kind(cat: &str, name: &str) -> FlowKind {
    match cat {
        "ac2g" | "async_cpu_to_gpu" => FlowKind::CpuToGpu,
        "async" if name == "launch" => FlowKind::CpuToGpu,
        "fwdbwd" | "forward_backward" => FlowKind::FwdBwd,
        _ => FlowKind::Other,
    }
}

/// Accumulates the model while events stream in.
pub(crate) struct TraceBuilder {
    trace: Trace,
    lanes: HashMap<(ProcId, ProcId), LaneId>,
    process_names: HashMap<ProcId, NameId>,
    thread_names: HashMap<(ProcId, ProcId), NameId>,
    skips: HashMap<&'static str, SkipCount>,
    /// The first time value out of i64 range: (field, event offset, literal). Fatal.
    overflow: Option<(&'static str, u64, String)>,
    /// Reused buffer for rendering `Input Dims` / `Input type`.
    scratch: Vec<u8>,
}

impl TraceBuilder {
    pub(crate) fn new() -> TraceBuilder {
        TraceBuilder {
            trace: Trace::default(),
            lanes: HashMap::default(),
            process_names: HashMap::default(),
            thread_names: HashMap::default(),
            skips: HashMap::default(),
            overflow: None,
            scratch: Vec::new(),
        }
    }

    pub(crate) fn skip(
        &mut self,
        reason: &'static str,
        offset: u64,
        detail: impl FnOnce() -> String,
    ) {
        self.skips.entry(reason).and_modify(|s| s.count += 1).or_insert_with(|| SkipCount {
            reason: reason.to_string(),
            count: 1,
            first_offset: offset,
            first_detail: detail(),
        });
    }

    /// The first out-of-range time value seen, if any: (field, event offset, literal).
    pub(crate) fn take_overflow(&mut self) -> Option<(&'static str, u64, String)> {
        self.overflow.take()
    }

    pub(crate) fn count_event(&mut self) {
        self.trace.stats.events += 1;
    }

    pub(crate) fn set_json_bytes(&mut self, n: u64) {
        self.trace.stats.json_bytes = n;
    }

    fn proc_id(&mut self, id: Option<RawVal<'_>>) -> ProcId {
        let Some(v) = id else { return ProcId::Num(-1) };
        if let Some(n) = v.int() {
            return ProcId::Num(n);
        }
        match v.text() {
            Some(s) => ProcId::Name(self.trace.names.intern(&s)),
            None => ProcId::Num(-1),
        }
    }

    fn lane(&mut self, pid: Option<RawVal<'_>>, tid: Option<RawVal<'_>>) -> LaneId {
        let key = (self.proc_id(pid), self.proc_id(tid));
        if let Some(&id) = self.lanes.get(&key) {
            return id;
        }
        let id = LaneId(self.trace.lanes.len() as u32);
        self.trace.lanes.push(Lane {
            pid: key.0,
            tid: key.1,
            thread_name: None,
            process_name: None,
        });
        self.lanes.insert(key, id);
        id
    }

    fn time(&mut self, raw: RawVal<'_>, what: &'static str, offset: u64) -> Option<i64> {
        let literal = raw.literal().unwrap_or(b"");
        let text = || String::from_utf8_lossy(literal).chars().take(40).collect::<String>();
        match micros_literal_to_ns(literal) {
            Ok(v) => {
                if v.rounded {
                    self.trace.stats.sub_ns_rounded += 1;
                }
                Some(v.ns)
            }
            Err(NumError::NotANumber) => {
                self.skip(what, offset, || format!("not a number: {}", text()));
                None
            }
            Err(NumError::Overflow) => {
                let field = if what == "bad-dur" { "dur" } else { "ts" };
                self.overflow.get_or_insert_with(|| (field, offset, text()));
                None
            }
        }
    }

    /// Intern the compact rendering of an args array (see [`render_array`]); `None` for
    /// an absent array, one that renders empty, or one that is not UTF-8.
    fn compact(&mut self, raw: Option<&[u8]>, sep: u8) -> Option<NameId> {
        render_array(raw?, sep, &mut self.scratch);
        if self.scratch.is_empty() {
            return None;
        }
        self.trace.names.intern_bytes(&self.scratch)
    }

    /// Keep a collective kernel's NCCL metadata; its index for [`GpuOp::comm`].
    fn collective(&mut self, raw: &RawComm<'_>) -> Option<CommId> {
        let mut text = |v: Option<RawVal<'_>>| match v {
            Some(RawVal::Str { raw, escaped: false }) => self.trace.names.intern_bytes(raw),
            Some(v @ RawVal::Str { .. }) => v.text().map(|t| self.trace.names.intern(&t)),
            // A number written without quotes (`"Process Group Name": 0`).
            Some(RawVal::Num(t)) => self.trace.names.intern_bytes(t),
            _ => None,
        };
        let meta = CollectiveMeta {
            process_group: text(raw.pg_name),
            collective: text(raw.collective),
            dtype: text(raw.dtype),
            group_ranks: text(raw.pg_ranks),
            seq: raw.seq.and_then(|v| v.id()),
            group_size: raw.group_size.and_then(|v| v.id()).and_then(|v| u32::try_from(v).ok()),
            in_nelems: raw.in_nelems.and_then(|v| v.id()),
        };
        let n = u32::try_from(self.trace.collectives.len() + 1).ok()?;
        self.trace.collectives.push(meta);
        std::num::NonZeroU32::new(n).map(CommId)
    }

    /// Add one parsed event.
    pub(crate) fn add(&mut self, e: RawEvent<'_>, offset: u64) {
        let ph = e.ph.and_then(|v| v.literal()).unwrap_or(b"");
        match ph {
            b"X" => self.add_complete(e, offset),
            b"s" | b"t" | b"f" => self.add_flow(e, offset),
            b"M" => self.add_metadata(e),
            _ => self.trace.stats.ignored += 1,
        }
    }

    fn add_complete(&mut self, e: RawEvent<'_>, offset: u64) {
        let class = class_of(e.cat.and_then(|v| v.literal()).unwrap_or(b""));
        if class == Class::Ignored {
            self.trace.stats.ignored += 1;
            return;
        }
        let Some(ts_raw) = e.ts else {
            self.skip("missing-ts", offset, || "complete event without \"ts\"".into());
            return;
        };
        let Some(ts) = self.time(ts_raw, "bad-ts", offset) else { return };
        let Some(dur_raw) = e.dur else {
            self.skip("missing-dur", offset, || "complete event without \"dur\"".into());
            return;
        };
        let Some(dur) = self.time(dur_raw, "bad-dur", offset) else { return };
        if dur < 0 {
            self.skip("negative-duration", offset, || format!("dur = {} ns", dur));
            return;
        }
        let name = match e.name {
            Some(RawVal::Str { raw, escaped: false }) => self.trace.names.intern_bytes(raw),
            Some(v) => v.text().map(|t| self.trace.names.intern(&t)),
            None => None,
        };
        let Some(name) = name else {
            self.skip("missing-name", offset, || "complete event without a string \"name\"".into());
            return;
        };
        let lane = self.lane(e.pid, e.tid);
        let args: &RawArgs<'_> = &e.args;
        let id = |v: Option<RawVal<'_>>| v.and_then(|v| v.id()).unwrap_or(0);
        match class {
            Class::Gpu(kind) => {
                let stream = args
                    .stream
                    .and_then(|s| s.id())
                    .or_else(|| args.cuda_stream.and_then(|s| s.id()))
                    .or_else(|| stream_from_tid(e.tid))
                    .unwrap_or(0);
                let device = args
                    .device
                    .and_then(|d| d.id())
                    .or_else(|| e.pid.and_then(|p| p.id()))
                    .unwrap_or(0);
                let comm = if kind == GpuKind::Kernel && args.comm.any() {
                    self.collective(&args.comm)
                } else {
                    None
                };
                self.trace.gpu.push(GpuOp {
                    name,
                    kind,
                    ts,
                    dur,
                    device: u32::try_from(device).unwrap_or(u32::MAX),
                    stream: u32::try_from(stream).unwrap_or(u32::MAX),
                    correlation: id(args.correlation),
                    external_id: args.external(),
                    lane,
                    comm,
                });
            }
            Class::CpuOp => {
                let input_dims = self.compact(args.input_dims, b'x');
                let input_types = self.compact(args.input_types, b',');
                self.trace.cpu_ops.push(CpuOp {
                    name,
                    ts,
                    dur,
                    external_id: args.external(),
                    lane,
                    input_dims,
                    input_types,
                })
            }
            Class::Runtime => {
                let kind = RuntimeKind::of(self.trace.names.get(name));
                self.trace.runtime.push(RuntimeCall {
                    name,
                    kind,
                    ts,
                    dur,
                    correlation: id(args.correlation),
                    external_id: args.external(),
                    lane,
                });
            }
            Class::Python => {
                self.trace.python.push(PyFrame {
                    name,
                    ts,
                    dur,
                    python_id: id(args.python_id),
                    parent_id: args.python_parent_id.and_then(|p| p.id()).unwrap_or(u64::MAX),
                    parent: u32::MAX,
                    lane,
                });
            }
            Class::Annotation(side) => self.trace.annotations.push(Annotation {
                name,
                side,
                ts,
                dur,
                external_id: args.external(),
                lane,
            }),
            Class::Ignored => {}
        }
    }

    fn add_flow(&mut self, e: RawEvent<'_>, offset: u64) {
        let phase = match e.ph.and_then(|v| v.text()).as_deref() {
            Some("s") => FlowPhase::Start,
            Some("t") => FlowPhase::Step,
            _ => FlowPhase::Finish,
        };
        let Some(id) = e.id.and_then(|v| v.id()) else {
            self.skip("flow-without-id", offset, || "flow event without a numeric \"id\"".into());
            return;
        };
        let Some(ts_raw) = e.ts else {
            self.skip("missing-ts", offset, || "flow event without \"ts\"".into());
            return;
        };
        let Some(ts) = self.time(ts_raw, "bad-ts", offset) else { return };
        let cat = e.cat.and_then(|v| v.text());
        let name = e.name.and_then(|v| v.text());
        let kind = flow_kind(cat.as_deref().unwrap_or(""), name.as_deref().unwrap_or(""));
        let lane = self.lane(e.pid, e.tid);
        self.trace.flows.push(Flow { id, kind, phase, ts, lane });
    }

    fn add_metadata(&mut self, e: RawEvent<'_>) {
        let label = e.args.name.and_then(|v| v.text());
        let kind = e.name.and_then(|v| v.text());
        let (Some(kind), Some(label)) = (kind, label) else {
            self.trace.stats.ignored += 1;
            return;
        };
        let label = self.trace.names.intern(&label);
        let pid = self.proc_id(e.pid);
        match kind.as_ref() {
            "process_name" => {
                self.process_names.insert(pid, label);
            }
            "thread_name" => {
                let tid = self.proc_id(e.tid);
                self.thread_names.insert((pid, tid), label);
            }
            _ => self.trace.stats.ignored += 1,
        }
    }

    /// Record a top-level key's value.
    pub(crate) fn top_level(&mut self, key: &str, value: &[u8]) {
        let meta = &mut self.trace.meta;
        match key {
            "distributedInfo" => {
                if let Ok(v) = serde_json::from_slice::<serde_json::Value>(value) {
                    let num = |k: &str| {
                        v.get(k).and_then(|x| {
                            x.as_u64().or_else(|| x.as_str().and_then(|s| s.parse().ok()))
                        })
                    };
                    meta.rank = num("rank").and_then(|r| u32::try_from(r).ok());
                    meta.world_size = num("world_size").and_then(|r| u32::try_from(r).ok());
                    meta.backend = v.get("backend").and_then(|b| b.as_str()).map(str::to_string);
                }
            }
            "deviceProperties" => {
                if let Ok(serde_json::Value::Array(devs)) = serde_json::from_slice(value) {
                    meta.device_names = devs
                        .iter()
                        .map(|d| d.get("name").and_then(|n| n.as_str()).unwrap_or("").to_string())
                        .collect();
                }
            }
            "hip_runtime_version" | "roctracer_version" | "hip_driver_version" => meta.rocm = true,
            "with_stack" => {
                let v = serde_json::from_slice::<serde_json::Value>(value).ok();
                meta.with_stack = v.and_then(|v| v.as_u64().map(|n| n != 0).or(v.as_bool()));
            }
            _ => {}
        }
    }

    /// Sort, resolve Python parents and lane names, and hand over the trace.
    pub(crate) fn finish(mut self) -> Trace {
        let t = &mut self.trace;
        for (key, &id) in &self.lanes {
            let lane = &mut t.lanes[id.0 as usize];
            lane.thread_name = self.thread_names.get(key).copied();
            lane.process_name = self.process_names.get(&key.0).copied();
        }
        t.gpu.sort_unstable_by(|a, b| {
            (a.ts, a.device, a.stream, std::cmp::Reverse(a.dur), a.correlation, a.name).cmp(&(
                b.ts,
                b.device,
                b.stream,
                std::cmp::Reverse(b.dur),
                b.correlation,
                b.name,
            ))
        });
        t.cpu_ops.sort_unstable_by(|a, b| {
            (a.ts, a.lane, std::cmp::Reverse(a.dur), a.external_id, a.name).cmp(&(
                b.ts,
                b.lane,
                std::cmp::Reverse(b.dur),
                b.external_id,
                b.name,
            ))
        });
        t.runtime.sort_unstable_by(|a, b| {
            (a.ts, a.lane, a.correlation, a.name).cmp(&(b.ts, b.lane, b.correlation, b.name))
        });
        t.annotations.sort_unstable_by(|a, b| {
            (a.ts, a.lane, std::cmp::Reverse(a.dur), a.name).cmp(&(
                b.ts,
                b.lane,
                std::cmp::Reverse(b.dur),
                b.name,
            ))
        });
        t.flows.sort_unstable_by(|a, b| {
            (a.ts, a.lane, a.id, a.phase).cmp(&(b.ts, b.lane, b.id, b.phase))
        });
        // Python frames: sort in place, then resolve parents with one sweep per thread:
        // a frame's parent is the enclosing open frame whose id is its parent id.
        t.python.sort_unstable_by(|a, b| {
            (a.ts, a.lane, std::cmp::Reverse(a.dur), a.python_id).cmp(&(
                b.ts,
                b.lane,
                std::cmp::Reverse(b.dur),
                b.python_id,
            ))
        });
        let mut stacks: HashMap<LaneId, Vec<u32>> = HashMap::default();
        for i in 0..t.python.len() {
            let f = t.python[i];
            let stack = stacks.entry(f.lane).or_default();
            while stack.last().is_some_and(|&top| t.python[top as usize].end() < f.ts) {
                stack.pop();
            }
            if f.parent_id != u64::MAX
                && let Some(&p) = stack
                    .iter()
                    .rev()
                    .take(256)
                    .find(|&&p| t.python[p as usize].python_id == f.parent_id)
            {
                t.python[i].parent = p;
            }
            stack.push(i as u32);
        }
        let mut skipped: Vec<SkipCount> = self.skips.into_values().collect();
        skipped.sort_by(|a, b| a.reason.cmp(&b.reason));
        t.stats.skipped = skipped;
        self.trace
    }
}

/// Legacy Kineto puts GPU events on `"tid": "stream 7"`; newer ones use the number.
fn stream_from_tid(tid: Option<RawVal<'_>>) -> Option<u64> {
    let tid = tid?;
    if let Some(n) = tid.id() {
        return Some(n);
    }
    let text = tid.text()?;
    text.trim().strip_prefix("stream").and_then(|r| r.trim().parse().ok())
}
