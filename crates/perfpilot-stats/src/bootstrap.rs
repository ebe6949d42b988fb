//! Percentile-bootstrap intervals of the ratio candidate / baseline of one statistic:
//! per sample for a single run ("within-run noise only"), hierarchical (runs, then
//! samples within each drawn run) when both sides have at least three runs. Medians and
//! percentiles are estimated with Harrell–Davis ([`crate::harrell_davis`]) both for the
//! point ratio and inside every replicate, so lumpy samples give smooth intervals.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::quantile::HdWeights;
use crate::{Better, Policy, Statistic, StatsError, Verdict, decide, percentile_sorted};

/// Runs per side from which the interval covers run-to-run noise.
pub const MIN_RUNS_FOR_RUN_TO_RUN: usize = 3;

/// What noise an interval covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoiseScope {
    /// Resampled requests/iterations of the runs as if they were one run: says nothing
    /// about how much a rerun would differ.
    WithinRun,
    /// Hierarchical: runs resampled, then samples within each run.
    RunToRun,
}

impl NoiseScope {
    /// The label a report prints.
    pub fn label(self) -> &'static str {
        match self {
            NoiseScope::WithinRun => "within-run noise only",
            NoiseScope::RunToRun => "run-to-run noise",
        }
    }
}

/// One metric compared: point values, the interval of their ratio and the verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Comparison {
    /// The statistic compared (`median`, `p99`, …).
    pub statistic: String,
    /// Which direction is better.
    pub better: Better,
    /// The statistic on all baseline samples pooled (medians and percentiles:
    /// Harrell–Davis estimate).
    pub baseline: f64,
    /// The statistic on all candidate samples pooled (medians and percentiles:
    /// Harrell–Davis estimate).
    pub candidate: f64,
    /// candidate / baseline.
    pub ratio: f64,
    /// Lower end of the ratio's interval.
    pub ci_low: f64,
    /// Upper end of the ratio's interval.
    pub ci_high: f64,
    /// (ratio − 1) × 100.
    pub change_pct: f64,
    /// The decision table's word.
    pub verdict: Verdict,
    /// What noise the interval covers.
    pub scope: NoiseScope,
    /// Runs on each side (baseline, candidate).
    pub runs: [u32; 2],
    /// Finite samples on each side (baseline, candidate).
    pub samples: [u64; 2],
    /// Practical threshold used (fraction).
    pub threshold: f64,
    /// Confidence of the interval.
    pub confidence: f64,
}

/// Compare two single samples (one run each, or pooled): per-sample bootstrap, scope
/// [`NoiseScope::WithinRun`].
pub fn compare_samples(
    baseline: &[f64],
    candidate: &[f64],
    statistic: Statistic,
    better: Better,
    policy: &Policy,
) -> Result<Comparison, StatsError> {
    compare_groups(&[baseline.to_vec()], &[candidate.to_vec()], statistic, better, policy)
}

/// Compare two groups of runs. With at least [`MIN_RUNS_FOR_RUN_TO_RUN`] runs on each
/// side the bootstrap is hierarchical; otherwise the runs are pooled and the result is
/// labelled within-run. Non-finite samples and empty runs are dropped.
pub fn compare_groups(
    baseline: &[Vec<f64>],
    candidate: &[Vec<f64>],
    statistic: Statistic,
    better: Better,
    policy: &Policy,
) -> Result<Comparison, StatsError> {
    policy.validate()?;
    let base = clean(baseline, "baseline")?;
    let cand = clean(candidate, "candidate")?;
    let mut est = Estimator::new(statistic);
    let base_point = est.of_sorted(&pooled(&base));
    let cand_point = est.of_sorted(&pooled(&cand));
    if base_point.is_nan() || base_point <= 0.0 {
        return Err(StatsError::NonPositiveBaseline {
            statistic: statistic.name(),
            value: base_point,
        });
    }
    let scope = if base.len() >= MIN_RUNS_FOR_RUN_TO_RUN && cand.len() >= MIN_RUNS_FOR_RUN_TO_RUN {
        NoiseScope::RunToRun
    } else {
        NoiseScope::WithinRun
    };
    let (b, c) = match scope {
        NoiseScope::RunToRun => (base.clone(), cand.clone()),
        NoiseScope::WithinRun => (vec![pooled(&base)], vec![pooled(&cand)]),
    };
    let mut rng = ChaCha8Rng::seed_from_u64(policy.seed);
    let mut ratios = Vec::with_capacity(policy.resamples as usize);
    let mut scratch = Vec::new();
    for _ in 0..policy.resamples {
        let sb = resample(&b, &mut est, &mut rng, &mut scratch);
        let sc = resample(&c, &mut est, &mut rng, &mut scratch);
        if sb > 0.0 && sb.is_finite() && sc.is_finite() {
            ratios.push(sc / sb);
        }
    }
    ratios.sort_by(f64::total_cmp);
    let alpha = (1.0 - policy.confidence) / 2.0 * 100.0;
    let (ci_low, ci_high) = if ratios.is_empty() {
        (f64::NAN, f64::NAN)
    } else {
        (percentile_sorted(&ratios, alpha), percentile_sorted(&ratios, 100.0 - alpha))
    };
    let ratio = cand_point / base_point;
    Ok(Comparison {
        statistic: statistic.name(),
        better,
        baseline: base_point,
        candidate: cand_point,
        ratio,
        ci_low,
        ci_high,
        change_pct: (ratio - 1.0) * 100.0,
        verdict: decide(ci_low, ci_high, better, policy.threshold),
        scope,
        runs: [base.len() as u32, cand.len() as u32],
        samples: [count(&base), count(&cand)],
        threshold: policy.threshold,
        confidence: policy.confidence,
    })
}

/// Compare two groups of runs paired by index: run `i` of the baseline ran next to run
/// `i` of the candidate (interleaved ABBA trials). The hierarchical bootstrap draws pair
/// indices, then samples within both runs of each drawn pair, so noise the two runs of a
/// pair share (a busy period of the machine) cancels instead of widening the interval.
/// Pairs where either run has no finite sample are dropped; with fewer than
/// [`MIN_RUNS_FOR_RUN_TO_RUN`] pairs left, or unequal run counts, this is
/// [`compare_groups`].
pub fn compare_paired(
    baseline: &[Vec<f64>],
    candidate: &[Vec<f64>],
    statistic: Statistic,
    better: Better,
    policy: &Policy,
) -> Result<Comparison, StatsError> {
    let finite = |r: &Vec<f64>| r.iter().copied().filter(|x| x.is_finite()).collect::<Vec<_>>();
    let pairs: Vec<(Vec<f64>, Vec<f64>)> = baseline
        .iter()
        .zip(candidate)
        .map(|(b, c)| (finite(b), finite(c)))
        .filter(|(b, c)| !b.is_empty() && !c.is_empty())
        .collect();
    if baseline.len() != candidate.len() || pairs.len() < MIN_RUNS_FOR_RUN_TO_RUN {
        return compare_groups(baseline, candidate, statistic, better, policy);
    }
    let mut c = compare_groups(baseline, candidate, statistic, better, policy)?;
    let mut rng = ChaCha8Rng::seed_from_u64(policy.seed);
    let (mut bb, mut cb) = (Vec::new(), Vec::new());
    let mut ratios = Vec::with_capacity(policy.resamples as usize);
    let k = pairs.len();
    let mut est = Estimator::new(statistic);
    for _ in 0..policy.resamples {
        bb.clear();
        cb.clear();
        for _ in 0..k {
            let (b, c) = &pairs[rng.random_range(0..k)];
            bb.extend((0..b.len()).map(|_| b[rng.random_range(0..b.len())]));
            cb.extend((0..c.len()).map(|_| c[rng.random_range(0..c.len())]));
        }
        bb.sort_unstable_by(f64::total_cmp);
        cb.sort_unstable_by(f64::total_cmp);
        let (sb, sc) = (est.of_sorted(&bb), est.of_sorted(&cb));
        if sb > 0.0 && sb.is_finite() && sc.is_finite() {
            ratios.push(sc / sb);
        }
    }
    ratios.sort_by(f64::total_cmp);
    let alpha = (1.0 - policy.confidence) / 2.0 * 100.0;
    if !ratios.is_empty() {
        c.ci_low = percentile_sorted(&ratios, alpha);
        c.ci_high = percentile_sorted(&ratios, 100.0 - alpha);
    }
    c.verdict = decide(c.ci_low, c.ci_high, better, policy.threshold);
    c.scope = NoiseScope::RunToRun;
    Ok(c)
}

fn clean(group: &[Vec<f64>], side: &'static str) -> Result<Vec<Vec<f64>>, StatsError> {
    let runs: Vec<Vec<f64>> = group
        .iter()
        .map(|r| r.iter().copied().filter(|x| x.is_finite()).collect::<Vec<_>>())
        .filter(|r| !r.is_empty())
        .collect();
    if runs.is_empty() { Err(StatsError::Empty { side }) } else { Ok(runs) }
}

fn pooled(runs: &[Vec<f64>]) -> Vec<f64> {
    let mut v: Vec<f64> = runs.iter().flatten().copied().collect();
    v.sort_by(f64::total_cmp);
    v
}

fn count(runs: &[Vec<f64>]) -> u64 {
    runs.iter().map(|r| r.len() as u64).sum()
}

/// One bootstrap replicate of the statistic: draw runs with replacement (only when
/// there are several), then samples with replacement within each drawn run, pooled.
fn resample(
    runs: &[Vec<f64>],
    est: &mut Estimator,
    rng: &mut ChaCha8Rng,
    buf: &mut Vec<f64>,
) -> f64 {
    buf.clear();
    let k = runs.len();
    for _ in 0..k {
        let run = if k == 1 { &runs[0] } else { &runs[rng.random_range(0..k)] };
        let n = run.len();
        buf.extend((0..n).map(|_| run[rng.random_range(0..n)]));
    }
    buf.sort_unstable_by(f64::total_cmp);
    est.of_sorted(buf)
}

/// Environment variable that selects the quantile estimator of comparisons:
/// `harrell-davis` (default) or `sample` (NumPy's linear interpolation, the estimator
/// before Harrell–Davis; for side-by-side measurements of the two).
pub const ENV_QUANTILE_ESTIMATOR: &str = "PERFPILOT_STATS_QUANTILE";

/// How a comparison estimates its statistic: the mean as it is, medians and percentiles
/// with Harrell–Davis (weights cached per sample size), or the plain sample quantile
/// when [`ENV_QUANTILE_ESTIMATOR`] is `sample`.
enum Estimator {
    Plain(Statistic),
    Quantile(HdWeights),
}

impl Estimator {
    fn new(statistic: Statistic) -> Self {
        static SAMPLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        let sample = *SAMPLE.get_or_init(|| {
            std::env::var(ENV_QUANTILE_ESTIMATOR).is_ok_and(|v| v.trim() == "sample")
        });
        match statistic {
            Statistic::Mean => Estimator::Plain(statistic),
            _ if sample => Estimator::Plain(statistic),
            Statistic::Median => Estimator::Quantile(HdWeights::new(0.5)),
            Statistic::Percentile(p) => Estimator::Quantile(HdWeights::new(p / 100.0)),
        }
    }

    fn of_sorted(&mut self, sorted: &[f64]) -> f64 {
        match self {
            Estimator::Plain(s) => s.of_sorted(sorted),
            Estimator::Quantile(w) => w.estimate(sorted),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noisy(seed: u64, n: usize, mean: f64, sd: f64) -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n)
            .map(|_| {
                // Sum of 12 uniforms − 6: approximately standard normal.
                let z: f64 = (0..12).map(|_| rng.random::<f64>()).sum::<f64>() - 6.0;
                mean + sd * z
            })
            .collect()
    }

    #[test]
    fn identical_distributions_are_same() {
        let a = noisy(1, 400, 100.0, 1.0);
        let b = noisy(2, 400, 100.0, 1.0);
        let c =
            compare_samples(&a, &b, Statistic::Median, Better::Lower, &Policy::default()).unwrap();
        assert_eq!(c.verdict, Verdict::Same, "{c:?}");
        assert_eq!(c.scope, NoiseScope::WithinRun);
    }

    #[test]
    fn ten_percent_slower_is_slower_and_swap_is_faster() {
        let a: Vec<Vec<f64>> = (0..3).map(|s| noisy(s, 100, 100.0, 2.0)).collect();
        let b: Vec<Vec<f64>> = (10..13).map(|s| noisy(s, 100, 110.0, 2.0)).collect();
        let p = Policy::default();
        let c = compare_groups(&a, &b, Statistic::Mean, Better::Lower, &p).unwrap();
        assert_eq!((c.verdict, c.scope), (Verdict::Slower, NoiseScope::RunToRun), "{c:?}");
        let s = compare_groups(&b, &a, Statistic::Mean, Better::Lower, &p).unwrap();
        assert_eq!(s.verdict, Verdict::Faster);
        let t = compare_groups(&a, &b, Statistic::Mean, Better::Higher, &p).unwrap();
        assert_eq!(t.verdict, Verdict::Faster);
    }

    #[test]
    fn run_to_run_noise_widens_the_interval() {
        // Each run has its own offset: within-run noise is tiny, run-to-run is large.
        let a: Vec<Vec<f64>> =
            [95.0, 105.0, 100.0].iter().map(|&m| noisy(m as u64, 200, m, 0.1)).collect();
        let b: Vec<Vec<f64>> =
            [97.0, 108.0, 101.0].iter().map(|&m| noisy(m as u64 + 7, 200, m, 0.1)).collect();
        let c =
            compare_groups(&a, &b, Statistic::Median, Better::Lower, &Policy::default()).unwrap();
        assert_eq!(c.verdict, Verdict::Noisy, "{c:?}");
        let pooled = compare_samples(
            &a.concat(),
            &b.concat(),
            Statistic::Median,
            Better::Lower,
            &Policy::default(),
        )
        .unwrap();
        assert!(pooled.ci_high - pooled.ci_low < c.ci_high - c.ci_low);
    }

    #[test]
    fn pairing_cancels_noise_shared_by_a_pair() {
        // Each pair shares a machine state (offset); the candidate is 3% slower within it.
        let offsets = [80.0, 120.0, 100.0, 95.0, 130.0, 90.0, 110.0];
        let a: Vec<Vec<f64>> =
            offsets.iter().enumerate().map(|(i, &m)| noisy(i as u64, 200, m, 0.5)).collect();
        let b: Vec<Vec<f64>> = offsets
            .iter()
            .enumerate()
            .map(|(i, &m)| noisy(i as u64 + 50, 200, m * 1.03, 0.5))
            .collect();
        let p = Policy { threshold: 0.01, ..Policy::default() };
        let unpaired = compare_groups(&a, &b, Statistic::Median, Better::Lower, &p).unwrap();
        let paired = compare_paired(&a, &b, Statistic::Median, Better::Lower, &p).unwrap();
        assert_eq!(unpaired.verdict, Verdict::Noisy, "{unpaired:?}");
        assert_eq!(paired.verdict, Verdict::Slower, "{paired:?}");
        assert!(paired.ci_high - paired.ci_low < unpaired.ci_high - unpaired.ci_low);
        assert_eq!(paired.ratio, unpaired.ratio);
    }

    #[test]
    fn lumpy_medians_are_same_for_a_a_and_slower_for_ten_percent() {
        // Latencies quantised to 2% steps (a server's batch boundaries), the median near
        // a step: Harrell-Davis keeps the A/A interval within the 2% threshold.
        let lumpy = |seed: u64, scale: f64| -> Vec<Vec<f64>> {
            (0..3u64)
                .map(|r| {
                    noisy(seed + r, 200, 100.0, 3.0)
                        .into_iter()
                        .map(|x| scale * 2.0 * (x / 2.0).round())
                        .collect()
                })
                .collect()
        };
        let p = Policy::default();
        let (a, b) = (lumpy(1, 1.0), lumpy(20, 1.0));
        let c = compare_groups(&a, &b, Statistic::Median, Better::Lower, &p).unwrap();
        assert_eq!(c.verdict, Verdict::Same, "{c:?}");
        let slow = lumpy(40, 1.1);
        let c = compare_groups(&a, &slow, Statistic::Median, Better::Lower, &p).unwrap();
        assert_eq!(c.verdict, Verdict::Slower, "{c:?}");
        let c = compare_groups(&slow, &a, Statistic::Percentile(90.0), Better::Lower, &p).unwrap();
        assert_eq!(c.verdict, Verdict::Faster, "{c:?}");
    }

    #[test]
    fn deterministic_and_errors() {
        let a = noisy(3, 50, 10.0, 1.0);
        let b = noisy(4, 50, 10.5, 1.0);
        let p = Policy::default();
        let x = compare_samples(&a, &b, Statistic::Percentile(99.0), Better::Lower, &p).unwrap();
        let y = compare_samples(&a, &b, Statistic::Percentile(99.0), Better::Lower, &p).unwrap();
        assert_eq!(x, y);
        assert!(matches!(
            compare_samples(&[], &b, Statistic::Mean, Better::Lower, &p),
            Err(StatsError::Empty { side: "baseline" })
        ));
        assert!(matches!(
            compare_samples(&[0.0, 0.0], &b, Statistic::Mean, Better::Lower, &p),
            Err(StatsError::NonPositiveBaseline { .. })
        ));
    }
}
