//! Model configs: reading HF `config.json`, counting parameters, pricing the KV cache.

mod config;
mod dtype;
mod kv;
mod limits;
mod params;

pub use config::{LayerKind, LinearAttn, Mla, ModelConfig, Moe};
pub use dtype::{KvFormat, WeightFormat};
pub use kv::{KvCost, KvLayout, kv_cost};
pub use limits::{FieldLimit, Limits, ParallelRule};
pub use params::{Layout, ParamRow, WeightEstimate, estimate};
