//! Repetition in a kernel-name sequence: the period of the layer stack inside one pass.
//!
//! Pure functions over interned name ids (`&[u32]`), so they can be tested without a trace.

use serde::Serialize;

/// The dominant repetition of a sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Period {
    /// Length of the repeating unit, in kernels.
    pub len: usize,
    /// First index of the longest stretch that repeats with this period.
    pub start: usize,
    /// One past the last index of that stretch.
    pub end: usize,
    /// Positions `i` with `seq[i] == seq[i + len]`, over the whole sequence.
    pub matches: usize,
}

impl Period {
    /// How many whole units the repeating stretch holds.
    pub fn repeats(&self) -> usize {
        (self.end - self.start).checked_div(self.len).unwrap_or(0)
    }
}

/// Longest period searched (kernels per repeating unit).
pub const MAX_PERIOD: usize = 8192;

/// Matches `seq[i] == seq[i + p]` for one lag.
fn matches_at(seq: &[u32], p: usize) -> usize {
    seq.iter().zip(&seq[p..]).filter(|(a, b)| a == b).count()
}

/// The longest run of `i` with `seq[i] == seq[i + p]`, allowing `slack` isolated
/// mismatches (an extra kernel in one layer), as `(start, end)` of the covered stretch.
fn longest_run(seq: &[u32], p: usize) -> (usize, usize) {
    let n = seq.len();
    let (mut best, mut cur_start, mut misses_in_row) = ((0usize, 0usize), 0usize, 0usize);
    for i in 0..n.saturating_sub(p) {
        if seq[i] == seq[i + p] {
            if misses_in_row > 2 {
                cur_start = i;
            }
            misses_in_row = 0;
            let end = i + p + 1;
            if end - cur_start > best.1 - best.0 {
                best = (cur_start, end);
            }
        } else {
            misses_in_row += 1;
        }
    }
    best
}

/// The smallest lag whose self-match count is within 10% of the best lag's, i.e. the
/// shortest unit the sequence repeats with (a layer, or a group of layers when layer
/// types alternate with different kernels). `None` for sequences without repetition.
///
/// Cost: `O(n · min(n/2, MAX_PERIOD))` comparisons.
pub fn dominant_period(seq: &[u32]) -> Option<Period> {
    let n = seq.len();
    let max_p = (n / 2).min(MAX_PERIOD);
    if max_p == 0 {
        return None;
    }
    let scores: Vec<usize> = (1..=max_p).map(|p| matches_at(seq, p)).collect();
    // Normalise by the number of comparisons, so long lags are not penalised for having
    // fewer; require at least two whole repeats.
    let rate = |p: usize, m: usize| m as f64 / (n - p) as f64;
    let best = (1..=max_p).map(|p| rate(p, scores[p - 1])).fold(0.0f64, f64::max);
    if best < 0.5 {
        return None;
    }
    let p = (1..=max_p).find(|&p| rate(p, scores[p - 1]) >= 0.9 * best)?;
    let (start, end) = longest_run(seq, p);
    Some(Period { len: p, start, end, matches: scores[p - 1] })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layered(prologue: &[u32], layer: &[u32], n: usize, epilogue: &[u32]) -> Vec<u32> {
        let mut v = prologue.to_vec();
        for _ in 0..n {
            v.extend_from_slice(layer);
        }
        v.extend_from_slice(epilogue);
        v
    }

    #[test]
    fn finds_the_layer_length_under_prologue_and_epilogue() {
        let seq = layered(&[90, 91, 92], &[1, 2, 3, 4, 2, 5], 24, &[1, 93, 94]);
        let p = dominant_period(&seq).unwrap();
        assert_eq!(p.len, 6);
        assert_eq!(p.start, 3);
        assert_eq!(p.repeats(), 24);
    }

    #[test]
    fn an_inner_repeat_is_not_the_period() {
        // The norm sub-sequence 7 8 repeats twice inside each layer.
        let seq = layered(&[], &[7, 8, 1, 2, 7, 8, 3, 4, 5], 10, &[]);
        assert_eq!(dominant_period(&seq).unwrap().len, 9);
    }

    #[test]
    fn alternating_layer_types_give_a_two_layer_unit_or_the_layer() {
        let mut seq = Vec::new();
        for i in 0..12 {
            seq.extend_from_slice(&[1, 2, if i % 2 == 0 { 3 } else { 4 }, 5, 6, 7, 8, 9, 10, 11]);
        }
        let p = dominant_period(&seq).unwrap();
        assert!(p.len == 10 || p.len == 20, "{p:?}");
    }

    #[test]
    fn no_repetition_no_period() {
        let seq: Vec<u32> = (0..50).collect();
        assert_eq!(dominant_period(&seq), None);
        assert_eq!(dominant_period(&[]), None);
        assert_eq!(dominant_period(&[1]), None);
    }
}
