//! Per-rank facts: the events of one rank (plus unranked lines, which apply to every rank)
//! and typed look-ups over them.

use crate::common::SourceLine;
use crate::units::LoggedBytes;
use perfpilot_launchlog::{EventKind, Framework, GraphKind, LaunchEvent, LaunchLog, RankId};

/// A value with the line it came from.
#[derive(Debug, Clone)]
pub struct Fact<T> {
    /// Value.
    pub value: T,
    /// Source line.
    pub src: SourceLine,
}

impl<T> Fact<T> {
    fn new(value: T, e: &LaunchEvent) -> Fact<T> {
        Fact { value, src: SourceLine { line: e.line, text: e.raw.clone() } }
    }
}

/// The events of one rank.
pub struct RankEvents<'a> {
    /// The rank.
    pub rank: RankId,
    /// Label.
    pub label: String,
    /// Its events and the shared ones, in line order.
    pub events: Vec<&'a LaunchEvent>,
}

/// The grouping key of a rank: SGLang TP ranks are global (also with DP-attention), vLLM TP
/// ranks are local to a data-parallel engine.
fn key(r: &RankId, fw: Option<Framework>) -> Option<RankId> {
    if r.is_unranked() {
        return None;
    }
    let mut k = RankId { pp: r.pp, tp: r.tp, worker: r.worker, ..RankId::default() };
    if fw == Some(Framework::Vllm) {
        k.dp = r.dp;
    }
    Some(k)
}

/// Group a log's events per rank.
pub fn group(log: &LaunchLog) -> Vec<RankEvents<'_>> {
    // A rank is one whose lines state memory or KV facts; a rank-prefixed stage time alone
    // (`torch.compile took …` on a worker) does not make a breakdown.
    let mut keys: Vec<RankId> = log
        .events
        .iter()
        .filter(|e| !matches!(e.event, perfpilot_launchlog::EventKind::StageTime { .. }))
        .filter_map(|e| key(&e.rank, log.framework))
        .collect();
    keys.sort();
    keys.dedup();
    if keys.is_empty() {
        return vec![RankEvents {
            rank: RankId::default(),
            label: "all".into(),
            events: log.events.iter().collect(),
        }];
    }
    keys.into_iter()
        .map(|k| {
            let events: Vec<&LaunchEvent> = log
                .events
                .iter()
                .filter(|e| match key(&e.rank, log.framework) {
                    None => true,
                    Some(ek) => ek == k,
                })
                .collect();
            // Label with the fullest prefix seen for this rank (e.g. `DP2 TP2 EP2`).
            let label = events
                .iter()
                .filter(|e| key(&e.rank, log.framework).as_ref() == Some(&k))
                .map(|e| e.rank.label())
                .max_by_key(|l| l.len())
                .unwrap_or_else(|| k.label());
            RankEvents { rank: k, label, events }
        })
        .collect()
}

impl<'a> RankEvents<'a> {
    /// The first event the function accepts.
    pub fn first<T>(&self, f: impl Fn(&EventKind) -> Option<T>) -> Option<Fact<T>> {
        self.events.iter().find_map(|e| f(&e.event).map(|v| Fact::new(v, e)))
    }

    /// The last event the function accepts.
    pub fn last<T>(&self, f: impl Fn(&EventKind) -> Option<T>) -> Option<Fact<T>> {
        self.events.iter().rev().find_map(|e| f(&e.event).map(|v| Fact::new(v, e)))
    }

    /// Every event the function accepts.
    pub fn all<T>(&self, f: impl Fn(&EventKind) -> Option<T>) -> Vec<Fact<T>> {
        self.events.iter().filter_map(|e| f(&e.event).map(|v| Fact::new(v, e))).collect()
    }
}

/// KV pool line values.
#[derive(Debug, Clone)]
pub struct KvPool {
    /// Tokens.
    pub tokens: u64,
    /// Total bytes (K + V, or the single buffer).
    pub bytes: Option<LoggedBytes>,
    /// Sum of the rounding windows of the printed sizes.
    pub rounding: i64,
    /// dtype printed.
    pub dtype: Option<String>,
    /// One buffer (MLA) or K and V buffers (MHA).
    pub layout: KvLayout,
}

/// How a `KV Cache is allocated` line sizes the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KvLayout {
    /// K and V buffers (`K size: …, V size: …`).
    Mha,
    /// One latent buffer (`KV size: …`, MLA).
    Mla,
}

/// Extract a KV pool from a `KV Cache is allocated` event.
pub fn kv_pool(e: &EventKind) -> Option<KvPool> {
    let EventKind::KvCacheAllocated { tokens, k_size, v_size, kv_size, dtype } = e else {
        return None;
    };
    let (bytes, rounding, layout) = match (k_size, v_size, kv_size) {
        (Some(k), Some(v), _) => (
            Some(LoggedBytes {
                bytes: k.bytes + v.bytes,
                printed: format!("{} + {}", k.printed, v.printed),
            }),
            k.rounding_bytes() + v.rounding_bytes(),
            KvLayout::Mha,
        ),
        (_, _, Some(kv)) => (Some(kv.clone()), kv.rounding_bytes(), KvLayout::Mla),
        (Some(k), None, None) => (Some(k.clone()), k.rounding_bytes(), KvLayout::Mha),
        _ => (None, 0, KvLayout::Mha),
    };
    Some(KvPool { tokens: *tokens, bytes, rounding, dtype: dtype.clone(), layout })
}

/// `(graph, mem_usage, avail, elapsed)` of a capture-end event.
pub type CaptureEnd = (GraphKind, Option<LoggedBytes>, Option<LoggedBytes>, Option<f64>);

/// Extract a capture end.
pub fn capture_end(e: &EventKind) -> Option<CaptureEnd> {
    match e {
        EventKind::CaptureEnd { graph, mem_usage, avail, elapsed_s } => {
            Some((*graph, mem_usage.clone(), avail.clone(), *elapsed_s))
        }
        _ => None,
    }
}
