//! The verdict vocabulary and its decision table.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::StatsError;

/// A speed verdict of a candidate against a baseline, for one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Verdict {
    /// Better than the baseline beyond noise and beyond the practical threshold.
    Faster,
    /// Worse than the baseline beyond noise and beyond the practical threshold.
    Slower,
    /// The whole interval lies within the practical threshold: no change that matters.
    Same,
    /// The interval is too wide to tell: it crosses a threshold boundary.
    Noisy,
}

impl Verdict {
    /// The word as printed (`FASTER`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Faster => "FASTER",
            Verdict::Slower => "SLOWER",
            Verdict::Same => "SAME",
            Verdict::Noisy => "NOISY",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which direction of a metric is an improvement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Latencies, kernel times: smaller is better.
    Lower,
    /// Throughputs, rates: larger is better.
    Higher,
}

/// How a verdict is reached: the practical threshold, the interval's confidence and the
/// bootstrap's size and seed (fixed, so the same inputs always give the same verdict).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Policy {
    /// Smallest relative change that matters (0.02 = 2%).
    pub threshold: f64,
    /// Two-sided confidence of the interval (0.95).
    pub confidence: f64,
    /// Bootstrap resamples.
    pub resamples: u32,
    /// Bootstrap seed.
    pub seed: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { threshold: 0.02, confidence: 0.95, resamples: 2000, seed: 0x5eed_cafe }
    }
}

impl Policy {
    /// Check the ranges: threshold in [0, 1), confidence in (0.5, 1), at least 100 resamples.
    pub fn validate(&self) -> Result<(), StatsError> {
        if !(0.0..1.0).contains(&self.threshold) {
            return Err(StatsError::Policy(format!(
                "threshold {} is outside [0, 1) (it is a fraction: 0.02 = 2%)",
                self.threshold
            )));
        }
        if !(self.confidence > 0.5 && self.confidence < 1.0) {
            return Err(StatsError::Policy(format!(
                "confidence {} is outside (0.5, 1)",
                self.confidence
            )));
        }
        if self.resamples < 100 {
            return Err(StatsError::Policy(format!(
                "{} resamples are too few (at least 100)",
                self.resamples
            )));
        }
        Ok(())
    }
}

/// The decision table. `ci_low..=ci_high` is the interval of the ratio candidate /
/// baseline; `t` the practical threshold. For a lower-is-better metric:
///
/// | interval | verdict |
/// |---|---|
/// | entirely below `1 − t` | FASTER |
/// | entirely above `1 + t` | SLOWER |
/// | entirely within `[1 − t, 1 + t]` | SAME |
/// | anything else (crosses a boundary) | NOISY |
///
/// For a higher-is-better metric FASTER and SLOWER swap sides.
pub fn decide(ci_low: f64, ci_high: f64, better: Better, threshold: f64) -> Verdict {
    if !(ci_low.is_finite() && ci_high.is_finite()) {
        return Verdict::Noisy;
    }
    let (lo, hi) = (1.0 - threshold, 1.0 + threshold);
    let (below, above) = (ci_high < lo, ci_low > hi);
    if ci_low >= lo && ci_high <= hi {
        return Verdict::Same;
    }
    match (better, below, above) {
        (Better::Lower, true, _) | (Better::Higher, _, true) => Verdict::Faster,
        (Better::Lower, _, true) | (Better::Higher, true, _) => Verdict::Slower,
        _ => Verdict::Noisy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lower_is_better() {
        assert_eq!(decide(0.90, 0.95, Better::Lower, 0.02), Verdict::Faster);
        assert_eq!(decide(1.05, 1.10, Better::Lower, 0.02), Verdict::Slower);
        assert_eq!(decide(0.99, 1.01, Better::Lower, 0.02), Verdict::Same);
        assert_eq!(decide(0.97, 1.01, Better::Lower, 0.02), Verdict::Noisy);
        assert_eq!(decide(0.90, 1.10, Better::Lower, 0.02), Verdict::Noisy);
        assert_eq!(decide(f64::NAN, 1.0, Better::Lower, 0.02), Verdict::Noisy);
    }

    #[test]
    fn table_higher_is_better_swaps() {
        assert_eq!(decide(0.90, 0.95, Better::Higher, 0.02), Verdict::Slower);
        assert_eq!(decide(1.05, 1.10, Better::Higher, 0.02), Verdict::Faster);
        assert_eq!(decide(0.985, 1.015, Better::Higher, 0.02), Verdict::Same);
    }

    #[test]
    fn policy_ranges() {
        assert!(Policy::default().validate().is_ok());
        assert!(Policy { threshold: 2.0, ..Policy::default() }.validate().is_err());
        assert!(Policy { confidence: 1.0, ..Policy::default() }.validate().is_err());
        assert!(Policy { resamples: 10, ..Policy::default() }.validate().is_err());
    }
}
