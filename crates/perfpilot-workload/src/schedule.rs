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
    /// vLLM's `--ramp-up-strategy`: the rate moves from a start to an end value over the
    /// run (request `i` of `n` is drawn at its own rate; no normalization).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ramp_up: Option<RampUp>,
}

/// How the request rate ramps (vLLM `--ramp-up-strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RampUpStrategy {
    /// rate(i) = start + (end − start) · i/(n−1).
    Linear,
    /// rate(i) = start · (end/start)^(i/(n−1)).
    Exponential,
}

impl std::str::FromStr for RampUpStrategy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "linear" => Ok(RampUpStrategy::Linear),
            "exponential" => Ok(RampUpStrategy::Exponential),
            _ => Err(format!("unknown ramp-up strategy `{s}` (expected linear or exponential)")),
        }
    }
}

/// A request-rate ramp, as vLLM's `--ramp-up-strategy/--ramp-up-start-rps/--ramp-up-end-rps`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RampUp {
    /// Shape of the ramp.
    pub strategy: RampUpStrategy,
    /// Rate of the first request (req/s).
    pub start_rps: f64,
    /// Rate of the last request (req/s).
    pub end_rps: f64,
}

impl RampUp {
    /// Check the ramp as vLLM does: rates finite and non-negative, start ≤ end, and an
    /// exponential ramp cannot start at 0.
    pub fn validate(&self) -> Result<(), WorkloadError> {
        let bad = |m: &str| Err(WorkloadError::option("--ramp-up-start-rps", m.to_string()));
        if !(self.start_rps.is_finite() && self.end_rps.is_finite())
            || self.start_rps < 0.0
            || self.end_rps <= 0.0
        {
            return bad("ramp-up rates must be finite, start ≥ 0 and end > 0");
        }
        if self.start_rps > self.end_rps {
            return bad("ramp-up start rate must not exceed the end rate");
        }
        if self.strategy == RampUpStrategy::Exponential && self.start_rps == 0.0 {
            return bad("an exponential ramp-up cannot start at 0 req/s");
        }
        Ok(())
    }

    /// The rate of request `i` of `n`.
    pub fn rate_at(&self, i: usize, n: usize) -> f64 {
        let progress = i as f64 / (n.saturating_sub(1).max(1)) as f64;
        match self.strategy {
            RampUpStrategy::Linear => self.start_rps + (self.end_rps - self.start_rps) * progress,
            RampUpStrategy::Exponential => {
                self.start_rps * (self.end_rps / self.start_rps).powf(progress)
            }
        }
    }
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
        Ok(ArrivalSpec { pattern, request_rate: rate, burstiness, normalize: true, ramp_up: None })
    }

    /// A ramp instead of a fixed rate (`--request-rate` must be inf, as in vLLM); gaps
    /// are gamma with shape `burstiness` (1 = Poisson) at each request's own rate.
    pub fn ramp(ramp: RampUp, burstiness: f64) -> Result<ArrivalSpec, WorkloadError> {
        ramp.validate()?;
        let mut spec = ArrivalSpec::new(Some(ramp.end_rps), burstiness)?;
        spec.request_rate = None;
        spec.normalize = false;
        spec.ramp_up = Some(ramp);
        Ok(spec)
    }

    /// Everything at t = 0.
    pub fn all_at_once() -> ArrivalSpec {
        ArrivalSpec {
            pattern: ArrivalPattern::AllAtOnce,
            request_rate: None,
            burstiness: None,
            normalize: true,
            ramp_up: None,
        }
    }

    /// One-line description, e.g. `poisson 4 req/s (normalized)`.
    pub fn describe(&self) -> String {
        if let Some(r) = &self.ramp_up {
            let s = match r.strategy {
                RampUpStrategy::Linear => "linear",
                RampUpStrategy::Exponential => "exponential",
            };
            return format!(
                "{s} ramp-up {} → {} req/s (burstiness {})",
                r.start_rps,
                r.end_rps,
                self.burstiness.map_or("inf".into(), |b| b.to_string())
            );
        }
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
        if let Some(ramp) = &spec.ramp_up {
            return ramp_schedule(spec, ramp, n, seed);
        }
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

/// A ramp's schedule: request `i` waits a gap drawn at rate `ramp.rate_at(i, n)` (a
/// zero rate sends at once), as vLLM's `get_request` does.
fn ramp_schedule(
    spec: &ArrivalSpec,
    ramp: &RampUp,
    n: usize,
    seed: u64,
) -> Result<Schedule, WorkloadError> {
    ramp.validate()?;
    let shape = spec.burstiness;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(ARRIVAL_STREAM);
    let mut t = 0.0;
    let mut send_at_s = Vec::with_capacity(n);
    for i in 0..n {
        let rate = ramp.rate_at(i, n);
        if rate > 0.0 {
            t += match shape {
                None => 1.0 / rate,
                Some(k) => Gamma::new(k, 1.0 / (rate * k))
                    .map_err(|e| WorkloadError::option("--burstiness", format!("{e}")))?
                    .sample(&mut rng),
            };
        }
        send_at_s.push(t);
    }
    Ok(Schedule { spec: *spec, seed, send_at_s })
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
    fn ramp_up_rates_follow_vllm() {
        let lin = RampUp { strategy: RampUpStrategy::Linear, start_rps: 1.0, end_rps: 9.0 };
        assert_eq!((lin.rate_at(0, 5), lin.rate_at(2, 5), lin.rate_at(4, 5)), (1.0, 5.0, 9.0));
        let exp = RampUp { strategy: RampUpStrategy::Exponential, start_rps: 1.0, end_rps: 16.0 };
        assert!((exp.rate_at(2, 5) - 4.0).abs() < 1e-12);
        assert!(RampUp { start_rps: 0.0, ..exp }.validate().is_err());
        assert!(RampUp { start_rps: 10.0, ..lin }.validate().is_err());
        // Constant gaps (burstiness inf) shrink as the rate grows: 1/1 s first, 1/9 s last.
        let spec = ArrivalSpec::ramp(lin, f64::INFINITY).unwrap();
        let s = Schedule::generate(&spec, 5, 1).unwrap();
        assert!((s.send_at_s[0] - 1.0).abs() < 1e-12);
        assert!((s.send_at_s[4] - s.send_at_s[3] - 1.0 / 9.0).abs() < 1e-12);
        assert!(spec.describe().starts_with("linear ramp-up 1 → 9 req/s"), "{}", spec.describe());
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
