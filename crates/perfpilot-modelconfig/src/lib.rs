//! One reader of Hugging Face `config.json`, shared by `capacity` (memory planning) and
//! `trace layers` / `trace diff` (per-layer kernel tables), so both see the same model.
//!
//! It lifts nested `text_config` / `language_config` / `llm_config` blocks, resolves the
//! per-layer token mixer (`layer_types`, `layers_block_type`, Nemotron-H patterns,
//! Kimi-Linear layer lists, Qwen3-Next `full_attention_interval`, sliding-window patterns
//! with the Gemma defaults, Qwen2 `max_window_layers`, Mistral windows), the MLP of each
//! layer (dense / MoE: `first_k_dense_replace`, `decoder_sparse_step`, `mlp_only_layers`),
//! head dims, KV heads, MLA ranks, MoE and linear-attention sizes, dtype and quantization.
//!
//! Code holds the mechanism; the knowledge (key names, nesting, defaults per model type,
//! layer-type vocabulary), each entry with its source, is the data file
//! `data/model_config.toml`, replaceable with [`Rules::from_file`] (`--model-rules FILE`).
//!
//! ```
//! use perfpilot_modelconfig::{HfConfig, KvKind, Rules};
//!
//! let rules = Rules::embedded().unwrap();
//! let text = r#"{"model_type": "gemma2", "num_hidden_layers": 4, "sliding_window": 4096,
//!                "max_position_embeddings": 8192, "hidden_size": 8, "num_attention_heads": 2,
//!                "vocab_size": 10}"#;
//! let cfg = HfConfig::parse(text, "config.json", rules).unwrap();
//! let layout = cfg.layout(rules).unwrap();
//! assert_eq!(layout.count(KvKind::Sliding), 2);
//! let (model, _) = cfg.model(rules).unwrap();
//! assert_eq!(model.num_kv_heads, 2);
//! ```
#![deny(missing_docs)]

mod error;
mod json;
mod layout;
mod model;
mod rules;

pub use error::ModelConfigError;
pub use json::HfConfig;
pub use layout::{KvKind, Layer, Layout, MlpKind};
pub use model::{LinearAttn, Mla, ModelConfig, Moe};
pub use rules::{EMBEDDED_MODEL_RULES, RULES_SCHEMA, Rules};
