//! Settings a launch log states (server args, summary lines), each with its source line.
#![warn(clippy::too_many_lines)]

use crate::common::Setting;
use perfpilot_launchlog::{EventKind, Framework, LaunchLog};

/// Typed view of the settings `explain` needs.
#[derive(Debug, Clone, Default)]
pub struct LogSettings {
    /// All settings found, for the report.
    pub list: Vec<Setting>,
    /// Tensor-parallel size.
    pub tp: Option<u64>,
    /// Pipeline size.
    pub pp: Option<u64>,
    /// Data-parallel size.
    pub dp: Option<u64>,
    /// DP-attention on.
    pub dp_attention: bool,
    /// mem_fraction_static / gpu_memory_utilization.
    pub fraction: Option<f64>,
    /// KV cache dtype.
    pub kv_dtype: Option<String>,
    /// Context length / max_model_len.
    pub context_len: Option<u64>,
    /// Request slots.
    pub max_running_requests: Option<u64>,
    /// True when `max_running_requests` was set by the user (server args).
    pub max_running_user: bool,
    /// KV tokens (SGLang max_total_num_tokens).
    pub max_total_num_tokens: Option<u64>,
    /// SGLang --max-total-tokens cap.
    pub max_total_tokens_cap: Option<u64>,
    /// Chunked prefill / batched tokens.
    pub prefill_chunk: Option<u64>,
    /// Page / block size.
    pub page_size: Option<u64>,
    /// Radix cache disabled.
    pub disable_radix_cache: bool,
    /// --max-mamba-cache-size.
    pub max_mamba_cache_size: Option<u64>,
    /// Model path or class.
    pub model: Option<String>,
    /// vLLM version.
    pub version: Option<String>,
    /// vLLM engine (`v0`/`v1`).
    pub engine: Option<String>,
}

fn push(l: &mut Vec<Setting>, key: &str, value: impl ToString, line: u64) {
    l.push(Setting {
        key: key.into(),
        value: value.to_string(),
        source: format!("log line {line}"),
    });
}

/// Read the settings: the server arguments first, then what later summary lines add.
pub fn read(log: &LaunchLog) -> LogSettings {
    let mut s = LogSettings::default();
    from_args(log, &mut s);
    from_events(log, &mut s);
    s
}

/// The settings the server-argument dump states.
fn from_args(log: &LaunchLog, s: &mut LogSettings) {
    let fw = log.framework;
    let arg = |keys: &[&str]| log.arg(keys);
    let num = |keys: &[&str]| arg(keys).and_then(|(v, l)| v.parse::<f64>().ok().map(|n| (n, l)));
    if let Some((v, l)) = num(&["tp_size", "tensor_parallel_size"]) {
        s.tp = Some(v as u64);
        push(&mut s.list, "tp", v, l);
    }
    if let Some((v, l)) = num(&["pp_size", "pipeline_parallel_size"]) {
        s.pp = Some(v as u64);
        push(&mut s.list, "pp", v, l);
    }
    if let Some((v, l)) = num(&["dp_size", "data_parallel_size"]) {
        s.dp = Some(v as u64);
        push(&mut s.list, "dp", v, l);
    }
    if let Some((v, l)) = arg(&["enable_dp_attention"]) {
        s.dp_attention = v == "True" || v == "true";
        push(&mut s.list, "enable_dp_attention", v, l);
    }
    if let Some((v, l)) = num(&["mem_fraction_static", "gpu_memory_utilization"]) {
        s.fraction = Some(v);
        let key = if fw == Some(Framework::Vllm) {
            "gpu_memory_utilization"
        } else {
            "mem_fraction_static"
        };
        push(&mut s.list, key, v, l);
    }
    if let Some((v, l)) = arg(&["kv_cache_dtype"]) {
        s.kv_dtype = Some(v.to_string());
        push(&mut s.list, "kv_cache_dtype", v, l);
    }
    if let Some((v, l)) = num(&["context_length", "max_model_len", "max_seq_len"]) {
        s.context_len = Some(v as u64);
        push(&mut s.list, "context_len", v, l);
    }
    if let Some((v, l)) = num(&["max_running_requests", "max_num_seqs"]) {
        s.max_running_requests = Some(v as u64);
        s.max_running_user = true;
        push(
            &mut s.list,
            if fw == Some(Framework::Vllm) {
                "max_num_seqs"
            } else {
                "max_running_requests (user)"
            },
            v,
            l,
        );
    }
    if let Some((v, l)) = num(&["max_total_tokens"]) {
        s.max_total_tokens_cap = Some(v as u64);
        push(&mut s.list, "max_total_tokens (cap)", v, l);
    }
    if let Some((v, l)) = num(&["chunked_prefill_size", "max_num_batched_tokens"]) {
        s.prefill_chunk = Some(v.max(0.0) as u64);
        push(&mut s.list, "prefill chunk", v, l);
    }
    if let Some((v, l)) = num(&["page_size", "block_size"]) {
        s.page_size = Some(v as u64);
        push(&mut s.list, "page/block size", v, l);
    }
    if let Some((v, _)) = arg(&["disable_radix_cache", "enable_prefix_caching"]) {
        s.disable_radix_cache = v == "True" && log.arg(&["disable_radix_cache"]).is_some();
    }
    if let Some((v, l)) = num(&["max_mamba_cache_size"]) {
        s.max_mamba_cache_size = Some(v as u64);
        push(&mut s.list, "max_mamba_cache_size", v, l);
    }
    if let Some((v, l)) = arg(&["model_path", "model"]) {
        s.model = Some(v.to_string());
        push(&mut s.list, "model", v, l);
    }
}

/// The settings summary lines state (first one wins; server args win over them where the
/// field is already set).
fn from_events(log: &LaunchLog, s: &mut LogSettings) {
    for e in &log.events {
        match &e.event {
            EventKind::MaxTotalNumTokens {
                max_total_num_tokens,
                chunked_prefill_size,
                max_running_requests,
                context_len,
                ..
            } if s.max_total_num_tokens.is_none() => {
                s.max_total_num_tokens = Some(*max_total_num_tokens);
                push(&mut s.list, "max_total_num_tokens", max_total_num_tokens, e.line);
                if let Some(r) = max_running_requests {
                    s.max_running_requests = Some(*r);
                    push(&mut s.list, "max_running_requests", r, e.line);
                }
                if let Some(c) = context_len {
                    s.context_len = Some(*c);
                    push(&mut s.list, "context_len", c, e.line);
                }
                if let Some(c) = chunked_prefill_size {
                    if s.prefill_chunk.is_none() && *c > 0 {
                        s.prefill_chunk = Some(*c as u64);
                    }
                    push(&mut s.list, "chunked_prefill_size", c, e.line);
                }
            }
            EventKind::MemoryProfiling { mem_fraction_static: Some(f), .. }
                if s.fraction.is_none() =>
            {
                s.fraction = Some(*f);
                push(&mut s.list, "mem_fraction_static", f, e.line);
            }
            EventKind::ProfilingResultsV0 { gpu_memory_utilization: Some(u), .. }
            | EventKind::StartupMemorySummary { utilization: Some(u), .. }
            | EventKind::BudgetV0 { gpu_memory_utilization: Some(u), .. }
            | EventKind::FreeMemoryBelowUtilization { utilization: Some(u), .. }
                if s.fraction.is_none() =>
            {
                s.fraction = Some(*u);
                push(&mut s.list, "gpu_memory_utilization", u, e.line);
            }
            EventKind::UtilizationEquivalent { from, .. } if s.fraction.is_none() => {
                s.fraction = Some(*from);
                push(&mut s.list, "gpu_memory_utilization", from, e.line);
            }
            EventKind::MaxConcurrency { request_tokens, .. } if s.context_len.is_none() => {
                // vLLM prints this for max_model_len.
                s.context_len = Some(*request_tokens);
                push(
                    &mut s.list,
                    "max_model_len (from `Maximum concurrency for L tokens`)",
                    request_tokens,
                    e.line,
                );
            }
            EventKind::MaxModelLenTooLarge { max_model_len, .. } if s.context_len.is_none() => {
                s.context_len = Some(*max_model_len);
                push(&mut s.list, "max_model_len", max_model_len, e.line);
            }
            EventKind::MaxSeqLenExceedsKv { max_seq_len, .. } if s.context_len.is_none() => {
                s.context_len = Some(*max_seq_len);
                push(&mut s.list, "max_model_len", max_seq_len, e.line);
            }
            EventKind::KvCacheAllocated { dtype: Some(d), .. } if s.kv_dtype.is_none() => {
                s.kv_dtype = Some(d.clone());
                push(&mut s.list, "kv_cache_dtype", d, e.line);
            }
            EventKind::LoadWeightEnd { model_class: Some(m), dtype, .. } if s.model.is_none() => {
                s.model = Some(m.clone());
                push(&mut s.list, "model class", m, e.line);
                if let Some(d) = dtype {
                    push(&mut s.list, "weight dtype", d, e.line);
                }
            }
            EventKind::VllmVersion { version, engine } if s.version.is_none() => {
                s.version = Some(version.clone());
                s.engine = engine.clone();
                push(&mut s.list, "vllm version", version, e.line);
            }
            _ => {}
        }
    }
}
