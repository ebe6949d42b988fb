//! The overlap table: exclusive vs hidden time per category and kernel, exposed
//! communication and memory time, GPU idle gaps and CPU launch gaps, with a priority
//! and a recommendation per row. Works on a single trace: what overlapped is measured,
//! not what could legally overlap (that needs the dependency graph).

use crate::model::FastMap as HashMap;

use super::attribution::Attribution;
use super::intervals::{Segment, sweep};
use super::kernels::{OpFacts, RowIndex};
use super::stage::Stage;
use crate::model::{LaneId, Ns, Trace};
use crate::taxonomy::Category;
use crate::triage::report::{GapStats, OverlapReport, OverlapRow};

/// Rows below this share of busy time are `P5 skip`.
const MIN_SHARE_PCT: f64 = 1.0;
/// Exclusive (or exposed) ratio that makes a row a candidate.
const HEADROOM_RATIO: f64 = 0.45;
/// Hidden ratio above which a row is already overlapped.
const HIDDEN_RATIO: f64 = 0.65;

#[derive(Default, Clone, Copy)]
struct Acc {
    total: i64,
    exclusive: i64,
    hidden: i64,
}

/// Compute the overlap report of one stage (idle gaps are filled in by [`idle_gaps`]).
pub fn overlap(
    trace: &Trace,
    ops: &[OpFacts],
    rows: &RowIndex<'_>,
    attrs: &[Attribution],
    busy_ns: i64,
) -> OverlapReport {
    let spans: Vec<(Ns, Ns)> = ops
        .iter()
        .map(|f| {
            let g = &trace.gpu[f.op as usize];
            (g.ts, g.end())
        })
        .collect();
    let cat = |i: usize| rows.rows[ops[i].row as usize].category;
    let stream = |i: usize| trace.gpu[ops[i].op as usize].stream;
    let mut per_op = vec![Acc::default(); ops.len()];
    let mut report = OverlapReport::default();
    let mut streams: Vec<u32> = Vec::new();
    sweep(&spans, |seg: Segment<'_>| {
        streams.clear();
        for &i in seg.active {
            if !streams.contains(&stream(i)) {
                streams.push(stream(i));
            }
        }
        if streams.len() >= 2 {
            report.multi_stream_ns = report.multi_stream_ns.saturating_add(seg.len);
        }
        report.max_streams = report.max_streams.max(streams.len() as u32);
        // An op has company on another stream exactly when the segment spans two streams.
        let other = streams.len() >= 2;
        for &i in seg.active {
            if other {
                per_op[i].hidden = per_op[i].hidden.saturating_add(seg.len)
            } else {
                per_op[i].exclusive = per_op[i].exclusive.saturating_add(seg.len)
            }
        }
        // Exposed communication / memory: busy with such ops and no other-stream op of
        // another kind running.
        for (target, comm) in [(Category::Communication, true), (Category::Memory, false)] {
            let mut any = false;
            let mut hidden = false;
            for &i in seg.active {
                if cat(i) != target {
                    continue;
                }
                any = true;
                let s = stream(i);
                if seg.active.iter().any(|&j| cat(j) != target && stream(j) != s) {
                    hidden = true;
                }
            }
            if !any {
                continue;
            }
            let (total, exposed) = if comm {
                (&mut report.communication_ns, &mut report.exposed_communication_ns)
            } else {
                (&mut report.memory_ns, &mut report.exposed_memory_ns)
            };
            *total = total.saturating_add(seg.len);
            if !hidden {
                *exposed = exposed.saturating_add(seg.len);
            }
        }
    });
    for (i, f) in ops.iter().enumerate() {
        per_op[i].total = trace.gpu[f.op as usize].dur;
    }
    let mut by_cat: HashMap<Category, Acc> = HashMap::default();
    let mut by_row: HashMap<u32, Acc> = HashMap::default();
    for (i, f) in ops.iter().enumerate() {
        let a = per_op[i];
        for acc in [by_cat.entry(cat(i)).or_default(), by_row.entry(f.row).or_default()] {
            acc.total = acc.total.saturating_add(a.total);
            acc.exclusive = acc.exclusive.saturating_add(a.exclusive);
            acc.hidden = acc.hidden.saturating_add(a.hidden);
        }
    }
    let mut categories: Vec<OverlapRow> = by_cat
        .into_iter()
        .map(|(c, a)| row(format!("c-{}", c.as_str()), c.as_str().to_string(), c, a, busy_ns))
        .collect();
    let mut kernels: Vec<OverlapRow> = by_row
        .into_iter()
        .map(|(r, a)| {
            let facts = &rows.rows[r as usize];
            row(facts.id.clone(), facts.display.clone(), facts.category, a, busy_ns)
        })
        .collect();
    let order = |a: &OverlapRow, b: &OverlapRow| {
        a.priority
            .cmp(&b.priority)
            .then(b.exclusive_ns.cmp(&a.exclusive_ns))
            .then_with(|| a.id.cmp(&b.id))
    };
    categories.sort_by(order);
    kernels.sort_by(order);
    report.categories = categories;
    report.kernels = kernels;
    report.cpu_launch_gaps = launch_gaps(trace, ops, attrs);
    report
}

fn row(id: String, name: String, category: Category, a: Acc, busy_ns: i64) -> OverlapRow {
    let share = if busy_ns > 0 { 100.0 * a.total as f64 / busy_ns as f64 } else { 0.0 };
    let ratio = |x: i64| if a.total > 0 { x as f64 / a.total as f64 } else { 0.0 };
    let (priority, recommendation) = verdict(category, share, ratio(a.exclusive), ratio(a.hidden));
    OverlapRow {
        id,
        name,
        category,
        total_ns: a.total,
        exclusive_ns: a.exclusive,
        hidden_ns: a.hidden,
        share_of_busy_pct: share,
        priority: priority.into(),
        recommendation,
    }
}

/// Priority and advice for a row from its category, share and overlap ratios.
fn verdict(category: Category, share: f64, exclusive: f64, hidden: f64) -> (&'static str, String) {
    let pct = |x: f64| format!("{:.0}%", 100.0 * x);
    if share < MIN_SHARE_PCT {
        return ("P5", "skip: under 1% of busy time".into());
    }
    if hidden >= HIDDEN_RATIO {
        return (
            "P4",
            format!("already {} hidden under other streams; little to gain", pct(hidden)),
        );
    }
    if exclusive < HEADROOM_RATIO {
        return (
            "P4",
            format!("partly overlapped ({} hidden); check before moving it", pct(hidden)),
        );
    }
    match category {
        Category::Communication => (
            "P1",
            format!(
                "{} exposed: overlap with compute (separate stream, two-batch overlap, fused all-reduce)",
                pct(exclusive)
            ),
        ),
        Category::Memory => (
            "P2",
            format!(
                "{} exposed: remove the copies/sets or move them off the critical stream",
                pct(exclusive)
            ),
        ),
        Category::Gemm | Category::Attention | Category::Moe | Category::Conv | Category::Ssm => (
            "P3",
            format!("{} on the critical path: tune or fuse the kernel itself", pct(exclusive)),
        ),
        _ => (
            "P2",
            format!(
                "{} exclusive: fuse into a neighbour or overlap on another stream",
                pct(exclusive)
            ),
        ),
    }
}

/// Gaps between consecutive launch calls of the stage, per launching thread.
fn launch_gaps(trace: &Trace, ops: &[OpFacts], attrs: &[Attribution]) -> GapStats {
    let mut launches: Vec<u32> =
        ops.iter().filter_map(|f| attrs.get(f.slot as usize).and_then(|a| a.launch)).collect();
    launches.sort_unstable();
    launches.dedup();
    let mut by_lane: HashMap<LaneId, Vec<(Ns, Ns)>> = HashMap::default();
    for l in launches {
        let call = &trace.runtime[l as usize];
        by_lane.entry(call.lane).or_default().push((call.ts, call.end()));
    }
    let mut stats = GapStats::default();
    for calls in by_lane.values_mut() {
        calls.sort_unstable();
        for w in calls.windows(2) {
            stats.add(w[1].0 - w[0].1);
        }
    }
    stats
}

/// GPU idle gaps over the whole device timeline, each given to the stage of the op that
/// ends it; `host_bound` when that op's launch started after the GPU went idle.
/// `ops` are (gpu index, attribution slot, stage), any order.
pub fn idle_gaps(
    trace: &Trace,
    ops: &[(u32, u32, Stage)],
    attrs: &[Attribution],
) -> HashMap<Stage, (GapStats, GapStats)> {
    let mut order: Vec<&(u32, u32, Stage)> = ops.iter().collect();
    order.sort_by_key(|(i, _, _)| (trace.gpu[*i as usize].ts, *i));
    let mut out: HashMap<Stage, (GapStats, GapStats)> = HashMap::default();
    let mut busy_until: Option<Ns> = None;
    for &&(i, slot, stage) in &order {
        let g = &trace.gpu[i as usize];
        if let Some(end) = busy_until
            && g.ts > end
        {
            let gap = g.ts - end;
            let e = out.entry(stage).or_default();
            e.0.add(gap);
            let launched_late = attrs
                .get(slot as usize)
                .and_then(|a| a.launch)
                .is_some_and(|l| trace.runtime[l as usize].ts >= end);
            if launched_late {
                e.1.add(gap);
            }
        }
        busy_until = Some(busy_until.map_or(g.end(), |b| b.max(g.end())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_follow_the_ratios() {
        assert_eq!(verdict(Category::Communication, 10.0, 0.9, 0.1).0, "P1");
        assert_eq!(verdict(Category::Memory, 10.0, 0.9, 0.1).0, "P2");
        assert_eq!(verdict(Category::Gemm, 10.0, 0.9, 0.1).0, "P3");
        assert_eq!(verdict(Category::Norm, 10.0, 0.9, 0.1).0, "P2");
        assert_eq!(verdict(Category::Communication, 10.0, 0.2, 0.8).0, "P4");
        assert_eq!(verdict(Category::Communication, 0.5, 1.0, 0.0).0, "P5");
    }
}
