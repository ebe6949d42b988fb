//! Model configs: reading HF `config.json`, counting parameters, pricing the KV cache.

mod config;
mod dtype;
mod kv;
mod limits;
mod params;

pub use config::{
    KvKind, LinearAttn, Mla, MlpKind, ModelConfig, Moe, model_rules, parse_config,
    parse_config_limited, parse_config_with, read_config, read_config_limited,
};
pub use dtype::{KvFormat, WeightFormat};
pub use kv::{KvCost, KvLayout, kv_cost};
pub use limits::{FieldLimit, Limits, ParallelRule};
pub use params::{Layout, ParamRow, WeightEstimate, estimate};
