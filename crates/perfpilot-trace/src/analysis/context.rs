//! Re-deciding generic kernel rows with their launch context (issue #18).
//!
//! A row is one canonical kernel name. Its context is what launched most of its GPU time:
//! the heaviest launching `cpu_op`, the heaviest resolved Python call site and, for
//! CUDA-graph replays whose site was mapped from a capture trace, the heaviest capture-time
//! site. The taxonomy's `[[context]]` rules then decide rows whose name is generic
//! ([`crate::taxonomy::Taxonomy::refine`]); every row keeps which evidence decided.

use std::collections::HashMap;

use super::attribution::Attribution;
use super::kernels::{OpFacts, RowIndex, SiteKey};
use crate::model::{GpuKind, NameId, Trace};
use crate::taxonomy::LaunchContext;
use crate::triage::report::SiteKind;

#[derive(Default)]
struct Acc {
    ops: HashMap<NameId, i64>,
    sites: HashMap<u32, i64>,
    capture: HashMap<u32, i64>,
}

/// The key with the largest weight; ties go to the smaller text, so the choice is stable.
fn heaviest<K: Copy, F: Fn(K) -> String>(m: &HashMap<K, i64>, text: F) -> Option<String> {
    m.iter()
        .map(|(k, w)| (*w, text(*k)))
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(&a.1)))
        .map(|(_, t)| t)
}

/// Refine the category of every kernel row of `ops` (one trace file, all stages) from its
/// launch context. Rows without a context, rows whose name category no context rule may
/// override, and memcpy/memset rows keep their name decision.
pub fn contextualize<'a>(
    rows: &mut RowIndex<'_>,
    trace: &Trace,
    ops: impl Iterator<Item = &'a OpFacts>,
    attrs: &[Attribution],
    sites: &[SiteKey],
) {
    let mut acc: HashMap<u32, Acc> = HashMap::new();
    for f in ops {
        let facts = &rows.rows[f.row as usize];
        if facts.kind != GpuKind::Kernel {
            continue;
        }
        let dur = trace.gpu[f.op as usize].dur;
        let a = acc.entry(f.row).or_default();
        if let Some(c) = attrs.get(f.slot as usize).and_then(|a| a.cpu_op) {
            let w = a.ops.entry(trace.cpu_ops[c as usize].name).or_default();
            *w = w.saturating_add(dur);
        }
        let into = match sites.get(f.site as usize).map(|s| s.kind) {
            Some(SiteKind::Frame) => &mut a.sites,
            Some(SiteKind::Mapped) => &mut a.capture,
            _ => continue,
        };
        let w = into.entry(f.site).or_default();
        *w = w.saturating_add(dur);
    }
    let mut decided: Vec<(u32, crate::taxonomy::Decision)> = Vec::new();
    for (row, a) in &acc {
        let op = heaviest(&a.ops, |n| trace.name(n).to_string());
        let site = heaviest(&a.sites, |s| sites[s as usize].text.clone());
        let capture = heaviest(&a.capture, |s| sites[s as usize].text.clone());
        let ctx = LaunchContext {
            launch_op: op.as_deref(),
            call_site: site.as_deref(),
            capture_site: capture.as_deref(),
        };
        let facts = &rows.rows[*row as usize];
        let d = rows.taxonomy().refine(facts.category, facts.rule.clone(), &ctx);
        if d.category != facts.category || d.evidence != facts.evidence {
            decided.push((*row, d));
        }
    }
    for (row, d) in decided {
        let facts = &mut rows.rows[row as usize];
        facts.category = d.category;
        facts.rule = d.rule;
        facts.evidence = d.evidence;
    }
}
