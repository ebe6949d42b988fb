//! Framework sizing rules (data in `data/frameworks.toml`, replaced by `--frameworks FILE`).

use std::path::Path;

use serde::Deserialize;

use crate::CapacityError;

const EMBEDDED: &str = include_str!("../data/frameworks.toml");

/// Legacy mem-fraction row.
#[derive(Debug, Clone, Deserialize)]
pub struct LegacyRow {
    /// Smallest TP size the row applies to.
    pub min_tp: u64,
    /// mem_fraction_static.
    pub value: f64,
}

/// v0.5 GPU-memory bucket.
#[derive(Debug, Clone, Deserialize)]
pub struct GpuBucket {
    /// Devices smaller than this (MB) use the row.
    pub below_mb: u64,
    /// Default chunked prefill size.
    pub chunked_prefill_size: u64,
    /// cuda_graph_max_bs for tp < 4 and tp >= 4.
    pub cuda_graph_max_bs: [u64; 2],
}

/// v0.5 reserve constants.
#[derive(Debug, Clone, Deserialize)]
pub struct Reserve {
    /// Base MB.
    pub base_mb: f64,
    /// Chunk floor.
    pub min_chunk: u64,
    /// MB per chunk token.
    pub chunk_factor: f64,
    /// MB per captured batch size.
    pub per_graph_bs_mb: f64,
    /// MB per 8 ranks (tp x pp).
    pub per_8_ranks_mb: f64,
    /// DP-attention MB per bs x dp.
    pub dp_attention_per_bs_dp_mb: f64,
    /// Floor on GPUs above `min_reserve_above_mb`.
    pub min_reserve_mb_above_60gb: f64,
    /// Devices larger than this (MB) take the reserve floor.
    pub min_reserve_above_mb: u64,
    /// cuda_graph_max_bs above which the DP-attention reserve grows.
    pub dp_attention_large_bs: u64,
    /// Factor on the DP-attention reserve above that batch size.
    pub dp_attention_large_bs_factor: f64,
    /// EAGLE-like draft reserve.
    pub eagle_mb: f64,
    /// STANDALONE draft reserve.
    pub standalone_mb: f64,
}

/// Request-pool rule.
#[derive(Debug, Clone, Deserialize)]
pub struct Requests {
    /// Tokens-per-context factor.
    pub factor: f64,
    /// Floor.
    pub floor: u64,
    /// Ceiling.
    pub ceil: u64,
    /// Legacy pool extra slot.
    pub legacy_pool_extra: u64,
}

/// SGLang defaults.
#[derive(Debug, Clone, Deserialize)]
pub struct SglangDefaults {
    /// Page size.
    pub page_size: u64,
    /// SWA ratio.
    pub swa_full_tokens_ratio: f64,
    /// Mamba/full memory ratio.
    pub mamba_full_memory_ratio: f64,
    /// Mamba slots per running request with radix cache.
    pub mamba_slots_per_request_radix: u64,
    /// SSM state bytes per element.
    pub mamba_ssm_bytes: u64,
}

/// SGLang rules.
#[derive(Debug, Clone, Deserialize)]
pub struct SglangRules {
    /// Where read from.
    pub source: String,
    /// Legacy (<= v0.4) default chunked prefill size.
    pub legacy_chunked_prefill_size: u64,
    /// TP size from which a bucket's second cuda_graph_max_bs column applies.
    pub graph_bs_tp_split: u64,
    /// Legacy fractions.
    pub legacy_mem_fraction: Vec<LegacyRow>,
    /// v0.5 buckets.
    pub gpu_bucket: Vec<GpuBucket>,
    /// v0.5 reserve.
    pub reserve: Reserve,
    /// Request pool.
    pub requests: Requests,
    /// Defaults.
    pub defaults: SglangDefaults,
}

/// vLLM rules.
#[derive(Debug, Clone, Deserialize)]
pub struct VllmRules {
    /// Where read from.
    pub source: String,
    /// Default block size.
    pub block_size: u64,
    /// Default utilization.
    pub gpu_memory_utilization: f64,
    /// Large-GPU threshold.
    pub large_gpu_min_bytes: i64,
    /// Name fragments (lowercase) of devices that take the small defaults whatever their size.
    pub small_gpu_names: Vec<String>,
    /// max_num_seqs on large GPUs.
    pub max_num_seqs_large: u64,
    /// max_num_seqs otherwise.
    pub max_num_seqs_small: u64,
    /// max_num_batched_tokens on large GPUs.
    pub max_num_batched_tokens_large: u64,
    /// max_num_batched_tokens otherwise.
    pub max_num_batched_tokens_small: u64,
    /// V0 max_num_seqs.
    pub max_num_seqs_v0: u64,
}

/// Overhead estimates.
#[derive(Debug, Clone, Deserialize)]
pub struct Overheads {
    /// Where observed.
    pub source: String,
    /// CUDA context bytes.
    pub context_bytes: i64,
    /// Multi-GPU communication bytes.
    pub multi_gpu_bytes: i64,
}

/// The fix suggested for a start-up error.
#[derive(Debug, Clone, Deserialize)]
pub struct StartupFix {
    /// Phrases of the error text (any one matches); empty: matches every error.
    pub contains: Vec<String>,
    /// The advice.
    pub fix: String,
    /// Where the advice comes from.
    pub source: String,
}

/// All rules.
#[derive(Debug, Clone, Deserialize)]
pub struct Rules {
    /// SGLang.
    pub sglang: SglangRules,
    /// vLLM.
    pub vllm: VllmRules,
    /// Overheads.
    pub overheads: Overheads,
    /// Fixes for start-up errors, first match wins.
    pub startup_fix: Vec<StartupFix>,
    /// Processes an engine starts once per start (`crate::start_process`); none when a
    /// `--frameworks` file lists none.
    #[serde(default)]
    pub start_process: Vec<StartProcess>,
    /// Launch markers a process prints once when it starts (`crate::start_process`).
    #[serde(default)]
    pub start_marker: Vec<StartMarker>,
    /// Lines a process prints before its start line (`crate::launches`).
    #[serde(default)]
    pub start_preamble: Vec<StartPreamble>,
    /// Lines of an engine that re-creates its KV pool within one start (`crate::launches`).
    #[serde(default)]
    pub pool_resize: Vec<PoolResize>,
    /// Harness actors that each host one server start, named by their Ray log prefix
    /// (`crate::streams`).
    #[serde(default)]
    pub server_actor: Vec<ServerActor>,
}

/// A Ray actor class of a harness that hosts one server start per actor (verl's
/// `vLLMHttpServer`): its prefix `(Label pid=N)` with different pids marks interleaved starts.
#[derive(Debug, Clone, Deserialize)]
pub struct ServerActor {
    /// The actor's class name, as Ray prints it before ` pid=`.
    pub label: String,
    /// Where the harness defines the actor and starts one per server.
    pub source: String,
}

/// A line an engine that re-creates its KV pool within one start prints before its first
/// pool (TensorRT-LLM AutoDeploy's `[AUTO-DEPLOY]` logger): its second pool with no limit
/// stated since the first is the same start's.
#[derive(Debug, Clone, Deserialize)]
pub struct PoolResize {
    /// Text the line holds.
    pub phrase: String,
    /// Where the engine prints the line and re-creates its pool.
    pub source: String,
}

/// A line a process prints before its once-per-start line (llama-server's `n_parallel is set
/// to auto` before common_init()'s `build:`): a value on it is the start's own, not a run's
/// logged before a rerun's start line.
#[derive(Debug, Clone, Deserialize)]
pub struct StartPreamble {
    /// Text the line holds.
    pub phrase: String,
    /// Where the engine prints the line.
    pub source: String,
}

/// A launch marker (a `form = "launch"` launch-log rule's key) that a process prints once when
/// it starts (llama.cpp's `build:` line, Ollama's runner command).
#[derive(Debug, Clone, Deserialize)]
pub struct StartMarker {
    /// The rule's key.
    pub key: String,
    /// Where the engine prints the line.
    pub source: String,
}

/// A process an engine starts once per start, named by its log prefix (`(EngineCore pid=N)`).
#[derive(Debug, Clone, Deserialize)]
pub struct StartProcess {
    /// The prefix's process name before ` pid=`; a trailing `#` stands for a number.
    pub label: String,
    /// Where the engine names the process.
    pub source: String,
}

impl Rules {
    /// The embedded rules.
    pub fn embedded() -> Result<Rules, CapacityError> {
        toml::from_str(EMBEDDED)
            .map_err(|e| CapacityError::toml(EMBEDDED, "data/frameworks.toml", &e))
    }

    /// The rules of `path` (`--frameworks FILE`, the same TOML shape as
    /// `data/frameworks.toml`), or the embedded ones.
    pub fn load(path: Option<&Path>) -> Result<Rules, CapacityError> {
        let Some(p) = path else {
            return Rules::embedded();
        };
        let text = perfpilot_io::read_to_string_bounded(p)
            .map_err(|source| CapacityError::Io { path: p.to_path_buf(), source })?;
        toml::from_str(&text).map_err(|e| CapacityError::toml(&text, &p.display().to_string(), &e))
    }

    /// The labels of the processes an engine starts once per start.
    pub fn start_labels(&self) -> Vec<String> {
        self.start_process.iter().map(|p| p.label.clone()).collect()
    }

    /// The keys of the launch markers a process prints once when it starts.
    pub fn start_markers(&self) -> Vec<String> {
        self.start_marker.iter().map(|m| m.key.clone()).collect()
    }

    /// The texts of the lines a process prints before its start line.
    pub fn start_preambles(&self) -> Vec<String> {
        self.start_preamble.iter().map(|m| m.phrase.clone()).collect()
    }

    /// The texts of the lines of an engine that re-creates its KV pool within one start.
    pub fn pool_resizes(&self) -> Vec<String> {
        self.pool_resize.iter().map(|m| m.phrase.clone()).collect()
    }

    /// The class names of the harness actors that each host one server start.
    pub fn server_actors(&self) -> Vec<String> {
        self.server_actor.iter().map(|a| a.label.clone()).collect()
    }

    /// The fix for a start-up error text (None when no entry matches).
    pub fn startup_fix(&self, error: &str) -> Option<&str> {
        self.startup_fix
            .iter()
            .find(|f| {
                f.contains.is_empty() || f.contains.iter().any(|c| error.contains(c.as_str()))
            })
            .map(|f| f.fix.as_str())
    }

    /// True when `name` takes vLLM's small usage-context defaults whatever its size.
    pub fn vllm_small_by_name(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        self.vllm.small_gpu_names.iter().any(|n| name.contains(n.as_str()))
    }

    /// Legacy default fraction for a TP size.
    pub fn legacy_mem_fraction(&self, tp: u64) -> f64 {
        self.sglang.legacy_mem_fraction.iter().find(|r| tp >= r.min_tp).map_or(0.88, |r| r.value)
    }

    /// The v0.5 bucket for a device size in MB.
    pub fn bucket(&self, gpu_mb: u64) -> Option<&GpuBucket> {
        self.sglang.gpu_bucket.iter().find(|b| gpu_mb < b.below_mb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_load() {
        let r = Rules::embedded().unwrap();
        assert_eq!(r.legacy_mem_fraction(16), 0.79);
        assert_eq!(r.legacy_mem_fraction(4), 0.85);
        assert_eq!(r.legacy_mem_fraction(1), 0.88);
        assert_eq!(r.bucket(294_912).unwrap().chunked_prefill_size, 16384);
        assert_eq!(r.bucket(81_559).unwrap().chunked_prefill_size, 8192);
        assert!(r.vllm_small_by_name("NVIDIA A100-SXM4-80GB"));
        assert!(!r.vllm_small_by_name("NVIDIA H100 80GB HBM3"));
        assert!(r.startup_fix("RuntimeError: Not enough memory").unwrap().contains("fraction"));
        assert!(r.startup_fix("max seq len (8192) is larger").unwrap().contains("max-model-len"));
        assert!(r.startup_fix("anything else").is_some());
    }
}
