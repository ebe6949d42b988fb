//! The concurrency table of `explain`: requests that fit at each length, from the KV tokens
//! the log shows, the request slots and the state slots, with the log's own concurrency
//! lines taking precedence.
#![warn(clippy::too_many_lines)]

use crate::plan::DEFAULT_REQUEST_TOKENS;
use crate::scenario::{ConcurrencyRow, concurrency_row};
use crate::units::fmt_int;
use perfpilot_launchlog::{EventKind, LaunchLog};

use super::types::RankReport;
use super::{ExplainOptions, Inputs, Launch};

/// The table and what it was computed from.
pub(super) struct Table {
    /// Request lengths, sorted (the user's or the defaults, plus the log's).
    pub lens: Vec<u64>,
    /// KV tokens of the selected rank (None: unknown).
    pub tokens: Option<u64>,
    /// One row per length.
    pub rows: Vec<ConcurrencyRow>,
}

/// Build the concurrency table for the selected rank.
pub(super) fn table(
    log: &LaunchLog,
    o: &ExplainOptions,
    inputs: &Inputs,
    l: &Launch<'_>,
    sel: &RankReport,
) -> Table {
    let st = &l.st;
    let sglang = l.sglang;
    let mut lens = if o.request_tokens.is_empty() {
        DEFAULT_REQUEST_TOKENS.to_vec()
    } else {
        o.request_tokens.clone()
    };
    let logged_conc: Vec<(u64, f64)> = log
        .events
        .iter()
        .filter_map(|e| match e.event {
            EventKind::MaxConcurrency { request_tokens, factor } => Some((request_tokens, factor)),
            _ => None,
        })
        .collect();
    for (l, _) in &logged_conc {
        if !lens.contains(l) {
            lens.push(*l);
        }
    }
    lens.sort_unstable();
    let tokens = if sglang {
        st.max_total_num_tokens.or(sel
            .kv
            .pools
            .iter()
            .find(|p| p.pool != super::types::PoolKind::Swa)
            .map(|p| p.tokens))
    } else {
        l.vf.as_ref().and_then(|f| f.kv_tokens)
    };
    let state_limit = sel.kv.state.as_ref().map(|s| {
        s.slots
            / if st.disable_radix_cache {
                1
            } else {
                inputs.rules.sglang.defaults.mamba_slots_per_request_radix
            }
    });
    // Hybrid (sliding-window or mamba) pools: tokens / length is not the concurrency. Known from
    // the config, or from vLLM's own hybrid lines.
    let hybrid_log = log.events.iter().any(|e| {
        matches!(
            e.event,
            EventKind::CudagraphSizesCapped { .. }
                | EventKind::MambaPagePadding { .. }
                | EventKind::AttentionBlockSize { .. }
                | EventKind::PaddingLayers { .. }
        )
    });
    let hybrid_vllm = !sglang
        && (hybrid_log
            || l.config_kv
                .as_ref()
                .is_some_and(|c| c.swa_layers > 0 || c.state_bytes_per_slot > 0));
    let context = st.context_len.unwrap_or(0);
    let rows = lens
        .iter()
        .map(|&len| {
            let logged = logged_conc.iter().find(|(rl, _)| *rl == len).map(|(_, f)| f.floor() as u64);
            let token_limit = logged.or_else(|| if hybrid_vllm { None } else { tokens.map(|t| t / len.max(1)) });
            let mut row = concurrency_row(len, token_limit, st.max_running_requests, state_limit, context);
            if logged.is_some() {
                row.note = Some(format!("token limit from the log's `Maximum concurrency for {} tokens` line", fmt_int(len as i64)));
            } else if hybrid_vllm {
                row.note = Some("hybrid KV groups: only the length the log prints a concurrency for is known".into());
            } else if !sglang && token_limit.is_some() && l.config_kv.is_none() {
                row.note = Some("tokens / length: assumes every layer is full attention (pass --config for hybrid models)".into());
            }
            if !sglang && st.max_running_requests.is_none() {
                let n = row.note.take().map(|n| format!("{n}; ")).unwrap_or_default();
                row.note = Some(format!("{n}max_num_seqs not in the log"));
            }
            row
        })
        .collect();
    Table { lens, tokens, rows }
}
