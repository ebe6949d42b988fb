//! Turn plan options + a model config + a GPU spec into a resolved [`Scenario`].

use crate::CapacityError;
use crate::common::Setting;
use crate::gpu::GpuSpec;
use crate::model::{
    KvFormat, KvLayout, Layout, ModelConfig, WeightEstimate, WeightFormat, estimate, kv_cost,
};
use crate::rules::Rules;
use crate::scenario::{Engine, Scenario};

use super::options::{PlanFramework, PlanOptions, RuleVersion};

/// Default request lengths of the concurrency table.
pub const DEFAULT_REQUEST_TOKENS: [u64; 3] = [4096, 8192, 32768];

/// Everything `plan` resolved, before evaluation.
pub struct Built {
    /// The scenario.
    pub scenario: Scenario,
    /// Weight estimate (even when overridden).
    pub weights: WeightEstimate,
    /// Settings and where each came from.
    pub settings: Vec<Setting>,
    /// KV format.
    pub kv_format: KvFormat,
    /// Estimated activation bytes per prefill token (for headroom advice).
    pub activation_per_token: i64,
    /// Tokens of the largest prefill chunk (SGLang chunked prefill / vLLM batched tokens).
    pub prefill_tokens: u64,
}

fn set(settings: &mut Vec<Setting>, key: &str, value: impl ToString, source: &str) {
    settings.push(Setting { key: key.into(), value: value.to_string(), source: source.into() });
}

/// Activation bytes per token of a prefill forward on one rank: 2 B x (3 x hidden + 3 x MLP
/// width / tp), MLP width = max(dense intermediate, top_k x expert intermediate + shared).
/// Calibrated on vLLM #10517 (Llama-3.1-8B, profile peaks at 20,000 and 29,000 tokens, both within 1%).
pub fn activation_per_token(c: &ModelConfig, tp: u64) -> i64 {
    let moe_width = c
        .moe
        .as_ref()
        .map_or(0, |m| m.top_k * m.expert_intermediate + m.shared_experts * m.shared_intermediate);
    let width = c.intermediate_size.max(moe_width);
    (2 * (3 * c.hidden_size + 3 * width / tp.max(1))) as i64
}

/// SGLang v0.5.x default `mem_fraction_static` (PR #10975), with the numbers it used.
pub fn sglang_v05_fraction(
    rules: &Rules,
    total_bytes: i64,
    o: &PlanOptions,
    chunk: u64,
) -> (f64, String) {
    let gpu_mb = (total_bytes / (1 << 20)) as u64;
    let r = &rules.sglang.reserve;
    let bucket = rules.bucket(gpu_mb);
    let split = rules.sglang.graph_bs_tp_split;
    let bs = bucket.map_or(256, |b| {
        if o.tp < split { b.cuda_graph_max_bs[0] } else { b.cuda_graph_max_bs[1] }
    });
    let mut reserved = r.base_mb
        + (chunk.max(r.min_chunk) as f64) * r.chunk_factor
        + bs as f64 * r.per_graph_bs_mb
        + (o.tp * o.pp) as f64 / 8.0 * r.per_8_ranks_mb;
    if o.dp_attention && o.dp > 1 {
        let mut dp_term = bs as f64 * o.dp as f64 * r.dp_attention_per_bs_dp_mb;
        if bs > r.dp_attention_large_bs {
            dp_term *= r.dp_attention_large_bs_factor;
        }
        reserved += dp_term;
    }
    if gpu_mb > r.min_reserve_above_mb {
        reserved = reserved.max(r.min_reserve_mb_above_60gb);
    }
    let f = ((gpu_mb as f64 - reserved) / gpu_mb as f64 * 1000.0).round() / 1000.0;
    (
        f,
        format!(
            "SGLang v0.5 rule: ({gpu_mb} MB - reserved {reserved:.0} MB) / {gpu_mb} MB (chunk {chunk}, cuda_graph_max_bs {bs})"
        ),
    )
}

/// Resolve options into a scenario.
pub fn build(
    o: &PlanOptions,
    c: &ModelConfig,
    gpu: &GpuSpec,
    rules: &Rules,
) -> Result<Built, CapacityError> {
    if o.tp == 0 || o.pp == 0 || o.dp == 0 || o.tp > 4096 || o.pp > 4096 || o.dp > 4096 {
        return Err(CapacityError::invalid("tp, pp and dp must be between 1 and 4096"));
    }
    const MAX_TOKENS: u64 = 1 << 36;
    let too_long = |v: Option<u64>| v.is_some_and(|v| v > MAX_TOKENS);
    if too_long(o.context_len)
        || o.request_tokens.iter().any(|t| *t > MAX_TOKENS)
        || too_long(o.max_total_tokens)
        || too_long(o.chunked_prefill_size)
        || too_long(o.max_num_batched_tokens)
        || too_long(o.page_size)
    {
        return Err(CapacityError::invalid(format!("token counts must be at most {MAX_TOKENS}")));
    }
    if o.dp_attention && !o.tp.is_multiple_of(o.dp) {
        return Err(CapacityError::invalid(format!(
            "with DP-attention tp ({}) must be a multiple of dp ({})",
            o.tp, o.dp
        )));
    }
    for (name, v) in [
        ("page_size", o.page_size),
        ("context_len", o.context_len),
        ("max_running_requests", o.max_running_requests),
        ("max_total_tokens", o.max_total_tokens),
        ("max_num_batched_tokens", o.max_num_batched_tokens),
    ] {
        if v == Some(0) {
            return Err(CapacityError::invalid(format!("{name} must be at least 1, got 0")));
        }
    }
    if o.request_tokens.contains(&0) {
        return Err(CapacityError::invalid("request_tokens must be at least 1, got 0"));
    }
    // Byte figures: never negative, at most 1 PiB (no device holds more; keeps sums in i64).
    const MAX_BYTES: i64 = 1 << 50;
    for (name, v) in [
        ("cuda_graph_estimate_bytes", o.cuda_graph_estimate_bytes),
        ("weights_bytes", o.weights_bytes),
        ("free_at_start_bytes", o.free_at_start_bytes),
        ("non_torch_bytes", o.non_torch_bytes),
        ("activation_bytes", o.activation_bytes),
        ("reserved_bytes", o.reserved_bytes),
        ("kv_cache_memory_bytes", o.kv_cache_memory_bytes),
    ] {
        if let Some(v) = v
            && !(0..=MAX_BYTES).contains(&v)
        {
            return Err(CapacityError::invalid(format!(
                "{name} must be between 0 and {MAX_BYTES} bytes (1 PiB), got {v}"
            )));
        }
    }
    for (name, v) in [
        ("swa_full_tokens_ratio", o.swa_full_tokens_ratio),
        ("mamba_full_memory_ratio", o.mamba_full_memory_ratio),
    ] {
        if let Some(v) = v
            && !(v > 0.0 && v <= 1e6)
        {
            return Err(CapacityError::invalid(format!("{name} must be in (0, 1e6], got {v}")));
        }
    }
    if let Some(m) = o.max_mamba_cache_size
        && m > MAX_TOKENS
    {
        return Err(CapacityError::invalid(format!(
            "max_mamba_cache_size must be at most {MAX_TOKENS}"
        )));
    }
    for (name, v) in
        [("mem_fraction", o.mem_fraction), ("gpu_memory_utilization", o.gpu_memory_utilization)]
    {
        if let Some(v) = v
            && !(v > 0.0 && v <= 1.0)
        {
            return Err(CapacityError::invalid(format!("{name} must be in (0, 1], got {v}")));
        }
    }
    let mut settings = Vec::new();
    let total = gpu.total_bytes();
    set(
        &mut settings,
        "gpu",
        &gpu.name,
        if gpu.verified { "data/gpus.toml" } else { "data/gpus.toml (nominal size, unverified)" },
    );
    set(&mut settings, "tp", o.tp, "user");
    if o.pp > 1 {
        set(&mut settings, "pp", o.pp, "user");
    }
    if o.dp > 1 {
        set(&mut settings, "dp", o.dp, if o.dp_attention { "user (DP-attention)" } else { "user" });
    }
    let dense = match c.torch_dtype.as_deref() {
        Some("float16") => WeightFormat::Fp16,
        _ => WeightFormat::Bf16,
    };
    let format = match &o.dtype {
        Some(d) => {
            let f = WeightFormat::parse(d)?;
            set(&mut settings, "weights", format!("{f:?}").to_lowercase(), "user");
            f
        }
        None => {
            let f = WeightFormat::from_config(c.quantization.as_deref(), c.torch_dtype.as_deref());
            set(&mut settings, "weights", format!("{f:?}").to_lowercase(), "config");
            f
        }
    };
    let dense = if format == WeightFormat::Fp16 { WeightFormat::Fp16 } else { dense };
    let attn_tp = if o.dp_attention { o.tp / o.dp } else { o.tp };
    let layout = Layout { tp: o.tp, attn_tp, pp: o.pp };
    let weights = estimate(c, format, dense, layout);
    let weights_bytes = match o.weights_bytes {
        Some(w) => {
            set(&mut settings, "weights_bytes", w, "user (measured)");
            w
        }
        None => weights.bytes_per_rank,
    };
    let kv_format = KvFormat::parse(o.kv_dtype.as_deref().unwrap_or("auto"))?;
    set(
        &mut settings,
        "kv_cache_dtype",
        kv_format.name(),
        if o.kv_dtype.is_some() { "user" } else { "default (auto = model dtype)" },
    );
    let has_sliding = c.layer_kinds.contains(&crate::model::KvKind::Sliding);
    let hybrid = o.hybrid_swa.unwrap_or(has_sliding);
    let sglang = o.framework == PlanFramework::Sglang;
    let ssm_bytes = rules.sglang.defaults.mamba_ssm_bytes;
    let kv = kv_cost(
        c,
        KvLayout { attn_tp, tp: o.tp, pp: o.pp, kv: kv_format, swa_as_full: !hybrid, ssm_bytes },
    );
    let context_len = match o.context_len.or(c.max_position_embeddings) {
        Some(l) => l,
        None => {
            return Err(CapacityError::invalid(
                "the config has no max_position_embeddings: pass --context-len",
            ));
        }
    };
    set(
        &mut settings,
        "context_len",
        context_len,
        if o.context_len.is_some() { "user" } else { "config max_position_embeddings" },
    );
    let overhead = rules.overheads.context_bytes
        + if o.tp * o.pp > 1 { rules.overheads.multi_gpu_bytes } else { 0 };
    let request_tokens = if o.request_tokens.is_empty() {
        DEFAULT_REQUEST_TOKENS.to_vec()
    } else {
        o.request_tokens.clone()
    };
    let act_per_token = activation_per_token(c, o.tp);

    let (engine, fraction, page, mnbt, prefill_tokens, max_running) = if sglang {
        let legacy = o.rules == RuleVersion::Legacy;
        let gpu_mb = (total / (1 << 20)) as u64;
        let chunk = o.chunked_prefill_size.unwrap_or_else(|| {
            if legacy {
                rules.sglang.legacy_chunked_prefill_size
            } else {
                rules.bucket(gpu_mb).map_or(8192, |b| b.chunked_prefill_size)
            }
        });
        let fraction = match o.mem_fraction {
            Some(f) => {
                set(&mut settings, "mem_fraction_static", f, "user");
                f
            }
            None if legacy => {
                let f = rules.legacy_mem_fraction(o.tp);
                set(
                    &mut settings,
                    "mem_fraction_static",
                    f,
                    "default (SGLang <= v0.4 rule by TP size)",
                );
                f
            }
            None => {
                let (f, why) = sglang_v05_fraction(rules, total, o, chunk);
                set(&mut settings, "mem_fraction_static", f, &format!("default ({why})"));
                f
            }
        };
        set(
            &mut settings,
            "chunked_prefill_size",
            chunk,
            if o.chunked_prefill_size.is_some() { "user" } else { "default" },
        );
        let page = o.page_size.unwrap_or(rules.sglang.defaults.page_size);
        (Engine::Sglang { legacy }, fraction, page, chunk, chunk, o.max_running_requests)
    } else {
        let v0 = o.rules == RuleVersion::Legacy;
        let util = o
            .gpu_memory_utilization
            .or(o.mem_fraction)
            .unwrap_or(rules.vllm.gpu_memory_utilization);
        set(
            &mut settings,
            "gpu_memory_utilization",
            util,
            if o.gpu_memory_utilization.or(o.mem_fraction).is_some() { "user" } else { "default" },
        );
        let v = &rules.vllm;
        let large = total >= v.large_gpu_min_bytes && !rules.vllm_small_by_name(&gpu.name);
        let mnbt = match o.max_num_batched_tokens {
            Some(n) => n,
            None if v0 => context_len,
            None if large => v.max_num_batched_tokens_large,
            None => v.max_num_batched_tokens_small,
        };
        set(
            &mut settings,
            "max_num_batched_tokens",
            mnbt,
            if o.max_num_batched_tokens.is_some() {
                "user"
            } else if v0 {
                "default (V0: max_model_len without chunked prefill)"
            } else {
                "default (usage-context rule)"
            },
        );
        let seqs = o.max_running_requests.unwrap_or(if v0 {
            v.max_num_seqs_v0
        } else if large {
            v.max_num_seqs_large
        } else {
            v.max_num_seqs_small
        });
        set(
            &mut settings,
            "max_num_seqs",
            seqs,
            if o.max_running_requests.is_some() { "user" } else { "default (usage-context rule)" },
        );
        let page = o.page_size.unwrap_or(v.block_size);
        (if v0 { Engine::VllmV0 } else { Engine::VllmV1 }, util, page, mnbt, mnbt, Some(seqs))
    };
    let free_at_start = o.free_at_start_bytes.unwrap_or(total - overhead);
    let non_torch = o.non_torch_bytes.unwrap_or(overhead);
    let activation = o.activation_bytes.unwrap_or(act_per_token * prefill_tokens as i64);
    let scenario = Scenario {
        engine,
        total_bytes: total,
        free_at_start,
        weights_bytes,
        non_torch_bytes: non_torch,
        activation_bytes: activation,
        cudagraph_bytes: o.cuda_graph_estimate_bytes.unwrap_or(0),
        extra_reserved_bytes: o.reserved_bytes.unwrap_or(0),
        kv_budget_override: o.kv_cache_memory_bytes,
        fraction,
        kv,
        page,
        context_len,
        max_running_requests: max_running,
        max_total_tokens: o.max_total_tokens,
        dp: if o.dp_attention { o.dp } else { 1 },
        swa_ratio: o.swa_full_tokens_ratio.unwrap_or(rules.sglang.defaults.swa_full_tokens_ratio),
        mamba_ratio: o
            .mamba_full_memory_ratio
            .unwrap_or(rules.sglang.defaults.mamba_full_memory_ratio),
        mamba_slots: o.max_mamba_cache_size,
        mamba_slots_per_request: if o.disable_radix_cache {
            1
        } else {
            rules.sglang.defaults.mamba_slots_per_request_radix
        },
        max_num_batched_tokens: mnbt,
        sliding_window: c.sliding_window,
        request_tokens,
    };
    Ok(Built {
        scenario,
        weights,
        settings,
        kv_format,
        activation_per_token: act_per_token,
        prefill_tokens,
    })
}
