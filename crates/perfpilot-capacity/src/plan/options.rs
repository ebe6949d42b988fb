//! `plan` options (CLI flags and MCP JSON arguments).

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

fn one() -> u64 {
    1
}

/// Which framework's rules to apply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PlanFramework {
    /// SGLang.
    #[default]
    Sglang,
    /// vLLM.
    Vllm,
}

impl PlanFramework {
    /// `sglang` or `vllm` (the serialized name).
    pub fn as_str(self) -> &'static str {
        match self {
            PlanFramework::Sglang => "sglang",
            PlanFramework::Vllm => "vllm",
        }
    }
}

/// Which version of a framework's rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleVersion {
    /// Current: SGLang v0.5.x memory heuristics; vLLM V1 engine.
    #[default]
    Current,
    /// Legacy: SGLang <= v0.4.x (mem fraction by TP, request pool n+1); vLLM V0 engine.
    Legacy,
}

/// Options of `perfpilot capacity plan`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanOptions {
    /// Hugging Face `config.json` of the model.
    pub config: PathBuf,
    /// GPU name (`h100`, `h200`, `b200`, … see `data/gpus.toml`).
    pub gpu: String,
    /// A GPU table replacing the embedded one (same TOML shape).
    #[serde(default)]
    pub gpu_table: Option<PathBuf>,
    /// Framework sizing rules replacing the embedded `data/frameworks.toml` (same TOML shape).
    #[serde(default)]
    pub frameworks: Option<PathBuf>,
    /// Tensor-parallel size.
    #[serde(default = "one")]
    pub tp: u64,
    /// Pipeline-parallel size.
    #[serde(default = "one")]
    pub pp: u64,
    /// Data-parallel size (with `dp_attention`, attention runs at tp/dp).
    #[serde(default = "one")]
    pub dp: u64,
    /// SGLang DP-attention (each rank holds all KV heads of its attention group).
    #[serde(default)]
    pub dp_attention: bool,
    /// Weight dtype or quantization (`bf16`, `fp16`, `fp8`, `awq`, `mxfp4`, …); default from the config.
    #[serde(default)]
    pub dtype: Option<String>,
    /// KV cache dtype (`auto`, `fp8_e4m3`, `fp8_e5m2`, `fp4_e2m1`).
    #[serde(default)]
    pub kv_dtype: Option<String>,
    /// SGLang `--mem-fraction-static` (default: the framework's rule).
    #[serde(default)]
    pub mem_fraction: Option<f64>,
    /// vLLM `--gpu-memory-utilization` (default 0.9).
    #[serde(default)]
    pub gpu_memory_utilization: Option<f64>,
    /// Framework.
    #[serde(default)]
    pub framework: PlanFramework,
    /// Rule version.
    #[serde(default)]
    pub rules: RuleVersion,
    /// Context length / max_model_len (default: the config's max_position_embeddings).
    #[serde(default)]
    pub context_len: Option<u64>,
    /// Request lengths for the concurrency table (default 4096, 8192, 32768).
    #[serde(default)]
    pub request_tokens: Vec<u64>,
    /// `--max-running-requests` (SGLang) / `--max-num-seqs` (vLLM).
    #[serde(default)]
    pub max_running_requests: Option<u64>,
    /// SGLang `--max-total-tokens`.
    #[serde(default)]
    pub max_total_tokens: Option<u64>,
    /// SGLang `--chunked-prefill-size`.
    #[serde(default)]
    pub chunked_prefill_size: Option<u64>,
    /// vLLM `--max-num-batched-tokens`.
    #[serde(default)]
    pub max_num_batched_tokens: Option<u64>,
    /// SGLang `--page-size` / vLLM `--block-size`.
    #[serde(default)]
    pub page_size: Option<u64>,
    /// Use separate sliding-window pools (default: yes when the model has sliding layers).
    #[serde(default)]
    pub hybrid_swa: Option<bool>,
    /// SGLang `--swa-full-tokens-ratio`.
    #[serde(default)]
    pub swa_full_tokens_ratio: Option<f64>,
    /// SGLang `--max-mamba-cache-size`.
    #[serde(default)]
    pub max_mamba_cache_size: Option<u64>,
    /// SGLang `--mamba-full-memory-ratio`.
    #[serde(default)]
    pub mamba_full_memory_ratio: Option<f64>,
    /// SGLang `--disable-radix-cache` (1 mamba slot per request instead of 3).
    #[serde(default)]
    pub disable_radix_cache: bool,
    /// vLLM CUDA-graph memory estimate to subtract (graph profiling on), bytes.
    #[serde(default)]
    pub cuda_graph_estimate_bytes: Option<i64>,
    /// Calibration: measured weight bytes per rank (replaces the parameter-count estimate).
    #[serde(default)]
    pub weights_bytes: Option<i64>,
    /// Calibration: free bytes when the model runner starts (SGLang; replaces total - overhead).
    #[serde(default)]
    pub free_at_start_bytes: Option<i64>,
    /// Calibration: non-torch bytes (vLLM).
    #[serde(default)]
    pub non_torch_bytes: Option<i64>,
    /// Calibration: profiled activation peak bytes (vLLM).
    #[serde(default)]
    pub activation_bytes: Option<i64>,
    /// vLLM `--kv-cache-memory` (bytes): the KV budget, skipping the memory profile.
    #[serde(default)]
    pub kv_cache_memory_bytes: Option<i64>,
    /// Backend buffers allocated before KV sizing (e.g. an attention workspace), bytes.
    #[serde(default)]
    pub reserved_bytes: Option<i64>,
    /// What-ifs: `KEY=VALUE` (mem_fraction, kv_dtype, tp, context_len, max_running_requests).
    #[serde(default)]
    pub what_if: Vec<String>,
    /// A rule file replacing the embedded `config.json` reading rules (`model_config.toml`).
    #[serde(default)]
    pub model_rules: Option<PathBuf>,
    /// Config-field bounds and the parallelism rule replacing the embedded
    /// `data/limits.toml` (same TOML shape).
    #[serde(default)]
    pub limits: Option<PathBuf>,
}

impl PlanOptions {
    /// Options with defaults for everything but the config and GPU.
    pub fn new(config: impl Into<PathBuf>, gpu: impl Into<String>) -> PlanOptions {
        PlanOptions {
            config: config.into(),
            gpu: gpu.into(),
            gpu_table: None,
            frameworks: None,
            tp: 1,
            pp: 1,
            dp: 1,
            dp_attention: false,
            dtype: None,
            kv_dtype: None,
            mem_fraction: None,
            gpu_memory_utilization: None,
            framework: PlanFramework::Sglang,
            rules: RuleVersion::Current,
            context_len: None,
            request_tokens: Vec::new(),
            max_running_requests: None,
            max_total_tokens: None,
            chunked_prefill_size: None,
            max_num_batched_tokens: None,
            page_size: None,
            hybrid_swa: None,
            swa_full_tokens_ratio: None,
            max_mamba_cache_size: None,
            mamba_full_memory_ratio: None,
            disable_radix_cache: false,
            cuda_graph_estimate_bytes: None,
            weights_bytes: None,
            free_at_start_bytes: None,
            non_torch_bytes: None,
            activation_bytes: None,
            reserved_bytes: None,
            kv_cache_memory_bytes: None,
            what_if: Vec::new(),
            model_rules: None,
            limits: None,
        }
    }
}
