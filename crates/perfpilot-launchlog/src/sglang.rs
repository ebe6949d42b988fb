//! SGLang line handlers: each turns the text around a matched phrase into an event.

use super::events::{EventKind, GraphKind};
use super::fields::{self, after_key, gib, int_list, num_f64, num_i64, num_u64, word};

/// Which graph a `… graph begin/end` phrase is about, from the words just before it.
pub(super) fn graph_kind(before: &str) -> GraphKind {
    let start = before.len().saturating_sub(48);
    let start = (start..=before.len()).find(|i| before.is_char_boundary(*i)).unwrap_or(0);
    let near = before[start..].to_ascii_lowercase();
    // Prefill graphs are captured per token count: the piecewise graphs of SGLang 0.5.x
    // (`Capture piecewise CUDA graph …`) and, from 2026, `Capture target prefill CUDA graph
    // begin. backend=tc_piecewise|breakable|full, num_tokens=[…]` (model_runner.py
    // capture_cuda_graphs; sgl-project/sglang#29562).
    if near.contains("piecewise") || near.contains("prefill") {
        GraphKind::Piecewise
    } else if near.contains("target") {
        // 2026's `Capture {role} verify|decode CUDA graph` (cuda_graph_setup.py: role `target`
        // or `draft` by `is_draft_worker`): the target model's decode-phase graphs, verify
        // ones under speculative decoding, are its decode graphs.
        GraphKind::Decode
    } else if near.contains("draft") || near.contains("verify") || near.contains("spec") {
        GraphKind::Speculative
    } else {
        GraphKind::Decode
    }
}

pub(super) fn init_dist(after: &str) -> Option<EventKind> {
    Some(EventKind::InitTorchDistributed { mem_usage: gib(after, "mem usage=") })
}

pub(super) fn load_begin(after: &str) -> Option<EventKind> {
    Some(EventKind::LoadWeightBegin { avail: gib(after, "avail mem=")? })
}

pub(super) fn load_end(after: &str) -> Option<EventKind> {
    let avail = gib(after, "avail mem=");
    let mem_usage = gib(after, "mem usage=");
    if avail.is_none() && mem_usage.is_none() {
        return None;
    }
    Some(EventKind::LoadWeightEnd {
        avail,
        mem_usage,
        model_class: word(after, "type=").map(str::to_string),
        dtype: word(after, "dtype=").map(str::to_string),
    })
}

/// The time of `Init torch distributed ends. elapsed=0.32 s, mem usage=…` (SGLang >= 0.5.x
/// model_runner: `elapsed={…:.2f} s`), as a stage time.
pub(super) fn init_dist_elapsed(after: &str) -> Option<EventKind> {
    let seconds = num_f64(after, "elapsed=")?;
    Some(EventKind::StageTime { stage: "init_dist".into(), seconds })
}

/// The load time of `Load weight end. elapsed=152.31 s, …` (newer SGLang), as a stage time.
pub(super) fn load_end_elapsed(after: &str) -> Option<EventKind> {
    let seconds = num_f64(after, "elapsed=")?;
    Some(EventKind::StageTime { stage: "weights_load".into(), seconds })
}

pub(super) fn memory_profiling(after: &str) -> Option<EventKind> {
    let ev = EventKind::MemoryProfiling {
        available_gpu_memory: gib(after, "available_gpu_memory="),
        total_gpu_memory: gib(after, "total_gpu_memory="),
        mem_fraction_static: num_f64(after, "mem_fraction_static="),
        rest_memory: gib(after, "rest_memory="),
    };
    match &ev {
        EventKind::MemoryProfiling { available_gpu_memory: None, rest_memory: None, .. } => None,
        _ => Some(ev),
    }
}

pub(super) fn kv_calc(after: &str) -> Option<EventKind> {
    let ev = EventKind::KvMemoryCalculation {
        bytes_per_full_token: num_f64(after, "bytes_per_full_token="),
        available: gib(after, "available_bytes="),
        full_tokens: num_u64(after, "full_token="),
    };
    Some(ev)
}

pub(super) fn kv_alloc(after: &str) -> Option<EventKind> {
    let tokens = num_u64(after, "#tokens:")?;
    let dtype = word(after, "dtype:").map(str::to_string);
    let kv_size = gib(after, "KV size:").or_else(|| gib(after, "Cache size:"));
    Some(EventKind::KvCacheAllocated {
        tokens,
        k_size: gib(after, "K size:"),
        v_size: gib(after, "V size:"),
        kv_size,
        dtype,
    })
}

/// SGLang 0.4.1-0.4.3's MHA pool line states its K and V buffers without the token count
/// (mem_cache/memory_pool.py MHATokenToKVPool: `KV Cache is allocated. K size: {k / GB:.2f} GB,
/// V size: {v / GB:.2f} GB.`; `#tokens: N, ` came with 0.4.4 and is [`kv_alloc`]'s): the K
/// size here, the V size from [`kv_alloc_v`] (the line's second event). Round 17 (capfix17).
pub(super) fn kv_alloc_k(after: &str) -> Option<EventKind> {
    if after.contains("#tokens:") {
        return None;
    }
    Some(EventKind::Size { key: "k_size".into(), size: gib(after, "K size:")? })
}

/// The V size of the line [`kv_alloc_k`] reads (none where that reads nothing: a line with a
/// token count, whose pool event holds both sizes, or an MLA `KV size:` line).
pub(super) fn kv_alloc_v(after: &str) -> Option<EventKind> {
    kv_alloc_k(after)?;
    Some(EventKind::Size { key: "v_size".into(), size: gib(after, "V size:")? })
}

pub(super) fn mamba_alloc(after: &str) -> Option<EventKind> {
    Some(EventKind::MambaCacheAllocated {
        max_mamba_cache_size: num_u64(after, "max_mamba_cache_size:")?,
        conv_state: gib(after, "conv_state size:"),
        ssm_state: gib(after, "ssm_state size:"),
        intermediate_ssm_state: gib(after, "intermediate_ssm_state_cache size:"),
        intermediate_conv_window: gib(after, "intermediate_conv_window_cache size:"),
    })
}

pub(super) fn swa_pool(after: &str) -> Option<EventKind> {
    let full = num_u64(after, "full_layer_tokens=");
    let swa = num_u64(after, "swa_layer_tokens=");
    (full.is_some() || swa.is_some())
        .then_some(EventKind::SlidingWindowPool { full_layer_tokens: full, swa_layer_tokens: swa })
}

/// `SWAKVPool mem usage: 77.63 GB, swa size: 1496958, full size: 1496958` (the phrase is
/// `SWAKVPool mem usage:`).
pub(super) fn swa_kv_pool(after: &str) -> Option<EventKind> {
    let mem_usage = fields::gib_of(after);
    let swa_tokens = num_u64(after, "swa size:");
    let full_tokens = num_u64(after, "full size:");
    (mem_usage.is_some() || swa_tokens.is_some() || full_tokens.is_some())
        .then_some(EventKind::SwaKvPool { mem_usage, swa_tokens, full_tokens })
}

pub(super) fn pool_end(after: &str) -> Option<EventKind> {
    Some(EventKind::MemoryPoolEnd { avail: gib(after, "avail mem=")? })
}

pub(super) fn capture_begin(before: &str, after: &str) -> Option<EventKind> {
    Some(EventKind::CaptureBegin { graph: graph_kind(before), avail: gib(after, "avail mem=") })
}

/// The sizes a 2026 SGLang capture line lists on its begin line (model_runner.py
/// capture_cuda_graphs and the speculative workers: `Capture target decode CUDA graph begin.
/// backend=full, num_tokens_per_req=1, bs=[1, 2, …], avail mem=…`, `Capture target prefill CUDA
/// graph begin. backend=tc_piecewise, num_tokens=[4, 8, …], avail mem=…`, `Capture draft decode
/// CUDA graph begin. backend=…, num_tokens_per_bs=…, bs=[…], …`): token counts for prefill
/// graphs, batch sizes otherwise. The older begin line lists none (its sizes follow on a line
/// of their own, `Capture cuda graph bs […]`).
pub(super) fn capture_begin_sizes(before: &str, after: &str) -> Option<EventKind> {
    let (graph, sizes) = match int_list(after, "num_tokens=") {
        Some(tokens) => (GraphKind::Piecewise, tokens),
        None => (graph_kind(before), int_list(after, "bs=")?),
    };
    (!sizes.is_empty()).then_some(EventKind::CaptureSizes { graph, sizes })
}

pub(super) fn capture_end(before: &str, after: &str) -> Option<EventKind> {
    let elapsed_s = num_f64(after, "Time elapsed:").or_else(|| num_f64(after, "elapsed="));
    Some(EventKind::CaptureEnd {
        graph: graph_kind(before),
        elapsed_s,
        mem_usage: gib(after, "mem usage="),
        avail: gib(after, "avail mem="),
    })
}

pub(super) fn capturing(after: &str) -> Option<EventKind> {
    let batch_size = num_u64(after, "bs=");
    let num_tokens = num_u64(after, "num_tokens=");
    let avail = gib(after, "avail_mem=");
    (batch_size.is_some() || num_tokens.is_some()).then_some(EventKind::CaptureProgress {
        batch_size,
        num_tokens,
        avail,
    })
}

pub(super) fn capture_sizes(before: &str, after: &str, tokens: bool) -> Option<EventKind> {
    let sizes = int_list(&format!("k {after}"), "k")?;
    let graph = if tokens { GraphKind::Piecewise } else { graph_kind(before) };
    (!sizes.is_empty()).then_some(EventKind::CaptureSizes { graph, sizes })
}

/// `max_total_num_tokens: arg=N vs profiled=M, using min`: the token capacity used, the lesser
/// of the argument and the profiled capacity (only when the line says the minimum is used).
pub(super) fn max_total_arg_vs_profiled(after: &str) -> Option<EventKind> {
    if !after.contains("using min") {
        return None;
    }
    let arg = fields::leading_number(after)?.parse::<f64>().ok()?;
    let profiled = num_u64(after, "profiled=")? as f64;
    Some(EventKind::Setting { key: "max_total_num_tokens".into(), value: arg.min(profiled) })
}

pub(super) fn max_total(after: &str) -> Option<EventKind> {
    let max_total_num_tokens =
        crate::units::plain_number(super::fields::leading_number(after)?).parse().ok()?;
    Some(EventKind::MaxTotalNumTokens {
        max_total_num_tokens,
        chunked_prefill_size: num_i64(after, "chunked_prefill_size="),
        max_prefill_tokens: num_u64(after, "max_prefill_tokens="),
        max_running_requests: num_u64(after, "max_running_requests="),
        context_len: num_u64(after, "context_len="),
        available_gpu_mem: gib(after, "available_gpu_mem="),
    })
}

pub(super) fn larger_than_profiled(seg: &str, after: &str) -> Option<EventKind> {
    Some(EventKind::ProfiledTokensBelowCap {
        requested: num_i64(seg, "max_total_tokens=")?,
        profiled: crate::units::plain_number(super::fields::leading_number(after)?).parse().ok()?,
    })
}

pub(super) fn retract(after: &str) -> Option<EventKind> {
    let ratio_to =
        after_key(after, "->").and_then(super::fields::leading_number).and_then(|s| s.parse().ok());
    Some(EventKind::KvRetract {
        retracted: num_u64(after, "#retracted_reqs:"),
        ratio_from: num_f64(after, "#new_token_ratio:"),
        ratio_to,
    })
}
