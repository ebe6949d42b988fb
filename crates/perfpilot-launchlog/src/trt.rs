//! TensorRT-LLM line handlers (`[TensorRT-LLM][INFO] …`, C++ runtime and PyTorch backend).

use super::events::EventKind;
use super::fields::{gib_of, leading_number, num_u64};
use crate::units::{GIB, LoggedBytes};

fn last_number(before: &str) -> Option<u64> {
    before.split_whitespace().last()?.replace(',', "").parse().ok()
}

/// `Using N tokens in paged KV cache.` (the KV token capacity), or the GiB budget of
/// `[MemUsageChange] Allocated X GiB for max tokens in paged KV cache (N).` (its token count is
/// [`allocated_tokens`]).
pub(super) fn tokens(before: &str, _after: &str) -> Option<EventKind> {
    if let Some(at) = before.rfind("Allocated ") {
        let rest = &before[at + "Allocated ".len()..];
        let n = leading_number(rest)?;
        if rest[n.len()..].trim_start().starts_with("GiB") {
            return Some(EventKind::AvailableKvMemory { size: gib_of(n)? });
        }
        return None;
    }
    Some(EventKind::KvCacheTokens { tokens: last_number(before)? })
}

/// The `(N)` after `… for max tokens in paged KV cache`.
pub(super) fn allocated_tokens(after: &str) -> Option<EventKind> {
    let t = after.trim_start().strip_prefix('(')?;
    let n = leading_number(t)?;
    Some(EventKind::KvCacheTokens { tokens: n.replace(',', "").parse().ok()? })
}

/// `Allocate N bytes for k/v cache.`
pub(super) fn kv_bytes(before: &str) -> Option<EventKind> {
    let bytes = i64::try_from(last_number(before)?).ok()?;
    let printed = format!("{:.2}", bytes as f64 / GIB as f64);
    Some(EventKind::AvailableKvMemory { size: LoggedBytes { bytes, printed } })
}

/// `Max KV cache blocks per sequence: 65 [window size=2051], tokens per block=32, primary
/// blocks=116617, secondary blocks=0`: device (primary) and host (secondary) blocks.
pub(super) fn blocks(after: &str) -> Option<EventKind> {
    let gpu_blocks = leading_number(after)?.replace(',', "").parse().ok()?;
    Some(EventKind::GpuBlocks { gpu_blocks, cpu_blocks: num_u64(after, "secondary blocks=") })
}

/// `Loaded engine size: N MiB`: the engine (weights) on this rank.
pub(super) fn engine(after: &str) -> Option<EventKind> {
    let t = after.trim_start();
    let n = leading_number(t)?;
    if !t[n.len()..].trim_start().starts_with("MiB") {
        return None;
    }
    let mib: f64 = n.parse().ok()?;
    let bytes = (mib * 1024.0 * 1024.0).round() as i64;
    let printed = format!("{:.2}", mib / 1024.0);
    Some(EventKind::WeightsLoaded { size: LoggedBytes { bytes, printed }, elapsed_s: None })
}
