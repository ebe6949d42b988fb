//! vLLM ranks (V0 and V1): the utilization budget and what the log says went where.
#![warn(clippy::too_many_lines)]

use crate::common::{BreakdownRow, RowId, row};
use crate::model::KvCost;
use crate::units::{LoggedBytes, fmt_gib, sat_sum};
use perfpilot_launchlog::EventKind;

use super::facts::{Fact, RankEvents};
use super::sglang::per_unit;
use super::tail::{close_breakdown, matches_config};
use super::types::{KvDetail, KvPoolRow, PoolKind, RankReport, StageId, StageRow};

fn pick(list: Vec<Option<Fact<LoggedBytes>>>) -> Option<Fact<LoggedBytes>> {
    list.into_iter().flatten().next()
}

fn logged_row(id: RowId, cat: &str, f: &Fact<LoggedBytes>, how: &str) -> BreakdownRow {
    BreakdownRow {
        id,
        category: cat.into(),
        bytes: Some(f.value.bytes),
        percent: None,
        derivation: how.into(),
        sources: vec![f.src.clone()],
    }
}

/// Values shared with the report builder.
pub struct VllmFacts {
    /// Tokens of the KV pool.
    pub kv_tokens: Option<u64>,
    /// Device total found in the log.
    pub total: Option<Fact<LoggedBytes>>,
}

/// Gather cross-rank facts; `block_size` is the resolved KV block size (tokens per
/// block), which turns a `# GPU blocks` figure into tokens.
pub fn facts(r: &RankEvents, block_size: u64) -> VllmFacts {
    let kv_tokens = r
        .last(|e| match e {
            EventKind::KvCacheTokens { tokens } => Some(*tokens),
            _ => None,
        })
        .map(|f| f.value)
        .or_else(|| {
            r.last(|e| match e {
                EventKind::GpuBlocks { gpu_blocks, .. } => {
                    Some(gpu_blocks.saturating_mul(block_size))
                }
                _ => None,
            })
            .map(|f| f.value)
        });
    let total = r.first(|e| match e {
        EventKind::StartupMemorySummary { total: Some(t), .. }
        | EventKind::FreeMemoryBelowUtilization { total: Some(t), .. }
        | EventKind::ProfilingResultsV0 { total_gpu_memory: Some(t), .. }
        | EventKind::BudgetV0 { total_gpu_memory: Some(t), .. } => Some(t.clone()),
        _ => None,
    });
    VllmFacts { kv_tokens, total }
}

/// The byte figures a vLLM rank's log states.
struct Logged {
    weights: Option<Fact<LoggedBytes>>,
    non_torch: Option<Fact<LoggedBytes>>,
    activation: Option<Fact<LoggedBytes>>,
    peak_torch: Option<Fact<LoggedBytes>>,
    kv: Option<Fact<LoggedBytes>>,
    graphs: Option<Fact<LoggedBytes>>,
    estimate: Option<Fact<LoggedBytes>>,
    free_start: Option<Fact<LoggedBytes>>,
}

/// Read a rank's byte figures (the first or last line that states each).
fn logged(r: &RankEvents) -> Logged {
    let weights = pick(vec![
        r.first(|e| match e {
            EventKind::WeightsLoaded { size, .. } => Some(size.clone()),
            _ => None,
        }),
        r.first(|e| match e {
            EventKind::StartupMemorySummary { weights: Some(w), .. }
            | EventKind::UsageV0 { weights: Some(w), .. } => Some(w.clone()),
            _ => None,
        }),
    ]);
    let non_torch = r.first(|e| match e {
        EventKind::StartupMemorySummary { non_torch: Some(v), .. }
        | EventKind::UsageV0 { non_torch: Some(v), .. }
        | EventKind::ProfilingResultsV0 { non_torch_memory: Some(v), .. } => Some(v.clone()),
        _ => None,
    });
    let activation = r.first(|e| match e {
        EventKind::StartupMemorySummary { activation_peak: Some(v), .. }
        | EventKind::UsageV0 { activation_peak: Some(v), .. } => Some(v.clone()),
        _ => None,
    });
    let peak_torch = r.first(|e| match e {
        EventKind::ProfilingResultsV0 { peak_torch_memory: Some(v), .. } => Some(v.clone()),
        _ => None,
    });
    let kv = r.last(|e| match e {
        EventKind::AvailableKvMemory { size } => Some(size.clone()),
        EventKind::ProfilingResultsV0 { kv_cache_size: Some(v), .. }
        | EventKind::UsageV0 { kv_cache: Some(v), .. } => Some(v.clone()),
        _ => None,
    });
    let graphs = r.last(|e| match e {
        EventKind::GraphCaptureFinished { size: Some(s), .. } => Some(s.clone()),
        EventKind::StartupMemorySummary { cudagraph: Some(s), .. } => Some(s.clone()),
        _ => None,
    });
    let estimate = r.last(|e| match e {
        EventKind::CudaGraphEstimate { size } => Some(size.clone()),
        _ => None,
    });
    let free_start = r.first(|e| match e {
        EventKind::StartupMemorySummary { free: Some(f), .. }
        | EventKind::FreeMemoryBelowUtilization { free: Some(f), .. } => Some(f.clone()),
        _ => None,
    });
    Logged { weights, non_torch, activation, peak_torch, kv, graphs, estimate, free_start }
}

/// The breakdown rows before the closing `unknown` row: total, what was in use before start,
/// each logged figure, the budget remainder and the headroom outside the budget.
fn budget_rows(l: &Logged, total: Option<&(i64, String)>, util: Option<f64>) -> Vec<BreakdownRow> {
    let Logged { weights, non_torch, activation, peak_torch, kv, graphs, estimate, free_start } = l;
    let mut rows = Vec::new();
    if let Some((t, how)) = &total {
        rows.push(row(RowId::Total, "GPU total", Some(*t), how.clone()));
        if let Some(f) = &free_start {
            rows.push(BreakdownRow {
                id: RowId::Framework,
                category: "In use before vLLM started (other processes, driver)".into(),
                bytes: Some(t - f.value.bytes),
                percent: None,
                derivation: format!("total - free on startup ({})", fmt_gib(f.value.bytes)),
                sources: vec![f.src.clone()],
            });
        }
    }
    if let Some(f) = &non_torch {
        rows.push(logged_row(RowId::NonTorch, "Non-torch (CUDA context, NCCL)", f, "printed"));
    }
    if let Some(f) = &weights {
        rows.push(logged_row(RowId::Weights, "Model weights", f, "printed (model loading took)"));
    }
    match (&activation, &peak_torch, &weights) {
        (Some(a), _, _) => {
            rows.push(logged_row(RowId::Activations, "Profiled activation peak", a, "printed"))
        }
        (None, Some(p), Some(w)) => rows.push(BreakdownRow {
            id: RowId::Activations,
            category: "Profiled activation peak".into(),
            bytes: Some(p.value.bytes - w.value.bytes),
            percent: None,
            derivation: format!(
                "derived: peak_torch_memory {} - weights {}",
                p.value.printed, w.value.printed
            ),
            sources: vec![p.src.clone(), w.src.clone()],
        }),
        _ => {}
    }
    if let Some(e) = &estimate {
        rows.push(logged_row(
            RowId::CudaGraphEstimate,
            "CUDA-graph estimate (profiling; subtracted only when enabled)",
            e,
            "printed estimate — not added to the total",
        ));
    }
    if let Some(f) = &kv {
        rows.push(logged_row(
            RowId::KvPool,
            "KV cache budget (pool <= this)",
            f,
            "printed (available KV cache memory)",
        ));
    }
    if let Some(f) = &graphs {
        rows.push(logged_row(
            RowId::CudaGraphs,
            "CUDA graphs (captured after the KV pool)",
            f,
            "printed",
        ));
    }
    if let (Some((t, _)), Some(u)) = (&total, util) {
        let requested = (*t as f64 * u).round() as i64;
        let inside = sat_sum(
            rows.iter()
                .filter(|r| {
                    matches!(
                        r.id,
                        RowId::NonTorch | RowId::Weights | RowId::Activations | RowId::KvPool
                    )
                })
                .filter_map(|r| r.bytes),
        );
        if rows.iter().any(|r| r.id == RowId::KvPool) && rows.iter().any(|r| r.id == RowId::Weights)
        {
            rows.push(row(
                RowId::BudgetOther,
                "Other inside the utilization budget",
                Some(requested - inside),
                format!("total x {u:.4} - the rows above it"),
            ));
        }
        let graphs_b = graphs.as_ref().map_or(0, |g| g.value.bytes);
        rows.push(row(
            RowId::Headroom,
            "Outside the budget, free after start-up",
            Some(t - requested - graphs_b),
            format!("total x (1 - {u:.4}) - CUDA graphs"),
        ));
        if let Some(f) = &free_start {
            let before = t - f.value.bytes;
            if let Some(last) = rows.last_mut() {
                last.bytes = last.bytes.map(|b| b - before);
            }
        }
    }
    rows
}

/// Build one vLLM rank.
pub fn rank(
    r: &RankEvents,
    total: Option<(i64, String)>,
    util: Option<f64>,
    config_kv: Option<&KvCost>,
    block_size: u64,
) -> RankReport {
    let Logged { weights, non_torch, activation, peak_torch, kv, graphs, estimate, free_start } =
        logged(r);
    let vf = facts(r, block_size);

    let rows = budget_rows(
        &Logged {
            weights: weights.clone(),
            non_torch,
            activation,
            peak_torch,
            kv: kv.clone(),
            graphs: graphs.clone(),
            estimate,
            free_start: free_start.clone(),
        },
        total.as_ref(),
        util,
    );
    let breakdown = close_breakdown(
        rows,
        total.as_ref(),
        (
            "Unknown: the device total",
            "pass --gpu NAME or --smi FILE (or a log with the start-up memory summary)",
        ),
    );

    let stages: Vec<StageRow> = free_start
        .iter()
        .map(|f| StageRow {
            id: StageId::Start,
            stage: "free on startup".into(),
            free_bytes: f.value.bytes,
            how: "printed".into(),
            source: Some(f.src.clone()),
        })
        .collect();
    let tokens = vf.kv_tokens;
    let tokens_src = r
        .last(|e| {
            matches!(e, EventKind::KvCacheTokens { .. } | EventKind::GpuBlocks { .. }).then_some(())
        })
        .map(|f| f.src);
    let mut pools = Vec::new();
    let mut log_pt = None;
    if let (Some(t), Some(src)) = (tokens, tokens_src) {
        pools.push(KvPoolRow {
            pool: PoolKind::Kv,
            tokens: t,
            bytes: kv.as_ref().map(|k| k.value.bytes),
            printed: kv.as_ref().map(|k| k.value.printed.clone()),
            dtype: None,
            source: src,
        });
        if let Some(k) = &kv {
            // The pool is whole blocks of the budget: up to one block per layer group less.
            let block_slack = config_kv.map_or(0, |c| {
                (c.per_layer_bytes_per_token * block_size * c.full_layers.max(1)) as i64
            });
            log_pt = per_unit(
                k.value.bytes,
                k.value.rounding_bytes() + block_slack,
                t,
                "tokens (budget / pool tokens: an upper bound)",
            );
        }
    }
    let cfg = config_kv.map(|c| c.full_bytes_per_token + c.swa_bytes_per_token);
    let matches = matches_config(log_pt.as_ref(), cfg);
    let kv_detail = KvDetail {
        pools,
        log_bytes_per_token: log_pt,
        log_swa_bytes_per_token: None,
        config_bytes_per_token: config_kv.map(|c| c.full_bytes_per_token),
        config_swa_bytes_per_token: config_kv.map(|c| c.swa_bytes_per_token).filter(|v| *v > 0),
        config_formula: config_kv.map(|c| c.formula.clone()),
        matches_config: matches,
        state: None,
    };
    RankReport {
        rank: r.label.clone(),
        rank_id: r.rank.clone(),
        stages,
        breakdown,
        kv: kv_detail,
        weights_bytes: weights.map(|w| w.value.bytes),
        kv_pool_bytes: kv.map(|k| k.value.bytes),
        cuda_graph_bytes: graphs.map(|g| g.value.bytes),
        final_free_bytes: None,
    }
}
