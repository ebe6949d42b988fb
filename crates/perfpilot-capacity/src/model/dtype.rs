//! Storage formats of weights and KV cache, with their size per element.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::CapacityError;

/// How the weights of linear layers are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WeightFormat {
    /// bfloat16.
    Bf16,
    /// float16.
    Fp16,
    /// float32.
    Fp32,
    /// FP8 (e4m3) with 128x128 block scales (fp32): 1 B + 4/16384 B per weight.
    Fp8,
    /// INT8 with per-channel scales.
    Int8,
    /// 4-bit (AWQ/GPTQ, group 128, fp16 scale + packed zero): 0.5 B + 2.5/128 B per weight.
    Int4,
    /// MXFP4 (e2m1 + one e8m0 scale per 32): 0.5 + 1/32 B per weight; only MoE experts.
    Mxfp4,
    /// NVFP4 (e2m1 + one e4m3 scale per 16): 0.5 + 1/16 B per weight.
    Nvfp4,
}

impl WeightFormat {
    /// Bytes per weight x 2^14 (exact for every format here).
    pub fn bytes_x16384(self) -> u64 {
        match self {
            WeightFormat::Bf16 | WeightFormat::Fp16 => 2 * 16384,
            WeightFormat::Fp32 => 4 * 16384,
            WeightFormat::Fp8 => 16384 + 4,
            WeightFormat::Int8 => 16384,
            WeightFormat::Int4 => 8192 + 320,
            WeightFormat::Mxfp4 => 8192 + 512,
            WeightFormat::Nvfp4 => 8192 + 1024,
        }
    }

    /// Parse `bf16`, `fp8`, `awq`, `mxfp4`, … (also HF `quant_method` values).
    pub fn parse(s: &str) -> Result<WeightFormat, CapacityError> {
        let l = s.to_ascii_lowercase();
        let l = l.trim_start_matches("torch.");
        Ok(match l {
            "bf16" | "bfloat16" | "auto" => WeightFormat::Bf16,
            "fp16" | "float16" | "half" => WeightFormat::Fp16,
            "fp32" | "float32" | "float" => WeightFormat::Fp32,
            x if x.starts_with("fp8") || x.contains("fp8") || x == "modelopt" => WeightFormat::Fp8,
            "int8" | "w8a8" | "w8a8_int8" | "smoothquant" => WeightFormat::Int8,
            x if x.starts_with("awq")
                || x.starts_with("gptq")
                || x == "int4"
                || x.contains("w4a16") =>
            {
                WeightFormat::Int4
            }
            x if x.starts_with("mxfp4") => WeightFormat::Mxfp4,
            x if x.starts_with("nvfp4") || x == "modelopt_fp4" => WeightFormat::Nvfp4,
            _ => {
                return Err(CapacityError::invalid(format!(
                    "unknown weight dtype/quantization `{s}` (expected bf16, fp16, fp32, fp8, int8, awq/gptq/int4, mxfp4, nvfp4)"
                )));
            }
        })
    }

    /// The format a config states (quantization first, then torch_dtype); fp32 checkpoints are
    /// served in bf16 by both frameworks' `--dtype auto`.
    pub fn from_config(quantization: Option<&str>, torch_dtype: Option<&str>) -> WeightFormat {
        if let Some(q) = quantization {
            let method = q.split(':').next().unwrap_or(q);
            let detail = q.split(':').nth(1).unwrap_or("");
            if method == "compressed-tensors" || method == "compressed_tensors" {
                if detail.contains("4") {
                    return WeightFormat::Int4;
                }
                return WeightFormat::Fp8;
            }
            if let Ok(f) = WeightFormat::parse(method) {
                return f;
            }
        }
        match torch_dtype.map(|d| d.trim_start_matches("torch.")) {
            Some("float16") => WeightFormat::Fp16,
            _ => WeightFormat::Bf16,
        }
    }

    /// True when this format applies only to MoE experts (MXFP4 as gpt-oss ships it).
    pub fn experts_only(self) -> bool {
        self == WeightFormat::Mxfp4
    }
}

/// KV-cache element format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KvFormat {
    /// 16-bit (bf16/fp16): the `auto` default.
    Bf16,
    /// 32-bit.
    Fp32,
    /// FP8 (`fp8_e4m3`, `fp8_e5m2`, `fp8`).
    Fp8,
    /// FP4 e2m1 packed, one e4m3 scale per 16 elements.
    Fp4,
}

impl KvFormat {
    /// Bytes per element x 16.
    pub fn bytes_x16(self) -> u64 {
        match self {
            KvFormat::Bf16 => 32,
            KvFormat::Fp32 => 64,
            KvFormat::Fp8 => 16,
            KvFormat::Fp4 => 9,
        }
    }

    /// Parse `auto`, `bf16`, `fp8_e4m3`, `fp8_e5m2`, `fp8`, `fp4_e2m1`, `nvfp4`.
    pub fn parse(s: &str) -> Result<KvFormat, CapacityError> {
        let l = s.to_ascii_lowercase();
        let l = l.trim_start_matches("torch.");
        Ok(match l {
            "auto" | "bf16" | "bfloat16" | "fp16" | "float16" | "half" => KvFormat::Bf16,
            "fp32" | "float32" => KvFormat::Fp32,
            x if x.starts_with("fp8") || x.starts_with("float8") => KvFormat::Fp8,
            x if x.starts_with("fp4") || x.contains("nvfp4") => KvFormat::Fp4,
            _ => {
                return Err(CapacityError::invalid(format!(
                    "unknown KV cache dtype `{s}` (expected auto, bf16, fp16, fp8_e4m3, fp8_e5m2, fp4_e2m1)"
                )));
            }
        })
    }

    /// A short name.
    pub fn name(self) -> &'static str {
        match self {
            KvFormat::Bf16 => "bf16",
            KvFormat::Fp32 => "fp32",
            KvFormat::Fp8 => "fp8",
            KvFormat::Fp4 => "fp4",
        }
    }
}
