//! Interval arithmetic on GPU time: unions, gaps and the multi-stream sweep.

use crate::model::Ns;

/// Merge intervals (any order) into a sorted union. Touching intervals merge, as in HTA.
pub fn union(mut spans: Vec<(Ns, Ns)>) -> Vec<(Ns, Ns)> {
    spans.sort_unstable();
    let mut out: Vec<(Ns, Ns)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Total length of a sorted union.
pub fn total(union: &[(Ns, Ns)]) -> Ns {
    crate::model::sat_sum(union.iter().map(|(s, e)| e.saturating_sub(*s)))
}

/// One piece of time during which the same set of events is active.
pub struct Segment<'a> {
    /// Length.
    pub len: Ns,
    /// Indices (into the sweep's input) of the active events.
    pub active: &'a [usize],
}

/// Sweep events (start, end) in time order and call `f` for every elementary segment
/// with at least one active event. Ends are processed before starts at equal times, so
/// back-to-back events do not overlap.
pub fn sweep(spans: &[(Ns, Ns)], mut f: impl FnMut(Segment<'_>)) {
    let mut points: Vec<(Ns, bool, usize)> = Vec::with_capacity(spans.len() * 2);
    for (i, &(s, e)) in spans.iter().enumerate() {
        if e > s {
            points.push((s, true, i));
            points.push((e, false, i));
        }
    }
    // (time, is_start=false first, index)
    points.sort_unstable();
    let mut active: Vec<usize> = Vec::new();
    let mut pos_of: Vec<usize> = vec![usize::MAX; spans.len()];
    let mut last_t: Option<Ns> = None;
    for (t, is_start, i) in points {
        if let Some(lt) = last_t
            && t > lt
            && !active.is_empty()
        {
            f(Segment { len: t - lt, active: &active });
        }
        last_t = Some(t);
        if is_start {
            pos_of[i] = active.len();
            active.push(i);
        } else {
            let p = pos_of[i];
            if p < active.len() {
                active.swap_remove(p);
                if p < active.len() {
                    pos_of[active[p]] = p;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_merges_touching_and_nested() {
        assert_eq!(union(vec![(5, 7), (0, 2), (2, 3), (1, 2), (6, 9)]), vec![(0, 3), (5, 9)]);
        assert_eq!(total(&[(0, 3), (5, 9)]), 7);
    }

    #[test]
    fn sweep_segments() {
        let spans = [(0, 10), (5, 15), (15, 20)];
        let mut segs = Vec::new();
        sweep(&spans, |s| {
            let mut a = s.active.to_vec();
            a.sort();
            segs.push((s.len, a));
        });
        assert_eq!(segs, vec![(5, vec![0]), (5, vec![0, 1]), (5, vec![1]), (5, vec![2])]);
    }

    proptest::proptest! {
        #[test]
        fn sweep_covers_the_union(spans in proptest::collection::vec((0i64..1000, 0i64..50), 0..40)) {
            let spans: Vec<(Ns, Ns)> = spans.into_iter().map(|(s, d)| (s, s + d)).collect();
            let mut covered = 0;
            let mut summed = 0;
            sweep(&spans, |s| { covered += s.len; summed += s.len * s.active.len() as i64; });
            proptest::prop_assert_eq!(covered, total(&union(spans.clone())));
            proptest::prop_assert_eq!(summed, spans.iter().map(|(s, e)| e - s).sum::<i64>());
        }
    }
}
