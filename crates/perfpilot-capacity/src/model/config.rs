//! Hugging Face `config.json` → the architecture numbers a memory planner needs.
//! Nested `text_config` / `language_config` / `llm_config` are flattened over the top level.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::limits::Limits;
use crate::CapacityError;

/// What kind of token mixer a layer has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LayerKind {
    /// Full attention (MHA, GQA or MLA).
    Full,
    /// Sliding-window attention.
    Sliding,
    /// Linear attention / state-space layer (mamba, Gated-DeltaNet, …): a fixed state per request.
    Linear,
}

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
    /// Per-layer kind.
    pub layer_kinds: Vec<LayerKind>,
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
    /// Layers of a kind.
    pub fn count(&self, kind: LayerKind) -> u64 {
        self.layer_kinds.iter().filter(|k| **k == kind).count() as u64
    }

    /// Parse config text; `path` names it in errors.
    pub fn from_json_str(text: &str, path: &str) -> Result<ModelConfig, CapacityError> {
        let root: Value = serde_json::from_str(text).map_err(|e| CapacityError::Config {
            path: path.to_string(),
            message: format!("not valid JSON at line {} column {}: {e}", e.line(), e.column()),
        })?;
        let Value::Object(top) = root else {
            return Err(CapacityError::Config {
                path: path.to_string(),
                message: "expected a JSON object at the top level".into(),
            });
        };
        from_map(&flatten(&top), &top, path)
    }

    /// Read and parse a config file.
    pub fn from_file(path: &std::path::Path) -> Result<ModelConfig, CapacityError> {
        let text = perfpilot_io::read_to_string_bounded(path)
            .map_err(|source| CapacityError::Io { path: path.to_path_buf(), source })?;
        ModelConfig::from_json_str(&text, &path.display().to_string())
    }
}

/// The top level with the nested text model's keys laid over it.
fn flatten(top: &Map<String, Value>) -> Map<String, Value> {
    let mut out = top.clone();
    for nested in ["text_config", "language_config", "llm_config"] {
        if let Some(Value::Object(inner)) = top.get(nested) {
            for (k, v) in inner {
                if k == "architectures" && out.contains_key(k) {
                    continue;
                }
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

fn u(m: &Map<String, Value>, keys: &[&str]) -> Option<u64> {
    keys.iter().find_map(|k| match m.get(*k)? {
        Value::Number(n) => {
            n.as_u64().or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
        }
        _ => None,
    })
}

fn s(m: &Map<String, Value>, key: &str) -> Option<String> {
    m.get(key).and_then(Value::as_str).map(str::to_string)
}

fn need(m: &Map<String, Value>, keys: &[&str], path: &str) -> Result<u64, CapacityError> {
    u(m, keys).ok_or_else(|| CapacityError::Config {
        path: path.to_string(),
        message: format!(
            "missing numeric field `{}` (also looked in text_config/language_config/llm_config)",
            keys[0]
        ),
    })
}

fn from_map(
    m: &Map<String, Value>,
    top: &Map<String, Value>,
    path: &str,
) -> Result<ModelConfig, CapacityError> {
    let mut assumptions = Vec::new();
    let architecture = top
        .get("architectures")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_string();
    let model_type = s(m, "model_type").unwrap_or_default();
    let hidden_size = need(m, &["hidden_size", "d_model", "n_embd"], path)?;
    let num_layers = need(m, &["num_hidden_layers", "n_layer", "num_layers"], path)?;
    // Checked before anything is sized by it (one entry per layer is allocated below).
    let limits = Limits::embedded()?;
    limits.check_field(path, "num_hidden_layers", num_layers)?;
    limits.check_field(path, "hidden_size", hidden_size)?;
    let num_heads = need(m, &["num_attention_heads", "n_head"], path)?;
    let num_kv_heads = u(m, &["num_key_value_heads", "num_kv_heads"]).unwrap_or_else(|| {
        assumptions.push("num_key_value_heads absent: MHA (kv heads = attention heads)".into());
        num_heads
    });
    let head_dim = u(m, &["head_dim"]).unwrap_or(hidden_size / num_heads.max(1));
    let gemma3 = model_type.starts_with("gemma3");
    let vocab_size = match u(m, &["vocab_size"]) {
        Some(v) => v,
        None if gemma3 => {
            assumptions.push("vocab_size absent: Gemma3TextConfig default 262208".into());
            262_208
        }
        None => need(m, &["vocab_size"], path)?,
    };
    let tie_word_embeddings = m
        .get("tie_word_embeddings")
        .and_then(Value::as_bool)
        .unwrap_or(model_type.starts_with("gemma"));
    let intermediate_size =
        u(m, &["intermediate_size", "ffn_dim", "n_inner"]).unwrap_or(4 * hidden_size);
    let max_position_embeddings = u(m, &["max_position_embeddings", "max_seq_len", "seq_length"])
        .or_else(|| gemma3.then_some(131_072));
    let torch_dtype = s(m, "torch_dtype").or_else(|| s(m, "dtype"));
    let quantization = m.get("quantization_config").and_then(Value::as_object).map(|q| {
        let method = q.get("quant_method").and_then(Value::as_str).unwrap_or("unknown");
        let fmt = q.get("fmt").and_then(Value::as_str);
        let bits = q
            .get("bits")
            .and_then(Value::as_u64)
            .or_else(|| q.get("w_bit").and_then(Value::as_u64));
        match (fmt, bits) {
            (Some(f), _) => format!("{method}:{f}"),
            (None, Some(b)) => format!("{method}:{b}bit"),
            _ => method.to_string(),
        }
    });

    let mla = u(m, &["kv_lora_rank"]).map(|kv_lora_rank| Mla {
        q_lora_rank: u(m, &["q_lora_rank"]),
        kv_lora_rank,
        qk_nope_head_dim: u(m, &["qk_nope_head_dim"]).unwrap_or(128),
        qk_rope_head_dim: u(m, &["qk_rope_head_dim"]).unwrap_or(64),
        v_head_dim: u(m, &["v_head_dim"]).unwrap_or(128),
    });
    let v_head_dim = match &mla {
        Some(x) => x.v_head_dim,
        None => u(m, &["v_head_dim"]).unwrap_or(head_dim),
    };

    let num_experts = u(m, &["n_routed_experts", "num_experts", "num_local_experts"]).unwrap_or(0);
    let moe = (num_experts > 1).then(|| {
        let shared_int = u(m, &["shared_expert_intermediate_size"]).unwrap_or(0);
        let n_shared = u(m, &["n_shared_experts"]).unwrap_or(if shared_int > 0 { 1 } else { 0 });
        let expert_intermediate = u(m, &["moe_intermediate_size"]).unwrap_or(intermediate_size);
        Moe {
            num_experts,
            top_k: u(m, &["num_experts_per_tok", "experts_per_token", "moe_topk"]).unwrap_or(2),
            expert_intermediate,
            shared_experts: n_shared,
            shared_intermediate: if shared_int > 0 { shared_int } else { expert_intermediate },
            first_dense: u(m, &["first_k_dense_replace"]).unwrap_or(0),
        }
    });

    let linear = u(m, &["linear_num_value_heads"]).map(|v| LinearAttn {
        num_key_heads: u(m, &["linear_num_key_heads"]).unwrap_or(v),
        num_value_heads: v,
        key_head_dim: u(m, &["linear_key_head_dim"]).unwrap_or(128),
        value_head_dim: u(m, &["linear_value_head_dim"]).unwrap_or(128),
        conv_kernel: u(m, &["linear_conv_kernel_dim"]).unwrap_or(4),
    });

    let sliding = u(m, &["sliding_window"]);
    let use_sliding = m.get("use_sliding_window").and_then(Value::as_bool);
    let max_pos = max_position_embeddings.unwrap_or(u64::MAX);
    let (layer_kinds, sliding_window) = layer_kinds(
        m,
        &model_type,
        num_layers,
        sliding,
        use_sliding,
        max_pos,
        linear.is_some(),
        &mut assumptions,
    );

    let mtp_layers = u(m, &["num_nextn_predict_layers"]).unwrap_or(0);
    let attention_bias = m.get("attention_bias").and_then(Value::as_bool).unwrap_or(false)
        || model_type.starts_with("qwen2");
    let vision_params =
        top.get("vision_config").and_then(Value::as_object).map(vision_params).unwrap_or(0);
    let config = ModelConfig {
        architecture,
        model_type,
        hidden_size,
        num_layers,
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
        sliding_window,
        layer_kinds,
        mla,
        moe,
        linear,
        attention_bias,
        mtp_layers,
        vision_params,
        assumptions,
    };
    limits.check_config(&config, path)?;
    Ok(config)
}

#[allow(clippy::too_many_arguments)]
fn layer_kinds(
    m: &Map<String, Value>,
    model_type: &str,
    n: u64,
    sliding: Option<u64>,
    use_sliding: Option<bool>,
    max_pos: u64,
    has_linear: bool,
    assumptions: &mut Vec<String>,
) -> (Vec<LayerKind>, Option<u64>) {
    let n = n as usize;
    if let Some(types) = m.get("layer_types").and_then(Value::as_array) {
        let kinds: Vec<LayerKind> = types
            .iter()
            .map(|t| match t.as_str().unwrap_or("") {
                s if s.contains("sliding") || s.contains("local") || s.contains("chunked") => {
                    LayerKind::Sliding
                }
                s if s.contains("linear") || s.contains("mamba") || s.contains("deltanet") => {
                    LayerKind::Linear
                }
                _ => LayerKind::Full,
            })
            .collect();
        if kinds.len() == n {
            let w = kinds.contains(&LayerKind::Sliding).then_some(sliding).flatten();
            return (kinds, w);
        }
    }
    if has_linear {
        let interval = u(m, &["full_attention_interval"]).unwrap_or(4).max(1) as usize;
        let kinds = (0..n)
            .map(|i| if (i + 1) % interval == 0 { LayerKind::Full } else { LayerKind::Linear })
            .collect();
        return (kinds, None);
    }
    let window = match sliding {
        Some(w) if use_sliding != Some(false) && w < max_pos => w,
        _ => return (vec![LayerKind::Full; n], None),
    };
    if model_type.starts_with("gemma3") {
        let pattern = u(m, &["sliding_window_pattern"]).unwrap_or_else(|| {
            assumptions.push(
                "sliding_window_pattern absent: Gemma 3 default 6 (5 local : 1 global)".into(),
            );
            6
        }) as usize;
        let kinds =
            (0..n)
                .map(|i| {
                    if (i + 1) % pattern.max(1) == 0 { LayerKind::Full } else { LayerKind::Sliding }
                })
                .collect();
        return (kinds, Some(window));
    }
    if model_type.starts_with("gemma2") {
        assumptions.push(
            "gemma2 without layer_types: sliding and full layers alternate, sliding first".into(),
        );
        let kinds =
            (0..n).map(|i| if i % 2 == 0 { LayerKind::Sliding } else { LayerKind::Full }).collect();
        return (kinds, Some(window));
    }
    // Mistral-style: every layer uses the window.
    (vec![LayerKind::Sliding; n], Some(window))
}

/// A SigLIP/ViT-style tower: per layer 4h² (attention) + 2·h·i (MLP), plus patch embedding.
fn vision_params(v: &Map<String, Value>) -> u64 {
    // In 128 bits, saturating: absurd towers become u64::MAX and fail the parameter bound.
    let f = |k: &str| u(v, &[k]).map(u128::from);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemma3_nested_text_config() {
        let text = r#"{"architectures":["Gemma3ForConditionalGeneration"],"model_type":"gemma3",
            "text_config":{"head_dim":128,"hidden_size":5376,"intermediate_size":21504,"model_type":"gemma3_text",
            "num_attention_heads":32,"num_hidden_layers":62,"num_key_value_heads":16,"sliding_window":1024},
            "torch_dtype":"bfloat16","vision_config":{"hidden_size":1152,"num_hidden_layers":27,"intermediate_size":4304}}"#;
        let c = ModelConfig::from_json_str(text, "inline").unwrap();
        assert_eq!(c.num_layers, 62);
        assert_eq!(c.num_kv_heads, 16);
        assert_eq!(c.count(LayerKind::Full), 10);
        assert_eq!(c.count(LayerKind::Sliding), 52);
        assert_eq!(c.vocab_size, 262_208);
        assert!(c.vision_params > 400_000_000);
        assert!(!c.assumptions.is_empty());
    }

    #[test]
    fn bad_json_names_position() {
        let e = ModelConfig::from_json_str("{\n \"a\": }", "x.json").unwrap_err().to_string();
        assert!(e.contains("x.json") && e.contains("line 2"), "{e}");
        let e = ModelConfig::from_json_str("{}", "y.json").unwrap_err().to_string();
        assert!(e.contains("hidden_size"), "{e}");
    }
}
