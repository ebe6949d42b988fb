//! The kernel table: GPU ops grouped by canonical name, with call sites.

use std::collections::HashMap;

use super::attribution::{Attribution, FrameCache, Site};
use super::frames::ReplayKind;
use crate::model::{GpuKind, NameId, Trace};
use crate::taxonomy::{Category, Evidence, RuleId, Taxonomy, canonical_name};
use crate::triage::report::{GraphLaunchRef, KernelRow, SiteKind, SiteRow};

/// How many call sites a row lists.
const TOP_SITES: usize = 3;
/// How many graph launches a replay site lists.
const TOP_GRAPH_LAUNCHES: usize = 3;

/// Facts of one kernel row (one canonical name), shared by every table.
#[derive(Debug, Clone)]
pub struct RowFacts {
    /// Stable id.
    pub id: String,
    /// Canonical name.
    pub name: String,
    /// Display name.
    pub display: String,
    /// Category (by name; re-decided by [`super::context::contextualize`] from the launch
    /// context where the name alone is generic).
    pub category: Category,
    /// The rule that decided `category`.
    pub rule: RuleId,
    /// Which evidence decided `category`.
    pub evidence: Evidence,
    /// Kernel, memcpy or memset.
    pub kind: GpuKind,
}

/// Canonical rows for raw names, computed once per distinct name.
pub struct RowIndex<'t> {
    taxonomy: &'t Taxonomy,
    /// Row per raw name id (`u32::MAX` = not seen yet).
    by_name: Vec<u32>,
    by_canonical: HashMap<String, u32>,
    /// Rows, by row index.
    pub rows: Vec<RowFacts>,
}

impl RowIndex<'_> {
    /// The taxonomy the rows were classified with.
    pub fn taxonomy(&self) -> &Taxonomy {
        self.taxonomy
    }
}

impl<'t> RowIndex<'t> {
    /// An empty index classifying with `taxonomy`.
    pub fn new(taxonomy: &'t Taxonomy) -> RowIndex<'t> {
        RowIndex { taxonomy, by_name: Vec::new(), by_canonical: HashMap::new(), rows: Vec::new() }
    }

    /// The row of a GPU op's name.
    pub fn row_of(&mut self, trace: &Trace, name: NameId, kind: GpuKind) -> u32 {
        let slot = name.0 as usize;
        if slot >= self.by_name.len() {
            self.by_name.resize(trace.names.len().max(slot + 1), u32::MAX);
        }
        if self.by_name[slot] != u32::MAX {
            return self.by_name[slot];
        }
        let raw = trace.name(name);
        let canonical = canonical_name(raw).into_owned();
        let r = match self.by_canonical.get(&canonical) {
            Some(&r) => r,
            None => {
                let (category, rule) = match kind {
                    GpuKind::Memcpy | GpuKind::Memset => {
                        (Category::Memory, RuleId::new("memory.runtime-copy"))
                    }
                    // A sync record (`Stream Wait Event`) is no kernel: its words are not
                    // the token model's to read (it would call a stream wait communication).
                    GpuKind::Sync => match self.taxonomy.classify_canonical(&canonical) {
                        (_, rule)
                            if Evidence::of_name_rule(rule.as_str()) == Evidence::TokenModel =>
                        {
                            (Category::Other, RuleId::new(crate::taxonomy::FALLBACK_RULE))
                        }
                        decided => decided,
                    },
                    _ => self.taxonomy.classify_canonical(&canonical),
                };
                let evidence = Evidence::of_name_rule(rule.as_str());
                let r = self.rows.len() as u32;
                self.rows.push(RowFacts {
                    id: row_id(&canonical),
                    display: self.taxonomy.display_name(raw, 80),
                    name: canonical.clone(),
                    category,
                    rule,
                    evidence,
                    kind,
                });
                self.by_canonical.insert(canonical, r);
                r
            }
        };
        self.by_name[slot] = r;
        r
    }
}

/// Stable row id: `k-` + the 64-bit FNV-1a hash of the canonical name.
pub fn row_id(canonical: &str) -> String {
    format!("k-{}", perfpilot_io::fnv1a64_hex(canonical.as_bytes()))
}

/// A call site resolved to text, for grouping.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SiteKey {
    /// Display text.
    pub text: String,
    /// Kind.
    pub kind: SiteKind,
}

/// Turn an attribution's site into its key (text and kind).
pub fn site_key(trace: &Trace, site: &Site, frames: &mut FrameCache<'_>) -> SiteKey {
    match *site {
        Site::Frame { frame } => SiteKey {
            text: frames.info(trace, trace.python[frame as usize].name).site.clone(),
            kind: SiteKind::Frame,
        },
        Site::Replay { kind, via, .. } => {
            let what = match kind {
                ReplayKind::CudaGraph => "cuda-graph replay",
                ReplayKind::TorchCompile => "torch.compile replay",
            };
            let text = match via {
                Some(f) => {
                    format!("{what} via {}", frames.info(trace, trace.python[f as usize].name).site)
                }
                None => what.to_string(),
            };
            SiteKey { text, kind: SiteKind::Replay(kind) }
        }
        Site::Unresolved => SiteKey { text: "unresolved".into(), kind: SiteKind::Unresolved },
    }
}

#[derive(Default)]
struct SiteAcc {
    ns: i64,
    launches: u64,
    cpu_ops: HashMap<NameId, i64>,
    graphs: Vec<u32>,
}

#[derive(Default)]
struct RowAcc {
    durs: Vec<i64>,
    sites: HashMap<u32, SiteAcc>,
    cpu_ops: HashMap<NameId, i64>,
    streams: Vec<u32>,
}

/// One GPU op of a stage, ready for aggregation.
pub struct OpFacts {
    /// Index into `trace.gpu`.
    pub op: u32,
    /// Index into the file's attribution vector.
    pub slot: u32,
    /// Kernel row.
    pub row: u32,
    /// Site key index (into the `sites` table passed to [`kernel_rows`]).
    pub site: u32,
}

/// Build the kernel table of one stage, sorted by GPU time (ties: name).
pub fn kernel_rows(
    trace: &Trace,
    ops: &[OpFacts],
    attrs: &[Attribution],
    sites: &[SiteKey],
    rows: &RowIndex<'_>,
    stage_total_ns: i64,
) -> Vec<KernelRow> {
    let mut acc: HashMap<u32, RowAcc> = HashMap::new();
    for f in ops {
        let g = &trace.gpu[f.op as usize];
        let r = acc.entry(f.row).or_default();
        r.durs.push(g.dur);
        if !r.streams.contains(&g.stream) {
            r.streams.push(g.stream);
        }
        let s = r.sites.entry(f.site).or_default();
        s.ns = s.ns.saturating_add(g.dur);
        s.launches += 1;
        if let Some(a) = attrs.get(f.slot as usize) {
            if let Some(c) = a.cpu_op {
                let name = trace.cpu_ops[c as usize].name;
                let t = s.cpu_ops.entry(name).or_default();
                *t = t.saturating_add(g.dur);
                let t = r.cpu_ops.entry(name).or_default();
                *t = t.saturating_add(g.dur);
            }
            if let Site::Replay { graph_launch: Some(l), .. } = a.site
                && s.graphs.len() < TOP_GRAPH_LAUNCHES
                && !s.graphs.contains(&l)
            {
                s.graphs.push(l);
            }
        }
    }
    let top_op = |m: &HashMap<NameId, i64>| {
        m.iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| trace.name(*b.0).cmp(trace.name(*a.0))))
            .map(|(n, _)| trace.name(*n).to_string())
    };
    let pct =
        |part: i64, whole: i64| if whole > 0 { 100.0 * part as f64 / whole as f64 } else { 0.0 };
    let mut out: Vec<KernelRow> = acc
        .into_iter()
        .map(|(row, mut a)| {
            let facts = &rows.rows[row as usize];
            let total: i64 = crate::model::sat_sum(a.durs.iter().copied());
            let n = a.durs.len();
            a.durs.sort_unstable();
            let p50 = a.durs[(n - 1) / 2];
            a.streams.sort_unstable();
            let mut site_rows: Vec<SiteRow> = a
                .sites
                .iter()
                .map(|(&sid, s)| {
                    let key = &sites[sid as usize];
                    SiteRow {
                        site: key.text.clone(),
                        kind: key.kind,
                        share_pct: pct(s.ns, total),
                        gpu_time_ns: s.ns,
                        launches: s.launches,
                        cpu_op: top_op(&s.cpu_ops),
                        graph_launches: s
                            .graphs
                            .iter()
                            .map(|&l| {
                                let call = &trace.runtime[l as usize];
                                GraphLaunchRef {
                                    api: trace.name(call.name).to_string(),
                                    correlation: call.correlation,
                                    ts_ns: call.ts,
                                }
                            })
                            .collect(),
                    }
                })
                .collect();
            site_rows.sort_by(|x, y| {
                y.gpu_time_ns.cmp(&x.gpu_time_ns).then_with(|| x.site.cmp(&y.site))
            });
            site_rows.truncate(TOP_SITES);
            KernelRow {
                id: facts.id.clone(),
                name: facts.name.clone(),
                display: facts.display.clone(),
                kind: facts.kind,
                category: facts.category,
                evidence: facts.evidence,
                gpu_time_ns: total,
                share_pct: pct(total, stage_total_ns),
                launches: n as u64,
                mean_ns: total as f64 / n as f64,
                p50_ns: p50,
                sites: site_rows,
                cpu_op: top_op(&a.cpu_ops),
                streams: a.streams,
            }
        })
        .collect();
    out.sort_by(|a, b| b.gpu_time_ns.cmp(&a.gpu_time_ns).then_with(|| a.name.cmp(&b.name)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_ids_are_stable_and_distinct() {
        assert_eq!(row_id("gemm"), row_id("gemm"));
        assert_ne!(row_id("gemm"), row_id("gemv"));
        assert!(row_id("x").starts_with("k-") && row_id("x").len() == 18);
    }
}
