//! Distribution summaries computed the way both anchors compute them: NumPy
//! `percentile` with linear interpolation, population standard deviation (`np.std`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Summary of one metric's distribution. Values are in the unit the field name says.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Stats {
    /// Number of samples.
    pub count: u64,
    /// Arithmetic mean.
    pub mean: f64,
    /// Median (= p50, linear interpolation).
    pub median: f64,
    /// Population standard deviation (divides by n, as `np.std`).
    pub std: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Smallest sample.
    pub min: f64,
    /// Largest sample.
    pub max: f64,
}

impl Stats {
    /// Summarise `samples` (any order; NaNs are dropped). `None` when empty — a missing
    /// metric is absent, never 0.
    pub fn of(samples: impl IntoIterator<Item = f64>) -> Option<Stats> {
        let mut v: Vec<f64> = samples.into_iter().filter(|x| !x.is_nan()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
        Some(Stats {
            count: v.len() as u64,
            mean,
            median: percentile_sorted(&v, 50.0),
            std: var.sqrt(),
            p90: percentile_sorted(&v, 90.0),
            p95: percentile_sorted(&v, 95.0),
            p99: percentile_sorted(&v, 99.0),
            min: v[0],
            max: v[v.len() - 1],
        })
    }

    /// The same summary with every value multiplied by `k` (e.g. seconds → ms).
    pub fn scaled(&self, k: f64) -> Stats {
        Stats {
            count: self.count,
            mean: self.mean * k,
            median: self.median * k,
            std: self.std * k,
            p90: self.p90 * k,
            p95: self.p95 * k,
            p99: self.p99 * k,
            min: self.min * k,
            max: self.max * k,
        }
    }
}

/// NumPy's default (`linear`) percentile of an ascending, non-empty slice:
/// rank `h = (n − 1)·p/100`, value `v[⌊h⌋] + (h − ⌊h⌋)·(v[⌊h⌋+1] − v[⌊h⌋])`.
pub fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * (p / 100.0).clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn matches_numpy_by_hand() {
        // np.percentile([1, 2, 3, 4, 10], [50, 90, 95, 99]) = [3, 7.6, 8.8, 9.76]
        // np.std([1, 2, 3, 4, 10]) = 3.1622776601683795 (mean 4, var 10)
        let s = Stats::of([10.0, 1.0, 3.0, 2.0, 4.0]).unwrap();
        assert_eq!(s.median, 3.0);
        assert!((s.p90 - 7.6).abs() < 1e-12);
        assert!((s.p95 - 8.8).abs() < 1e-12);
        assert!((s.p99 - 9.76).abs() < 1e-12);
        assert!((s.std - 10f64.sqrt()).abs() < 1e-12);
        assert_eq!((s.min, s.max, s.count), (1.0, 10.0, 5));
        assert!(Stats::of([]).is_none());
        assert_eq!(Stats::of([2.5]).unwrap().p99, 2.5);
    }

    proptest! {
        #[test]
        fn percentiles_are_ordered_and_bounded(v in prop::collection::vec(-1e6f64..1e6, 1..200)) {
            let s = Stats::of(v.iter().copied()).unwrap();
            prop_assert!(s.min <= s.median && s.median <= s.p90 && s.p90 <= s.p95);
            prop_assert!(s.p95 <= s.p99 && s.p99 <= s.max);
            prop_assert!(s.std >= 0.0);
            prop_assert!(s.min <= s.mean + 1e-6 && s.mean <= s.max + 1e-6);
        }
    }
}
