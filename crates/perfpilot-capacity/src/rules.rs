//! Framework sizing rules (data in `data/frameworks.toml`).

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
    /// Floor on GPUs above 60 GB.
    pub min_reserve_mb_above_60gb: f64,
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

/// All rules.
#[derive(Debug, Clone, Deserialize)]
pub struct Rules {
    /// SGLang.
    pub sglang: SglangRules,
    /// vLLM.
    pub vllm: VllmRules,
    /// Overheads.
    pub overheads: Overheads,
}

impl Rules {
    /// The embedded rules.
    pub fn embedded() -> Result<Rules, CapacityError> {
        toml::from_str(EMBEDDED).map_err(|e| CapacityError::Data {
            path: "data/frameworks.toml".into(),
            message: e.to_string(),
        })
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
    }
}
