//! Arrival schedules: when each request is sent, precomputed from the seed.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::WorkloadError;

/// The lowest request rate accepted: one request per 1e6 s (11.6 days). Lower rates put send
/// times past what a clock can wait for.
pub const MIN_RATE: f64 = 1e-6;

/// The shape of the arrival process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ArrivalPattern {
    /// Every request at t = 0 (`--request-rate inf`).
    AllAtOnce,
    /// Exponential inter-arrival gaps (gamma with shape 1).
    Poisson,
    /// Gamma inter-arrival gaps with shape = burstiness, scale = 1/(rate·burstiness)
    /// (vLLM `--burstiness`): < 1 burstier than Poisson, > 1 smoother.
    Gamma,
    /// Equal gaps of 1/rate (burstiness → ∞).
    Constant,
}

/// How requests arrive. Build it with [`ArrivalSpec::new`] from the CLI's
/// `--request-rate` and `--burstiness`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArrivalSpec {
    /// The process.
    pub pattern: ArrivalPattern,
    /// Mean requests per second; `None` for all-at-once.
    pub request_rate: Option<f64>,
    /// Gamma shape (1 = Poisson); `None` for constant and all-at-once.
    pub burstiness: Option<f64>,
    /// Rescale the cumulative arrival times so the last one lands exactly at N/rate, as
    /// vLLM does (removes 1–2 % seed-to-seed throughput jitter). Default true.
    #[serde(default = "yes")]
    pub normalize: bool,
}

fn yes() -> bool {
    true
}

impl ArrivalSpec {
    /// From a rate (`None` or infinite = all at once) and a burstiness (`1` = Poisson,
    /// infinite = constant, other positive values = gamma).
    pub fn new(request_rate: Option<f64>, burstiness: f64) -> Result<ArrivalSpec, WorkloadError> {
        let rate = match request_rate {
            None => None,
            Some(r) if r.is_infinite() && r > 0.0 => None,
            Some(r) if r.is_finite() && r >= MIN_RATE => Some(r),
            Some(r) if r > 0.0 && r < MIN_RATE => {
                return Err(WorkloadError::option(
                    "--request-rate",
                    format!(
                        "{r} req/s is below {MIN_RATE:e} req/s (requests would be over 11 days \
                         apart)"
                    ),
                ));
            }
            Some(r) => {
                return Err(WorkloadError::option(
                    "--request-rate",
                    format!("{r} is not a positive rate (or inf)"),
                ));
            }
        };
        if burstiness.is_nan() || burstiness <= 0.0 {
            return Err(WorkloadError::option(
                "--burstiness",
                format!("{burstiness} is not positive (1 = Poisson, inf = constant)"),
            ));
        }
        let (pattern, burstiness) = match rate {
            None => (ArrivalPattern::AllAtOnce, None),
            Some(_) if burstiness.is_infinite() => (ArrivalPattern::Constant, None),
            Some(_) if burstiness == 1.0 => (ArrivalPattern::Poisson, Some(1.0)),
            Some(_) => (ArrivalPattern::Gamma, Some(burstiness)),
        };
        Ok(ArrivalSpec { pattern, request_rate: rate, burstiness, normalize: true })
    }

    /// Everything at t = 0.
    pub fn all_at_once() -> ArrivalSpec {
        ArrivalSpec {
            pattern: ArrivalPattern::AllAtOnce,
            request_rate: None,
            burstiness: None,
            normalize: true,
        }
    }

    /// One-line description, e.g. `poisson 4 req/s (normalized)`.
    pub fn describe(&self) -> String {
        match (self.pattern, self.request_rate) {
            (ArrivalPattern::AllAtOnce, _) | (_, None) => "all at once (rate inf)".into(),
            (p, Some(r)) => {
                let name = match p {
                    ArrivalPattern::Poisson => "poisson".to_string(),
                    ArrivalPattern::Gamma => {
                        format!("gamma (burstiness {})", self.burstiness.unwrap_or(1.0))
                    }
                    _ => "constant".to_string(),
                };
                let norm = if self.normalize { ", normalized" } else { "" };
                format!("{name} {r} req/s{norm}")
            }
        }
    }
}

/// Send times of every request, in seconds after the run starts, non-decreasing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Schedule {
    /// The arrival process.
    pub spec: ArrivalSpec,
    /// Seed used.
    pub seed: u64,
    /// Send time of request `i` (seconds from the run start).
    pub send_at_s: Vec<f64>,
}

/// RNG stream for arrivals, separate from the dataset's (stream 0), so changing the rate
/// never changes the prompts.
const ARRIVAL_STREAM: u64 = 1;

impl Schedule {
    /// Precompute the schedule for `n` requests. Like vLLM, the first request also waits
    /// one gap; with `normalize`, times are rescaled so the last is exactly `n / rate`.
    pub fn generate(spec: &ArrivalSpec, n: usize, seed: u64) -> Result<Schedule, WorkloadError> {
        let send_at_s = match (spec.pattern, spec.request_rate) {
            (ArrivalPattern::AllAtOnce, _) | (_, None) => vec![0.0; n],
            (ArrivalPattern::Constant, Some(rate)) => (1..=n).map(|i| i as f64 / rate).collect(),
            (p, Some(rate)) => {
                let shape =
                    if p == ArrivalPattern::Poisson { 1.0 } else { spec.burstiness.unwrap_or(1.0) };
                let gamma = Gamma::new(shape, 1.0 / (rate * shape)).map_err(|e| {
                    WorkloadError::option("--burstiness", format!("invalid gamma: {e}"))
                })?;
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                rng.set_stream(ARRIVAL_STREAM);
                let mut t = 0.0;
                let mut v: Vec<f64> = (0..n)
                    .map(|_| {
                        t += gamma.sample(&mut rng);
                        t
                    })
                    .collect();
                if spec.normalize
                    && let Some(&last) = v.last()
                    && last > 0.0
                {
                    let k = (n as f64 / rate) / last;
                    v.iter_mut().for_each(|x| *x *= k);
                }
                v
            }
        };
        Ok(Schedule { spec: *spec, seed, send_at_s })
    }

    /// Number of requests.
    pub fn len(&self) -> usize {
        self.send_at_s.len()
    }

    /// True when there are no requests.
    pub fn is_empty(&self) -> bool {
        self.send_at_s.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_from_flags() {
        assert_eq!(ArrivalSpec::new(None, 1.0).unwrap().pattern, ArrivalPattern::AllAtOnce);
        assert_eq!(
            ArrivalSpec::new(Some(f64::INFINITY), 1.0).unwrap().pattern,
            ArrivalPattern::AllAtOnce
        );
        assert_eq!(ArrivalSpec::new(Some(2.0), 1.0).unwrap().pattern, ArrivalPattern::Poisson);
        assert_eq!(ArrivalSpec::new(Some(2.0), 0.5).unwrap().pattern, ArrivalPattern::Gamma);
        assert_eq!(
            ArrivalSpec::new(Some(2.0), f64::INFINITY).unwrap().pattern,
            ArrivalPattern::Constant
        );
        assert!(ArrivalSpec::new(Some(0.0), 1.0).is_err());
        assert!(ArrivalSpec::new(Some(1.0), -1.0).is_err());
    }

    #[test]
    fn normalized_poisson_ends_at_n_over_rate() {
        let spec = ArrivalSpec::new(Some(4.0), 1.0).unwrap();
        let s = Schedule::generate(&spec, 1000, 7).unwrap();
        assert!((s.send_at_s[999] - 250.0).abs() < 1e-9);
        assert!(s.send_at_s.windows(2).all(|w| w[0] <= w[1]));
        // Mean gap close to 1/rate and coefficient of variation close to 1 (Poisson).
        let gaps: Vec<f64> = std::iter::once(s.send_at_s[0])
            .chain(s.send_at_s.windows(2).map(|w| w[1] - w[0]))
            .collect();
        let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
        let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / gaps.len() as f64;
        assert!((mean - 0.25).abs() < 1e-9);
        let cv = var.sqrt() / mean;
        assert!((0.85..1.15).contains(&cv), "cv {cv}");
    }

    #[test]
    fn burstiness_changes_dispersion() {
        let cv = |b: f64| {
            let s = Schedule::generate(&ArrivalSpec::new(Some(10.0), b).unwrap(), 4000, 3).unwrap();
            let gaps: Vec<f64> = s.send_at_s.windows(2).map(|w| w[1] - w[0]).collect();
            let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
            let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / gaps.len() as f64;
            var.sqrt() / mean
        };
        // Gamma CV = 1/sqrt(shape).
        assert!((cv(0.25) - 2.0).abs() < 0.3, "{}", cv(0.25));
        assert!((cv(4.0) - 0.5).abs() < 0.1, "{}", cv(4.0));
        assert!(cv(f64::INFINITY) < 1e-9);
    }

    #[test]
    fn same_seed_same_schedule() {
        let spec = ArrivalSpec::new(Some(3.0), 0.7).unwrap();
        let a = Schedule::generate(&spec, 100, 42).unwrap();
        let b = Schedule::generate(&spec, 100, 42).unwrap();
        let c = Schedule::generate(&spec, 100, 43).unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
        assert_ne!(a.send_at_s, c.send_at_s);
    }
}
