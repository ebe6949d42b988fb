//! SGLang ranks: the free-memory chain from start-up to ready, and what the log says went where.
#![warn(clippy::too_many_lines)]

use crate::common::{BreakdownRow, RowId, SourceLine, row};
use crate::model::KvCost;
use crate::units::{LoggedBytes, fmt_gib, fmt_int, sat_sum};
use perfpilot_launchlog::{EventKind, GraphKind};

use super::facts::{CaptureEnd, Fact, KvLayout, KvPool, RankEvents, capture_end, kv_pool};
use super::tail::{close_breakdown, matches_config};
use super::types::{
    DerivedPerToken, KvDetail, KvPoolRow, PoolKind, RankReport, StageId, StageRow, StateDetail,
};

const STAGES: [(StageId, &str); 6] = [
    (StageId::Start, "before weights (model runner start)"),
    (StageId::AfterWeights, "after weights"),
    (StageId::PoolEnd, "after KV / state pools"),
    (StageId::CaptureBegin, "before CUDA-graph capture"),
    (StageId::AfterCapture, "after CUDA-graph capture"),
    (StageId::Final, "ready (available_gpu_mem)"),
];

struct Component {
    id: RowId,
    category: &'static str,
    bytes: i64,
    rounding: i64,
    sources: Vec<SourceLine>,
    how: String,
    /// Index in STAGES of the checkpoint the component ends at.
    pos: usize,
}

/// Derived bytes per unit from a printed size with its rounding window.
pub fn per_unit(bytes: i64, rounding: i64, units: u64, what: &str) -> Option<DerivedPerToken> {
    (units > 0).then(|| DerivedPerToken {
        value: bytes as f64 / units as f64,
        min: (bytes - rounding) as f64 / units as f64,
        max: (bytes + rounding) as f64 / units as f64,
        derivation: format!(
            "{} GiB x 2^30 / {} {what} (printed sizes round to 0.01 GiB)",
            fmt_gib(bytes),
            fmt_int(units as i64)
        ),
    })
}

fn src(f: &Fact<impl Sized>) -> Option<SourceLine> {
    Some(f.src.clone())
}

/// Build one SGLang rank. `config_kv`: the per-token cost from the config, when given.
pub fn rank(
    r: &RankEvents,
    total: Option<(i64, String)>,
    config_kv: Option<&KvCost>,
) -> RankReport {
    let load_begin = r.first(|e| match e {
        EventKind::LoadWeightBegin { avail } => Some(avail.clone()),
        _ => None,
    });
    let load_end = r.first(|e| match e {
        EventKind::LoadWeightEnd { avail, mem_usage, .. } => {
            Some((avail.clone(), mem_usage.clone()))
        }
        _ => None,
    });
    let profiling = r.first(|e| match e {
        EventKind::MemoryProfiling { available_gpu_memory, total_gpu_memory, .. } => {
            Some((available_gpu_memory.clone(), total_gpu_memory.clone()))
        }
        _ => None,
    });
    let pools = r.all(kv_pool);
    let swa = r.first(|e| match e {
        EventKind::SlidingWindowPool { full_layer_tokens, swa_layer_tokens } => {
            Some((*full_layer_tokens, *swa_layer_tokens))
        }
        _ => None,
    });
    let mamba = r.first(|e| match e {
        EventKind::MambaCacheAllocated {
            max_mamba_cache_size,
            conv_state,
            ssm_state,
            intermediate_ssm_state,
            intermediate_conv_window,
        } => {
            let parts = [conv_state, ssm_state, intermediate_ssm_state, intermediate_conv_window];
            let bytes = sat_sum(parts.iter().filter_map(|p| p.as_ref().map(|b| b.bytes)));
            let rounding =
                sat_sum(parts.iter().filter_map(|p| p.as_ref().map(|b| b.rounding_bytes())));
            Some((*max_mamba_cache_size, bytes, rounding))
        }
        _ => None,
    });
    let pool_end = r.first(|e| match e {
        EventKind::MemoryPoolEnd { avail } => Some(avail.clone()),
        _ => None,
    });
    let cap_begin = r.first(|e| match e {
        EventKind::CaptureBegin { avail: Some(a), .. } => Some(a.clone()),
        _ => None,
    });
    let cap_ends = r.all(capture_end);
    let max_total = r.last(|e| match e {
        EventKind::MaxTotalNumTokens { available_gpu_mem: Some(a), .. } => Some(a.clone()),
        _ => None,
    });

    // Checkpoints (free memory after each stage).
    let mut cps: [Option<StageRow>; 6] = Default::default();
    let stage = |i: usize, free: i64, how: &str, source: Option<SourceLine>| StageRow {
        id: STAGES[i].0,
        stage: STAGES[i].1.into(),
        free_bytes: free,
        how: how.into(),
        source,
    };
    if let Some(f) = &load_begin {
        cps[0] = Some(stage(0, f.value.bytes, "printed (Load weight begin)", src(f)));
    } else if let Some(f) = &load_end {
        if let (Some(a), Some(w)) = (&f.value.0, &f.value.1) {
            cps[0] = Some(stage(
                0,
                a.bytes + w.bytes,
                "derived: avail after weights + weight mem usage",
                src(f),
            ));
        }
    } else if let Some(f) = &profiling
        && let Some(t) = &f.value.1
    {
        cps[0] = Some(stage(0, t.bytes, "printed (Memory profiling total_gpu_memory)", src(f)));
    }
    if let Some(a) = load_end.as_ref().and_then(|f| f.value.0.clone().map(|a| (a, f.src.clone()))) {
        cps[1] = Some(stage(1, a.0.bytes, "printed (Load weight end)", Some(a.1)));
    } else if let Some(f) = &profiling
        && let Some(a) = &f.value.0
    {
        cps[1] = Some(stage(1, a.bytes, "printed (Memory profiling available_gpu_memory)", src(f)));
    }
    if let Some(f) = &pool_end {
        cps[2] = Some(stage(2, f.value.bytes, "printed (Memory pool end)", src(f)));
    }
    if let Some(f) = &cap_begin {
        cps[3] = Some(stage(3, f.value.bytes, "printed (Capture cuda graph begin)", src(f)));
    }
    if let Some((a, s)) =
        cap_ends.iter().rev().find_map(|f| f.value.2.clone().map(|a| (a, f.src.clone())))
    {
        cps[4] = Some(stage(4, a.bytes, "printed (Capture … graph end)", Some(s)));
    }
    if let Some(f) = &max_total {
        cps[5] = Some(stage(5, f.value.bytes, "printed (max_total_num_tokens line)", src(f)));
    }

    // Components the log states.
    let comps = components(&cps, load_end.as_ref(), &pools, mamba.as_ref(), &cap_ends);
    let kv_bytes = sat_sum(pools.iter().filter_map(|p| p.value.bytes.as_ref().map(|b| b.bytes)));

    let breakdown = assemble(&cps, &comps, total.as_ref());
    let stages: Vec<StageRow> = cps.iter().flatten().cloned().collect();
    let kv = kv_detail(&pools, swa.as_ref().map(|f| f.value), mamba.as_ref(), config_kv);
    let final_free = cps[5].as_ref().or(cps[4].as_ref()).map(|s| s.free_bytes);
    RankReport {
        rank: r.label.clone(),
        rank_id: r.rank.clone(),
        stages,
        breakdown,
        kv,
        weights_bytes: comps.iter().find(|c| c.id == RowId::Weights).map(|c| c.bytes),
        kv_pool_bytes: (!pools.is_empty() && kv_bytes > 0).then_some(kv_bytes),
        cuda_graph_bytes: comps.iter().find(|c| c.id == RowId::CudaGraphs).map(|c| c.bytes),
        final_free_bytes: final_free,
    }
}

/// The components the log states (weights, KV and state pools, CUDA graphs), each at the
/// checkpoint it ends at.
fn components(
    cps: &[Option<StageRow>; 6],
    load_end: Option<&Fact<(Option<LoggedBytes>, Option<LoggedBytes>)>>,
    pools: &[Fact<KvPool>],
    mamba: Option<&Fact<(u64, i64, i64)>>,
    cap_ends: &[Fact<CaptureEnd>],
) -> Vec<Component> {
    let mut comps: Vec<Component> = Vec::new();
    let weights = load_end.as_ref().and_then(|f| f.value.1.clone().map(|w| (w, f.src.clone())));
    match &weights {
        Some((w, s)) => comps.push(Component {
            id: RowId::Weights,
            category: "Model weights",
            bytes: w.bytes,
            rounding: w.rounding_bytes(),
            sources: vec![s.clone()],
            how: "printed (Load weight end mem usage)".into(),
            pos: 1,
        }),
        None => {
            if let (Some(a), Some(b)) = (&cps[0], &cps[1]) {
                comps.push(Component {
                    id: RowId::Weights,
                    category: "Model weights",
                    bytes: a.free_bytes - b.free_bytes,
                    rounding: 0,
                    sources: b.source.clone().into_iter().collect(),
                    how: "derived: free before - after weights".into(),
                    pos: 1,
                });
            }
        }
    }
    let kv_bytes = sat_sum(pools.iter().filter_map(|p| p.value.bytes.as_ref().map(|b| b.bytes)));
    if pools.iter().any(|p| p.value.bytes.is_some()) {
        comps.push(Component {
            id: RowId::KvPool,
            category: "KV cache pool",
            bytes: kv_bytes,
            rounding: sat_sum(pools.iter().map(|p| p.value.rounding)),
            sources: pools.iter().map(|p| p.src.clone()).collect(),
            how: "printed (KV Cache is allocated: K + V or KV size)".into(),
            pos: 2,
        });
    }
    if let Some(m) = &mamba {
        comps.push(Component {
            id: RowId::StatePool,
            category: "Mamba / linear-attention state pool",
            bytes: m.value.1,
            rounding: m.value.2,
            sources: vec![m.src.clone()],
            how: "printed (Mamba Cache is allocated: conv + ssm + intermediate)".into(),
            pos: 2,
        });
    }
    let graph_bytes = sat_sum(cap_ends.iter().filter_map(|f| f.value.1.as_ref().map(|b| b.bytes)));
    if cap_ends.iter().any(|f| f.value.1.is_some()) {
        let kinds: Vec<&str> = cap_ends
            .iter()
            .filter(|f| f.value.1.is_some())
            .map(|f| match f.value.0 {
                GraphKind::Decode => "decode",
                GraphKind::Piecewise => "piecewise",
                GraphKind::Speculative => "speculative",
            })
            .collect();
        comps.push(Component {
            id: RowId::CudaGraphs,
            category: "CUDA graphs",
            bytes: graph_bytes,
            rounding: cap_ends
                .iter()
                .filter_map(|f| f.value.1.as_ref().map(|b| b.rounding_bytes()))
                .sum(),
            sources: cap_ends
                .iter()
                .filter(|f| f.value.1.is_some())
                .map(|f| f.src.clone())
                .collect(),
            how: format!("printed (capture end mem usage: {})", kinds.join(" + ")),
            pos: 4,
        });
    }
    comps
}

/// Rows from checkpoints and components: each interval between two known checkpoints is
/// split into the components logged inside it and an "other" remainder.
fn assemble(
    cps: &[Option<StageRow>; 6],
    comps: &[Component],
    total: Option<&(i64, String)>,
) -> Vec<BreakdownRow> {
    let mut rows = Vec::new();
    let known: Vec<usize> = (0..6).filter(|i| cps[*i].is_some()).collect();
    if let Some((t, how)) = total {
        rows.push(row(RowId::Total, "GPU total", Some(*t), how.clone()));
    }
    let comp_row = |c: &Component| BreakdownRow {
        id: c.id,
        category: c.category.into(),
        bytes: Some(c.bytes),
        percent: None,
        derivation: c.how.clone(),
        sources: c.sources.clone(),
    };
    // Before the first checkpoint.
    let first = known.first().copied();
    if let (Some((t, _)), Some(fi)) = (total, first) {
        let cp = cps[fi].as_ref().map_or(0, |c| c.free_bytes);
        let before = sat_sum(comps.iter().filter(|c| c.pos <= fi).map(|c| c.bytes));
        let (id, cat) = if fi == 0 {
            (RowId::Framework, "CUDA context / NCCL / driver (before weights)".to_string())
        } else {
            (
                RowId::Framework,
                format!("Framework, driver and anything else before `{}`", STAGES[fi].1),
            )
        };
        rows.push(BreakdownRow {
            id,
            category: cat,
            bytes: Some(t - cp - before),
            percent: None,
            derivation: format!("total - free {} ({})", STAGES[fi].1, fmt_gib(cp)),
            sources: cps[fi].as_ref().and_then(|c| c.source.clone()).into_iter().collect(),
        });
    }
    for c in comps.iter().filter(|c| first.is_none_or(|fi| c.pos <= fi)) {
        rows.push(comp_row(c));
    }
    for w in known.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (Some(ca), Some(cb)) = (&cps[a], &cps[b]) else { continue };
        let inside: Vec<&Component> = comps.iter().filter(|c| c.pos > a && c.pos <= b).collect();
        let sum = sat_sum(inside.iter().map(|c| c.bytes));
        let rounding: i64 = sat_sum(inside.iter().map(|c| c.rounding)) + crate::units::GIB / 100;
        for c in &inside {
            rows.push(comp_row(c));
        }
        let rest = ca.free_bytes - cb.free_bytes - sum;
        if rest.abs() > rounding || inside.is_empty() {
            let (id, cat) = match b {
                1 => (RowId::WeightsOther, "Other allocations while loading weights"),
                2 => (RowId::PoolOther, "Other pool allocations (request-to-token map, …)"),
                3 => (
                    RowId::PreCaptureOther,
                    "Other allocations before capture (attention workspace, …)",
                ),
                4 => (RowId::CaptureOther, "Other allocations during capture"),
                _ => (RowId::PostCaptureOther, "Allocations after capture"),
            };
            rows.push(BreakdownRow {
                id,
                category: cat.into(),
                bytes: Some(rest),
                percent: None,
                derivation: format!(
                    "derived: free {} {} - free {} {} - logged components",
                    STAGES[a].1,
                    fmt_gib(ca.free_bytes),
                    STAGES[b].1,
                    fmt_gib(cb.free_bytes)
                ),
                sources: cb.source.clone().into_iter().collect(),
            });
        }
    }
    let last = known.last().copied();
    for c in comps.iter().filter(|c| last.is_some_and(|li| c.pos > li)) {
        rows.push(comp_row(c));
    }
    if let Some(li) = last {
        let cp = cps[li].as_ref().map_or(0, |c| c.free_bytes);
        let after = sat_sum(comps.iter().filter(|c| c.pos > li).map(|c| c.bytes));
        let (id, cat, how) = if li >= 4 {
            (
                RowId::Headroom,
                "Free headroom (activations, fragmentation)".to_string(),
                "printed free memory at the end of start-up".to_string(),
            )
        } else {
            (
                RowId::FreeAtLastStage,
                format!("Free at `{}` (later stages not in the log)", STAGES[li].1),
                "later allocations unknown".to_string(),
            )
        };
        rows.push(BreakdownRow {
            id,
            category: cat,
            bytes: Some(cp - after),
            percent: None,
            derivation: if after > 0 { format!("{how}, less later components") } else { how },
            sources: cps[li].as_ref().and_then(|c| c.source.clone()).into_iter().collect(),
        });
    }
    close_breakdown(
        rows,
        total,
        (
            "Unknown: the device total and what precedes the first stage",
            "pass --gpu NAME or --smi FILE to account for the whole device",
        ),
    )
}

fn kv_detail(
    pools: &[Fact<super::facts::KvPool>],
    swa: Option<(Option<u64>, Option<u64>)>,
    mamba: Option<&Fact<(u64, i64, i64)>>,
    config: Option<&KvCost>,
) -> KvDetail {
    let swa_tokens = swa.and_then(|s| s.1);
    let full_tokens = swa.and_then(|s| s.0);
    let mut rows = Vec::new();
    let mut full = None;
    let mut swa_pt = None;
    for p in pools {
        let kind = if swa_tokens == Some(p.value.tokens) && full_tokens != Some(p.value.tokens) {
            PoolKind::Swa
        } else if p.value.layout == KvLayout::Mla {
            PoolKind::Mla
        } else if swa.is_some() {
            PoolKind::Full
        } else {
            PoolKind::Kv
        };
        if let Some(b) = &p.value.bytes {
            let d = per_unit(b.bytes, p.value.rounding, p.value.tokens, "tokens");
            if kind == PoolKind::Swa {
                swa_pt = swa_pt.or(d);
            } else {
                full = full.or(d);
            }
        }
        rows.push(KvPoolRow {
            pool: kind,
            tokens: p.value.tokens,
            bytes: p.value.bytes.as_ref().map(|b| b.bytes),
            printed: p.value.bytes.as_ref().map(|b| b.printed.clone()),
            dtype: p.value.dtype.clone(),
            source: p.src.clone(),
        });
    }
    let cfg = config.map(|c| c.full_bytes_per_token);
    let matches = matches_config(full.as_ref(), cfg);
    let state = mamba.map(|m| StateDetail {
        slots: m.value.0,
        bytes: m.value.1,
        per_slot_log: per_unit(m.value.1, m.value.2, m.value.0, "slots"),
        per_slot_config: config.map(|c| c.state_bytes_per_slot).filter(|v| *v > 0),
        formula: config.and_then(|c| c.state_formula.clone()),
        source: m.src.clone(),
    });
    KvDetail {
        pools: rows,
        log_bytes_per_token: full,
        log_swa_bytes_per_token: swa_pt,
        config_bytes_per_token: cfg,
        config_swa_bytes_per_token: config.map(|c| c.swa_bytes_per_token).filter(|v| *v > 0),
        config_formula: config.map(|c| c.formula.clone()),
        matches_config: matches,
        state,
    }
}
