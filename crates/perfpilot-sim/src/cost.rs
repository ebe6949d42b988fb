//! The step-time cost model: one forward pass of the batch the scheduler formed.
//!
//! `step = overhead + prefill_tokens x prefill_token_s + decode_seqs x decode_seq_s +
//! attended_tokens x attended_token_s`, where `attended_tokens` is the KV the step's
//! attention reads: each decoding request's context length, plus for each prefill chunk
//! its cached prefix and the chunk itself. A linear model of a memory-bound decode
//! (weights read once per step: the overhead) plus compute per token and KV reads.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Cost parameters, all in seconds.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CostModel {
    /// Fixed cost of one step (weight reads, kernel launches, scheduler, sampling).
    pub step_overhead_s: f64,
    /// Cost per prefill (extend) token.
    pub prefill_token_s: f64,
    /// Cost per decoding sequence in the batch.
    pub decode_seq_s: f64,
    /// Cost per attended KV token (context read by attention).
    pub attended_token_s: f64,
}

/// What one step computes, the input of the cost model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StepShape {
    /// Prefill (extend) tokens computed in the step.
    pub prefill_tokens: u64,
    /// Decoding sequences in the step (one new token each).
    pub decode_seqs: u64,
    /// KV tokens read by attention.
    pub attended_tokens: u64,
}

impl CostModel {
    /// A model in which every step takes no time.
    pub const ZERO: CostModel = CostModel {
        step_overhead_s: 0.0,
        prefill_token_s: 0.0,
        decode_seq_s: 0.0,
        attended_token_s: 0.0,
    };

    /// Duration of a step of this shape, in seconds.
    pub fn step_seconds(&self, s: &StepShape) -> f64 {
        self.step_overhead_s
            + s.prefill_tokens as f64 * self.prefill_token_s
            + s.decode_seqs as f64 * self.decode_seq_s
            + s.attended_tokens as f64 * self.attended_token_s
    }

    /// The parameters as an array (for fitting), in declaration order.
    pub fn to_array(&self) -> [f64; 4] {
        [self.step_overhead_s, self.prefill_token_s, self.decode_seq_s, self.attended_token_s]
    }

    /// The inverse of [`CostModel::to_array`].
    pub fn from_array(a: [f64; 4]) -> CostModel {
        CostModel {
            step_overhead_s: a[0],
            prefill_token_s: a[1],
            decode_seq_s: a[2],
            attended_token_s: a[3],
        }
    }

    /// Check every parameter is finite and not negative.
    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in [
            ("cost.step_overhead_s", self.step_overhead_s),
            ("cost.prefill_token_s", self.prefill_token_s),
            ("cost.decode_seq_s", self.decode_seq_s),
            ("cost.attended_token_s", self.attended_token_s),
        ] {
            if !v.is_finite() || v < 0.0 {
                return Err(format!("{name} must be a finite number >= 0, got {v}"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_time_is_linear_in_each_term() {
        let c = CostModel {
            step_overhead_s: 0.01,
            prefill_token_s: 1e-4,
            decode_seq_s: 1e-3,
            attended_token_s: 1e-6,
        };
        let s = StepShape { prefill_tokens: 100, decode_seqs: 4, attended_tokens: 1000 };
        let t = c.step_seconds(&s);
        assert!((t - (0.01 + 0.01 + 0.004 + 0.001)).abs() < 1e-12);
        assert_eq!(CostModel::from_array(c.to_array()), c);
        assert_eq!(CostModel::ZERO.step_seconds(&s), 0.0);
    }

    #[test]
    fn negative_or_nan_parameters_are_rejected() {
        let mut c = CostModel::ZERO;
        c.decode_seq_s = -1.0;
        assert!(c.validate().unwrap_err().contains("decode_seq_s"));
        c.decode_seq_s = f64::NAN;
        assert!(c.validate().is_err());
    }
}
