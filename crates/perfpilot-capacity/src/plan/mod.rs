//! `capacity plan`: predict a launch's memory breakdown from a model config and a GPU spec,
//! with each framework's own sizing rules.

mod build;
mod options;
mod render;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use build::{DEFAULT_REQUEST_TOKENS, activation_per_token, sglang_v05_fraction};
pub use options::{PlanFramework, PlanOptions, RuleVersion};

use crate::CapacityError;
use crate::common::{BreakdownRow, GpuInfo, Note, RowId, Setting, row, with_percent};
use crate::gpu::GpuTable;
use crate::model::{KvCost, Limits, ModelConfig, WeightEstimate};
use crate::notes::{NoteInputs, notes};
use crate::rules::Rules;
use crate::scenario::{Engine, Outcome, Scenario, evaluate};
use crate::whatif::{self, WhatIf, WhatIfReport};

/// A short summary of the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ModelSummary {
    /// Architecture.
    pub architecture: String,
    /// Layers (full / sliding / linear).
    pub layers: String,
    /// Attention shape.
    pub attention: String,
    /// MoE shape, when MoE.
    pub moe: Option<String>,
    /// Parameters counted.
    pub params: u64,
    /// Assumptions made for fields the config leaves to class defaults.
    pub assumptions: Vec<String>,
}

/// The result of `plan`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PlanReport {
    /// `sglang` or `vllm`.
    pub framework: PlanFramework,
    /// Rule set used.
    pub rules: String,
    /// Model.
    pub model: ModelSummary,
    /// GPU.
    pub gpu: GpuInfo,
    /// Settings in force and their origin.
    pub settings: Vec<Setting>,
    /// Parameters by component and bytes per rank.
    pub weights: WeightEstimate,
    /// Per-token KV cost.
    pub kv: KvCost,
    /// Predicted memory breakdown of one rank.
    pub breakdown: Vec<BreakdownRow>,
    /// The framework's sizing decisions.
    pub outcome: Outcome,
    /// Tuning notes.
    pub notes: Vec<Note>,
    /// What-if comparison.
    pub what_if: Option<WhatIfReport>,
}

impl perfpilot_report::Report for PlanReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.capacity.plan/1"
    }
    fn document(&self) -> perfpilot_report::Document {
        render::document(self)
    }
    fn check_failed(&self) -> bool {
        !self.outcome.errors.is_empty()
    }
}

fn summary(c: &ModelConfig, params: u64) -> ModelSummary {
    use crate::model::KvKind as K;
    let attention = match &c.mla {
        Some(m) => format!(
            "MLA: {} heads, kv_lora_rank {}, rope {}",
            c.num_heads, m.kv_lora_rank, m.qk_rope_head_dim
        ),
        None => {
            format!("{} heads, {} KV heads, head_dim {}", c.num_heads, c.num_kv_heads, c.head_dim)
        }
    };
    ModelSummary {
        architecture: c.architecture.clone(),
        layers: format!(
            "{} ({} full, {} sliding{}, {} linear)",
            c.num_layers,
            c.count(K::Full),
            c.count(K::Sliding),
            c.sliding_window.map(|w| format!(" window {w}")).unwrap_or_default(),
            c.count(K::Linear)
        ),
        attention,
        moe: c.moe.as_ref().map(|m| {
            format!(
                "{} experts top-{} (intermediate {}), {} shared, first {} layers dense",
                m.num_experts, m.top_k, m.expert_intermediate, m.shared_experts, m.first_dense
            )
        }),
        params,
        assumptions: c.assumptions.clone(),
    }
}

/// The predicted breakdown of one rank.
fn breakdown(s: &Scenario, o: &Outcome, overhead_note: &str) -> Vec<BreakdownRow> {
    let mut rows = vec![row(RowId::Total, "GPU total", Some(s.total_bytes), "GPU spec table")];
    match s.engine {
        Engine::Sglang { .. } => {
            rows.push(row(
                RowId::Framework,
                "CUDA context / NCCL / driver",
                Some(s.total_bytes - s.free_at_start),
                overhead_note.to_string(),
            ));
            rows.push(row(
                RowId::Weights,
                "Model weights",
                Some(s.weights_bytes),
                "parameter count x bytes per weight (or measured)",
            ));
            if s.extra_reserved_bytes != 0 {
                rows.push(row(
                    RowId::Reserved,
                    "Backend buffers before KV sizing",
                    Some(s.extra_reserved_bytes),
                    "given",
                ));
            }
            rows.push(row(
                RowId::KvPool,
                "KV cache pool",
                Some(o.kv_pool_bytes),
                "tokens x bytes per token",
            ));
            if o.state_pool_bytes > 0 {
                rows.push(row(
                    RowId::StatePool,
                    "Mamba / linear-attention state pool",
                    Some(o.state_pool_bytes),
                    "slots x bytes per slot",
                ));
            }
            let unused = o.kv_budget_bytes - o.kv_pool_bytes;
            rows.push(row(
                RowId::BudgetRounding,
                "Budget not used by pools (rounding, caps)",
                Some(unused.max(0)),
                "rest - pools",
            ));
            rows.push(row(
                RowId::Headroom,
                "Headroom: activations, CUDA graphs, fragmentation",
                Some(o.headroom_bytes),
                format!("free_at_start x (1 - mem_fraction_static {:.3})", s.fraction),
            ));
        }
        Engine::VllmV1 | Engine::VllmV0 => {
            rows.push(row(
                RowId::Framework,
                "Non-torch (CUDA context, NCCL)",
                Some(s.non_torch_bytes),
                overhead_note.to_string(),
            ));
            rows.push(row(
                RowId::Weights,
                "Model weights",
                Some(s.weights_bytes),
                "parameter count x bytes per weight (or measured)",
            ));
            rows.push(row(
                RowId::Activations,
                "Profiled activation peak",
                Some(s.activation_bytes),
                "estimate: bytes per token x max_num_batched_tokens",
            ));
            if s.cudagraph_bytes > 0 {
                rows.push(row(
                    RowId::CudaGraphs,
                    "CUDA-graph estimate (in budget)",
                    Some(s.cudagraph_bytes),
                    "given",
                ));
            }
            if s.extra_reserved_bytes != 0 {
                rows.push(row(
                    RowId::Reserved,
                    "Other reserved buffers",
                    Some(s.extra_reserved_bytes),
                    "given",
                ));
            }
            rows.push(row(
                RowId::KvPool,
                "KV cache pool",
                Some(o.kv_pool_bytes),
                "blocks x page bytes",
            ));
            rows.push(row(
                RowId::BudgetRounding,
                "Budget not used by the pool (block rounding)",
                Some((o.kv_budget_bytes - o.kv_pool_bytes).max(0)),
                "available KV - pool",
            ));
            rows.push(row(
                RowId::Headroom,
                "Outside the utilization budget (graphs when not estimated)",
                Some(o.headroom_bytes),
                format!("total x (1 - gpu_memory_utilization {:.3})", s.fraction),
            ));
        }
    }
    with_percent(rows, Some(s.total_bytes))
}

struct Planned {
    scenario: Scenario,
    outcome: Outcome,
    built_weights: WeightEstimate,
    settings: Vec<Setting>,
    kv_format: crate::model::KvFormat,
    act_per_token: i64,
    prefill_tokens: u64,
}

fn run(
    o: &PlanOptions,
    c: &ModelConfig,
    gpu: &crate::gpu::GpuSpec,
    rules: &Rules,
    limits: &Limits,
) -> Result<Planned, CapacityError> {
    let b = build::build(o, c, gpu, rules)?;
    let mut outcome = evaluate(&b.scenario, rules);
    let attn_tp = if o.dp_attention { o.tp / o.dp.max(1) } else { o.tp };
    outcome.errors.extend(limits.parallel_errors(c, attn_tp));
    Ok(Planned {
        scenario: b.scenario,
        outcome,
        built_weights: b.weights,
        settings: b.settings,
        kv_format: b.kv_format,
        act_per_token: b.activation_per_token,
        prefill_tokens: b.prefill_tokens,
    })
}

/// Apply what-ifs to plan options.
fn apply(o: &PlanOptions, changes: &[WhatIf]) -> PlanOptions {
    let mut n = o.clone();
    for w in changes {
        match w {
            WhatIf::MemFraction(f) => match o.framework {
                PlanFramework::Sglang => n.mem_fraction = Some(*f),
                PlanFramework::Vllm => {
                    n.gpu_memory_utilization = Some(*f);
                    n.mem_fraction = None;
                }
            },
            WhatIf::KvDtype(k) => n.kv_dtype = Some(k.name().to_string()),
            WhatIf::Tp(t) => n.tp = *t,
            WhatIf::ContextLen(l) => n.context_len = Some(*l),
            WhatIf::MaxRunningRequests(m) => n.max_running_requests = Some(*m),
        }
    }
    n
}

/// Load the GPU table (embedded or the user's file).
pub(crate) fn gpu_table(path: Option<&std::path::Path>) -> Result<GpuTable, CapacityError> {
    match path {
        None => Ok(GpuTable::embedded()),
        Some(p) => {
            let text = perfpilot_io::read_to_string_bounded(p)
                .map_err(|source| CapacityError::Io { path: p.to_path_buf(), source })?;
            GpuTable::parse(&text, &p.display().to_string())
        }
    }
}

/// Plan a launch. The library entry point behind `perfpilot capacity plan`.
pub fn plan(o: &PlanOptions) -> Result<PlanReport, CapacityError> {
    let rules = Rules::load(o.frameworks.as_deref())?;
    let table = gpu_table(o.gpu_table.as_deref())?;
    let gpu = table.find(&o.gpu)?;
    let model_rules = crate::model::model_rules(o.model_rules.as_deref())?;
    let limits = Limits::load(o.limits.as_deref())?;
    let c = crate::model::read_config_limited(&o.config, &model_rules, &limits)?;
    let changes: Vec<WhatIf> =
        o.what_if.iter().map(|w| whatif::parse(w)).collect::<Result<_, _>>()?;
    let p = run(o, &c, gpu, &rules, &limits)?;
    let overhead_note = if o.free_at_start_bytes.is_some() || o.non_torch_bytes.is_some() {
        "given (measured)".to_string()
    } else {
        format!("estimate ({})", rules.overheads.source)
    };
    let breakdown = breakdown(&p.scenario, &p.outcome, &overhead_note);
    let what_if = if changes.is_empty() {
        None
    } else {
        let after = run(&apply(o, &changes), &c, gpu, &rules, &limits)?;
        Some(WhatIfReport {
            changes: o.what_if.clone(),
            baseline: "the plan above".into(),
            rows: whatif::compare((&p.scenario, &p.outcome), (&after.scenario, &after.outcome)),
            errors_after: after.outcome.errors.clone(),
            caveats: Vec::new(),
        })
    };
    let (fraction_base, final_free) = match p.scenario.engine {
        Engine::Sglang { .. } => (p.scenario.free_at_start, p.outcome.headroom_bytes),
        _ => (p.scenario.total_bytes, p.outcome.headroom_bytes),
    };
    let activation_need = matches!(p.scenario.engine, Engine::Sglang { .. })
        .then_some(p.act_per_token * p.prefill_tokens as i64);
    let notes = notes(&NoteInputs {
        engine: p.scenario.engine,
        kv_format: Some(p.kv_format),
        kv: Some(&p.scenario.kv),
        concurrency: &p.outcome.concurrency,
        fraction: Some(p.scenario.fraction),
        fraction_base: Some(fraction_base),
        final_free: Some(final_free),
        final_free_observed: false,
        graph_bytes: None,
        activation_need,
        prefill_tokens: Some(p.prefill_tokens),
        model: Some(&c),
        errors: &p.outcome.errors,
        rules: &rules,
    });
    Ok(PlanReport {
        framework: o.framework,
        rules: match p.scenario.engine {
            Engine::Sglang { legacy: true } => "SGLang <= v0.4.x".into(),
            Engine::Sglang { legacy: false } => "SGLang v0.5.x".into(),
            Engine::VllmV1 => "vLLM V1".into(),
            Engine::VllmV0 => "vLLM V0".into(),
        },
        model: summary(&c, p.built_weights.total_params),
        gpu: GpuInfo {
            name: gpu.name.clone(),
            total_bytes: gpu.total_bytes(),
            source: gpu.source.clone(),
        },
        settings: p.settings,
        weights: p.built_weights,
        kv: p.scenario.kv.clone(),
        breakdown,
        outcome: p.outcome,
        notes,
        what_if,
    })
}
