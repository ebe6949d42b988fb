//! The sizing engine shared by `plan` and `explain`: a fully resolved scenario (bytes,
//! fractions, per-token costs) in, the framework's own sizing decisions out.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::KvCost;
use crate::rules::Rules;
use crate::units::{fmt_gib, fmt_int};

/// Which sizing code to replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// SGLang (`profile_max_num_token`); `legacy` = builds <= v0.4.x (request pool n+1).
    Sglang {
        /// Builds <= v0.4.x.
        legacy: bool,
    },
    /// vLLM V1 engine (`determine_available_memory`, `kv_cache_utils`).
    VllmV1,
    /// vLLM V0 engine (`determine_num_available_blocks`).
    VllmV0,
}

/// A fully resolved scenario. All byte values are per rank.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Engine.
    pub engine: Engine,
    /// Device total memory.
    pub total_bytes: i64,
    /// SGLang: free memory when the model runner starts (the base `mem_fraction_static` applies to).
    pub free_at_start: i64,
    /// Weights on this rank.
    pub weights_bytes: i64,
    /// vLLM: non-torch memory (CUDA context, NCCL).
    pub non_torch_bytes: i64,
    /// vLLM: profiled activation peak.
    pub activation_bytes: i64,
    /// vLLM: CUDA-graph estimate subtracted from the budget (0 when profiling is off).
    pub cudagraph_bytes: i64,
    /// Backend buffers allocated before KV sizing (e.g. an attention workspace).
    pub extra_reserved_bytes: i64,
    /// vLLM `--kv-cache-memory`: a given KV budget that replaces the profile.
    pub kv_budget_override: Option<i64>,
    /// mem_fraction_static (SGLang) or gpu_memory_utilization (vLLM).
    pub fraction: f64,
    /// Per-token KV cost.
    pub kv: KvCost,
    /// SGLang page size / vLLM block size.
    pub page: u64,
    /// Context length / max_model_len.
    pub context_len: u64,
    /// User `--max-running-requests` / `--max-num-seqs`.
    pub max_running_requests: Option<u64>,
    /// SGLang `--max-total-tokens`.
    pub max_total_tokens: Option<u64>,
    /// Data-parallel size (SGLang divides max_running_requests by it).
    pub dp: u64,
    /// SGLang `swa_full_tokens_ratio`.
    pub swa_ratio: f64,
    /// SGLang `mamba_full_memory_ratio`.
    pub mamba_ratio: f64,
    /// SGLang `--max-mamba-cache-size`.
    pub mamba_slots: Option<u64>,
    /// Mamba slots one running request needs.
    pub mamba_slots_per_request: u64,
    /// vLLM max_num_batched_tokens (sliding-window blocks per request).
    pub max_num_batched_tokens: u64,
    /// Sliding window.
    pub sliding_window: Option<u64>,
    /// Request lengths for the concurrency table.
    pub request_tokens: Vec<u64>,
}

/// Which limit binds a row of the concurrency table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Binding {
    /// The KV pool's tokens.
    #[serde(rename = "kv tokens")]
    KvTokens,
    /// Linear-attention (mamba) state slots.
    #[serde(rename = "mamba slots")]
    MambaSlots,
    /// Request slots (max_running_requests / max_num_seqs).
    #[serde(rename = "request slots")]
    RequestSlots,
    /// The request is longer than the context length.
    #[serde(rename = "context length")]
    ContextLength,
    /// No limit is known.
    #[serde(rename = "unknown")]
    Unknown,
}

impl Binding {
    /// The name as reported (`kv tokens`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Binding::KvTokens => "kv tokens",
            Binding::MambaSlots => "mamba slots",
            Binding::RequestSlots => "request slots",
            Binding::ContextLength => "context length",
            Binding::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for Binding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the concurrency table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConcurrencyRow {
    /// Tokens per request (prompt + output).
    pub request_tokens: u64,
    /// Requests the KV pool holds at this length.
    pub token_limit: Option<u64>,
    /// Request slots (max_running_requests / max_num_seqs).
    pub slot_limit: Option<u64>,
    /// Linear-attention state slots / slots per request.
    pub state_limit: Option<u64>,
    /// The smallest of the known limits.
    pub max_concurrent: Option<u64>,
    /// Which limit binds: `kv tokens`, `request slots`, `mamba slots`, `context length` or `unknown`.
    pub binding: Binding,
    /// Anything special (longer than the context, unknown inputs).
    pub note: Option<String>,
}

/// What the framework would decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Outcome {
    /// Memory available to the KV (and state) pools.
    pub kv_budget_bytes: i64,
    /// KV tokens (full-attention pool). Negative when the budget is negative.
    pub kv_tokens: i64,
    /// Sliding-window pool tokens (SGLang hybrid SWA).
    pub swa_tokens: Option<i64>,
    /// Bytes of the KV pools.
    pub kv_pool_bytes: i64,
    /// Linear-attention state slots.
    pub state_slots: Option<u64>,
    /// Bytes of the state pool.
    pub state_pool_bytes: i64,
    /// vLLM blocks.
    pub num_blocks: Option<i64>,
    /// Request slots the framework ends with.
    pub max_running_requests: Option<u64>,
    /// Memory left outside the static budget, for activations, graphs and fragmentation.
    pub headroom_bytes: i64,
    /// Longest request the pool admits (SGLang `max_req_input_len`; vLLM largest max_model_len).
    pub max_request_tokens: Option<i64>,
    /// Concurrency per request length.
    pub concurrency: Vec<ConcurrencyRow>,
    /// Start-up failures the framework would raise.
    pub errors: Vec<String>,
    /// The steps, with numbers.
    pub steps: Vec<String>,
}

fn floor_div(a: i64, b: i64) -> i64 {
    if b <= 0 { 0 } else { a.div_euclid(b) }
}

/// Evaluate a scenario with the framework's rules.
pub fn evaluate(s: &Scenario, rules: &Rules) -> Outcome {
    match s.engine {
        Engine::Sglang { legacy } => sglang(s, rules, legacy),
        Engine::VllmV1 => vllm_v1(s, rules),
        Engine::VllmV0 => vllm_v0(s),
    }
}

fn sglang(s: &Scenario, rules: &Rules, legacy: bool) -> Outcome {
    let mut steps = Vec::new();
    let mut errors = Vec::new();
    let headroom = (s.free_at_start as f64 * (1.0 - s.fraction)).round() as i64;
    let mut rest = s.free_at_start - headroom - s.weights_bytes - s.extra_reserved_bytes;
    steps.push(format!(
        "rest = free_at_start {} x mem_fraction_static {:.3} - weights {} - reserved {} = {} GiB",
        fmt_gib(s.free_at_start),
        s.fraction,
        fmt_gib(s.weights_bytes),
        fmt_gib(s.extra_reserved_bytes),
        fmt_gib(rest)
    ));
    let mut state_slots = None;
    let mut state_pool = 0;
    if s.kv.state_bytes_per_slot > 0 {
        let per = s.kv.state_bytes_per_slot as i64;
        let slots = match s.mamba_slots {
            Some(n) => n as i64,
            None => {
                let mamba_mem = (rest as f64 * s.mamba_ratio / (1.0 + s.mamba_ratio)) as i64;
                floor_div(mamba_mem, per)
            }
        }
        .max(0);
        state_pool = slots * per;
        rest -= state_pool;
        state_slots = Some(slots as u64);
        steps.push(format!(
            "state pool = {} slots x {} B = {} GiB (mamba_full_memory_ratio {:.2}); KV gets {} GiB",
            fmt_int(slots),
            fmt_int(per),
            fmt_gib(state_pool),
            s.mamba_ratio,
            fmt_gib(rest)
        ));
    }
    let full = s.kv.full_bytes_per_token as i64;
    let swa = s.kv.swa_bytes_per_token as i64;
    let page = s.page.max(1) as i64;
    let (mut tokens, swa_tokens) = if swa > 0 && full > 0 {
        let denom = full as f64 + s.swa_ratio * swa as f64;
        let f = (rest as f64 / denom).floor() as i64;
        let w = (f as f64 * s.swa_ratio).floor() as i64;
        steps.push(format!(
            "hybrid SWA: full_tokens = rest / ({full} + {:.2} x {swa}) = {}; swa_tokens = {}",
            s.swa_ratio,
            fmt_int(f),
            fmt_int(w)
        ));
        (f, Some(w - w.rem_euclid(page)))
    } else {
        let cell = full + swa;
        let t = floor_div(rest, cell);
        let t = if rest < 0 && cell > 0 { -((-rest) / cell) } else { t };
        steps.push(format!("max_total_num_tokens = rest / cell_size {cell} B = {}", fmt_int(t)));
        (t, None)
    };
    if tokens > 0 {
        tokens -= tokens.rem_euclid(page);
    }
    if let Some(cap) = s.max_total_tokens {
        if (cap as i64) < tokens {
            steps.push(format!("capped by --max-total-tokens {}", fmt_int(cap as i64)));
            tokens = cap as i64;
        } else {
            steps.push(format!(
                "--max-total-tokens {} is larger than the profiled value {}: the profiled value is kept",
                fmt_int(cap as i64),
                fmt_int(tokens)
            ));
        }
    }
    if tokens <= 0 {
        errors.push(format!(
            "RuntimeError: Not enough memory (profiled max_total_num_tokens {}). Please try to increase --mem-fraction-static.",
            fmt_int(tokens)
        ));
    }
    let kv_pool = tokens.max(0) * full + swa_tokens.unwrap_or(0).max(0) * swa;
    let req = &rules.sglang.requests;
    let ctx = s.context_len.max(1);
    let pool = ((tokens.max(0) as f64 / ctx as f64 * req.factor) as u64).clamp(req.floor, req.ceil)
        + if legacy { req.legacy_pool_extra } else { 0 };
    let wanted = match s.max_running_requests {
        Some(r) => r / s.dp.max(1),
        None => (tokens.max(0) / 2) as u64,
    };
    let mut mrr = wanted.min(pool);
    steps.push(format!(
        "max_running_requests = min({} ({}), request pool {} = clamp({} / {} x {}, {}, {}){})",
        fmt_int(wanted as i64),
        if s.max_running_requests.is_some() {
            "--max-running-requests / dp"
        } else {
            "max_total_num_tokens // 2"
        },
        pool,
        fmt_int(tokens.max(0)),
        ctx,
        req.factor,
        req.floor,
        req.ceil,
        if legacy { " + 1 (legacy)" } else { "" }
    ));
    let state_limit = state_slots.map(|n| n / s.mamba_slots_per_request.max(1));
    if let Some(limit) = state_limit
        && limit < mrr
    {
        steps.push(format!(
            "capped by mamba slots: {} // {} = {limit}",
            state_slots.unwrap_or(0),
            s.mamba_slots_per_request
        ));
        mrr = limit;
    }
    let max_req = (tokens > 0).then(|| (ctx as i64 - 1).min(tokens - 1));
    let concurrency = table(s, tokens.max(0) as u64, None, Some(mrr), state_limit, s.context_len);
    Outcome {
        kv_budget_bytes: rest,
        kv_tokens: tokens,
        swa_tokens,
        kv_pool_bytes: kv_pool,
        state_slots,
        state_pool_bytes: state_pool,
        num_blocks: None,
        max_running_requests: Some(mrr),
        headroom_bytes: headroom,
        max_request_tokens: max_req,
        concurrency,
        errors,
        steps,
    }
}

/// vLLM V1 blocks one request of `len` tokens needs across all KV-cache groups.
fn vllm_blocks_per_request(s: &Scenario, len: u64) -> u64 {
    let block = s.page.max(1);
    let (full_groups, swa_groups) = groups(s);
    let full = full_groups.saturating_mul(len.div_ceil(block));
    let swa = match s.sliding_window {
        Some(w) if swa_groups > 0 => swa_groups.saturating_mul(
            w.saturating_sub(1).saturating_add(s.max_num_batched_tokens).min(len).div_ceil(block)
                + 1,
        ),
        _ => 0,
    };
    full.saturating_add(swa)
}

/// (full-attention groups, sliding groups) and the group size.
fn groups(s: &Scenario) -> (u64, u64) {
    let (f, w) = (s.kv.full_layers, s.kv.swa_layers);
    if f == 0 || w == 0 {
        return (u64::from(f + w > 0), 0);
    }
    let g = f.min(w);
    (f.div_ceil(g), w.div_ceil(g))
}

fn group_size(s: &Scenario) -> u64 {
    let (f, w) = (s.kv.full_layers, s.kv.swa_layers);
    if f == 0 || w == 0 { f + w } else { f.min(w) }
}

fn vllm_v1(s: &Scenario, rules: &Rules) -> Outcome {
    let _ = rules;
    let mut steps = Vec::new();
    let mut errors = Vec::new();
    let requested = (s.total_bytes as f64 * s.fraction).round() as i64;
    let profiled = requested
        - s.weights_bytes
        - s.activation_bytes
        - s.non_torch_bytes
        - s.cudagraph_bytes
        - s.extra_reserved_bytes;
    let avail = s.kv_budget_override.unwrap_or(profiled);
    if let Some(k) = s.kv_budget_override {
        steps.push(format!(
            "available KV = {} GiB given (--kv-cache-memory); the profile is skipped",
            fmt_gib(k)
        ));
    } else {
        steps.push(format!(
        "available KV = total {} x gpu_memory_utilization {:.4} - weights {} - activation peak {} - non-torch {} - CUDA-graph estimate {} = {} GiB",
        fmt_gib(s.total_bytes),
        s.fraction,
        fmt_gib(s.weights_bytes),
        fmt_gib(s.activation_bytes),
        fmt_gib(s.non_torch_bytes),
        fmt_gib(s.cudagraph_bytes),
        fmt_gib(avail)
    ));
    }
    let block = s.page.max(1);
    let page_bytes = (block * s.kv.per_layer_bytes_per_token) as i64;
    let gsize = group_size(s).max(1) as i64;
    let blocks = if avail > 0 { floor_div(floor_div(avail, page_bytes), gsize) } else { 0 };
    steps.push(format!(
        "num_blocks = {} // page {} B ({} tokens x {} B) // group size {} = {}",
        fmt_gib(avail),
        fmt_int(page_bytes),
        block,
        s.kv.per_layer_bytes_per_token,
        gsize,
        fmt_int(blocks)
    ));
    if avail <= 0 {
        errors.push("ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization`.".into());
    }
    let tokens = blocks * block as i64;
    let per_req = vllm_blocks_per_request(s, s.context_len).max(1);
    let largest = largest_len(s, blocks);
    if blocks > 0 && per_req as i64 > blocks {
        errors.push(format!(
            "ValueError: To serve at least one request with the model's max seq len ({}), more KV cache is needed than available; the estimated maximum model length is {}.",
            s.context_len,
            largest.unwrap_or(0)
        ));
    }
    let factor = blocks as f64 / per_req as f64;
    steps.push(format!(
        "maximum concurrency for {} tokens per request = {} blocks / {} blocks per request = {:.2}x",
        fmt_int(s.context_len as i64),
        fmt_int(blocks),
        per_req,
        factor
    ));
    let kv_pool = blocks * page_bytes * gsize;
    let concurrency =
        table(s, tokens.max(0) as u64, Some(blocks), s.max_running_requests, None, s.context_len);
    Outcome {
        kv_budget_bytes: avail,
        kv_tokens: tokens,
        swa_tokens: None,
        kv_pool_bytes: kv_pool,
        state_slots: None,
        state_pool_bytes: 0,
        num_blocks: Some(blocks),
        max_running_requests: s.max_running_requests,
        headroom_bytes: s.total_bytes - requested,
        max_request_tokens: largest.map(|l| l as i64),
        concurrency,
        errors,
        steps,
    }
}

/// The largest max_model_len whose one request fits in `blocks` (binary search, as vLLM does).
fn largest_len(s: &Scenario, blocks: i64) -> Option<u64> {
    if blocks <= 0 {
        return None;
    }
    let (mut lo, mut hi) = (0u64, 1u64 << 40);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if vllm_blocks_per_request(s, mid) as i64 <= blocks { lo = mid } else { hi = mid - 1 }
    }
    Some(lo)
}

fn vllm_v0(s: &Scenario) -> Outcome {
    let mut steps = Vec::new();
    let mut errors = Vec::new();
    let budget = (s.total_bytes as f64 * s.fraction).round() as i64;
    let avail = s.kv_budget_override.unwrap_or(
        budget - s.weights_bytes - s.activation_bytes - s.non_torch_bytes - s.extra_reserved_bytes,
    );
    steps.push(format!(
        "kv_cache_size = total {} x {:.2} - (weights {} + activation peak {}) - non-torch {} = {} GiB",
        fmt_gib(s.total_bytes),
        s.fraction,
        fmt_gib(s.weights_bytes),
        fmt_gib(s.activation_bytes),
        fmt_gib(s.non_torch_bytes),
        fmt_gib(avail)
    ));
    let block = s.page.max(1) as i64;
    let block_bytes = block * (s.kv.full_bytes_per_token + s.kv.swa_bytes_per_token) as i64;
    let blocks = if avail > 0 { floor_div(avail, block_bytes) } else { 0 };
    let tokens = blocks * block;
    steps.push(format!(
        "# GPU blocks = {} // ({block} x {} B) = {}",
        fmt_gib(avail),
        s.kv.full_bytes_per_token + s.kv.swa_bytes_per_token,
        fmt_int(blocks)
    ));
    if (s.context_len as i64) > tokens {
        errors.push(format!(
            "The model's max seq len ({}) is larger than the maximum number of tokens that can be stored in KV cache ({}).",
            s.context_len, tokens
        ));
    }
    let concurrency =
        table(s, tokens.max(0) as u64, None, s.max_running_requests, None, s.context_len);
    Outcome {
        kv_budget_bytes: avail,
        kv_tokens: tokens,
        swa_tokens: None,
        kv_pool_bytes: blocks * block_bytes,
        state_slots: None,
        state_pool_bytes: 0,
        num_blocks: Some(blocks),
        max_running_requests: s.max_running_requests,
        headroom_bytes: s.total_bytes - budget,
        max_request_tokens: Some(tokens),
        concurrency,
        errors,
        steps,
    }
}

/// The concurrency table. `blocks`: vLLM V1 block accounting (per-group blocks per request).
fn table(
    s: &Scenario,
    tokens: u64,
    blocks: Option<i64>,
    slots: Option<u64>,
    state_limit: Option<u64>,
    context: u64,
) -> Vec<ConcurrencyRow> {
    s.request_tokens
        .iter()
        .map(|&len| {
            let token_limit = match blocks {
                Some(b) => Some((b.max(0) as u64) / vllm_blocks_per_request(s, len).max(1)),
                None => Some(tokens / len.max(1)),
            };
            concurrency_row(len, token_limit, slots, state_limit, context)
        })
        .collect()
}

/// One concurrency row from known limits (shared with `explain`, which reads the limits from a log).
pub fn concurrency_row(
    len: u64,
    token_limit: Option<u64>,
    slot_limit: Option<u64>,
    state_limit: Option<u64>,
    context: u64,
) -> ConcurrencyRow {
    if context > 0 && len > context {
        return ConcurrencyRow {
            request_tokens: len,
            token_limit,
            slot_limit,
            state_limit,
            max_concurrent: Some(0),
            binding: Binding::ContextLength,
            note: Some(format!("longer than the context length {context}: rejected")),
        };
    }
    // On ties the physical pools are named first (a slot cap derived from them says the same).
    let limits = [
        (token_limit, Binding::KvTokens),
        (state_limit, Binding::MambaSlots),
        (slot_limit, Binding::RequestSlots),
    ];
    let best = limits.iter().filter_map(|(v, n)| v.map(|v| (v, *n))).min_by_key(|(v, _)| *v);
    let missing: Vec<Binding> =
        limits.iter().filter(|(v, _)| v.is_none()).map(|(_, n)| *n).collect();
    let note = (token_limit.is_none() || slot_limit.is_none())
        .then(|| {
            format!(
                "unknown: {}",
                missing
                    .iter()
                    .filter(|n| **n != Binding::MambaSlots)
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .filter(|n| n != "unknown: ");
    ConcurrencyRow {
        request_tokens: len,
        token_limit,
        slot_limit,
        state_limit,
        max_concurrent: best.map(|b| b.0),
        binding: best.map_or(Binding::Unknown, |b| b.1),
        note,
    }
}
