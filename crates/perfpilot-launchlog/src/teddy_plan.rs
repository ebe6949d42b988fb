//! The cost model of a packed (Teddy) searcher's fingerprint buckets, and the placement of
//! groups of literals in them against background lines: shared by the launch-log prefilter's
//! bucket plan (`buckets.rs`) and triage's serving-gate order.
//!
//! Teddy tests every position of the haystack against its buckets. A bucket's fingerprint
//! ([`Print`]) is, for each of the first `mask` bytes (at most 4), the set of low and the set of
//! high nibbles of its literals' bytes; a position hits when every byte's nibbles are among
//! them, and each hit costs a verification. Literals that share a bucket therefore also admit
//! the mixtures of their nibbles. [`Windows`] counts the background's distinct `mask`-byte
//! windows, so that the hits a fingerprint takes on the background are one pass over them;
//! [`place`] puts groups of literals in buckets greedily, then swaps pairs while the
//! background hits fall.

use std::collections::HashMap;
use std::ops::Range;

/// Most fingerprinted bytes of a Teddy bucket.
pub const MAX_MASK: usize = 4;

/// Rounds of pairwise swaps of [`place`] at most.
const SWAP_ROUNDS: usize = 4;

/// One bucket's fingerprint: for each fingerprinted byte, the set of low and of high nibbles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Print {
    lo: [u16; MAX_MASK],
    hi: [u16; MAX_MASK],
}

impl Print {
    /// This fingerprint with the nibbles of the first `mask` bytes of `lit` added (bytes past
    /// [`MAX_MASK`] are not fingerprinted).
    pub fn with(mut self, lit: &[u8], mask: usize) -> Print {
        for (i, &b) in lit.iter().take(mask.min(MAX_MASK)).enumerate() {
            self.lo[i] |= 1 << (b & 15);
            self.hi[i] |= 1 << (b >> 4);
        }
        self
    }

    /// The fingerprint of a bucket holding the literals of both.
    pub fn union(mut self, other: Print) -> Print {
        for i in 0..MAX_MASK {
            self.lo[i] |= other.lo[i];
            self.hi[i] |= other.hi[i];
        }
        self
    }
}

/// The background's distinct `mask`-byte windows as nibble bits, each with its number of
/// occurrences.
pub struct Windows {
    mask: usize,
    bits: Vec<([u16; MAX_MASK], [u16; MAX_MASK], u32)>,
    total: usize,
}

impl Windows {
    /// The windows of `lines` for fingerprints of `mask` bytes (clamped to 1..=[`MAX_MASK`]).
    pub fn new(lines: &[Vec<u8>], mask: usize) -> Windows {
        let mask = mask.clamp(1, MAX_MASK);
        let mut seen: HashMap<&[u8], u32> = HashMap::new();
        let mut total = 0;
        for l in lines {
            for w in l.windows(mask) {
                *seen.entry(w).or_default() += 1;
                total += 1;
            }
        }
        let mut bits: Vec<([u16; MAX_MASK], [u16; MAX_MASK], u32)> = seen
            .into_iter()
            .map(|(w, n)| {
                let (mut lo, mut hi) = ([u16::MAX; MAX_MASK], [u16::MAX; MAX_MASK]);
                for (i, &b) in w.iter().enumerate() {
                    lo[i] = 1 << (b & 15);
                    hi[i] = 1 << (b >> 4);
                }
                (lo, hi, n)
            })
            .collect();
        bits.sort_unstable();
        Windows { mask, bits, total }
    }

    /// The fingerprinted bytes of these windows.
    pub fn mask(&self) -> usize {
        self.mask
    }

    /// Background positions (windows counted with their repeats).
    pub fn total(&self) -> usize {
        self.total
    }

    /// Background positions that `p` admits; once the count passes `stop` it returns early,
    /// with a count above `stop` (`u64::MAX`: the exact count).
    pub fn hits(&self, p: &Print, stop: u64) -> u64 {
        let mut n = 0u64;
        for (lo, hi, count) in &self.bits {
            if (0..self.mask).all(|i| p.lo[i] & lo[i] != 0 && p.hi[i] & hi[i] != 0) {
                n += u64::from(*count);
                if n > stop {
                    return n;
                }
            }
        }
        n
    }
}

/// Literals that must share one bucket (one literal, or those Teddy itself puts together).
pub struct Group<'a> {
    /// The literals (only their first `mask` bytes count).
    pub literals: Vec<&'a [u8]>,
    /// True when the group may go only to the last pass (a short literal, which shortens that
    /// pass's fingerprint).
    pub last_pass_only: bool,
}

/// Groups placed in passes and buckets.
pub struct Placement {
    /// Per pass, per bucket, the indices of the groups (into the caller's list).
    pub members: Vec<Vec<Vec<usize>>>,
    /// Per pass, per bucket, the background positions the bucket's fingerprint admits.
    pub hits: Vec<Vec<u64>>,
}

/// Place `groups` in `buckets` buckets of each pass (one pass per entry of `windows`, its
/// background at its mask): each group, those hitting the most background of the last pass
/// on their own first, goes to the bucket where it adds the fewest hits (then the emptier),
/// among the buckets under `cap` groups while one is; pairwise swaps of groups of one pass
/// follow while they lower that pass's hits. A group that no allowed bucket can take (no pass
/// given) is left out.
pub fn place(groups: &[Group], windows: &[Windows], buckets: usize, cap: usize) -> Placement {
    let k = windows.len();
    let mut members: Vec<Vec<Vec<usize>>> = vec![vec![Vec::new(); buckets]; k];
    let mut hits = vec![vec![0u64; buckets]; k];
    if k == 0 {
        return Placement { members, hits };
    }
    // Each group's fingerprint at each pass's mask.
    let prints: Vec<Vec<Print>> = windows
        .iter()
        .map(|w| {
            groups
                .iter()
                .map(|g| g.literals.iter().fold(Print::default(), |p, l| p.with(l, w.mask)))
                .collect()
        })
        .collect();
    let mut order: Vec<(u64, usize)> =
        (0..groups.len()).map(|g| (windows[k - 1].hits(&prints[k - 1][g], u64::MAX), g)).collect();
    order.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut bucket_prints = vec![vec![Print::default(); buckets]; k];
    for &(_, g) in &order {
        let passes: Range<usize> = if groups[g].last_pass_only { k - 1..k } else { 0..k };
        let room = passes.clone().any(|p| members[p].iter().any(|m| m.len() < cap));
        let mut best: Option<(u64, usize, usize, usize)> = None;
        for p in passes {
            for b in 0..buckets {
                let size = members[p][b].len();
                if room && size >= cap {
                    continue;
                }
                let stop = best.map_or(u64::MAX, |(d, ..)| d.saturating_add(hits[p][b]));
                let now = windows[p].hits(&bucket_prints[p][b].union(prints[p][g]), stop);
                let added = now.saturating_sub(hits[p][b]);
                if best.is_none_or(|(d, s, ..)| (added, size) < (d, s)) {
                    best = Some((added, size, p, b));
                }
            }
        }
        if let Some((added, _, p, b)) = best {
            bucket_prints[p][b] = bucket_prints[p][b].union(prints[p][g]);
            hits[p][b] += added;
            members[p][b].push(g);
        }
    }
    improve(&prints, windows, &mut members, &mut hits);
    Placement { members, hits }
}

/// Local search after the greedy placement: swap two groups of different buckets of one pass
/// where that lowers the pass's background hits, until no swap does (or [`SWAP_ROUNDS`]).
fn improve(
    prints: &[Vec<Print>],
    windows: &[Windows],
    members: &mut [Vec<Vec<usize>>],
    hits: &mut [Vec<u64>],
) {
    for _ in 0..SWAP_ROUNDS {
        let mut better = false;
        for (p, w) in windows.iter().enumerate() {
            let print = |list: &[usize]| {
                list.iter().fold(Print::default(), |acc, &g| acc.union(prints[p][g]))
            };
            let buckets = members[p].len();
            for b in 0..buckets {
                for c in b + 1..buckets {
                    let now = hits[p][b] + hits[p][c];
                    if now == 0 {
                        continue;
                    }
                    for x in 0..members[p][b].len() {
                        for y in 0..members[p][c].len() {
                            let (mut nb, mut nc) = (members[p][b].clone(), members[p][c].clone());
                            std::mem::swap(&mut nb[x], &mut nc[y]);
                            let hb = w.hits(&print(&nb), now);
                            if hb >= now {
                                continue;
                            }
                            let hc = w.hits(&print(&nc), now - hb);
                            if hb + hc < hits[p][b] + hits[p][c] {
                                (members[p][b], members[p][c]) = (nb, nc);
                                (hits[p][b], hits[p][c]) = (hb, hc);
                                better = true;
                            }
                        }
                    }
                }
            }
        }
        if !better {
            break;
        }
    }
}
