//! The kernel categories of the taxonomy.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What a GPU kernel does, by family. One taxonomy for every table of perfpilot.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Dense matrix multiplies (cuBLAS, CUTLASS, nvjet, hipBLASLt, Triton matmuls).
    Gemm,
    /// Attention kernels (FlashAttention, FlashInfer, paged/MLA decode, SDPA).
    Attention,
    /// Mixture-of-experts routing, grouped GEMMs and combine.
    Moe,
    /// Collective and point-to-point communication (NCCL, RCCL, custom all-reduce).
    Communication,
    /// RMSNorm / LayerNorm (fused or not).
    Norm,
    /// Rotary position embedding.
    Rope,
    /// Activation functions (SiLU/GELU and-mul, …).
    Activation,
    /// Quantisation and dequantisation of activations or weights.
    Quantize,
    /// Sampling, top-k/top-p, logits processing.
    Sampling,
    /// KV-cache stores, gathers and layout transforms.
    KvCache,
    /// Memory copies and sets (memcpy, memset, copy kernels).
    Memory,
    /// Other elementwise kernels.
    Elementwise,
    /// Reductions (sum, max, softmax outside attention, …).
    Reduction,
    /// State-space / linear-attention kernels (Mamba, GDN, conv1d of SSMs).
    Ssm,
    /// Embedding lookups.
    Embedding,
    /// Convolutions (non-SSM).
    Conv,
    /// Anything the rules do not cover.
    Other,
}

impl Category {
    /// Every category, in display order.
    pub const ALL: [Category; 17] = [
        Category::Gemm,
        Category::Attention,
        Category::Moe,
        Category::Communication,
        Category::Norm,
        Category::Rope,
        Category::Activation,
        Category::Quantize,
        Category::Sampling,
        Category::KvCache,
        Category::Memory,
        Category::Elementwise,
        Category::Reduction,
        Category::Ssm,
        Category::Embedding,
        Category::Conv,
        Category::Other,
    ];

    /// The snake_case name used in JSON, TOML rules and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Gemm => "gemm",
            Category::Attention => "attention",
            Category::Moe => "moe",
            Category::Communication => "communication",
            Category::Norm => "norm",
            Category::Rope => "rope",
            Category::Activation => "activation",
            Category::Quantize => "quantize",
            Category::Sampling => "sampling",
            Category::KvCache => "kv_cache",
            Category::Memory => "memory",
            Category::Elementwise => "elementwise",
            Category::Reduction => "reduction",
            Category::Ssm => "ssm",
            Category::Embedding => "embedding",
            Category::Conv => "conv",
            Category::Other => "other",
        }
    }

    /// Parse the snake_case name.
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
            assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{}\"", c.as_str()));
        }
    }
}
