//! vLLM line handlers (V0 and V1 engines).

use super::events::EventKind;
use super::fields::{after_key, gib, gib_of, leading_number, num_f64, num_u64, paren_pair};
use crate::units::LoggedBytes;

/// The number printed just before `key` (`… 74.28 GiB for weight`).
fn gib_before(text: &str, key: &str) -> Option<LoggedBytes> {
    let at = text.find(key)?;
    let tok = text[..at].trim_end().rsplit([' ', '(', ',']).next()?;
    gib_of(tok)
}

fn num_first(after: &str) -> Option<u64> {
    leading_number(after)?.replace(',', "").parse().ok()
}

pub(super) fn weights(after: &str) -> Option<EventKind> {
    // vLLM 0.3 printed `took 244.61 MB` (MiB); later versions print GB / GiB (GiB). The Gaudi
    // fork (HabanaAI/vllm-fork hpu_model_runner.py) prints `took in total X GiB of device
    // memory (…) and Y GiB of host memory`.
    let after = after.trim_start();
    let after = after.strip_prefix("in total").unwrap_or(after);
    let n = leading_number(after)?;
    let unit = after.trim_start()[n.len()..].split_whitespace().next().unwrap_or("");
    // vllm-ascend's RFork loader (model_loader/rfork/rfork_loader.py, 2026) prints `Loading model
    // weights took %.2f seconds`: a load time, not a size.
    if matches!(unit.trim_end_matches(['.', ',']), "s" | "sec" | "secs" | "second" | "seconds") {
        let seconds = n.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)?;
        return Some(EventKind::StageTime { stage: "weights_load".into(), seconds });
    }
    let size = match unit {
        "MB" | "MiB" => crate::units::LoggedBytes::from_number_unit(n, unit)?,
        _ => gib_of(after)?,
    };
    // The time after `and` (V1 `… and 3.2 seconds`), not a size (the Gaudi fork's host memory).
    let elapsed = after_key(after, "and").and_then(|t| {
        let n = leading_number(t)?;
        let unit = t.trim_start()[n.len()..].trim_start();
        (!unit.starts_with(['G', 'M', 'K', 'B'])).then_some(n)
    });
    let elapsed_s = elapsed.and_then(|n| n.parse().ok());
    Some(EventKind::WeightsLoaded { size, elapsed_s })
}

/// The tail of V1's `Model loading took X GiB [memory] and Y seconds` (phrase ` loading took `)
/// on a line whose head is not the engine's own: read only when a size unit follows the number,
/// so a time alone (`… loading took 3.2 seconds`) states no weights.
pub(super) fn weights_tail(after: &str) -> Option<EventKind> {
    let t = after.trim_start();
    let n = leading_number(t)?;
    let unit = t.get(n.len()..)?.split_whitespace().next()?;
    if !matches!(unit, "GiB" | "GB" | "MiB" | "MB") {
        return None;
    }
    weights(after)
}

pub(super) fn profiling_results(after: &str) -> Option<EventKind> {
    Some(EventKind::ProfilingResultsV0 {
        total_gpu_memory: gib(after, "total_gpu_memory="),
        initial_memory_usage: gib(after, "initial_memory_usage="),
        peak_torch_memory: gib(after, "peak_torch_memory="),
        memory_usage_post_profile: gib(after, "memory_usage_post_profile="),
        non_torch_memory: gib(after, "non_torch_memory="),
        kv_cache_size: gib(after, "kv_cache_size="),
        gpu_memory_utilization: num_f64(after, "gpu_memory_utilization="),
    })
}

/// The profiling time of V0's one-line `Memory profiling results: duration=X seconds, …`.
pub(super) fn profiling_duration(after: &str) -> Option<EventKind> {
    stage_time("profiling", after_key(after, "duration=")?)
}

pub(super) fn budget_v0(after: &str) -> Option<EventKind> {
    // `total_gpu_memory (79.10GiB) x gpu_memory_utilization (0.90) = 71.19GiB`
    let total = after_key(after, "(").and_then(gib_of);
    let util = num_f64(after, "gpu_memory_utilization (");
    let budget = after_key(after, "=").and_then(gib_of);
    Some(EventKind::BudgetV0 { total_gpu_memory: total, gpu_memory_utilization: util, budget })
}

pub(super) fn usage_v0(seg: &str) -> Option<EventKind> {
    Some(EventKind::UsageV0 {
        weights: gib(seg, "model weights take"),
        non_torch: gib(seg, "non_torch_memory takes"),
        activation_peak: gib(seg, "activation peak memory takes"),
        kv_cache: gib(seg, "reserved for KV Cache is"),
    })
}

pub(super) fn cpu_blocks(before: &str, after: &str) -> Option<EventKind> {
    let at = before.rfind("blocks:")?;
    let gpu_blocks = num_first(&before[at + "blocks:".len()..])?;
    Some(EventKind::GpuBlocks { gpu_blocks, cpu_blocks: num_first(after) })
}

pub(super) fn available_kv(after: &str) -> Option<EventKind> {
    Some(EventKind::AvailableKvMemory { size: gib_of(after)? })
}

pub(super) fn kv_cache_tokens(after: &str) -> Option<EventKind> {
    let n = leading_number(after)?;
    let rest = after.trim_start()[n.len()..].trim_start();
    if !rest.starts_with("tokens") {
        return None;
    }
    Some(EventKind::KvCacheTokens { tokens: n.replace(',', "").parse().ok()? })
}

pub(super) fn max_concurrency(after: &str) -> Option<EventKind> {
    Some(EventKind::MaxConcurrency {
        request_tokens: num_first(after)?,
        factor: num_f64(after, "per request:")?,
    })
}

pub(super) fn graph_profile(after: &str) -> Option<EventKind> {
    let piecewise = num_u64(after, "PIECEWISE=");
    let full = num_u64(after, "FULL=");
    let largest_after = |key: &str| after_key(after, key).and_then(|r| num_u64(r, "largest="));
    Some(EventKind::CudaGraphProfile {
        piecewise,
        piecewise_largest: largest_after("PIECEWISE="),
        full,
        full_largest: largest_after("FULL="),
    })
}

pub(super) fn graph_estimate(after: &str) -> Option<EventKind> {
    Some(EventKind::CudaGraphEstimate { size: gib_of(after)? })
}

/// `CUDA graph pool memory: A GiB (actual), E GiB (estimated), …`: the estimate E (the actual A
/// restates `Graph capturing finished … took A GiB`).
pub(super) fn graph_pool(after: &str) -> Option<EventKind> {
    let (head, _) = after.split_once("GiB (estimated)")?;
    let est = head.rsplit_once("(actual),").map_or(head, |(_, e)| e).trim();
    if leading_number(est) != Some(est) {
        return None;
    }
    Some(EventKind::CudaGraphEstimate { size: gib_of(est)? })
}

/// The compile part of vLLM V1's `init engine (profile, create kv cache, warmup model) took
/// X s (compilation: Y s)` (and `(compilation: Y s — language_model: …, encoder: …)`, where Y is
/// the sum): a `compile` stage time of Y seconds.
pub(super) fn init_engine_compile(after: &str) -> Option<EventKind> {
    let rest = after_key(after, "(compilation:")?;
    stage_time("compile", rest.split(['—', ',']).next()?)
}

pub(super) fn graph_finished(after: &str) -> Option<EventKind> {
    Some(EventKind::GraphCaptureFinished {
        elapsed_s: leading_number(after).and_then(|n| n.parse().ok()),
        size: gib(after, "took"),
    })
}

pub(super) fn free_memory(seg: &str, after: &str) -> Option<EventKind> {
    let (free, total) = match paren_pair(after, "") {
        Some((f, t)) => (gib_of(f), gib_of(t)),
        None => (None, None),
    };
    let (utilization, requested) = match paren_pair(seg, "memory utilization") {
        Some((u, r)) => (u.parse().ok(), gib_of(r)),
        None => (None, None),
    };
    if seg.contains("is less than desired") {
        return Some(EventKind::FreeMemoryBelowUtilization { free, total, utilization, requested });
    }
    Some(EventKind::StartupMemorySummary {
        free,
        total,
        utilization,
        requested,
        weights: gib_before(seg, " GiB for weight"),
        activation_peak: gib_before(seg, " GiB for peak activation"),
        non_torch: gib_before(seg, " GiB for non-torch memory"),
        // Ascend (vllm-ascend) prints `NPU graph memory`.
        cudagraph: gib_before(seg, " GiB for CUDAGraph memory")
            .or_else(|| gib_before(seg, " GiB for NPU graph memory")),
    })
}

pub(super) fn util_equivalent(after: &str) -> Option<EventKind> {
    let from = leading_number(after)?.parse().ok()?;
    let to = num_f64(after, " to ")?;
    Some(EventKind::UtilizationEquivalent { from, to })
}

pub(super) fn serve_one_request(after: &str) -> Option<EventKind> {
    Some(EventKind::MaxModelLenTooLarge {
        max_model_len: num_u64(after, "max seq len (")?,
        needed: gib_before(after, " GiB KV cache is needed"),
        available: after_key(after, "available KV cache memory (").and_then(gib_of),
        estimated_max_len: num_u64(after, "maximum model length is"),
    })
}

pub(super) fn max_seq_len_v0(seg: &str, after: &str) -> Option<EventKind> {
    Some(EventKind::MaxSeqLenExceedsKv {
        max_seq_len: num_u64(seg, "max seq len (")?,
        kv_tokens: num_u64(after, "(")?,
    })
}

pub(super) fn padding_layers(before: &str, after: &str) -> Option<EventKind> {
    let tok = before.trim_end().rsplit(' ').next()?;
    Some(EventKind::PaddingLayers { layers: tok.parse().ok()?, waste_pct: num_f64(after, "") })
}

pub(super) fn attention_block(after: &str) -> Option<EventKind> {
    Some(EventKind::AttentionBlockSize { tokens: num_first(after)? })
}

pub(super) fn mamba_padding(after: &str) -> Option<EventKind> {
    Some(EventKind::MambaPagePadding { pct: leading_number(after)?.parse().ok()? })
}

pub(super) fn capping(after: &str) -> Option<EventKind> {
    Some(EventKind::CudagraphSizesCapped {
        from: num_first(after)?,
        to: num_u64(after, "to")?,
        mamba_blocks: after_key(after, "blocks (").and_then(num_first),
    })
}

pub(super) fn override_blocks(after: &str) -> Option<EventKind> {
    Some(EventKind::NumGpuBlocksOverride {
        from: num_first(after)?,
        to: num_u64(after, "num_gpu_blocks_override=")?,
    })
}

pub(super) fn version(before: &str, after: &str) -> Option<EventKind> {
    let v = after.trim_start().trim_start_matches('v');
    let end = v.find(|c: char| c.is_whitespace() || c == ')' || c == ',').unwrap_or(v.len());
    let version = &v[..end];
    if version.is_empty() || !version.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let engine = if before.contains(" V1 ") {
        Some("v1")
    } else if before.contains(" V0 ")
        || before.ends_with("an LLM engine (")
        || before.contains("an LLM engine")
    {
        Some("v0")
    } else {
        None
    };
    Some(EventKind::VllmVersion {
        version: version.to_string(),
        engine: engine.map(str::to_string),
    })
}

/// `# GPU blocks: N` printed alone (V1 0.7); with `# CPU blocks:` on the line the CPU handler
/// reads both.
pub(super) fn gpu_blocks_only(after: &str) -> Option<EventKind> {
    if after.contains("CPU blocks:") {
        return None;
    }
    Some(EventKind::GpuBlocks { gpu_blocks: num_first(after)?, cpu_blocks: None })
}

/// A stage time: the first number after the phrase followed by `s`/`secs`/`seconds`.
pub(super) fn stage_time(stage: &str, after: &str) -> Option<EventKind> {
    let toks: Vec<&str> = after.split_whitespace().collect();
    toks.windows(2).find_map(|w| {
        let unit = w[1].trim_end_matches(['.', ',', ';', ')']);
        if !matches!(unit, "s" | "sec" | "secs" | "second" | "seconds") {
            return None;
        }
        let seconds = w[0].parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)?;
        Some(EventKind::StageTime { stage: stage.to_string(), seconds })
    })
}

/// The GiB value of a tabular `key   79.22GiB` line.
pub(super) fn tab_gib(after: &str) -> Option<LoggedBytes> {
    let t = after.trim_start();
    let n = leading_number(t)?;
    if !t[n.len()..].trim_start().starts_with("GiB") {
        return None;
    }
    gib_of(n)
}

pub(super) fn encoder_budget(after: &str) -> Option<EventKind> {
    Some(EventKind::EncoderCacheBudget {
        tokens: num_first(after)?,
        items: num_u64(after, "profiled with"),
    })
}

pub(super) fn util_note(before: &str, after: &str) -> Option<EventKind> {
    let current = before.rsplit("--gpu-memory-utilization=").next().and_then(leading_number)?;
    Some(EventKind::UtilizationNote {
        current: current.parse().ok()?,
        equivalent: leading_number(after).and_then(|n| n.parse().ok()),
        advised: num_f64(after, "--gpu-memory-utilization to"),
    })
}

/// `"cudagraph_capture_sizes":[512, …, 1]` (or `': [`) in a printed compilation config: the
/// list only when it is printed whole (a paste cut inside the list states no list).
pub(super) fn config_capture_sizes(after: &str) -> Option<EventKind> {
    let inner = &after[..after.find(']')?];
    let sizes: Vec<u64> =
        inner.split(',').map(|x| x.trim().parse::<u64>()).collect::<Result<_, _>>().ok()?;
    (!sizes.is_empty()).then_some(EventKind::ConfigCaptureSizes { sizes })
}

/// vllm-ascend's `Starting to capture ACL graphs for cases: [256, …, 1], mode: PIECEWISE, …`:
/// the sizes the runner captures, as a capture-size list (only a list printed whole).
pub(super) fn acl_capture_sizes(after: &str) -> Option<EventKind> {
    let list = after.trim_start().strip_prefix('[')?;
    match config_capture_sizes(list)? {
        EventKind::ConfigCaptureSizes { sizes } => {
            Some(EventKind::CaptureSizes { graph: crate::GraphKind::Decode, sizes })
        }
        _ => None,
    }
}

/// The tensor-parallel size a JAX mesh states, `'model': N` of `str(Mesh)` (`Mesh('data': 1,
/// 'model': 4, axis_types=(Auto, Auto))`; the phrase is `Mesh('`): tpu-inference shards
/// attention heads over the axis `model`, whose size is its `tp_size`.
pub(super) fn jax_mesh_tp(after: &str) -> Option<EventKind> {
    // The phrase took the first axis name's opening quote.
    let body = format!("'{}", &after[..after.find(')').unwrap_or(after.len())]);
    let at = body.find("'model':")? + "'model':".len();
    let n = leading_number(body[at..].trim_start())?;
    let value: u64 = n.parse().ok().filter(|v| *v >= 1)?;
    Some(EventKind::Setting { key: "tp_size".into(), value: value as f64 })
}
