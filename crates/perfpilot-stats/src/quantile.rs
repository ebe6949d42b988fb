//! The Harrell–Davis quantile estimator: a weighted average of every order statistic,
//! with weights from the Beta((n+1)p, (n+1)(1−p)) distribution. On lumpy samples
//! (latencies quantised by a server's batches) the plain sample median jumps between
//! neighbouring levels from one bootstrap replicate to the next; the Harrell–Davis
//! estimate moves smoothly, so its bootstrap interval reflects the noise instead of the
//! gaps between levels.
//!
//! Harrell, F. E. and Davis, C. E. (1982), "A new distribution-free quantile
//! estimator", Biometrika 69(3), 635–640.

use std::collections::HashMap;

/// Harrell–Davis weights for `n` ascending samples at quantile `q` in [0, 1], cached by
/// `n` (a bootstrap asks for the same few sizes thousands of times).
#[derive(Debug, Default)]
pub(crate) struct HdWeights {
    q: f64,
    by_n: HashMap<usize, Vec<f64>>,
}

impl HdWeights {
    /// A cache for quantile `q` (clamped to [0, 1]).
    pub(crate) fn new(q: f64) -> Self {
        HdWeights { q: q.clamp(0.0, 1.0), by_n: HashMap::new() }
    }

    /// The estimate on `sorted` (ascending, finite, non-empty).
    pub(crate) fn estimate(&mut self, sorted: &[f64]) -> f64 {
        let q = self.q;
        let w = self.by_n.entry(sorted.len()).or_insert_with(|| weights(sorted.len(), q));
        w.iter().zip(sorted).map(|(w, x)| w * x).sum()
    }
}

/// The Harrell–Davis estimate of quantile `q` (in [0, 1]) of an ascending, finite,
/// non-empty slice.
pub fn harrell_davis(sorted: &[f64], q: f64) -> f64 {
    HdWeights::new(q).estimate(sorted)
}

/// W_i = I_{i/n}(a, b) − I_{(i−1)/n}(a, b), a = (n+1)q, b = (n+1)(1−q). Outside twelve
/// standard deviations of the Beta distribution the CDF is 0 or 1 to double precision,
/// so only the window in between is evaluated (large samples stay cheap).
fn weights(n: usize, q: f64) -> Vec<f64> {
    let mut w = vec![0.0; n];
    if n == 1 {
        w[0] = 1.0;
        return w;
    }
    // The extreme quantiles are the extreme order statistics (a or b would be 0).
    if q <= 0.0 {
        w[0] = 1.0;
        return w;
    }
    if q >= 1.0 {
        w[n - 1] = 1.0;
        return w;
    }
    let m = (n + 1) as f64;
    let (a, b) = (m * q, m * (1.0 - q));
    let sd = (q * (1.0 - q) / (m + 1.0)).sqrt();
    let (lo_x, hi_x) = ((q - 12.0 * sd).max(0.0), (q + 12.0 * sd).min(1.0));
    let lo_i = ((lo_x * n as f64).floor() as usize).min(n);
    let hi_i = ((hi_x * n as f64).ceil() as usize).min(n);
    let mut prev = if lo_i == 0 { 0.0 } else { beta_inc(a, b, lo_i as f64 / n as f64) };
    for (i, wi) in w.iter_mut().enumerate().take(hi_i).skip(lo_i) {
        let cdf = if i + 1 == n { 1.0 } else { beta_inc(a, b, (i + 1) as f64 / n as f64) };
        *wi = (cdf - prev).max(0.0);
        prev = cdf;
    }
    // The mass cut off by the window (below 1e-30) goes to its ends; renormalise so the
    // weights sum to one exactly as the estimator's definition does.
    let total: f64 = w.iter().sum();
    if total > 0.0 {
        w.iter_mut().for_each(|x| *x /= total);
    } else {
        let i = ((q * n as f64) as usize).min(n - 1);
        w[i] = 1.0;
    }
    w
}

/// The regularised incomplete beta function I_x(a, b) for a, b > 0 and x in [0, 1]
/// (continued fraction, modified Lentz; Numerical Recipes §6.4).
fn beta_inc(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPS: f64 = 1e-15;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    // Converges in O(sqrt(max(a, b))) steps.
    let max_iter = 200 + 10 * (a.max(b).sqrt() as usize);
    for m in 1..=max_iter {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine coefficients; relative error < 1e-13).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut s = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        s += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + s.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_matches_factorials() {
        let mut f = 1.0f64;
        for n in 1..20 {
            assert!((ln_gamma(n as f64) - f.ln()).abs() < 1e-10, "n={n}");
            f *= n as f64;
        }
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
    }

    #[test]
    fn incomplete_beta_known_values() {
        // I_x(1, 1) = x; I_x(2, 1) = x²; I_0.5(a, a) = 0.5.
        assert!((beta_inc(1.0, 1.0, 0.3) - 0.3).abs() < 1e-12);
        assert!((beta_inc(2.0, 1.0, 0.3) - 0.09).abs() < 1e-12);
        assert!((beta_inc(37.5, 37.5, 0.5) - 0.5).abs() < 1e-12);
        assert!((beta_inc(5000.5, 5000.5, 0.5) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn weights_sum_to_one_and_are_symmetric_for_the_median() {
        for n in [1, 2, 3, 10, 72, 1001, 100_000] {
            let w = weights(n, 0.5);
            assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-9, "n={n}");
            for i in 0..n / 2 {
                assert!((w[i] - w[n - 1 - i]).abs() < 1e-9, "n={n} i={i}");
            }
        }
    }

    #[test]
    fn estimates() {
        // Symmetric sample: the median estimate is its centre.
        let v: Vec<f64> = (1..=9).map(f64::from).collect();
        assert!((harrell_davis(&v, 0.5) - 5.0).abs() < 1e-9);
        // Reference 9.43512 by direct numerical integration of the Beta(9.9, 1.1) density
        // over each (i-1)/10..i/10 (midpoint rule, 2e5 steps).
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        let p90 = harrell_davis(&v, 0.9);
        assert!((p90 - 9.43512).abs() < 1e-4, "{p90}");
        assert_eq!(harrell_davis(&[3.0], 0.5), 3.0);
        assert_eq!(harrell_davis(&v, 1.0), 10.0);
        // Between the extremes and monotone in q.
        let lumpy = [10.0, 10.0, 10.0, 20.0, 20.0, 20.0, 20.0, 30.0];
        let (a, b) = (harrell_davis(&lumpy, 0.4), harrell_davis(&lumpy, 0.6));
        assert!(10.0 < a && a < b && b < 30.0, "{a} {b}");
    }
}
