//! Length ranges: what `--range-ratio` means in each anchor.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::WorkloadError;

/// How `range_ratio` turns a nominal length `L` into a range of lengths.
///
/// The anchors disagree (sgl-project/sglang #7253): the same flag value gives different
/// length distributions, so the mode is part of every result's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RangeMode {
    /// SGLang `bench_serving`: uniform in `[max(1, int(L·r)), L]`, `r ∈ [0, 1]`;
    /// `r = 1` gives fixed lengths, the SGLang default `r = 0` gives `[1, L]`.
    Sglang,
    /// vLLM `bench serve`: uniform in `[floor(L·(1−r)), ceil(L·(1+r))]`, `r ∈ [0, 1)`;
    /// `r = 0` (the vLLM default) gives fixed lengths. The low end is at least 1.
    Vllm,
}

impl std::fmt::Display for RangeMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RangeMode::Sglang => "sglang",
            RangeMode::Vllm => "vllm",
        })
    }
}

impl std::str::FromStr for RangeMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "sglang" => Ok(RangeMode::Sglang),
            "vllm" => Ok(RangeMode::Vllm),
            _ => Err(format!("unknown range mode `{s}` (expected sglang or vllm)")),
        }
    }
}

/// The inclusive range `[low, high]` of lengths for nominal length `len`.
pub fn length_range(len: u32, ratio: f64, mode: RangeMode) -> Result<(u32, u32), WorkloadError> {
    if !ratio.is_finite() {
        return Err(WorkloadError::option("--range-ratio", "must be a finite number"));
    }
    if len == 0 {
        return Err(WorkloadError::option("--input-len/--output-len", "must be at least 1"));
    }
    let l = f64::from(len);
    match mode {
        RangeMode::Sglang => {
            if !(0.0..=1.0).contains(&ratio) {
                return Err(WorkloadError::option(
                    "--range-ratio",
                    format!("{ratio} is outside [0, 1] (sglang mode)"),
                ));
            }
            // Python int() truncates toward zero; the product is non-negative.
            let low = ((l * ratio).trunc() as u32).max(1);
            Ok((low.min(len), len))
        }
        RangeMode::Vllm => {
            if !(0.0..1.0).contains(&ratio) {
                return Err(WorkloadError::option(
                    "--range-ratio",
                    format!("{ratio} is outside [0, 1) (vllm mode)"),
                ));
            }
            let low = ((l * (1.0 - ratio)).floor() as u32).max(1);
            let high = (l * (1.0 + ratio)).ceil() as u32;
            Ok((low, high.max(low)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sglang_ranges_match_bench_serving() {
        assert_eq!(length_range(1024, 0.0, RangeMode::Sglang).unwrap(), (1, 1024));
        assert_eq!(length_range(1024, 0.5, RangeMode::Sglang).unwrap(), (512, 1024));
        assert_eq!(length_range(1024, 1.0, RangeMode::Sglang).unwrap(), (1024, 1024));
        assert_eq!(length_range(7, 0.3, RangeMode::Sglang).unwrap(), (2, 7));
        assert!(length_range(10, 1.5, RangeMode::Sglang).is_err());
    }

    #[test]
    fn vllm_ranges_match_bench_serve() {
        assert_eq!(length_range(1024, 0.0, RangeMode::Vllm).unwrap(), (1024, 1024));
        assert_eq!(length_range(1024, 0.5, RangeMode::Vllm).unwrap(), (512, 1536));
        assert_eq!(length_range(10, 0.25, RangeMode::Vllm).unwrap(), (7, 13));
        assert_eq!(length_range(1, 0.9, RangeMode::Vllm).unwrap(), (1, 2));
        assert!(length_range(10, 1.0, RangeMode::Vllm).is_err());
    }
}
