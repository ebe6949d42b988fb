//! The architecture numbers a memory planner needs: widths, heads, KV layout (GQA or MLA),
//! MoE, linear attention, dtype and quantization, on top of the per-layer [`Layout`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::json::uint_in;
use crate::{HfConfig, KvKind, Layout, MlpKind, ModelConfigError, Rules};

/// Multi-head latent attention (DeepSeek V2/V3, Kimi K2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Mla {
    /// Query LoRA rank (None: no query compression).
    pub q_lora_rank: Option<u64>,
    /// Latent KV rank.
    pub kv_lora_rank: u64,
    /// Non-rotary query/key head dimension.
    pub qk_nope_head_dim: u64,
    /// Rotary head dimension.
    pub qk_rope_head_dim: u64,
    /// Value head dimension.
    pub v_head_dim: u64,
}

/// Mixture of experts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Moe {
    /// Routed experts.
    pub num_experts: u64,
    /// Experts per token.
    pub top_k: u64,
    /// Intermediate size of one routed expert.
    pub expert_intermediate: u64,
    /// Shared experts (DeepSeek `n_shared_experts`) or 1 for a Qwen shared expert.
    pub shared_experts: u64,
    /// Intermediate size of one shared expert.
    pub shared_intermediate: u64,
    /// Layers `0..first_dense` use a dense MLP.
    pub first_dense: u64,
}

/// Linear-attention (Gated-DeltaNet style) dimensions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LinearAttn {
    /// Key heads.
    pub num_key_heads: u64,
    /// Value heads.
    pub num_value_heads: u64,
    /// Key head dim.
    pub key_head_dim: u64,
    /// Value head dim.
    pub value_head_dim: u64,
    /// Causal-conv kernel width.
    pub conv_kernel: u64,
}

/// The numbers a planner needs, read from `config.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ModelConfig {
    /// `architectures[0]`.
    pub architecture: String,
    /// `model_type` (of the text model when nested).
    pub model_type: String,
    /// Hidden size.
    pub hidden_size: u64,
    /// Decoder layers.
    pub num_layers: u64,
    /// Attention heads.
    pub num_heads: u64,
    /// KV heads.
    pub num_kv_heads: u64,
    /// Head dimension (K).
    pub head_dim: u64,
    /// Value head dimension.
    pub v_head_dim: u64,
    /// Dense MLP intermediate size.
    pub intermediate_size: u64,
    /// Vocabulary size.
    pub vocab_size: u64,
    /// Input and output embeddings shared.
    pub tie_word_embeddings: bool,
    /// `max_position_embeddings`.
    pub max_position_embeddings: Option<u64>,
    /// `torch_dtype` / `dtype`.
    pub torch_dtype: Option<String>,
    /// `quantization_config.quant_method` (plus `fmt`/`bits` when stated).
    pub quantization: Option<String>,
    /// Sliding window size, when some layers slide.
    pub sliding_window: Option<u64>,
    /// Per-layer KV kind.
    pub layer_kinds: Vec<KvKind>,
    /// Per-layer MLP kind.
    pub mlp_kinds: Vec<MlpKind>,
    /// MLA dimensions.
    pub mla: Option<Mla>,
    /// MoE dimensions.
    pub moe: Option<Moe>,
    /// Linear-attention dimensions.
    pub linear: Option<LinearAttn>,
    /// Attention projections have a bias.
    pub attention_bias: bool,
    /// Extra decoder layers stored for multi-token prediction (not loaded without speculative decoding).
    pub mtp_layers: u64,
    /// Parameters of a vision tower, estimated from `vision_config` (0 when none).
    pub vision_params: u64,
    /// Assumptions made for fields the file leaves to class defaults.
    pub assumptions: Vec<String>,
}

impl ModelConfig {
    /// Layers of a KV kind.
    pub fn count(&self, kind: KvKind) -> u64 {
        self.layer_kinds.iter().filter(|k| **k == kind).count() as u64
    }
}

impl HfConfig {
    /// The architecture numbers (and the layout they rest on).
    pub fn model(&self, rules: &Rules) -> Result<(ModelConfig, Layout), ModelConfigError> {
        let mt = self.model_type().to_string();
        let hidden_size = self.need(rules, "hidden_size")?;
        let layout = self.layout(rules)?;
        let mut assumptions = Vec::new();
        let num_heads = self.need(rules, "num_heads")?;
        let num_kv_heads = self.u(rules, "num_kv_heads").unwrap_or_else(|| {
            assumptions.push("num_key_value_heads absent: MHA (kv heads = attention heads)".into());
            num_heads
        });
        let head_dim = self.u(rules, "head_dim").unwrap_or(hidden_size / num_heads.max(1));
        let vocab_size = match self.u(rules, "vocab_size") {
            Some(v) => v,
            None => match rules.default_for("vocab_size", &mt) {
                Some(d) if d.value.as_integer().is_some_and(|v| v > 0) => {
                    assumptions.extend(d.note.clone());
                    d.value.as_integer().and_then(|v| u64::try_from(v).ok()).unwrap_or(0)
                }
                _ => self.need(rules, "vocab_size")?,
            },
        };
        let tie_word_embeddings = self
            .flag(rules, "tie_word_embeddings")
            .unwrap_or_else(|| rules.default_bool("tie_word_embeddings", &mt));
        let intermediate_size =
            self.u(rules, "intermediate_size").unwrap_or(hidden_size.saturating_mul(4));
        let max_position_embeddings = self.max_position(rules);
        let torch_dtype = self.text(rules, "dtype").map(str::to_string);
        let quantization = self.quantization(rules);
        let mla = self.u(rules, "kv_lora_rank").map(|kv_lora_rank| Mla {
            q_lora_rank: self.u(rules, "q_lora_rank"),
            kv_lora_rank,
            qk_nope_head_dim: self.u_or(rules, "qk_nope_head_dim", "qk_nope_head_dim"),
            qk_rope_head_dim: self.u_or(rules, "qk_rope_head_dim", "qk_rope_head_dim"),
            v_head_dim: self.u_or(rules, "v_head_dim", "mla_v_head_dim"),
        });
        let v_head_dim = match &mla {
            Some(x) => x.v_head_dim,
            None => self.u(rules, "v_head_dim").unwrap_or(head_dim),
        };
        let moe = self.moe(rules, intermediate_size);
        let linear = self.u(rules, "linear_num_value_heads").map(|v| LinearAttn {
            num_key_heads: self.u(rules, "linear_num_key_heads").unwrap_or(v),
            num_value_heads: v,
            key_head_dim: self.u_or(rules, "linear_key_head_dim", "linear_key_head_dim"),
            value_head_dim: self.u_or(rules, "linear_value_head_dim", "linear_value_head_dim"),
            conv_kernel: self.u_or(rules, "linear_conv_kernel", "linear_conv_kernel"),
        });
        let attention_bias = self
            .flag(rules, "attention_bias")
            .unwrap_or_else(|| rules.default_bool("attention_bias", &mt));
        let vision_params = self.top_object(rules, "vision_config").map(vision_params).unwrap_or(0);
        // Head and vocabulary defaults first, then the layout's (sliding pattern, …).
        assumptions.extend(layout.assumptions.iter().cloned());
        let config = ModelConfig {
            architecture: self.architecture().unwrap_or("unknown").to_string(),
            model_type: mt,
            hidden_size,
            num_layers: layout.num_layers() as u64,
            num_heads,
            num_kv_heads,
            head_dim,
            v_head_dim,
            intermediate_size,
            vocab_size,
            tie_word_embeddings,
            max_position_embeddings,
            torch_dtype,
            quantization,
            sliding_window: layout.sliding_window,
            layer_kinds: layout.layers.iter().map(|l| l.kv).collect(),
            mlp_kinds: layout.layers.iter().map(|l| l.mlp).collect(),
            mla,
            moe,
            linear,
            attention_bias,
            mtp_layers: self.u(rules, "mtp_layers").unwrap_or(0),
            vision_params,
            assumptions,
        };
        Ok((config, layout))
    }

    fn need(&self, rules: &Rules, field: &str) -> Result<u64, ModelConfigError> {
        self.u(rules, field).ok_or_else(|| {
            let nested: Vec<&str> = rules.nested.iter().map(|r| r.key.as_str()).collect();
            self.invalid(format!(
                "missing numeric field `{}` (also looked in {})",
                rules.keys(field).first().map(String::as_str).unwrap_or(field),
                nested.join("/")
            ))
        })
    }

    /// A field, or its rule-file default for this model type.
    fn u_or(&self, rules: &Rules, field: &str, default: &str) -> u64 {
        self.u(rules, field).unwrap_or_else(|| rules.default_u64(default, self.model_type()))
    }

    fn quantization(&self, rules: &Rules) -> Option<String> {
        let q = rules.keys("quantization").iter().find_map(|k| self.flat.get(k)?.as_object())?;
        let text = |field: &str| rules.keys(field).iter().find_map(|k| q.get(k)?.as_str());
        let method = text("quant_method").unwrap_or("unknown");
        let bits = rules.keys("quant_bits").iter().find_map(|k| q.get(k)?.as_u64());
        Some(match (text("quant_format"), bits) {
            (Some(f), _) => format!("{method}:{f}"),
            (None, Some(b)) => format!("{method}:{b}bit"),
            _ => method.to_string(),
        })
    }

    fn moe(&self, rules: &Rules, intermediate_size: u64) -> Option<Moe> {
        let num_experts = self.u(rules, "num_experts").unwrap_or(0);
        if num_experts <= 1 {
            return None;
        }
        let shared_int = self.u(rules, "shared_expert_intermediate_size").unwrap_or(0);
        let n_shared =
            self.u(rules, "shared_experts").unwrap_or(if shared_int > 0 { 1 } else { 0 });
        let expert_intermediate =
            self.u(rules, "expert_intermediate_size").unwrap_or(intermediate_size);
        Some(Moe {
            num_experts,
            top_k: self.u_or(rules, "experts_per_token", "experts_per_token"),
            expert_intermediate,
            shared_experts: n_shared,
            shared_intermediate: if shared_int > 0 { shared_int } else { expert_intermediate },
            first_dense: self.u(rules, "first_dense_layers").unwrap_or(0),
        })
    }
}

/// A SigLIP/ViT-style tower: per layer 4h² (attention) + 2·h·i (MLP), plus patch embedding.
fn vision_params(v: &Map<String, Value>) -> u64 {
    // In 128 bits, saturating: absurd towers become u64::MAX and fail the parameter bound.
    let f = |k: &str| uint_in(v, &[k.to_string()]).map(|(_, x)| u128::from(x));
    let h = f("hidden_size").unwrap_or(0);
    let l = f("num_hidden_layers").unwrap_or(0);
    let i = f("intermediate_size").unwrap_or(4 * h);
    let patch = f("patch_size").unwrap_or(14);
    let image = f("image_size").unwrap_or(224);
    let positions = (image / patch.max(1)).saturating_pow(2);
    let layer = (4 * h).saturating_mul(h).saturating_add((2 * h).saturating_mul(i)) + 9 * h + i;
    let total = l
        .saturating_mul(layer)
        .saturating_add((3 * patch).saturating_mul(patch).saturating_mul(h))
        .saturating_add(positions.saturating_mul(h));
    u64::try_from(total).unwrap_or(u64::MAX)
}
