//! What-ifs on a log: the log's own numbers become a scenario, the change is applied, and
//! the framework's rule is replayed.

use crate::CapacityError;
use crate::model::{
    KvCost, KvFormat, KvLayout, Layout, ModelConfig, WeightFormat, estimate, kv_cost,
};
use crate::rules::Rules;
use crate::scenario::{Engine, Scenario, evaluate};
use crate::units::fmt_int;
use crate::whatif::{self, WhatIf, WhatIfReport};

use super::ExplainOptions;
use super::settings::LogSettings;
use super::types::RankReport;

/// What the what-if needs from the explanation.
pub struct Inputs<'a> {
    /// Engine.
    pub engine: Engine,
    /// The selected rank.
    pub sel: &'a RankReport,
    /// Settings.
    pub st: &'a LogSettings,
    /// Fraction in force (stated or implied).
    pub fraction: Option<f64>,
    /// Device total.
    pub total: Option<i64>,
    /// Config.
    pub config: Option<&'a ModelConfig>,
    /// Config KV cost.
    pub config_kv: Option<&'a KvCost>,
    /// KV format in force.
    pub kv_format: KvFormat,
    /// KV tokens logged.
    pub tokens: Option<u64>,
    /// Block / page size.
    pub block: u64,
    /// Request lengths.
    pub request_tokens: Vec<u64>,
    /// Rules.
    pub rules: &'a Rules,
}

fn base(i: &Inputs) -> Result<Scenario, String> {
    let per_token = i
        .config_kv
        .map(|c| c.full_bytes_per_token)
        .or_else(|| i.sel.kv.log_bytes_per_token.as_ref().map(|d| d.value.round() as u64))
        .ok_or("the log states no KV bytes per token and no --config was given")?;
    let kv = match i.config_kv {
        Some(c) => c.clone(),
        None => KvCost {
            full_bytes_per_token: per_token,
            full_layers: 1,
            swa_bytes_per_token: 0,
            swa_layers: 0,
            per_layer_bytes_per_token: per_token,
            state_bytes_per_slot: i
                .sel
                .kv
                .state
                .as_ref()
                .and_then(|s| s.per_slot_log.as_ref().map(|d| d.value.round() as u64))
                .unwrap_or(0),
            linear_layers: 0,
            kv_heads_per_rank: 0,
            replication: 1,
            formula: "from the log (bytes / tokens)".into(),
            state_formula: None,
        },
    };
    let fraction = i
        .fraction
        .ok_or("the mem fraction / utilization is neither stated nor implied by the log")?;
    let weights = i.sel.weights_bytes.ok_or("the log states no weight size")?;
    let d = &i.rules.sglang.defaults;
    let mut s = Scenario {
        engine: i.engine,
        total_bytes: i.total.unwrap_or(0),
        free_at_start: 0,
        weights_bytes: weights,
        non_torch_bytes: 0,
        activation_bytes: 0,
        cudagraph_bytes: 0,
        extra_reserved_bytes: 0,
        kv_budget_override: None,
        fraction,
        kv,
        page: i.block,
        context_len: i.st.context_len.unwrap_or(0),
        max_running_requests: if i.st.max_running_user { i.st.max_running_requests } else { None },
        max_total_tokens: i.st.max_total_tokens_cap,
        dp: if i.st.dp_attention { i.st.dp.unwrap_or(1) } else { 1 },
        swa_ratio: d.swa_full_tokens_ratio,
        mamba_ratio: d.mamba_full_memory_ratio,
        mamba_slots: i.sel.kv.state.as_ref().map(|s| s.slots),
        mamba_slots_per_request: if i.st.disable_radix_cache {
            1
        } else {
            d.mamba_slots_per_request_radix
        },
        max_num_batched_tokens: i.st.prefill_chunk.unwrap_or(2048),
        sliding_window: i.config.and_then(|c| c.sliding_window),
        request_tokens: i.request_tokens.clone(),
    };
    match i.engine {
        Engine::Sglang { .. } => {
            s.page = i.st.page_size.unwrap_or(d.page_size);
            s.free_at_start = i
                .sel
                .stages
                .iter()
                .find(|st| st.id == super::types::StageId::Start)
                .map(|st| st.free_bytes)
                .ok_or("the log states no free memory before the weights")?;
        }
        Engine::VllmV1 | Engine::VllmV0 => {
            let total = i.total.ok_or("the device total is unknown (pass --gpu or --smi)")?;
            let kv_avail = i.sel.kv_pool_bytes.ok_or("the log states no KV budget")?;
            // Everything else inside the budget (activation peak, non-torch, graph estimate) as one lump.
            s.activation_bytes = (total as f64 * fraction).round() as i64 - weights - kv_avail;
            s.max_running_requests = i.st.max_running_requests;
        }
    }
    Ok(s)
}

/// Run the what-ifs of `o`, if any.
pub fn run(o: &ExplainOptions, i: &Inputs) -> Result<Option<WhatIfReport>, CapacityError> {
    if o.what_if.is_empty() {
        return Ok(None);
    }
    let changes: Vec<WhatIf> =
        o.what_if.iter().map(|w| whatif::parse(w)).collect::<Result<_, _>>()?;
    let mut caveats = Vec::new();
    let s0 = match base(i) {
        Ok(s) => s,
        Err(why) => {
            return Ok(Some(WhatIfReport {
                changes: o.what_if.clone(),
                baseline: "not computed".into(),
                rows: Vec::new(),
                errors_after: Vec::new(),
                caveats: vec![format!("cannot replay this log: {why}")],
            }));
        }
    };
    let before = evaluate(&s0, i.rules);
    let mut s1 = s0.clone();
    for w in &changes {
        match w {
            WhatIf::Tp(new_tp) => match (i.config, i.st.tp) {
                (Some(c), old) => {
                    let old = old.unwrap_or(1).max(1);
                    let fmt = WeightFormat::from_config(
                        c.quantization.as_deref(),
                        c.torch_dtype.as_deref(),
                    );
                    let est = |tp: u64| {
                        estimate(c, fmt, WeightFormat::Bf16, Layout { tp, attn_tp: tp, pp: 1 })
                            .bytes_per_rank
                    };
                    let (e_old, e_new) = (est(old), est(*new_tp));
                    s1.weights_bytes =
                        (s1.weights_bytes as f64 * e_new as f64 / e_old.max(1) as f64) as i64;
                    s1.kv = kv_cost(
                        c,
                        KvLayout {
                            attn_tp: *new_tp,
                            tp: *new_tp,
                            pp: 1,
                            kv: i.kv_format,
                            swa_as_full: s0.kv.swa_layers == 0,
                            ssm_bytes: i.rules.sglang.defaults.mamba_ssm_bytes,
                        },
                    );
                    caveats.push(format!(
                        "tp {old} -> {new_tp}: measured weights scaled by the parameter-count ratio; free memory before weights assumed unchanged per GPU"
                    ));
                }
                (None, _) => caveats.push(
                    "tp what-if needs --config (weights and KV heads per rank change): skipped"
                        .into(),
                ),
            },
            other => whatif::apply_scalar(&mut s1, other, i.kv_format),
        }
    }
    let after = evaluate(&s1, i.rules);
    if let Some(t) = i.tokens {
        caveats.push(format!(
            "before = the log's numbers replayed through the framework rule: {} tokens (the log states {})",
            fmt_int(before.kv_tokens),
            fmt_int(t as i64)
        ));
    }
    Ok(Some(WhatIfReport {
        changes: o.what_if.clone(),
        baseline: "the log's measured values (weights, free memory, budget) replayed".into(),
        rows: whatif::compare((&s0, &before), (&s1, &after)),
        errors_after: after.errors.clone(),
        caveats,
    }))
}
