//! The fuse table: the fusion catalogue's matches on one stage's kernel stream, with the
//! kernels each match actually covered, their time and share.

use std::collections::HashMap;

use super::kernels::{OpFacts, RowIndex};
use crate::fusion::{Catalogue, ConditionStatus, Context, KernelRef};
use crate::model::{GpuKind, Trace};
use crate::triage::report::{FuseKernel, FuseRow};

/// Scan the stage's kernels (memcpy/memset included: several patterns start with a copy)
/// and build one row per catalogue entry with occurrences, dropping entries whose
/// conditions are known to fail for this run.
pub fn fuse_rows(
    trace: &Trace,
    ops: &[OpFacts],
    rows: &RowIndex<'_>,
    catalogue: &Catalogue,
    ctx: &Context,
    stage_total_ns: i64,
) -> Vec<FuseRow> {
    let mut order: Vec<&OpFacts> =
        ops.iter().filter(|f| trace.gpu[f.op as usize].kind != GpuKind::Sync).collect();
    order.sort_by_key(|f| (trace.gpu[f.op as usize].ts, f.op));
    let refs: Vec<KernelRef<'_>> = order
        .iter()
        .map(|f| {
            let g = &trace.gpu[f.op as usize];
            let facts = &rows.rows[f.row as usize];
            KernelRef {
                name: &facts.name,
                category: facts.category,
                stream: u64::from(g.stream),
                start_ns: g.ts,
                dur_ns: g.dur,
                pass: None,
            }
        })
        .collect();
    let pct =
        |ns: i64| if stage_total_ns > 0 { 100.0 * ns as f64 / stage_total_ns as f64 } else { 0.0 };
    let mut out = Vec::new();
    for m in catalogue.scan(&refs, ctx) {
        if m.count == 0 || m.conditions == ConditionStatus::Fails {
            continue;
        }
        let mut per_row: HashMap<u32, i64> = HashMap::new();
        for occ in &m.occurrences {
            for &k in &occ.kernels {
                if let Some(f) = order.get(k) {
                    let t = per_row.entry(f.row).or_default();
                    *t = t.saturating_add(trace.gpu[f.op as usize].dur);
                }
            }
        }
        let mut kernels: Vec<FuseKernel> = per_row
            .into_iter()
            .map(|(r, ns)| {
                let facts = &rows.rows[r as usize];
                FuseKernel { id: facts.id.clone(), display: facts.display.clone(), gpu_time_ns: ns }
            })
            .collect();
        kernels.sort_by(|a, b| b.gpu_time_ns.cmp(&a.gpu_time_ns).then_with(|| a.id.cmp(&b.id)));
        let mut note = format!("{} occurrence(s); replace with {}", m.count, m.fused_kernel);
        if m.already_fused {
            note.push_str(&format!(
                "; the fused kernel already runs elsewhere in this trace ({})",
                m.fused_seen.join(", ")
            ));
        }
        if m.conditions == ConditionStatus::Unknown && !m.condition_notes.is_empty() {
            note.push_str(&format!("; unchecked: {}", m.condition_notes.join("; ")));
        }
        out.push(FuseRow {
            id: format!("f-{}", m.id),
            pattern: m.title.clone(),
            status: if m.composite { "decomposed op".into() } else { "split kernels".into() },
            kernels,
            gpu_time_ns: m.total_ns,
            share_pct: pct(m.total_ns),
            source: format!("{} (source: {})", m.provider, m.source),
            note,
        });
    }
    out.sort_by(|a, b| b.gpu_time_ns.cmp(&a.gpu_time_ns).then_with(|| a.id.cmp(&b.id)));
    out
}
