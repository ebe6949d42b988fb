//! TensorRT-LLM line handlers (`[TensorRT-LLM][INFO] …`, C++ runtime and PyTorch backend).

use super::events::EventKind;
use super::fields::{gib_of, leading_number, num_u64};
use crate::units::{GIB, LoggedBytes};

fn last_number(before: &str) -> Option<u64> {
    before.split_whitespace().last()?.replace(',', "").parse().ok()
}

/// The count before `tokens in paged KV cache`: `Using N tokens` (0.8) or `Using N total
/// tokens` (0.7-0.8 Triton backend, `Using N total tokens in paged KV cache, and M blocks per
/// sequence`).
fn token_count(before: &str) -> Option<u64> {
    let t = before.trim_end();
    let t = t.strip_suffix("total").unwrap_or(t);
    last_number(t)
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
    Some(EventKind::KvCacheTokens { tokens: token_count(before)? })
}

/// `, and M blocks per sequence` after `Using N total tokens in paged KV cache` (TensorRT-LLM
/// 0.7-0.8): the KV blocks one sequence takes, `blocks_per_seq`.
pub(super) fn blocks_per_sequence(after: &str) -> Option<EventKind> {
    let t = after.trim_start().strip_prefix(',')?.trim_start().strip_prefix("and ")?;
    let n = leading_number(t)?;
    if !t[n.len()..].trim_start().starts_with("blocks per sequence") {
        return None;
    }
    Some(EventKind::Setting { key: "blocks_per_seq".into(), value: n.parse().ok()? })
}

/// The refusal of a KV cache too small for one sequence (`kvCacheManager.cpp`,
/// `TLLM_CHECK_WITH_INFO`): `maxTokensInPagedKvCache (T) must be large enough to process at
/// least 1 sequence to completion (i.e. must be larger than beam_width (B) * tokensPerBlock (P) *
/// maxBlocksPerSeq (S))`, split around `must be large enough to process at least 1 sequence`.
pub(super) fn kv_too_small(before: &str, after: &str) -> Option<EventKind> {
    let t = before.trim_end().strip_suffix(')')?;
    let (head, n) = t.rsplit_once('(')?;
    if !head.trim_end().ends_with("maxTokensInPagedKvCache") {
        return None;
    }
    let in_parens = |key: &str| num_u64(after, key);
    Some(EventKind::KvCacheTooSmall {
        tokens: n.trim().replace(',', "").parse().ok()?,
        beam_width: in_parens("beam_width ("),
        tokens_per_block: in_parens("tokensPerBlock ("),
        blocks_per_seq: in_parens("maxBlocksPerSeq ("),
    })
}

/// The text after `… for max tokens in paged` once the message's `KV cache` follows it (None
/// where the line ends first: a fold cut the message, `crate::wrap` joins the next line).
fn after_head(after: &str) -> Option<&str> {
    after.trim_start().strip_prefix("KV cache")
}

/// The GiB budget of `Allocated X GiB for max tokens in paged KV cache (N).` read from its head
/// `for max tokens in paged` ([`tokens`]), once `KV cache` follows.
pub(super) fn head_budget(before: &str, after: &str) -> Option<EventKind> {
    tokens(before, after_head(after)?)
}

/// The token count `(N)` of the same line read from its head ([`allocated_tokens`]).
pub(super) fn head_tokens(after: &str) -> Option<EventKind> {
    allocated_tokens(after_head(after)?)
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
    let gpu_blocks = crate::units::plain_number(leading_number(after)?).parse().ok()?;
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

/// `TRTGptModel mMaxAttentionWindowSize: (W1, W2, …) * R[ + (V1, …)]` (TensorRT-LLM ≥ 0.13
/// prints the per-layer windows as a repeated pattern times its count, plus the remainder):
/// the largest window, as `attention_window`. `after` starts right after the `(`.
pub(super) fn attention_window_pattern(after: &str) -> Option<EventKind> {
    let (pattern, rest) = after.split_once(')')?;
    let mut windows: Vec<u64> = Vec::new();
    for w in pattern.split(',') {
        windows.push(w.trim().parse().ok()?);
    }
    // The ` * R` count must follow: it is a layer count, not a window.
    rest.trim_start().strip_prefix('*')?;
    if let Some(remain) = rest.split_once("+ (").map(|(_, r)| r) {
        let inner = &remain[..remain.find(')')?];
        for w in inner.split(',') {
            windows.push(w.trim().parse().ok()?);
        }
    }
    let max = windows.into_iter().max()?;
    Some(EventKind::Setting { key: "attention_window".into(), value: max as f64 })
}

/// `Engine load time N ms` (TensorRT-LLM runtime, after `Loaded engine size:`): the time to
/// deserialise the engine, whose weights it holds, as the `weights_load` stage (seconds).
pub(super) fn engine_load_time(after: &str) -> Option<EventKind> {
    let t = after.trim_start();
    let n = leading_number(t)?;
    let unit = t[n.len()..].split_whitespace().next()?;
    let value: f64 = n.parse().ok().filter(|v: &f64| v.is_finite() && *v >= 0.0)?;
    let seconds = match unit.trim_end_matches(['.', ',']) {
        "ms" => value / 1000.0,
        "s" => value,
        _ => return None,
    };
    Some(EventKind::StageTime { stage: "weights_load".into(), seconds })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_pattern_and_load_time() {
        let w = |s: &str| match attention_window_pattern(s) {
            Some(EventKind::Setting { value, .. }) => Some(value),
            _ => None,
        };
        assert_eq!(w("384) * 12"), Some(384.0));
        assert_eq!(w("4096, 4096, 131072) * 8 + (4096, 4096)"), Some(131072.0));
        assert_eq!(w("512, 1024) * 2 + (8192)"), Some(8192.0));
        assert_eq!(w("384)"), None);
        assert_eq!(w("abc) * 2"), None);
        let t = |s: &str| match engine_load_time(s) {
            Some(EventKind::StageTime { stage, seconds }) => Some((stage, seconds)),
            _ => None,
        };
        assert_eq!(t(" 205 ms"), Some(("weights_load".into(), 0.205)));
        assert_eq!(t(" 3 s"), Some(("weights_load".into(), 3.0)));
        assert_eq!(t(" is long"), None);
    }
}
