//! KV-cache bytes per token (per rank) and linear-attention state bytes per request.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::config::{KvKind, ModelConfig};
use super::dtype::KvFormat;

/// The per-token cost of one rank's KV cache, with the formula that gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KvCost {
    /// Bytes per token of the full-attention layers on this rank.
    pub full_bytes_per_token: u64,
    /// Full-attention layers on this rank.
    pub full_layers: u64,
    /// Bytes per token of the sliding-window layers on this rank (0 without SWA).
    pub swa_bytes_per_token: u64,
    /// Sliding-window layers on this rank.
    pub swa_layers: u64,
    /// Bytes per token of one layer (the page unit vLLM uses).
    pub per_layer_bytes_per_token: u64,
    /// Linear-attention / mamba state bytes per request slot on this rank (0 when none).
    pub state_bytes_per_slot: u64,
    /// Linear-attention layers on this rank.
    pub linear_layers: u64,
    /// KV heads held per rank (MHA/GQA; 1 latent head for MLA).
    pub kv_heads_per_rank: u64,
    /// `tp_attn / kv_heads` when heads are replicated, else 1.
    pub replication: u64,
    /// The formula, with the numbers.
    pub formula: String,
    /// The state formula, when there is linear attention.
    pub state_formula: Option<String>,
}

/// Inputs that change the per-token cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KvLayout {
    /// Attention tensor-parallel size (tp, or tp/dp with DP-attention).
    pub attn_tp: u64,
    /// Tensor-parallel size for linear-attention state (tp).
    pub tp: u64,
    /// Pipeline stages.
    pub pp: u64,
    /// KV element format.
    pub kv: KvFormat,
    /// Price sliding layers as full layers (one pool), as SGLang builds without hybrid SWA did.
    pub swa_as_full: bool,
    /// SSM state bytes per element (4 = fp32, SGLang's default; 2 = bf16).
    pub ssm_bytes: u64,
}

/// Per-token KV bytes on one rank for this model and layout.
pub fn kv_cost(c: &ModelConfig, l: KvLayout) -> KvCost {
    let pp = l.pp.max(1);
    let per_stage = |n: u64| n.div_ceil(pp);
    let full = c.count(KvKind::Full);
    let sliding = c.count(KvKind::Sliding);
    let linear = c.count(KvKind::Linear);
    let (full_layers, swa_layers) = if l.swa_as_full {
        (per_stage(full + sliding), 0)
    } else {
        (per_stage(full), per_stage(sliding))
    };
    let e16 = l.kv.bytes_x16();
    let (per_layer_x16, heads, replication, formula_head) = match &c.mla {
        Some(m) => {
            let dim = m.kv_lora_rank + m.qk_rope_head_dim;
            (
                dim * e16,
                1,
                1,
                format!(
                    "MLA: (kv_lora_rank {} + qk_rope_head_dim {}) x",
                    m.kv_lora_rank, m.qk_rope_head_dim
                ),
            )
        }
        None => {
            let tp = l.attn_tp.max(1);
            let heads = (c.num_kv_heads / tp).max(1);
            let rep = if tp > c.num_kv_heads { tp / c.num_kv_heads.max(1) } else { 1 };
            let dims = c.head_dim + c.v_head_dim;
            let f = format!(
                "GQA: max(1, kv_heads {} / attn_tp {tp}) = {heads} x (head_dim {} + v_head_dim {}) x",
                c.num_kv_heads, c.head_dim, c.v_head_dim
            );
            (heads * dims * e16, heads, rep, f)
        }
    };
    let per_layer = per_layer_x16 / 16;
    let full_bytes = per_layer_x16 * full_layers / 16;
    let swa_bytes = per_layer_x16 * swa_layers / 16;
    let bytes_text = match l.kv {
        KvFormat::Fp4 => "9/16 B (fp4 + e4m3 scale per 16)".to_string(),
        f => format!("{} B ({})", f.bytes_x16() / 16, f.name()),
    };
    let mut formula =
        format!("{formula_head} {full_layers} full layers x {bytes_text} = {full_bytes} B/token");
    if swa_layers > 0 {
        formula.push_str(&format!(
            "; sliding: {swa_layers} layers x {per_layer} B = {swa_bytes} B/token"
        ));
    }
    let (state, state_formula) = match &c.linear {
        Some(la) if linear > 0 => {
            let tp = l.tp.max(1);
            let layers = per_stage(linear);
            let conv_dim =
                2 * la.num_key_heads * la.key_head_dim + la.num_value_heads * la.value_head_dim;
            let conv = conv_dim / tp * la.conv_kernel.saturating_sub(1) * 2;
            let ssm = la.num_value_heads / tp * la.key_head_dim * la.value_head_dim * l.ssm_bytes;
            let total = (conv + ssm) * layers;
            let f = format!(
                "(conv {conv_dim}/{tp} x (kernel {} - 1) x 2 B + ssm {}/{tp} heads x {} x {} x {} B) x {layers} linear layers = {total} B/slot",
                la.conv_kernel, la.num_value_heads, la.key_head_dim, la.value_head_dim, l.ssm_bytes
            );
            (total, Some(f))
        }
        _ => (0, None),
    };
    KvCost {
        full_bytes_per_token: full_bytes,
        full_layers,
        swa_bytes_per_token: swa_bytes,
        swa_layers,
        per_layer_bytes_per_token: per_layer,
        state_bytes_per_slot: state,
        linear_layers: per_stage(linear),
        kv_heads_per_rank: heads,
        replication,
        formula,
        state_formula,
    }
}
