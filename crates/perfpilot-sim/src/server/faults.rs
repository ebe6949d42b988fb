//! Faults on demand, for testing clients and triage. Each is off by default and each is
//! logged with the line a real engine prints for it (where one exists), after a
//! `[sim-fault]` marker line that names the fault.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::SimError;
use crate::request::splitmix64;

/// Which faults to inject. Counts are of generation requests received
/// (`/v1/completions`, `/v1/chat/completions`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Faults {
    /// Fraction of generation requests answered with `error_status` (0..=1).
    #[serde(default)]
    pub error_rate: f64,
    /// HTTP status of injected errors (default 500).
    #[serde(default)]
    pub error_status: Option<u16>,
    /// Close the connection of streaming requests after this many tokens (no
    /// `finish_reason`, no `[DONE]`).
    #[serde(default)]
    pub disconnect_after_tokens: Option<u32>,
    /// Freeze the scheduler for this many seconds ...
    #[serde(default)]
    pub stall_s: Option<f64>,
    /// ... once, when this many generation requests have been received (default 1).
    #[serde(default)]
    pub stall_after_requests: Option<u64>,
    /// Send one malformed SSE `data:` line (truncated JSON) in place of this token.
    #[serde(default)]
    pub malformed_chunk_at_token: Option<u32>,
    /// Answer `/health` with 503 (and refuse generation) for this many seconds after
    /// start, printing the start-up log slowly over that time.
    #[serde(default)]
    pub slow_ready_s: Option<f64>,
    /// Crash the scheduler when this many generation requests have been received:
    /// open streams are cut, the listener closes.
    #[serde(default)]
    pub crash_after_requests: Option<u64>,
    /// Take `kv_exhaust_fraction` of the KV pool out of service when this many
    /// generation requests have been received (retractions and aborts follow).
    #[serde(default)]
    pub kv_exhaust_after_requests: Option<u64>,
    /// Share of the KV pool lost by `kv_exhaust_after_requests` (default 0.9).
    #[serde(default)]
    pub kv_exhaust_fraction: Option<f64>,
}

impl Faults {
    /// Check ranges.
    pub fn validate(&self) -> Result<(), SimError> {
        if !(0.0..=1.0).contains(&self.error_rate) {
            return Err(SimError::Options(format!(
                "--fault-error-rate {}: expected a fraction between 0 and 1",
                self.error_rate
            )));
        }
        if let Some(s) = self.error_status
            && !(400..=599).contains(&s)
        {
            return Err(SimError::Options(format!(
                "--fault-error-status {s}: expected an HTTP error status (400-599)"
            )));
        }
        for (name, v) in
            [("--fault-stall", self.stall_s), ("--fault-slow-ready", self.slow_ready_s)]
        {
            if let Some(v) = v {
                perfpilot_report::nonnegative_seconds(name, v)
                    .map_err(|e| SimError::Options(e.to_string()))?;
            }
        }
        if let Some(f) = self.kv_exhaust_fraction
            && !(0.0..=1.0).contains(&f)
        {
            return Err(SimError::Options(format!(
                "--fault-kv-exhaust-fraction {f}: expected a fraction between 0 and 1"
            )));
        }
        Ok(())
    }

    /// True when any fault is on.
    pub fn any(&self) -> bool {
        self != &Faults::default()
    }

    /// Whether generation request number `n` (1-based) gets an injected error; the
    /// choice is a hash of `(seed, n)`, so a seed gives the same failing requests.
    pub fn errors_on(&self, seed: u64, n: u64) -> bool {
        if self.error_rate <= 0.0 {
            return false;
        }
        let u = (splitmix64(seed ^ splitmix64(n ^ 0xe44)) >> 11) as f64 / (1u64 << 53) as f64;
        u < self.error_rate
    }

    /// Status of injected errors.
    pub fn status(&self) -> u16 {
        self.error_status.unwrap_or(500)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_rate_is_seeded_and_close_to_the_fraction() {
        let f = Faults { error_rate: 0.25, ..Faults::default() };
        let hits = (1..=4000).filter(|&n| f.errors_on(7, n)).count();
        assert!((900..1100).contains(&hits), "{hits}");
        assert_eq!(f.errors_on(7, 11), f.errors_on(7, 11));
        assert!(!Faults::default().errors_on(7, 1));
    }

    #[test]
    fn out_of_range_values_are_rejected() {
        assert!(Faults { error_rate: 1.5, ..Faults::default() }.validate().is_err());
        assert!(Faults { error_status: Some(200), ..Faults::default() }.validate().is_err());
        assert!(Faults { stall_s: Some(-1.0), ..Faults::default() }.validate().is_err());
        assert!(Faults::default().validate().is_ok());
        assert!(!Faults::default().any());
    }
}
