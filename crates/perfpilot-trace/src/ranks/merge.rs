//! Per-rank tables reduced to what the merge needs, and the merge itself: sums and
//! per-rank means and the kernel spread across ranks (collective matching: `collectives`).

use std::collections::BTreeMap;

use crate::analysis::intervals;
use crate::analysis::kernels::{OpFacts, RowIndex};
use crate::analysis::stage::Stage;
use crate::model::{GpuKind, Ns, Trace};
use crate::taxonomy::Category;
use crate::triage::report::TraceInput;
use crate::triage::{TriageOptions, TriageReport};

use super::collectives::{CollectiveKernel, collectives};
use super::report::{
    COLLECTIVE_METHOD, Collectives, KernelSpread, MergedCategory, MergedKernel, MergedStage,
    RankFailure, RankRow, RanksReport,
};

/// What one stage of one rank file contributes beyond its triage tables.
#[derive(Debug, Clone)]
pub(crate) struct StageFacts {
    pub stage: Stage,
    /// Communication ∩ computation (unions), ns.
    pub comm_hidden_by_compute: Ns,
    /// Collective kernels in time order.
    pub collectives: Vec<CollectiveKernel>,
    /// First GPU op start.
    pub start: Option<Ns>,
}

impl StageFacts {
    pub(crate) fn of(trace: &Trace, stage: Stage, ops: &[OpFacts], rows: &RowIndex<'_>) -> Self {
        let mut comm = Vec::new();
        let mut comp = Vec::new();
        let mut collectives = Vec::new();
        let mut start: Option<Ns> = None;
        for f in ops {
            let g = &trace.gpu[f.op as usize];
            let row = &rows.rows[f.row as usize];
            start = Some(start.map_or(g.ts, |s| s.min(g.ts)));
            match row.category {
                Category::Communication => {
                    comm.push((g.ts, g.end()));
                    let meta = trace.collective(g);
                    let pg = meta.and_then(|m| m.process_group).map(|n| trace.name(n).to_string());
                    collectives.push(CollectiveKernel {
                        id: row.id.clone(),
                        display: row.display.clone(),
                        dur: g.dur,
                        process_group: pg,
                        seq: meta.and_then(|m| m.seq),
                    });
                }
                // Computation: every other kernel (copy kernels included, as in HTA);
                // memcpy, memset and sync records are not.
                _ if g.kind == GpuKind::Kernel => comp.push((g.ts, g.end())),
                _ => {}
            }
        }
        let hidden = intersection(&intervals::union(comm), &intervals::union(comp));
        StageFacts { stage, comm_hidden_by_compute: hidden, collectives, start }
    }
}

/// Length of the intersection of two sorted unions.
fn intersection(a: &[(Ns, Ns)], b: &[(Ns, Ns)]) -> Ns {
    let (mut i, mut j, mut total) = (0, 0, 0i64);
    while i < a.len() && j < b.len() {
        let lo = a[i].0.max(b[j].0);
        let hi = a[i].1.min(b[j].1);
        if hi > lo {
            total = total.saturating_add(hi - lo);
        }
        if a[i].1 < b[j].1 { i += 1 } else { j += 1 }
    }
    total
}

/// One kernel row of one rank's stage, kept after the trace is dropped.
#[derive(Debug, Clone)]
struct KernelLine {
    id: String,
    display: String,
    kind: GpuKind,
    category: Category,
    gpu_time: i64,
    launches: u64,
}

/// One stage of one rank, reduced.
#[derive(Debug, Clone)]
struct RankStage {
    stage: Stage,
    kernel_time: i64,
    busy: i64,
    span: i64,
    launches: u64,
    communication: i64,
    exposed: i64,
    kernels: Vec<KernelLine>,
}

/// One rank, reduced: its tables, never its events.
#[derive(Debug, Clone)]
pub(crate) struct RankData {
    /// Rank from the file name.
    pub named_rank: Option<u32>,
    /// Rank the analysis reports (`named_rank`, else the trace's, set by the checks).
    pub rank: u32,
    /// `distributedInfo.rank`.
    pub content_rank: Option<u32>,
    pub world_size: Option<u32>,
    pub device: Option<String>,
    pub inputs: Vec<TraceInput>,
    pub start: Option<Ns>,
    stages: Vec<RankStage>,
    pub(crate) facts: Vec<StageFacts>,
    pub warnings: Vec<perfpilot_report::Warning>,
}

impl RankData {
    pub(crate) fn new(named: Option<u32>, report: TriageReport, facts: Vec<StageFacts>) -> Self {
        let stages = report
            .stages
            .iter()
            .map(|s| RankStage {
                stage: s.stage,
                kernel_time: s.kernel_time_ns,
                busy: s.busy_time_ns,
                span: s.span_ns,
                launches: s.launches,
                communication: s.overlap.communication_ns,
                exposed: s.overlap.exposed_communication_ns,
                kernels: s
                    .kernels
                    .iter()
                    .map(|k| KernelLine {
                        id: k.id.clone(),
                        display: k.display.clone(),
                        kind: k.kind,
                        category: k.category,
                        gpu_time: k.gpu_time_ns,
                        launches: k.launches,
                    })
                    .collect(),
            })
            .collect();
        // Stages the triage did not show (a duplicate stage) must not count here either.
        let shown: Vec<Stage> = report.stages.iter().map(|s| s.stage).collect();
        let mut facts: Vec<StageFacts> =
            facts.into_iter().filter(|f| shown.contains(&f.stage)).collect();
        facts.sort_by_key(|f| f.stage);
        let start = facts.iter().filter_map(|f| f.start).min();
        RankData {
            named_rank: named,
            rank: named.or(report.trace_meta.rank).unwrap_or(0),
            content_rank: report.trace_meta.rank,
            world_size: report.trace_meta.world_size,
            device: report.device.name.clone(),
            inputs: report.inputs,
            start,
            stages,
            facts,
            warnings: report.warnings,
        }
    }
}

pub(crate) fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn pct(part: i64, whole: i64) -> f64 {
    if whole > 0 { 100.0 * part as f64 / whole as f64 } else { 0.0 }
}

/// Merge the ranks (any order in, rank order out).
pub(crate) fn merge(
    mut ranks: Vec<RankData>,
    failures: Vec<RankFailure>,
    opts: &TriageOptions,
) -> RanksReport {
    ranks.sort_by_key(|r| (r.rank, r.inputs.first().map(|i| i.path.clone())));
    let mut warnings = Vec::new();
    for r in &mut ranks {
        for mut w in std::mem::take(&mut r.warnings) {
            w.message = format!("rank {}: {}", r.rank, w.message);
            warnings.push(w);
        }
    }
    for f in &failures {
        warnings.push(perfpilot_report::Warning::new(
            "rank-failed",
            format!(
                "rank {} ({}): {}; the other ranks' tables are complete, this one is missing",
                f.rank.map_or("?".into(), |r| r.to_string()),
                f.paths.join(", "),
                f.reason
            ),
        ));
    }
    let (instances, groups, last_counts) = collectives(&ranks);
    let mut rows: Vec<RankRow> = ranks
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let sum = |f: fn(&RankStage) -> i64| r.stages.iter().map(f).sum::<i64>();
            let collective = sum(|s| s.communication);
            let hidden: i64 = r.facts.iter().map(|f| f.comm_hidden_by_compute).sum();
            RankRow {
                id: format!("r-{}", r.rank),
                rank: r.rank,
                files: r.inputs.iter().map(|i| i.path.clone()).collect(),
                step_time_ns: sum(|s| s.span),
                gpu_busy_ns: sum(|s| s.busy),
                idle_ns: sum(|s| s.span - s.busy),
                kernel_time_ns: sum(|s| s.kernel_time),
                collective_ns: collective,
                exposed_communication_ns: sum(|s| s.exposed),
                comm_hidden_by_compute_ns: hidden,
                comm_compute_overlap_pct: (collective > 0).then(|| pct(hidden, collective)),
                last_arrivals: last_counts[i],
                step_vs_median_pct: 0.0,
            }
        })
        .collect();
    let mut steps: Vec<f64> = rows.iter().map(|r| r.step_time_ns as f64).collect();
    steps.sort_by(f64::total_cmp);
    let med = median(&steps);
    for r in &mut rows {
        r.step_vs_median_pct =
            if med > 0.0 { 100.0 * (r.step_time_ns as f64 - med) / med } else { 0.0 };
    }
    let (stages, spread) = tables(&ranks, opts.cv_threshold);
    let mut devices: Vec<String> = ranks.iter().filter_map(|r| r.device.clone()).collect();
    devices.sort();
    devices.dedup();
    let mut sizes: Vec<u32> = ranks.iter().filter_map(|r| r.world_size).collect();
    sizes.sort_unstable();
    sizes.dedup();
    let mut failed: Vec<u32> = failures.iter().filter_map(|f| f.rank).collect();
    failed.sort_unstable();
    RanksReport {
        inputs: ranks.iter().flat_map(|r| r.inputs.iter().cloned()).collect(),
        ranks: ranks.iter().map(|r| r.rank).collect(),
        failed_ranks: failed,
        world_size: (sizes.len() == 1).then(|| sizes[0]),
        devices,
        forced: Vec::new(),
        min_share_pct: opts.min_share_pct,
        cv_threshold: opts.cv_threshold,
        rank_skew: rows,
        stages,
        kernel_spread: spread,
        collectives: Collectives { method: COLLECTIVE_METHOD.into(), groups, instances },
        failures,
        warnings,
    }
}

/// One kernel over ranks: its first line (lowest rank), summed time, launches, and
/// (rank, time) per rank.
type KernelAcc<'a> = (&'a KernelLine, i64, u64, Vec<(u32, i64)>);

/// Merged stage tables and the per-kernel spread.
fn tables(ranks: &[RankData], cv_threshold: f64) -> (Vec<MergedStage>, Vec<KernelSpread>) {
    let mut by_stage: BTreeMap<Stage, Vec<(usize, &RankStage)>> = BTreeMap::new();
    for (i, r) in ranks.iter().enumerate() {
        for s in &r.stages {
            by_stage.entry(s.stage).or_default().push((i, s));
        }
    }
    let mut stages = Vec::new();
    let mut spread = Vec::new();
    for (stage, list) in by_stage {
        let n = list.len();
        let kernel_time: i64 = list.iter().map(|(_, s)| s.kernel_time).sum();
        let mut cats: BTreeMap<Category, (i64, u64)> = BTreeMap::new();
        // id → (first line seen, in rank order; sum; launches; per-rank times)
        let mut kernels: BTreeMap<&str, KernelAcc<'_>> = BTreeMap::new();
        for (i, s) in &list {
            for k in &s.kernels {
                let c = cats.entry(k.category).or_default();
                c.0 += k.gpu_time;
                c.1 += k.launches;
                let e = kernels.entry(k.id.as_str()).or_insert((k, 0, 0, Vec::new()));
                e.1 += k.gpu_time;
                e.2 += k.launches;
                e.3.push((ranks[*i].rank, k.gpu_time));
            }
        }
        let mut categories: Vec<MergedCategory> = cats
            .into_iter()
            .map(|(c, (t, l))| MergedCategory {
                id: format!("c-{}", c.as_str()),
                category: c,
                gpu_time_ns: t,
                mean_per_rank_ns: t as f64 / n as f64,
                share_pct: pct(t, kernel_time),
                launches: l,
            })
            .collect();
        categories.sort_by(|a, b| b.gpu_time_ns.cmp(&a.gpu_time_ns).then(a.id.cmp(&b.id)));
        let mut merged: Vec<MergedKernel> = Vec::new();
        for (id, (k, t, l, per)) in &kernels {
            merged.push(MergedKernel {
                id: id.to_string(),
                display: k.display.clone(),
                kind: k.kind,
                category: k.category,
                gpu_time_ns: *t,
                mean_per_rank_ns: *t as f64 / n as f64,
                share_pct: pct(*t, kernel_time),
                launches: *l,
                ranks_present: per.len() as u32,
            });
            if n >= 2 {
                spread.push(spread_row(stage, id, k, per, &list, ranks, cv_threshold));
            }
        }
        merged.sort_by(|a, b| b.gpu_time_ns.cmp(&a.gpu_time_ns).then(a.id.cmp(&b.id)));
        stages.push(MergedStage {
            stage,
            ranks: n as u32,
            kernel_time_ns: kernel_time,
            busy_time_ns: list.iter().map(|(_, s)| s.busy).sum(),
            launches: list.iter().map(|(_, s)| s.launches).sum(),
            categories,
            kernels: merged,
        });
    }
    spread.sort_by(|a, b| {
        (a.stage, !a.flagged, std::cmp::Reverse(a.max_ns), &a.id).cmp(&(
            b.stage,
            !b.flagged,
            std::cmp::Reverse(b.max_ns),
            &b.id,
        ))
    });
    (stages, spread)
}

fn spread_row(
    stage: Stage,
    id: &str,
    k: &KernelLine,
    per: &[(u32, i64)],
    list: &[(usize, &RankStage)],
    ranks: &[RankData],
    cv_threshold: f64,
) -> KernelSpread {
    // Every rank with the stage counts; a rank that never ran the kernel has 0.
    let values: Vec<(u32, i64)> = list
        .iter()
        .map(|(i, _)| {
            let r = ranks[*i].rank;
            (r, per.iter().find(|(pr, _)| *pr == r).map_or(0, |p| p.1))
        })
        .collect();
    let mut sorted: Vec<f64> = values.iter().map(|v| v.1 as f64).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    let mean = sorted.iter().sum::<f64>() / n;
    let var = sorted.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    let cv = if mean > 0.0 { var.sqrt() / mean } else { 0.0 };
    let (max_rank, max) =
        values.iter().copied().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))).unwrap_or((0, 0));
    KernelSpread {
        id: format!("{}-{id}", stage.as_str()),
        stage,
        kernel: id.to_string(),
        display: k.display.clone(),
        category: k.category,
        min_ns: values.iter().map(|v| v.1).min().unwrap_or(0),
        median_ns: median(&sorted),
        max_ns: max,
        max_rank,
        cv,
        flagged: cv > cv_threshold,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intersection_of_unions() {
        assert_eq!(intersection(&[(0, 10), (20, 30)], &[(5, 25)]), 10);
        assert_eq!(intersection(&[(0, 10)], &[(10, 20)]), 0);
        assert_eq!(intersection(&[], &[(0, 5)]), 0);
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(&[1.0, 2.0, 3.0]), 2.0);
        assert_eq!(median(&[1.0, 2.0, 3.0, 4.0]), 2.5);
    }
}
