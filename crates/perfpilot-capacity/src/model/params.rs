//! Parameter count from the architecture, and the weight bytes one rank holds.
//!
//! Counted: embeddings, attention (MHA/GQA with biases and QK-norm, MLA with its LoRA
//! projections, Gated-DeltaNet linear attention), dense gated MLPs, MoE routers, routed
//! and shared experts, norms, the LM head (unless tied) and a vision tower. Not counted:
//! multi-token-prediction layers (loaded only with speculative decoding), rotary caches,
//! and framework copies such as SGLang's absorbed MLA `w_kc`/`w_vc`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::config::{KvKind, MlpKind, ModelConfig};
use super::dtype::WeightFormat;

/// One component's parameters and the bytes one rank holds for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ParamRow {
    /// Stable id (`embed`, `attention`, `mlp`, `experts`, …).
    pub id: String,
    /// Parameters in the whole model.
    pub params: u64,
    /// How it is split across ranks.
    pub split: String,
    /// Storage format.
    pub format: String,
    /// Bytes on one rank (the largest pipeline stage).
    pub bytes_per_rank: i64,
}

/// The model's parameters by component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WeightEstimate {
    /// Total parameters counted.
    pub total_params: u64,
    /// Components.
    pub rows: Vec<ParamRow>,
    /// Bytes on one rank.
    pub bytes_per_rank: i64,
}

/// How the model is laid out over ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Tensor parallel size (MLP / experts / LM head split).
    pub tp: u64,
    /// Attention tensor-parallel size (tp / dp with DP-attention).
    pub attn_tp: u64,
    /// Pipeline stages.
    pub pp: u64,
}

struct Counts {
    embed: u64,
    lm_head: u64,
    attn_split: u64,
    attn_replicated: u64,
    mlp: u64,
    experts: u64,
    shared: u64,
    router: u64,
    norms: u64,
    vision: u64,
}

fn count(c: &ModelConfig) -> Counts {
    let h = c.hidden_size;
    let hd = c.head_dim;
    let mut attn_split = 0;
    let mut attn_replicated = 0;
    let mut mlp = 0;
    let mut experts = 0;
    let mut shared = 0;
    let mut router = 0;
    let mut norms = h; // final norm
    for (i, kind) in c.layer_kinds.iter().enumerate() {
        norms += 2 * h;
        match (kind, &c.mla, &c.linear) {
            // An MLP-only layer (Nemotron-H `-`/`E`): no token mixer.
            (KvKind::None, _, _) => {}
            (KvKind::Linear, _, Some(l)) => {
                let key = l.num_key_heads * l.key_head_dim;
                let val = l.num_value_heads * l.value_head_dim;
                let conv_dim = 2 * key + val;
                attn_split += h * (2 * key + 2 * val) + h * 2 * l.num_value_heads;
                attn_split += conv_dim * l.conv_kernel + 2 * l.num_value_heads + val * h;
                norms += l.value_head_dim;
            }
            (_, Some(m), _) => {
                let qk = m.qk_nope_head_dim + m.qk_rope_head_dim;
                match m.q_lora_rank {
                    Some(r) => {
                        attn_replicated += h * r + r;
                        attn_split += r * c.num_heads * qk;
                    }
                    None => attn_split += h * c.num_heads * qk,
                }
                attn_replicated += h * (m.kv_lora_rank + m.qk_rope_head_dim) + m.kv_lora_rank;
                attn_split += m.kv_lora_rank * c.num_heads * (m.qk_nope_head_dim + m.v_head_dim);
                attn_split += c.num_heads * m.v_head_dim * h;
            }
            _ => {
                let q = c.num_heads * hd;
                let kv = c.num_kv_heads * hd + c.num_kv_heads * c.v_head_dim;
                attn_split += h * (q + kv) + c.num_heads * c.v_head_dim * h;
                if c.attention_bias {
                    attn_split += q + kv;
                }
                if c.model_type.starts_with("qwen3") || c.model_type.starts_with("gemma3") {
                    norms += 2 * hd;
                }
            }
        }
        let mlp_kind = c.mlp_kinds.get(i).copied().unwrap_or(MlpKind::Dense);
        match (mlp_kind, &c.moe) {
            (MlpKind::None, _) => {}
            (MlpKind::Moe, Some(m)) => {
                router += h * m.num_experts;
                experts += m.num_experts * 3 * h * m.expert_intermediate;
                shared += m.shared_experts * 3 * h * m.shared_intermediate;
                if m.shared_experts > 0 && c.model_type.starts_with("qwen") {
                    router += h; // shared-expert gate
                }
            }
            _ => mlp += 3 * h * c.intermediate_size,
        }
    }
    let embed = c.vocab_size * h;
    Counts {
        embed,
        lm_head: if c.tie_word_embeddings { 0 } else { embed },
        attn_split,
        attn_replicated,
        mlp,
        experts,
        shared,
        router,
        norms,
        vision: c.vision_params,
    }
}

fn bytes(params: u64, fmt: WeightFormat, divide: u64) -> i64 {
    let b = params as u128 * fmt.bytes_x16384() as u128 / 16384 / divide.max(1) as u128;
    b as i64
}

/// Estimate the weights one rank holds. `format` applies to linear layers; embeddings,
/// norms and routers stay in `dense` (the activation dtype).
pub fn estimate(
    c: &ModelConfig,
    format: WeightFormat,
    dense: WeightFormat,
    layout: Layout,
) -> WeightEstimate {
    let n = count(c);
    let pp = layout.pp.max(1);
    let tp = layout.tp.max(1);
    let attn_tp = layout.attn_tp.max(1);
    let linear_fmt = if format.experts_only() { dense } else { format };
    // The largest stage holds ceil(layers / pp) layers plus the embedding (first stage) —
    // and with one stage also the LM head.
    let layer_share = |v: u64| v.div_ceil(pp);
    let name = |f: WeightFormat| format!("{f:?}").to_lowercase();
    let mut rows = vec![
        ParamRow {
            id: "embed".into(),
            params: n.embed,
            split: format!("vocab-parallel /{tp}"),
            format: name(dense),
            bytes_per_rank: bytes(n.embed, dense, tp),
        },
        ParamRow {
            id: "lm_head".into(),
            params: n.lm_head,
            split: if c.tie_word_embeddings {
                "tied to embed".into()
            } else {
                format!("/{tp} (last stage)")
            },
            format: name(dense),
            bytes_per_rank: if pp > 1 { 0 } else { bytes(n.lm_head, dense, tp) },
        },
        ParamRow {
            id: "attention".into(),
            params: n.attn_split,
            split: format!("heads /{attn_tp}"),
            format: name(linear_fmt),
            bytes_per_rank: bytes(layer_share(n.attn_split), linear_fmt, attn_tp),
        },
    ];
    if n.attn_replicated > 0 {
        rows.push(ParamRow {
            id: "attention_replicated".into(),
            params: n.attn_replicated,
            split: "replicated (MLA down-projections)".into(),
            format: name(linear_fmt),
            bytes_per_rank: bytes(layer_share(n.attn_replicated), linear_fmt, 1),
        });
    }
    if n.mlp > 0 {
        rows.push(ParamRow {
            id: "mlp".into(),
            params: n.mlp,
            split: format!("/{tp}"),
            format: name(linear_fmt),
            bytes_per_rank: bytes(layer_share(n.mlp), linear_fmt, tp),
        });
    }
    if n.experts > 0 {
        rows.push(ParamRow {
            id: "experts".into(),
            params: n.experts,
            split: format!("/{tp} (TP or EP)"),
            format: name(format),
            bytes_per_rank: bytes(layer_share(n.experts), format, tp),
        });
    }
    if n.shared > 0 {
        rows.push(ParamRow {
            id: "shared_experts".into(),
            params: n.shared,
            split: format!("/{tp}"),
            format: name(linear_fmt),
            bytes_per_rank: bytes(layer_share(n.shared), linear_fmt, tp),
        });
    }
    if n.router > 0 {
        rows.push(ParamRow {
            id: "router".into(),
            params: n.router,
            split: "replicated".into(),
            format: name(dense),
            bytes_per_rank: bytes(layer_share(n.router), dense, 1),
        });
    }
    rows.push(ParamRow {
        id: "norms".into(),
        params: n.norms,
        split: "replicated".into(),
        format: name(dense),
        bytes_per_rank: bytes(layer_share(n.norms), dense, 1),
    });
    if n.vision > 0 {
        rows.push(ParamRow {
            id: "vision".into(),
            params: n.vision,
            split: "replicated (first stage)".into(),
            format: name(dense),
            bytes_per_rank: bytes(n.vision, dense, 1),
        });
    }
    let total_params = rows.iter().map(|r| r.params).sum();
    let bytes_per_rank = rows.iter().map(|r| r.bytes_per_rank).sum();
    WeightEstimate { total_params, rows, bytes_per_rank }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(name: &str) -> Option<ModelConfig> {
        let p = format!(
            "{}/../../tests/fixtures/capacity/model-configs/{name}/config.json",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&p).ok().map(|t| crate::model::parse_config(&t, &p).unwrap())
    }

    #[test]
    fn published_parameter_counts() {
        // Published totals: Llama-3.1-8B 8.03B, Qwen3-30B-A3B 30.5B, DeepSeek-V3 671B (without MTP).
        let cases = [
            ("meta-llama__Llama-3.1-8B-Instruct", 8.03e9),
            ("Qwen__Qwen3-30B-A3B", 30.5e9),
            ("deepseek-ai__DeepSeek-V3", 671.0e9),
        ];
        for (name, published) in cases {
            let Some(c) = load(name) else { continue };
            let layout = Layout { tp: 1, attn_tp: 1, pp: 1 };
            let e = estimate(&c, WeightFormat::Bf16, WeightFormat::Bf16, layout);
            let rel = (e.total_params as f64 - published).abs() / published;
            assert!(rel < 0.01, "{name}: {} vs {published} ({rel})", e.total_params);
        }
    }
}
