//! The narrow adapter to `perfpilot_launchlog`: the launch parser is shared (the
//! scanner feeds it the lines it gates); this module maps its events to phases, timeline
//! sentences and the launch settings of the report.

use perfpilot_launchlog::LoggedBytes;
use perfpilot_launchlog::{EventKind, LaunchLog};
use schemars::JsonSchema;
use serde::Serialize;

use crate::class::Phase;

/// A launch setting or memory fact, with the line it came from.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq)]
pub struct LaunchFact {
    /// Stable key (`framework`, `model`, `tp`, `weights_per_rank`, `kv_tokens`, …).
    pub key: String,
    /// The value as printed (GiB figures as the log printed them).
    pub value: String,
    /// The file it came from.
    pub file: String,
    /// 1-based line, when the fact is one line's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

/// The phase an event starts (None for events that do not move the server on).
pub(crate) fn event_phase(e: &EventKind) -> Option<Phase> {
    use EventKind as E;
    Some(match e {
        E::InitTorchDistributed { .. } | E::LoadWeightBegin { .. } => Phase::Load,
        E::LoadWeightEnd { .. }
        | E::WeightsLoaded { .. }
        | E::MemoryProfiling { .. }
        | E::ProfilingResultsV0 { .. }
        | E::BudgetV0 { .. }
        | E::UsageV0 { .. }
        | E::KvMemoryCalculation { .. }
        | E::CudaGraphProfile { .. }
        | E::CudaGraphEstimate { .. }
        | E::ProfiledTokensBelowCap { .. }
        | E::NotEnoughMemory
        | E::MaxModelLenTooLarge { .. }
        | E::MaxSeqLenExceedsKv { .. }
        | E::NoCacheMemory
        | E::FreeMemoryBelowUtilization { .. }
        | E::AvailableKvMemory { .. } => Phase::Kv,
        E::KvCacheAllocated { .. }
        | E::MambaCacheAllocated { .. }
        | E::SlidingWindowPool { .. }
        | E::MemoryPoolEnd { .. }
        | E::KvCacheTokens { .. }
        | E::GpuBlocks { .. }
        | E::MaxConcurrency { .. }
        | E::PaddingLayers { .. }
        | E::AttentionBlockSize { .. }
        | E::MambaPagePadding { .. }
        | E::NumGpuBlocksOverride { .. }
        | E::CudagraphSizesCapped { .. }
        | E::StartupMemorySummary { .. }
        | E::UtilizationEquivalent { .. } => Phase::Init,
        E::CaptureBegin { .. }
        | E::CaptureProgress { .. }
        | E::CaptureSizes { .. }
        | E::CaptureFailed => Phase::Capture,
        E::CaptureEnd { .. } | E::GraphCaptureFinished { .. } | E::MaxTotalNumTokens { .. } => {
            Phase::Ready
        }
        E::KvRetract { .. } => Phase::Serve,
        E::VllmVersion { .. } => Phase::Start,
        // Events the launch parser may add later do not move the phase.
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

fn gb(b: &LoggedBytes) -> String {
    format!("{} GB", b.printed)
}

fn opt(b: &Option<LoggedBytes>) -> Option<String> {
    b.as_ref().map(gb)
}

/// A short sentence for the timeline (None for events not worth a timeline row).
pub(crate) fn event_summary(e: &EventKind) -> Option<String> {
    use EventKind as E;
    Some(match e {
        E::LoadWeightBegin { avail } => format!("weights start loading ({} free)", gb(avail)),
        E::LoadWeightEnd { avail, mem_usage, model_class, .. } => {
            let mut s = "weights loaded".to_string();
            if let Some(m) = model_class {
                s.push_str(&format!(" ({m})"));
            }
            if let Some(w) = opt(mem_usage) {
                s.push_str(&format!(": {w} per rank"));
            }
            if let Some(a) = opt(avail) {
                s.push_str(&format!(", {a} free"));
            }
            s
        }
        E::WeightsLoaded { size, .. } => format!("weights loaded: {} per rank", gb(size)),
        E::KvCacheAllocated { tokens, k_size, v_size, kv_size, .. } => {
            let size = match (k_size, v_size, kv_size) {
                (Some(k), Some(v), _) => format!("K {} + V {}", gb(k), gb(v)),
                (_, _, Some(kv)) => gb(kv),
                _ => String::new(),
            };
            format!("KV cache allocated: {tokens} tokens {size}").trim_end().to_string()
        }
        E::MambaCacheAllocated { max_mamba_cache_size, .. } => {
            format!("mamba state pool allocated: {max_mamba_cache_size} slots")
        }
        E::MemoryPoolEnd { avail } => format!("memory pools allocated, {} free", gb(avail)),
        E::CaptureBegin { avail, .. } => match opt(avail) {
            Some(a) => format!("CUDA graph capture begins ({a} free)"),
            None => "CUDA graph capture begins".to_string(),
        },
        E::CaptureEnd { elapsed_s, mem_usage, avail, .. } => {
            let mut s = "CUDA graph capture ends".to_string();
            if let Some(t) = elapsed_s {
                s.push_str(&format!(" after {t:.1} s"));
            }
            if let Some(m) = opt(mem_usage) {
                s.push_str(&format!(", graphs {m}"));
            }
            if let Some(a) = opt(avail) {
                s.push_str(&format!(", {a} free"));
            }
            s
        }
        E::MaxTotalNumTokens {
            max_total_num_tokens, context_len, max_running_requests, ..
        } => {
            let mut s = format!("start-up done: max_total_num_tokens={max_total_num_tokens}");
            if let Some(r) = max_running_requests {
                s.push_str(&format!(", max_running_requests={r}"));
            }
            if let Some(c) = context_len {
                s.push_str(&format!(", context_len={c}"));
            }
            s
        }
        E::ProfiledTokensBelowCap { requested, profiled } => {
            format!("profiled KV tokens {profiled} (requested cap {requested})")
        }
        E::NotEnoughMemory => "not enough memory for the KV cache".to_string(),
        E::CaptureFailed => "CUDA graph capture failed".to_string(),
        E::KvRetract { retracted, ratio_from, ratio_to } => format!(
            "KV pool full: {} request(s) retracted{}",
            retracted.map_or("?".to_string(), |r| r.to_string()),
            match (ratio_from, ratio_to) {
                (Some(a), Some(b)) => format!(", new_token_ratio {a} -> {b}"),
                _ => String::new(),
            }
        ),
        E::ProfilingResultsV0 { kv_cache_size, peak_torch_memory, .. } => format!(
            "memory profiled: peak torch {}, KV {}",
            opt(peak_torch_memory).unwrap_or_else(|| "?".into()),
            opt(kv_cache_size).unwrap_or_else(|| "?".into())
        ),
        E::GpuBlocks { gpu_blocks, .. } => format!("{gpu_blocks} GPU KV blocks"),
        E::AvailableKvMemory { size } => format!("available KV cache memory {} GiB", size.printed),
        E::KvCacheTokens { tokens } => format!("KV cache holds {tokens} tokens"),
        E::MaxConcurrency { request_tokens, factor } => {
            format!("max concurrency {factor}x for {request_tokens}-token requests")
        }
        E::CudaGraphEstimate { size } => {
            format!("CUDA graph memory estimated at {} GiB", size.printed)
        }
        E::GraphCaptureFinished { elapsed_s, size } => format!(
            "CUDA graph capture finished{}{}",
            elapsed_s.map(|t| format!(" after {t:.0} s")).unwrap_or_default(),
            size.as_ref().map(|s| format!(", {} GiB", s.printed)).unwrap_or_default()
        ),
        E::MaxModelLenTooLarge { max_model_len, .. } => {
            format!("max_model_len {max_model_len} does not fit in the KV cache")
        }
        E::MaxSeqLenExceedsKv { max_seq_len, kv_tokens } => {
            format!("max seq len {max_seq_len} > {kv_tokens} KV tokens")
        }
        E::NoCacheMemory => "no memory left for KV cache blocks".to_string(),
        E::FreeMemoryBelowUtilization { .. } => {
            "free memory below the requested utilization".to_string()
        }
        E::CudagraphSizesCapped { from, to, .. } => {
            format!("CUDA graph sizes capped {from} -> {to}")
        }
        E::VllmVersion { version, .. } => format!("vLLM {version}"),
        _ => return None,
    })
}

/// The launch settings and memory facts of one file.
pub(crate) fn settings(log: &LaunchLog, file: &str) -> Vec<LaunchFact> {
    let mut out = Vec::new();
    let mut push = |key: &str, value: String, line: Option<u64>| {
        if !out.iter().any(|f: &LaunchFact| f.key == key) {
            out.push(LaunchFact { key: key.to_string(), value, file: file.to_string(), line });
        }
    };
    if let Some(fw) = log.framework {
        push("framework", fw.as_str().to_string(), None);
    }
    let arg_keys: &[(&str, &[&str])] = &[
        ("model", &["model_path", "model"]),
        ("tp", &["tp_size", "tensor_parallel_size"]),
        ("dp", &["dp_size", "data_parallel_size"]),
        ("pp", &["pp_size", "pipeline_parallel_size"]),
        ("ep", &["ep_size", "expert_parallel_size"]),
        ("mem_fraction_static", &["mem_fraction_static"]),
        ("gpu_memory_utilization", &["gpu_memory_utilization"]),
        ("max_model_len", &["context_length", "max_model_len"]),
        ("max_running_requests", &["max_running_requests", "max_num_seqs"]),
        ("max_total_tokens", &["max_total_tokens"]),
        ("chunked_prefill_size", &["chunked_prefill_size"]),
        ("max_num_batched_tokens", &["max_num_batched_tokens"]),
        ("kv_cache_dtype", &["kv_cache_dtype"]),
        ("attention_backend", &["attention_backend"]),
        ("cuda_graph_max_bs", &["cuda_graph_max_bs"]),
        ("enforce_eager", &["enforce_eager", "disable_cuda_graph"]),
        ("dist_timeout", &["dist_timeout"]),
    ];
    for (key, names) in arg_keys {
        if let Some((v, line)) = log.arg(names) {
            push(key, v.to_string(), Some(line));
        }
    }
    let ranks = log.ranks();
    if ranks.iter().any(|r| !r.is_unranked()) {
        let labels: Vec<String> =
            ranks.iter().filter(|r| !r.is_unranked()).map(|r| r.label()).collect();
        push("ranks_seen", format!("{} ({})", labels.len(), labels.join(", ")), None);
    }
    use EventKind as E;
    for e in &log.events {
        let l = Some(e.line);
        match &e.event {
            E::LoadWeightEnd { mem_usage, avail, model_class, dtype } => {
                if let Some(m) = model_class {
                    push("model_class", m.clone(), l);
                }
                if let Some(d) = dtype {
                    push("weight_dtype", d.clone(), l);
                }
                if let Some(w) = mem_usage {
                    push("weights_per_rank", gb(w), l);
                }
                if let Some(a) = avail {
                    push("free_after_weights", gb(a), l);
                }
            }
            E::WeightsLoaded { size, .. } => push("weights_per_rank", gb(size), l),
            E::KvCacheAllocated { tokens, .. } => push("kv_tokens", tokens.to_string(), l),
            E::MemoryPoolEnd { avail } => push("free_after_kv_pool", gb(avail), l),
            E::CaptureEnd { mem_usage: Some(m), .. } => push("cuda_graph_memory", gb(m), l),
            E::MaxTotalNumTokens {
                max_total_num_tokens,
                context_len,
                max_running_requests,
                ..
            } => {
                push("max_total_num_tokens", max_total_num_tokens.to_string(), l);
                if let Some(c) = context_len {
                    push("context_len", c.to_string(), l);
                }
                if let Some(r) = max_running_requests {
                    push("effective_max_running_requests", r.to_string(), l);
                }
            }
            E::ProfiledTokensBelowCap { profiled, .. } => {
                push("profiled_kv_tokens", profiled.to_string(), l)
            }
            E::AvailableKvMemory { size } => {
                push("available_kv_memory", format!("{} GiB", size.printed), l)
            }
            E::KvCacheTokens { tokens } => push("kv_tokens", tokens.to_string(), l),
            E::GpuBlocks { gpu_blocks, .. } => push("gpu_blocks", gpu_blocks.to_string(), l),
            E::ProfilingResultsV0 { kv_cache_size: Some(k), gpu_memory_utilization, .. } => {
                push("available_kv_memory", gb(k), l);
                if let Some(u) = gpu_memory_utilization {
                    push("gpu_memory_utilization", u.to_string(), l);
                }
            }
            E::MaxConcurrency { request_tokens, factor } => {
                push("max_concurrency", format!("{factor}x at {request_tokens} tokens"), l)
            }
            E::CudaGraphEstimate { size } => {
                push("cuda_graph_estimate", format!("{} GiB", size.printed), l)
            }
            E::MambaCacheAllocated { max_mamba_cache_size, .. } => {
                push("mamba_slots", max_mamba_cache_size.to_string(), l)
            }
            E::VllmVersion { version, .. } => push("version", version.clone(), l),
            _ => {}
        }
    }
    out
}
