//! Which heads share a packed searcher's fingerprint bucket, and how many packed passes the
//! heads take: chosen against the background lines, so that the lines a serving log repeats
//! rarely hit a fingerprint.
//!
//! Why: fat Teddy (`aho_corasick::packed`, AVX2) tests every position of the log against 16
//! buckets. A bucket's fingerprint is, for each of the first `mask` bytes, the low and the high
//! nibbles of its heads' bytes; a position hits when every byte's nibbles are among them, and
//! each hit costs a verification. Heads that share a bucket therefore also admit the mixtures
//! of their nibbles: a bucket holding `-max` and `del ` admits `-ea `. Teddy itself puts a new
//! head in bucket `15 - (pattern index mod 16)`, so which heads meet depends on their order
//! alone. Measured on the 256 MiB serving log of `parse_vs_grep.sh` (release, CPU time of the
//! candidate-line search, 4 MiB blocks) with the 64 heads of the built-in rules (5 of them
//! three-byte flags, so the fingerprints are three bytes): in the order the heads were chosen,
//! one pass hit 455 of the 2,743 background positions and took 250 ms, the two passes of 32
//! heads used until now 124-140 ms; assigned here one head at a time to the bucket where it
//! adds the fewest background hits, one pass hits 70 and takes 92-94 ms; with the pairwise
//! swaps of [`teddy_plan::place`] after that, 67-70 ms against 130-132 ms for the two passes
//! in the same run, the same candidate lines. A pass with no hit at all costs 57 ms (the 59 four-byte heads alone,
//! assigned greedily: 1 hit, 60 ms).
//!
//! The passes: the fewest that keep a bucket at [`MAX_PER_BUCKET`] heads, more only while the
//! background hit rate saved pays for another pass over every byte ([`RATE_PER_PASS`]).

use crate::teddy_plan::{self, Group, Placement, Windows};

/// Buckets of a fat Teddy searcher.
pub(crate) const BUCKETS: usize = 16;
/// Most heads in one bucket (Teddy takes at most 128 patterns a searcher; the order that puts
/// each head in its bucket needs up to `BUCKETS` patterns per bucket level).
pub(crate) const MAX_PER_BUCKET: usize = 7;
/// Background hit rate (hits per background position) that costs as much CPU as one more pass
/// over every byte: a rate of 0.0255 (70 hits in 2,743 positions, 3-byte fingerprints) added
/// 0.55 of a pass (87 ms against 57 ms a pass, 256 MiB serving log, release, CPU time).
pub(crate) const RATE_PER_PASS: f64 = 0.046;

/// Heads assigned to packed passes and buckets.
pub(crate) struct Plan {
    /// Per pass, per bucket, the indices of the heads (into the caller's list).
    pub(crate) passes: Vec<Vec<Vec<usize>>>,
}

/// Assign `heads` (distinct, 1 to 4 bytes; a shorter head shortens the fingerprint of its
/// pass) to as few fat passes as pay off against the background `lines`, at most `max_passes`.
/// None when even `max_passes` passes cannot hold them.
pub(crate) fn plan(heads: &[&[u8]], lines: &[Vec<u8>], max_passes: usize) -> Option<Plan> {
    let least = heads.len().div_ceil(BUCKETS * MAX_PER_BUCKET).max(1);
    if least > max_passes {
        return None;
    }
    let mut best: Option<(f64, Plan)> = None;
    for k in least..=max_passes {
        if best.as_ref().is_some_and(|(cost, _)| *cost <= k as f64) {
            break; // another pass costs more than any hit rate it could save
        }
        let (plan, rate) = assign(heads, lines, k);
        let cost = k as f64 + rate / RATE_PER_PASS;
        if best.as_ref().is_none_or(|(c, _)| cost < *c) {
            best = Some((cost, plan));
        }
    }
    best.map(|(_, p)| p)
}

/// Greedy assignment to `k` passes ([`teddy_plan::place`], one group a head): the short heads
/// (which shorten a pass's fingerprint) go to the last pass; then each head, those hitting the
/// most background on their own first, to the bucket where it adds the fewest hits (then the
/// emptier), and pairwise swaps. Returns the plan and its background hit rate (summed over the
/// passes).
fn assign(heads: &[&[u8]], lines: &[Vec<u8>], k: usize) -> (Plan, f64) {
    // The passes' fingerprint lengths: a short head shortens the last pass's, which takes
    // every short head (the others keep all four bytes).
    let shortest = heads.iter().map(|h| h.len()).min().unwrap_or(4).clamp(1, 4);
    let windows: Vec<Windows> =
        (0..k).map(|p| Windows::new(lines, if p + 1 == k { shortest } else { 4 })).collect();
    let cap = heads.len().div_ceil(BUCKETS * k).clamp(1, MAX_PER_BUCKET);
    // With short heads and several passes, a short head goes to the last pass only.
    let groups: Vec<Group> =
        heads.iter().map(|&h| Group { literals: vec![h], last_pass_only: h.len() < 4 }).collect();
    let Placement { members, hits } = teddy_plan::place(&groups, &windows, BUCKETS, cap);
    let rate =
        (0..k).map(|p| hits[p].iter().sum::<u64>() as f64 / windows[p].total().max(1) as f64).sum();
    let passes = members.into_iter().filter(|m| m.iter().any(|b| !b.is_empty())).collect();
    (Plan { passes }, rate)
}

/// The pattern order that makes Teddy put each head where `buckets` says: Teddy gives a
/// pattern whose first `mask` low nibbles it has not seen bucket `BUCKETS - 1 - (index mod
/// BUCKETS)`, and a pattern whose low nibbles it has seen the bucket of that earlier pattern.
/// Returns indices into `heads`; a repeated index is a filler (a copy joins the bucket of its
/// first copy: the fillers go to the buckets with the fewest patterns). A head whose low
/// nibbles an earlier head shares goes where Teddy puts it (the plan only steers the cost).
pub(crate) fn teddy_order(heads: &[&[u8]], buckets: &[Vec<usize>], mask: usize) -> Vec<usize> {
    use std::collections::{HashMap, VecDeque};
    let lonybs = |i: usize| -> Vec<u8> { heads[i].iter().take(mask).map(|b| b & 15).collect() };
    let mut queues: Vec<VecDeque<usize>> =
        buckets.iter().map(|b| b.iter().copied().collect()).collect();
    queues.resize_with(BUCKETS, VecDeque::new);
    let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut count = [0usize; BUCKETS];
    let mut rep: [Option<usize>; BUCKETS] = [None; BUCKETS];
    let mut free: Vec<usize> = Vec::new();
    let mut out: Vec<usize> = Vec::new();
    let place = |out: &mut Vec<usize>, i: usize, b: usize, count: &mut [usize; BUCKETS]| {
        out.push(i);
        count[b] += 1;
    };
    while queues.iter().any(|q| !q.is_empty()) {
        let bucket = BUCKETS - 1 - (out.len() % BUCKETS);
        let mut next = None;
        while let Some(i) = queues[bucket].pop_front() {
            match seen.get(&lonybs(i)) {
                Some(_) => free.push(i),
                None => {
                    next = Some(i);
                    break;
                }
            }
        }
        if let Some(i) = next {
            seen.insert(lonybs(i), bucket);
            rep[bucket] = Some(i);
            place(&mut out, i, bucket, &mut count);
        } else if let Some(i) = free.pop() {
            let b = seen.get(&lonybs(i)).copied().unwrap_or(bucket);
            place(&mut out, i, b, &mut count);
        } else if let Some(b) = (0..BUCKETS).filter(|&b| rep[b].is_some()).min_by_key(|&b| count[b])
            && let Some(f) = rep[b]
        {
            place(&mut out, f, b, &mut count);
        } else if let Some(i) = queues.iter_mut().find_map(|q| q.pop_front()) {
            // Nothing placed yet and this bucket has no head: start anywhere.
            seen.insert(lonybs(i), bucket);
            rep[bucket] = Some(i);
            place(&mut out, i, bucket, &mut count);
        }
    }
    out.extend(free);
    out
}
