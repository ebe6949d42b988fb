//! The sizing rule replayed on the selected rank: the mem fraction the log implies (SGLang)
//! and the KV tokens the framework's formula predicts against the tokens it logged.
#![warn(clippy::too_many_lines)]

use crate::common::Setting;
use crate::scenario::Engine;
use crate::units::{fmt_gib, fmt_int};

use super::types::{RankReport, Replay};
use super::{Launch, vllm};

/// What the replay found.
pub(super) struct Sized {
    /// Settings implied by the log (SGLang mem_fraction_static when none was printed).
    pub implied: Vec<Setting>,
    /// The fraction in force (printed, or implied when plausible).
    pub fraction: Option<f64>,
    /// True when the KV pool looks capped rather than sized by the fraction.
    pub capped_pool: bool,
    /// The replays.
    pub replay: Vec<Replay>,
}

/// Replay the selected rank's sizing rule.
pub(super) fn replay(l: &Launch<'_>, sel: &RankReport) -> Sized {
    let mut out = Sized {
        implied: Vec::new(),
        fraction: l.st.fraction,
        capped_pool: l.st.max_total_tokens_cap.is_some(),
        replay: Vec::new(),
    };
    if l.sglang {
        sglang(l, sel, &mut out);
    } else if let Some(r) = vllm_replay(l, sel) {
        out.replay.push(r);
    }
    out
}

/// SGLang: the implied fraction and `profile_max_num_token`.
fn sglang(l: &Launch<'_>, sel: &RankReport, out: &mut Sized) {
    let st = &l.st;
    let start =
        sel.stages.iter().find(|s| s.id == super::types::StageId::Start).map(|s| s.free_bytes);
    let state_bytes = sel.kv.state.as_ref().map_or(0, |s| s.bytes);
    let (Some(a0), Some(w), Some(kv)) = (start, sel.weights_bytes, sel.kv_pool_bytes) else {
        return;
    };
    let implied = (w + kv + state_bytes) as f64 / a0 as f64;
    if out.fraction.is_none() && st.max_total_tokens_cap.is_none() {
        // Below ~0.5 the pool was almost surely capped (--max-total-tokens), not sized.
        let plausible = implied >= 0.5;
        out.implied.push(Setting {
            key: "mem_fraction_static".into(),
            value: format!("{implied:.3}"),
            source: if plausible {
                "implied by the log: (weights + pools) / free before weights".into()
            } else {
                "implied by the log, implausibly low: the KV pool was probably capped (--max-total-tokens); the real value is unknown".into()
            },
        });
        if plausible {
            out.fraction = Some(implied);
        } else {
            out.capped_pool = true;
        }
    }
    let (Some(f), Some(pool)) = (st.fraction, sel.kv.pools.first()) else {
        return;
    };
    let cell = l.config_kv.as_ref().map(|c| c.full_bytes_per_token as f64).or(sel
        .kv
        .log_bytes_per_token
        .as_ref()
        .map(|d| d.value));
    let Some(cell) = cell.filter(|c| *c > 0.0) else {
        return;
    };
    let rest = a0 as f64 * f - w as f64 - state_bytes as f64;
    let pred = (rest / cell).floor() as i64;
    let logged = pool.tokens as i64;
    out.replay.push(Replay {
        rule: "SGLang profile_max_num_token: (free_before_weights x mem_fraction_static - weights) / cell_size".into(),
        predicted_tokens: pred,
        logged_tokens: logged,
        error_pct: (pred - logged) as f64 / logged.max(1) as f64 * 100.0,
        steps: vec![format!(
            "({} x {f:.3} - {} - state {}) GiB / {cell:.0} B = {}",
            fmt_gib(a0),
            fmt_gib(w),
            fmt_gib(state_bytes),
            fmt_int(pred)
        )],
    });
}

/// vLLM: blocks from the KV budget (full-attention models without state only).
fn vllm_replay(l: &Launch<'_>, sel: &RankReport) -> Option<Replay> {
    let kv = sel.kv_pool_bytes?;
    let c = l.config_kv.as_ref()?;
    let tokens = l.vf.as_ref().and_then(|f: &vllm::VllmFacts| f.kv_tokens)?;
    if c.swa_layers != 0 || c.state_bytes_per_slot != 0 {
        return None;
    }
    let block = l.block;
    let per_block = (c.per_layer_bytes_per_token * block) as i64;
    let (pred, rule) = match l.engine {
        Engine::VllmV0 => {
            let bb = block as i64 * c.full_bytes_per_token as i64;
            (
                (kv / bb) * block as i64,
                "vLLM V0: # GPU blocks = kv_cache_size // (block_size x bytes per token)",
            )
        }
        _ => (
            (kv / per_block / c.full_layers.max(1) as i64) * block as i64,
            "vLLM V1: num_blocks = available KV // page_size // num_layers",
        ),
    };
    Some(Replay {
        rule: rule.into(),
        predicted_tokens: pred,
        logged_tokens: tokens as i64,
        error_pct: (pred - tokens as i64) as f64 / tokens.max(1) as f64 * 100.0,
        steps: vec![format!(
            "{} GiB, block {block}, {} B/token -> {} tokens",
            fmt_gib(kv),
            c.full_bytes_per_token,
            fmt_int(pred)
        )],
    })
}
