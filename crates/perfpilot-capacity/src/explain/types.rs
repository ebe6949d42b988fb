//! Result types of `explain`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{BreakdownRow, GpuInfo, Note, Setting, SourceLine};
use crate::scenario::ConcurrencyRow;
use crate::smi::SmiRow;
use crate::whatif::WhatIfReport;
use perfpilot_launchlog::RankId;

/// The stable id of a start-up stage (serialized snake_case; the schema keeps a string).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageId {
    /// Before weights (model runner start).
    Start,
    /// After weights.
    AfterWeights,
    /// After the KV / state pools.
    PoolEnd,
    /// Before CUDA-graph capture.
    CaptureBegin,
    /// After CUDA-graph capture.
    AfterCapture,
    /// Ready.
    Final,
}

impl StageId {
    /// The id as it appears in the output (`after_weights`).
    pub fn as_str(self) -> &'static str {
        match self {
            StageId::Start => "start",
            StageId::AfterWeights => "after_weights",
            StageId::PoolEnd => "pool_end",
            StageId::CaptureBegin => "capture_begin",
            StageId::AfterCapture => "after_capture",
            StageId::Final => "final",
        }
    }
}

/// The kind of a KV pool (serialized lowercase; the schema keeps a string).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolKind {
    /// Full-attention layers' pool beside a sliding-window one.
    Full,
    /// Sliding-window layers' pool.
    Swa,
    /// MLA latent pool.
    Mla,
    /// The one KV pool.
    Kv,
}

impl PoolKind {
    /// The kind as it appears in the output (`swa`).
    pub fn as_str(self) -> &'static str {
        match self {
            PoolKind::Full => "full",
            PoolKind::Swa => "swa",
            PoolKind::Mla => "mla",
            PoolKind::Kv => "kv",
        }
    }
}

/// Free device memory after one start-up stage, as the log printed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StageRow {
    /// Stable id: `start`, `after_weights`, `pool_end`, `capture_begin`, `after_capture`, `final`.
    #[schemars(with = "String")]
    pub id: StageId,
    /// Human label.
    pub stage: String,
    /// Free bytes.
    pub free_bytes: i64,
    /// How it was obtained (`printed` or a derivation).
    pub how: String,
    /// Source line.
    pub source: Option<SourceLine>,
}

/// One KV pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KvPoolRow {
    /// `full`, `swa`, `mla` or `kv`.
    #[schemars(with = "String")]
    pub pool: PoolKind,
    /// Token slots.
    pub tokens: u64,
    /// Bytes (printed GiB x 2^30).
    pub bytes: Option<i64>,
    /// Sizes as printed.
    pub printed: Option<String>,
    /// dtype, when printed.
    pub dtype: Option<String>,
    /// Source.
    pub source: SourceLine,
}

/// Bytes per token derived from printed sizes, with the window the rounding allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DerivedPerToken {
    /// bytes / tokens.
    pub value: f64,
    /// Lowest value the printed rounding allows.
    pub min: f64,
    /// Highest value the printed rounding allows.
    pub max: f64,
    /// Derivation.
    pub derivation: String,
}

/// Linear-attention (mamba) state pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StateDetail {
    /// Slots (`max_mamba_cache_size`).
    pub slots: u64,
    /// Bytes (conv + ssm + intermediate).
    pub bytes: i64,
    /// Bytes per slot from the log.
    pub per_slot_log: Option<DerivedPerToken>,
    /// Bytes per slot from the config.
    pub per_slot_config: Option<u64>,
    /// Config formula.
    pub formula: Option<String>,
    /// Source.
    pub source: SourceLine,
}

/// KV detail of one rank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KvDetail {
    /// Pools as the log printed them.
    pub pools: Vec<KvPoolRow>,
    /// Bytes per token of the full (or only) pool, from the log.
    pub log_bytes_per_token: Option<DerivedPerToken>,
    /// Bytes per token of the sliding-window pool, from the log.
    pub log_swa_bytes_per_token: Option<DerivedPerToken>,
    /// Bytes per token from the config (full layers).
    pub config_bytes_per_token: Option<u64>,
    /// Bytes per token from the config (sliding layers).
    pub config_swa_bytes_per_token: Option<u64>,
    /// The config formula.
    pub config_formula: Option<String>,
    /// True when the config value lies in the log's rounding window.
    pub matches_config: Option<bool>,
    /// The state pool.
    pub state: Option<StateDetail>,
}

/// One rank's explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RankReport {
    /// Label (`TP3`, `DP1 TP2 EP2`, `all`).
    pub rank: String,
    /// Parsed prefix.
    pub rank_id: RankId,
    /// Free memory after each stage.
    pub stages: Vec<StageRow>,
    /// Memory breakdown.
    pub breakdown: Vec<BreakdownRow>,
    /// KV detail.
    pub kv: KvDetail,
    /// Weights on this rank, bytes.
    pub weights_bytes: Option<i64>,
    /// KV pool bytes (all pools).
    pub kv_pool_bytes: Option<i64>,
    /// CUDA-graph bytes (all captures).
    pub cuda_graph_bytes: Option<i64>,
    /// Free at the end of start-up.
    pub final_free_bytes: Option<i64>,
}

/// A replay of the framework's sizing rule with the log's own numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Replay {
    /// What was replayed.
    pub rule: String,
    /// Tokens the rule gives.
    pub predicted_tokens: i64,
    /// Tokens the log states.
    pub logged_tokens: i64,
    /// (predicted - logged) / logged, percent.
    pub error_pct: f64,
    /// Inputs and steps.
    pub steps: Vec<String>,
}

/// The result of `explain`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExplainReport {
    /// `sglang`, `vllm` or `unknown`.
    pub framework: String,
    /// Version, when the log says.
    pub version: Option<String>,
    /// Model class or path, when the log says.
    pub model: Option<String>,
    /// The device total used, and where it came from.
    pub gpu: Option<GpuInfo>,
    /// Settings in force, each with its source.
    pub settings: Vec<Setting>,
    /// Stages found, in start-up order.
    pub found: Vec<String>,
    /// What the log does not say.
    pub missing: Vec<String>,
    /// The rank shown in detail.
    pub selected_rank: String,
    /// Every rank.
    pub ranks: Vec<RankReport>,
    /// Concurrency per request length.
    pub concurrency: Vec<ConcurrencyRow>,
    /// Replays of the sizing rule.
    pub replay: Vec<Replay>,
    /// nvidia-smi rows, when given.
    pub smi: Vec<SmiRow>,
    /// Other observations (retractions, start-up errors, capture progress).
    pub observations: Vec<String>,
    /// Tuning notes.
    pub notes: Vec<Note>,
    /// What-if comparison.
    pub what_if: Option<WhatIfReport>,
    /// Every value the log states, under its semantic key (`docs/capacity.md`, "Stated
    /// values"), in line order, each with its launch (a paste can hold several), unit and line;
    /// empty unless asked for (`--stated`).
    pub stated: Vec<crate::stated::StatedValue>,
    /// Lines read.
    pub lines: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_serialize_as_their_names() {
        use StageId::*;
        for id in [Start, AfterWeights, PoolEnd, CaptureBegin, AfterCapture, Final] {
            assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{}\"", id.as_str()));
        }
        for k in [PoolKind::Full, PoolKind::Swa, PoolKind::Mla, PoolKind::Kv] {
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.as_str()));
        }
    }
}
