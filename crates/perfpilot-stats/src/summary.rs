//! Point statistics: the statistic a comparison is about, percentiles, spread of
//! repeats and the weighted geometric mean.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The statistic of a sample that a comparison is about.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "p")]
pub enum Statistic {
    /// Arithmetic mean.
    Mean,
    /// Median (linear interpolation, as NumPy).
    Median,
    /// A percentile in (0, 100] (linear interpolation, as NumPy's default).
    Percentile(f64),
}

impl Statistic {
    /// Its value on `sorted` (ascending, finite, non-empty).
    pub fn of_sorted(self, sorted: &[f64]) -> f64 {
        match self {
            Statistic::Mean => sorted.iter().sum::<f64>() / sorted.len() as f64,
            Statistic::Median => percentile_sorted(sorted, 50.0),
            Statistic::Percentile(p) => percentile_sorted(sorted, p),
        }
    }

    /// Its value on any slice (sorts a copy; non-finite values dropped). `None` if empty.
    pub fn of(self, samples: &[f64]) -> Option<f64> {
        let mut v: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        Some(self.of_sorted(&v))
    }

    /// Its short name (`mean`, `median`, `p99`).
    pub fn name(self) -> String {
        match self {
            Statistic::Mean => "mean".into(),
            Statistic::Median => "median".into(),
            Statistic::Percentile(p) => format!("p{}", trim(p)),
        }
    }
}

fn trim(p: f64) -> String {
    let s = format!("{p:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// NumPy's default percentile (linear interpolation between closest ranks) of an
/// ascending, non-empty slice. `p` is clamped to [0, 100].
pub fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    debug_assert!(!sorted.is_empty());
    if sorted.len() == 1 {
        return sorted[0];
    }
    let rank = p.clamp(0.0, 100.0) / 100.0 * (sorted.len() - 1) as f64;
    let lo = rank.floor() as usize;
    let hi = rank.ceil() as usize;
    let frac = rank - lo as f64;
    sorted[lo] + (sorted[hi] - sorted[lo]) * frac
}

/// Weighted geometric mean of positive values; `None` when empty, when a value is not
/// positive and finite, or when the weights do not sum to something positive.
pub fn geomean(values: &[f64], weights: &[f64]) -> Option<f64> {
    if values.is_empty() || values.len() != weights.len() {
        return None;
    }
    let mut wsum = 0.0;
    let mut acc = 0.0;
    for (&v, &w) in values.iter().zip(weights) {
        if !(v.is_finite() && v > 0.0 && w.is_finite() && w >= 0.0) {
            return None;
        }
        wsum += w;
        acc += w * v.ln();
    }
    (wsum > 0.0).then(|| (acc / wsum).exp())
}

/// The spread of one figure over repeated runs: the summary a report prints beside a
/// verdict (median, range and the coefficient of variation).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Spread {
    /// Number of runs.
    pub runs: u32,
    /// Median over the runs.
    pub median: f64,
    /// Smallest.
    pub min: f64,
    /// Largest.
    pub max: f64,
    /// Sample standard deviation divided by the mean (0 for one run).
    pub cv: f64,
}

impl Spread {
    /// The spread of `values` (non-finite dropped); `None` if none is left.
    pub fn of(values: &[f64]) -> Option<Spread> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let cv = if v.len() > 1 && mean != 0.0 {
            let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
            var.sqrt() / mean.abs()
        } else {
            0.0
        };
        Some(Spread {
            runs: v.len() as u32,
            median: percentile_sorted(&v, 50.0),
            min: v[0],
            max: v[v.len() - 1],
            cv,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_match_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile_sorted(&v, 50.0), 2.5);
        assert!((percentile_sorted(&v, 99.0) - 3.97).abs() < 1e-12);
        assert_eq!(Statistic::Percentile(99.0).name(), "p99");
        assert_eq!(Statistic::Percentile(99.9).name(), "p99.9");
    }

    #[test]
    fn geomean_weighted() {
        assert!((geomean(&[2.0, 8.0], &[1.0, 1.0]).unwrap() - 4.0).abs() < 1e-12);
        assert!((geomean(&[2.0, 8.0], &[1.0, 0.0]).unwrap() - 2.0).abs() < 1e-12);
        assert_eq!(geomean(&[0.0], &[1.0]), None);
        assert_eq!(geomean(&[], &[]), None);
    }

    #[test]
    fn spread_of_repeats() {
        let s = Spread::of(&[10.0, 12.0, 11.0]).unwrap();
        assert_eq!((s.runs, s.median, s.min, s.max), (3, 11.0, 10.0, 12.0));
        assert!((s.cv - 1.0 / 11.0).abs() < 1e-12);
    }
}
