//! The tables of `trace layers`: passes, per-layer rows, per-type clusters and the
//! compute flow of one representative layer per type.

use std::collections::BTreeMap;

use crate::analysis::attribution::link_cpu_ops;
use crate::analysis::stage::StageRules;
use crate::error::TraceError;
use crate::model::{GpuOp, NameId, Ns, Trace};
use crate::taxonomy::{Category, Taxonomy};

use super::Sliced;
use super::passes::PassWindow;
use super::report::{
    CategorySplit, ClusterRow, ComputeFlow, EmittedTrace, FlowRow, LayerCountSource, LayerRow,
    LayersReport, PassRow,
};
use super::segment::{Role, Segmentation, Unsure};

/// Relative tolerance for "steady state": within 5% of the median pass duration.
const STEADY_TOLERANCE: f64 = 0.05;
/// A pass this much longer than its predecessor is "growing".
const GROWING_FACTOR: f64 = 1.5;

/// One pass with its layer split.
#[derive(Debug, Clone)]
pub struct PassSplit {
    /// The pass's ops.
    pub window: PassWindow,
    /// Its layers, or why none were found.
    pub seg: Result<Segmentation, Unsure>,
}

/// Group a category into the six columns of the layer table.
pub fn add_to_split(split: &mut CategorySplit, cat: Category, dur: Ns) {
    let slot = match cat {
        Category::Attention | Category::Ssm => &mut split.attention_ns,
        Category::Gemm => &mut split.gemm_ns,
        Category::Moe => &mut split.moe_ns,
        Category::Communication => &mut split.communication_ns,
        Category::Norm => &mut split.norm_ns,
        _ => &mut split.other_ns,
    };
    *slot = slot.saturating_add(dur);
}

/// True for all-reduce kernels (the collective a TP layer runs after attention and MLP).
pub fn is_allreduce(cat: Category, name: &str) -> bool {
    if cat != Category::Communication {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    ["allreduce", "all_reduce", "cross_device_reduce", "reduce_scatter"]
        .iter()
        .any(|k| lower.contains(k))
}

fn ops_of<'t>(trace: &'t Trace, ops: &'t [u32]) -> impl Iterator<Item = &'t GpuOp> + 't {
    ops.iter().map(move |&o| &trace.gpu[o as usize])
}

fn sum(trace: &Trace, ops: &[u32]) -> Ns {
    crate::model::sat_sum(ops_of(trace, ops).map(|g| g.dur))
}

fn span(trace: &Trace, ops: &[u32]) -> (Ns, Ns) {
    let start = ops_of(trace, ops).map(|g| g.ts).min().unwrap_or(0);
    let end = ops_of(trace, ops).map(GpuOp::end).max().unwrap_or(start);
    (start, end)
}

/// Type labels of the layers of a split: from the config when it gave the count, else
/// clusters of the attention/MLP kernels each layer runs.
pub fn kind_labels(s: &Sliced, ops: &[u32], seg: &Segmentation) -> Vec<String> {
    if let Some(m) = &s.model
        && m.layer_count_source == LayerCountSource::Config
        && m.layout.num_layers == seg.layers()
    {
        return m.layout.labels();
    }
    let sigs: Vec<Vec<u32>> =
        (0..seg.layers()).map(|l| signature(s, &ops[seg.bounds[l]..seg.bounds[l + 1]])).collect();
    let mut order: Vec<&Vec<u32>> = Vec::new();
    for sig in &sigs {
        if !order.contains(&sig) {
            order.push(sig);
        }
    }
    if order.len() == 1 {
        return vec!["decoder".into(); sigs.len()];
    }
    sigs.iter()
        .map(|sig| {
            let i = order.iter().position(|o| *o == sig).unwrap_or(0);
            format!("type-{}", type_letter(i))
        })
        .collect()
}

fn type_letter(i: usize) -> String {
    let mut s = String::new();
    let mut i = i;
    loop {
        s.insert(0, (b'A' + (i % 26) as u8) as char);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s
}

/// Sorted distinct attention- and MLP-role kernel names of a layer.
fn signature(s: &Sliced, ops: &[u32]) -> Vec<u32> {
    let mut v: Vec<u32> = ops
        .iter()
        .map(|&o| s.trace.gpu[o as usize].name.0)
        .filter(|&n| {
            matches!(super::role_of(s.categories[n as usize]), Role::Attention | Role::Mlp)
        })
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').chars().take(48).collect()
}

fn median_f(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

/// The pass table rows (notes empty).
pub(crate) fn pass_rows(s: &Sliced) -> Vec<PassRow> {
    let stages = &s.stage_rules;
    let mut rows: Vec<PassRow> = Vec::with_capacity(s.passes.len());
    for (i, p) in s.passes.iter().enumerate() {
        let ops = &p.window.ops;
        let (start, end) = span(&s.trace, ops);
        let total = sum(&s.trace, ops);
        let (layers, pro, epi, layer_ns) = match &p.seg {
            Ok(seg) => {
                let l = seg.layers();
                let pro = &ops[..seg.bounds[0]];
                let epi = &ops[seg.bounds[l]..];
                let lay = &ops[seg.bounds[0]..seg.bounds[l]];
                (
                    Some(l),
                    (pro.len(), sum(&s.trace, pro)),
                    (epi.len(), sum(&s.trace, epi)),
                    sum(&s.trace, lay),
                )
            }
            Err(_) => (None, (0, 0), (0, 0), 0),
        };
        rows.push(PassRow {
            id: format!("pass-{i}"),
            index: i,
            source: p.window.source,
            step: p.window.step.clone(),
            stage: pass_stage(&s.trace, stages, p.window.step.as_deref(), start, end).to_string(),
            start_ns: start,
            end_ns: end,
            duration_ns: end - start,
            kernels: ops.len() as u64,
            kernel_time_ns: total,
            layers,
            prologue_kernels: pro.0 as u64,
            prologue_ns: pro.1,
            epilogue_kernels: epi.0 as u64,
            epilogue_ns: epi.1,
            layers_ns: layer_ns,
            note: String::new(),
        });
    }
    rows
}

/// The steady-state pass of a sliced trace (see `choose_steady`).
pub fn steady_index(s: &Sliced) -> Option<usize> {
    choose_steady(&pass_rows(s)).0
}

/// Build the report from a sliced trace.
pub fn build_tables(
    s: &mut Sliced,
    pass_opt: Option<usize>,
    taxonomy: &Taxonomy,
    emitted: Option<EmittedTrace>,
) -> Result<LayersReport, TraceError> {
    let mut rows = pass_rows(s);
    let (steady, rule) = choose_steady(&rows);
    annotate_notes(&mut rows, steady);
    if let Some(want) = pass_opt {
        if want >= rows.len() {
            return Err(TraceError::Options(format!(
                "--pass {want}: the trace has {} passes (0 to {})",
                rows.len(),
                rows.len().saturating_sub(1)
            )));
        }
        if rows[want].layers.is_none() {
            s.warnings.push(perfpilot_report::Warning::new("pass-without-layers", format!("--pass {want}: layer boundaries were not found in this pass; no per-layer tables")));
        }
    }
    let reported = pass_opt.or(steady);
    let (layers, clusters, flows) =
        match reported.and_then(|i| s.passes[i].seg.as_ref().ok().map(|seg| (i, seg))) {
            Some((i, seg)) => layer_tables(s, &s.passes[i].window.ops, seg, taxonomy),
            None => (Vec::new(), Vec::new(), Vec::new()),
        };
    let outside_ns = sum(&s.trace, &s.outside);
    Ok(LayersReport {
        input: s.path.display().to_string(),
        device: s.device,
        model: s.model.clone(),
        detection: s.detection.clone(),
        passes: rows,
        outside_kernels: s.outside.len() as u64,
        outside_ns,
        steady_pass: steady,
        steady_rule: rule,
        reported_pass: reported,
        layers,
        clusters,
        compute_flows: flows,
        emitted,
        warnings: std::mem::take(&mut s.warnings),
    })
}

fn pass_stage(
    trace: &Trace,
    rules: &StageRules,
    step: Option<&str>,
    start: Ns,
    end: Ns,
) -> &'static str {
    if let Some(st) = step.and_then(|n| rules.stage_of(n)) {
        return st.as_str();
    }
    for a in &trace.annotations {
        if a.ts <= end
            && a.end() >= start
            && let Some(st) = rules.stage_of(trace.name(a.name))
        {
            return st.as_str();
        }
    }
    "all"
}

/// The steady-state pass: among passes with layers, the first (after the first, when
/// there are three or more) whose duration is within 5% of their median; else the one
/// closest to the median.
pub(crate) fn choose_steady(rows: &[PassRow]) -> (Option<usize>, String) {
    let ok: Vec<&PassRow> = rows.iter().filter(|r| r.layers.is_some()).collect();
    let rule = "the first pass with layers (skipping the first when there are 3 or more) whose duration is within 5% of the median pass duration; else the pass closest to the median".to_string();
    let mut durs: Vec<f64> = ok.iter().map(|r| r.duration_ns as f64).collect();
    let Some(med) = median_f(&mut durs) else {
        return (None, "no pass has layers".into());
    };
    let skip = usize::from(ok.len() >= 3);
    let within =
        ok.iter().skip(skip).find(|r| (r.duration_ns as f64 - med).abs() <= STEADY_TOLERANCE * med);
    let pick = within.or_else(|| {
        ok.iter().min_by(|a, b| {
            let da = (a.duration_ns as f64 - med).abs();
            let db = (b.duration_ns as f64 - med).abs();
            da.total_cmp(&db).then(a.index.cmp(&b.index))
        })
    });
    (pick.map(|r| r.index), rule)
}

fn annotate_notes(rows: &mut [PassRow], steady: Option<usize>) {
    let mut durs: Vec<f64> =
        rows.iter().filter(|r| r.layers.is_some()).map(|r| r.duration_ns as f64).collect();
    let med = median_f(&mut durs).unwrap_or(0.0);
    let first_ok = rows.iter().position(|r| r.layers.is_some());
    let mut prev: Option<Ns> = None;
    for r in rows.iter_mut() {
        r.note = if r.layers.is_none() {
            "layers not found".into()
        } else if Some(r.index) == first_ok
            && med > 0.0
            && r.duration_ns as f64 > GROWING_FACTOR * med
        {
            "cold start".into()
        } else if let Some(p) =
            prev.filter(|&p| p > 0 && r.duration_ns as f64 > GROWING_FACTOR * p as f64)
        {
            format!("growing {:.1}x", r.duration_ns as f64 / p as f64)
        } else if Some(r.index) == steady {
            "steady state (reported)".into()
        } else if med > 0.0 && (r.duration_ns as f64 - med).abs() <= STEADY_TOLERANCE * med {
            "steady state".into()
        } else {
            format!("{:+.0}% vs median", (r.duration_ns as f64 / med - 1.0) * 100.0)
        };
        if r.layers.is_some() {
            prev = Some(r.duration_ns);
        }
    }
}

type Tables = (Vec<LayerRow>, Vec<ClusterRow>, Vec<ComputeFlow>);

fn layer_tables(s: &Sliced, ops: &[u32], seg: &Segmentation, taxonomy: &Taxonomy) -> Tables {
    let labels = kind_labels(s, ops, seg);
    let trace = &s.trace;
    let cat = |id: NameId| s.categories[id.0 as usize];
    let mut rows = Vec::with_capacity(seg.layers());
    for l in 0..seg.layers() {
        let lops = &ops[seg.bounds[l]..seg.bounds[l + 1]];
        let mut split = CategorySplit::default();
        let mut allreduce = 0;
        for g in ops_of(trace, lops) {
            let c = cat(g.name);
            add_to_split(&mut split, c, g.dur);
            allreduce += u64::from(is_allreduce(c, trace.name(g.name)));
        }
        let (start, end) = span(trace, lops);
        rows.push(LayerRow {
            id: format!("layer-{l}"),
            layer: l,
            kind: labels[l].clone(),
            wall_ns: end - start,
            sum_ns: split.total(),
            split,
            allreduce,
            kernels: lops.len() as u64,
            start_ns: start,
        });
    }
    let mut by_kind: BTreeMap<&str, Vec<&LayerRow>> = BTreeMap::new();
    for r in &rows {
        by_kind.entry(r.kind.as_str()).or_default().push(r);
    }
    let mut clusters = Vec::new();
    let mut flows = Vec::new();
    // (type, representative layer, its ops) per type.
    let mut reps: Vec<(&str, &LayerRow, &[u32])> = Vec::new();
    for (kind, members) in &by_kind {
        let n = members.len() as f64;
        let mean_wall = members.iter().map(|r| r.wall_ns as f64).sum::<f64>() / n;
        let mean_sum = members.iter().map(|r| r.sum_ns as f64).sum::<f64>() / n;
        let var = members.iter().map(|r| (r.wall_ns as f64 - mean_wall).powi(2)).sum::<f64>() / n;
        let mut split = CategorySplit::default();
        for r in members {
            split.add(&r.split);
        }
        let total = split.total().max(1) as f64;
        let shares_pct = split
            .parts()
            .iter()
            .map(|(name, ns)| (name.to_string(), *ns as f64 * 100.0 / total))
            .collect();
        // Representative: the layer with the median wall time of its type.
        let mut sorted: Vec<&LayerRow> = members.clone();
        sorted.sort_by(|a, b| a.wall_ns.cmp(&b.wall_ns).then(a.layer.cmp(&b.layer)));
        let rep = sorted[sorted.len() / 2];
        let rops = &ops[seg.bounds[rep.layer]..seg.bounds[rep.layer + 1]];
        let mut sig: Vec<String> = signature(s, rops)
            .into_iter()
            .filter(|&id| super::role_of(s.categories[id as usize]) == Role::Attention)
            .map(|id| taxonomy.display_name(trace.name(NameId(id)), 60))
            .collect();
        sig.sort();
        sig.dedup();
        clusters.push(ClusterRow {
            id: format!("type-{}", slug(kind)),
            kind: kind.to_string(),
            count: members.len(),
            mean_wall_ns: mean_wall,
            mean_sum_ns: mean_sum,
            shares_pct,
            min_wall_ns: members.iter().map(|r| r.wall_ns).min().unwrap_or(0),
            max_wall_ns: members.iter().map(|r| r.wall_ns).max().unwrap_or(0),
            wall_cv_pct: if mean_wall > 0.0 { var.sqrt() / mean_wall * 100.0 } else { 0.0 },
            signature: sig,
        });
        reps.push((kind, rep, rops));
    }
    // The launching CPU op of every kernel shown (one index build for all types).
    let shown: Vec<u32> = reps.iter().flat_map(|r| r.2.iter().copied()).collect();
    let mut links = link_cpu_ops(trace, &shown).into_iter();
    let text = |id: Option<NameId>| id.map_or_else(String::new, |n| trace.name(n).to_string());
    for (kind, rep, rops) in reps {
        let layer_sum = rep.sum_ns.max(1) as f64;
        let kernels = ops_of(trace, rops)
            .enumerate()
            .map(|(i, g)| {
                let display = taxonomy.display_name(trace.name(g.name), 80);
                let op = links.next().and_then(|a| a.cpu_op).map(|c| &trace.cpu_ops[c as usize]);
                FlowRow {
                    id: format!("{}-k{i}-{}", slug(kind), slug(&display)),
                    position: i,
                    category: cat(g.name).as_str().to_string(),
                    kernel: display,
                    dur_ns: g.dur,
                    share_pct: g.dur as f64 * 100.0 / layer_sum,
                    offset_ns: g.ts - rep.start_ns,
                    stream: g.stream,
                    cpu_op: text(op.map(|o| o.name)),
                    input_dims: text(op.and_then(|o| o.input_dims)),
                    input_types: text(op.and_then(|o| o.input_types)),
                }
            })
            .collect();
        flows.push(ComputeFlow { kind: kind.to_string(), layer: rep.layer, kernels });
    }
    (rows, clusters, flows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: usize, dur: Ns) -> PassRow {
        PassRow {
            id: format!("pass-{i}"),
            index: i,
            source: super::super::passes::PassSource::IdleGap,
            step: None,
            stage: "all".into(),
            start_ns: 0,
            end_ns: dur,
            duration_ns: dur,
            kernels: 1,
            kernel_time_ns: dur,
            layers: Some(2),
            prologue_kernels: 0,
            prologue_ns: 0,
            epilogue_kernels: 0,
            epilogue_ns: 0,
            layers_ns: 0,
            note: String::new(),
        }
    }

    #[test]
    fn steady_state_skips_the_cold_start() {
        let mut rows = vec![row(0, 500), row(1, 101), row(2, 100), row(3, 99), row(4, 300)];
        let (steady, _) = choose_steady(&rows);
        assert_eq!(steady, Some(1));
        annotate_notes(&mut rows, steady);
        assert_eq!(rows[0].note, "cold start");
        assert_eq!(rows[1].note, "steady state (reported)");
        assert_eq!(rows[2].note, "steady state");
        assert!(rows[4].note.starts_with("growing 3.0x"), "{}", rows[4].note);
    }

    #[test]
    fn letters_and_slugs() {
        assert_eq!(type_letter(0), "A");
        assert_eq!(type_letter(26), "AA");
        assert_eq!(slug("sliding_attention+moe"), "sliding-attention-moe");
        assert!(is_allreduce(
            Category::Communication,
            "void multimem_all_reduce_kernel<c10::BFloat16, 16>"
        ));
        assert!(!is_allreduce(Category::Communication, "ncclDevKernel_AllGather_RING_LL"));
        assert!(!is_allreduce(Category::Gemm, "allreduce_fused_gemm"));
    }
}
