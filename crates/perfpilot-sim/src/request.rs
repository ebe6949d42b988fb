//! What the engine is asked to run, how it ends, and the simulated EOS.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One generation request as the engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimRequest {
    /// Caller's id, unique among live requests.
    pub id: u64,
    /// Prompt token ids (the prefix cache keys on them).
    pub prompt: Vec<u32>,
    /// `max_tokens` / `max_new_tokens`.
    pub max_new_tokens: u32,
    /// `min_tokens`: no EOS before this many tokens.
    pub min_new_tokens: u32,
    /// Natural output length at which the simulated EOS comes; `None` with `ignore_eos`.
    pub eos_after: Option<u32>,
}

impl SimRequest {
    /// Output tokens this request will produce: `max_new_tokens`, or earlier at EOS
    /// (never before `min_new_tokens`), and at least one.
    pub fn output_len(&self) -> u32 {
        let stop = match self.eos_after {
            Some(eos) => eos.max(self.min_new_tokens).min(self.max_new_tokens),
            None => self.max_new_tokens,
        };
        stop.max(1)
    }

    /// True when the request ends at EOS rather than at `max_new_tokens`.
    pub fn stops_at_eos(&self) -> bool {
        matches!(self.eos_after, Some(e) if e.max(self.min_new_tokens) < self.max_new_tokens)
    }
}

/// Why a request ended (the OpenAI `finish_reason`, plus aborts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FinishReason {
    /// Hit `max_tokens`.
    Length,
    /// Hit the (simulated) EOS token.
    Stop,
    /// Aborted by the engine (out of KV space, fault) with a message.
    Abort(String),
}

impl FinishReason {
    /// The OpenAI `finish_reason` string.
    pub fn as_openai(&self) -> &'static str {
        match self {
            FinishReason::Length => "length",
            FinishReason::Stop => "stop",
            FinishReason::Abort(_) => "abort",
        }
    }
}

/// Why the engine refused a request up front (the HTTP layer answers 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reject {
    /// Prompt longer than `max_req_input_len`.
    InputTooLong {
        /// Prompt tokens.
        input: u64,
        /// The limit.
        limit: u64,
    },
    /// Prompt plus `max_tokens` over the context length.
    ContextExceeded {
        /// Prompt tokens.
        input: u64,
        /// Requested output tokens.
        output: u64,
        /// Context length.
        context_len: u64,
    },
    /// An id already in use.
    DuplicateId(u64),
}

impl std::fmt::Display for Reject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The wording follows SGLang's tokenizer manager.
        match self {
            Reject::InputTooLong { input, limit } => write!(
                f,
                "The input ({input} tokens) is longer than the model's context length ({limit} tokens)."
            ),
            Reject::ContextExceeded { input, output, context_len } => write!(
                f,
                "Requested token count exceeds the model's maximum context length of \
                 {context_len} tokens. You requested a total of {} tokens: {input} tokens from \
                 the input messages and {output} tokens for the completion. Please reduce the \
                 number of tokens in the input messages or the completion to fit within the limit.",
                input + output
            ),
            Reject::DuplicateId(id) => write!(f, "request id {id} is already in use"),
        }
    }
}

/// The natural output length of a request: geometric with the given mean, drawn from
/// a hash of `(seed, key)` so that the same seed and request give the same length.
pub fn natural_output_len(seed: u64, key: u64, mean: f64) -> u32 {
    let u = unit_from_hash(splitmix64(seed ^ splitmix64(key)));
    let p = 1.0 / mean.max(1.0);
    if p >= 1.0 {
        return 1;
    }
    // Inverse CDF of the geometric distribution on {1, 2, ...}.
    let n = ((1.0 - u).ln() / (1.0 - p).ln()).ceil();
    n.clamp(1.0, u32::MAX as f64) as u32
}

/// SplitMix64: a fast, well-mixed 64-bit hash step.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn unit_from_hash(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_len_respects_min_max_and_eos() {
        let mut r = SimRequest {
            id: 1,
            prompt: vec![1],
            max_new_tokens: 100,
            min_new_tokens: 0,
            eos_after: Some(10),
        };
        assert_eq!(r.output_len(), 10);
        assert!(r.stops_at_eos());
        r.min_new_tokens = 50;
        assert_eq!(r.output_len(), 50);
        r.eos_after = None;
        assert_eq!(r.output_len(), 100);
        assert!(!r.stops_at_eos());
        r.eos_after = Some(500);
        assert_eq!(r.output_len(), 100);
        assert!(!r.stops_at_eos());
    }

    #[test]
    fn natural_length_is_deterministic_with_the_right_mean() {
        assert_eq!(natural_output_len(7, 3, 100.0), natural_output_len(7, 3, 100.0));
        let n = 20_000u64;
        let mean = (0..n).map(|k| natural_output_len(42, k, 100.0) as f64).sum::<f64>() / n as f64;
        assert!((mean - 100.0).abs() < 3.0, "mean {mean}");
    }
}
