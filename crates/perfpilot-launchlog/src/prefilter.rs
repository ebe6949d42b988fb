//! The candidate-line prefilter: finds the lines of a block that may hold a trigger phrase,
//! at SIMD speed for any number of phrases.
//!
//! Why it exists: aho-corasick's packed SIMD searcher (Teddy) takes at most 64 patterns. With
//! 64 phrases the automaton skips between candidate positions; with 65 it falls back to
//! stepping its DFA over every byte, about six times slower on a serving log (measured:
//! `cargo bench -p perfpilot-launchlog --bench automaton_size`). The phrase set grows with
//! every rule written, so the scan must not depend on its size.
//!
//! How: the phrases are reduced to at most 64 *anchors*, substrings shared by several
//! phrases (`" --max"` stands for every `--max-…` flag), merging the phrases with the longest
//! shared substring first so the anchors stay as specific as possible. Every phrase contains
//! an anchor, so every line holding a phrase holds an anchor: the lines the packed searcher
//! finds are a superset of the lines the full automaton would find, and the parser runs the
//! full automaton on those lines only (a line without a phrase yields nothing). Where the
//! anchors cannot be brought down to 64 (phrases with nothing in common), they are split into
//! several packed searchers of at most 64 each, still far cheaper than the DFA per byte.
//! Without a packed searcher (no SIMD on the CPU) or with a phrase holding a line end, there
//! is no prefilter and the caller scans with the full automaton, as before.

use std::collections::HashMap;

use aho_corasick::Span;
use aho_corasick::packed::{self, MatchKind};

/// Most patterns one packed (Teddy) searcher takes.
const PACKED_LIMIT: usize = 64;
/// Shortest shared substring that may replace the phrases holding it. Shorter anchors are
/// ordinary words of serving lines: at 4–6 bytes the 183 built-in phrases merged into
/// ` graph`, which every SGLang decode line holds (`cuda graph: True`), so the candidate lines
/// passed a quarter of the bytes and the scan fell back to the automaton (capacity explain
/// 1.55–1.79× grep on the 512 MiB bench). At 8 they stay 92 anchors in two packed passes, and
/// a second pass costs far less than that fallback.
const MIN_ANCHOR: usize = 8;
/// Longest shared substring considered (longer ones are found through their 24-byte windows).
const MAX_ANCHOR: usize = 24;
/// More packed passes than this cost more than the automaton's one pass: no prefilter.
const MAX_PASSES: usize = 4;
/// Past this many phrases the anchors are the phrases themselves (no reduction: its cost
/// grows with the square of the count), split over several packed searchers.
const REDUCE_LIMIT: usize = 2048;

/// Blocks at least this long use the prefilter under [`BlockScan::Auto`] (building it costs
/// more than scanning a short log with the automaton).
pub(crate) const AUTO_MIN_BLOCK: usize = 256 << 10;
/// Blocks scanned with the automaton after one where the prefilter did not pay off.
pub(crate) const AUTO_BACKOFF_BLOCKS: u32 = 16;

/// How [`crate::LogParser::push_block`] finds the lines worth parsing. The parse is the same
/// every way; only the speed differs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BlockScan {
    /// The candidate-line prefilter for blocks of 256 KiB or more, the full automaton for
    /// shorter ones; after a block where candidate lines made up more than a quarter of the
    /// bytes (the anchors are too common in this log), the automaton for the next 16 blocks.
    #[default]
    Auto,
    /// The full automaton over every byte (the reference the prefilter is tested against).
    Automaton,
    /// The candidate-line prefilter whatever the block size, where the rule set has one.
    Prefilter,
}

/// The packed searchers over the anchors of one phrase set.
pub(crate) struct LinePrefilter {
    searchers: Vec<packed::Searcher>,
    anchors: usize,
}

impl LinePrefilter {
    /// The prefilter for `phrases`, or None where the caller must scan with the full
    /// automaton: a phrase is empty or holds a line end, or the CPU has no packed searcher.
    pub(crate) fn new(phrases: &[&str]) -> Option<LinePrefilter> {
        if phrases.iter().any(|p| p.is_empty() || p.contains('\n')) {
            return None;
        }
        let anchors = anchors(phrases, PACKED_LIMIT);
        let groups = anchors.len().div_ceil(PACKED_LIMIT).max(1);
        if groups > MAX_PASSES {
            return None;
        }
        let per = anchors.len().div_ceil(groups).max(1);
        let searchers = anchors
            .chunks(per)
            .map(|group| {
                let mut b = packed::Config::new().match_kind(MatchKind::LeftmostFirst).builder();
                b.extend(group);
                b.build()
            })
            .collect::<Option<Vec<_>>>()?;
        Some(LinePrefilter { searchers, anchors: anchors.len() })
    }

    /// Number of anchors (at most 64 per packed searcher).
    pub(crate) fn anchors(&self) -> usize {
        self.anchors
    }

    /// Number of packed searchers (one pass over the block each).
    pub(crate) fn passes(&self) -> usize {
        self.searchers.len()
    }

    /// Append to `lines` the `(start, end)` byte range (end at the `\n` or the block's end)
    /// of every line of `block` that holds an anchor, ascending, each once.
    pub(crate) fn candidate_lines(&self, block: &[u8], lines: &mut Vec<(usize, usize)>) {
        let first = lines.len();
        for s in &self.searchers {
            let mut at = 0;
            while at < block.len() {
                let Some(m) = s.find_in(block, Span { start: at, end: block.len() }) else {
                    break;
                };
                let (start, end) = line_around(block, m.start());
                lines.push((start, end));
                at = end + 1;
            }
        }
        if self.searchers.len() > 1 {
            lines[first..].sort_unstable();
            let mut kept = first;
            for i in first..lines.len() {
                if kept == first || lines[kept - 1] != lines[i] {
                    lines[kept] = lines[i];
                    kept += 1;
                }
            }
            lines.truncate(kept);
        }
    }
}

/// The line holding byte `at`: from after the previous `\n` to the next `\n` (or the end).
pub(crate) fn line_around(block: &[u8], at: usize) -> (usize, usize) {
    let start = memchr::memrchr(b'\n', &block[..at]).map_or(0, |p| p + 1);
    let end = memchr::memchr(b'\n', &block[at..]).map_or(block.len(), |p| at + p);
    (start, end)
}

/// Anchors for `phrases`: sorted byte strings, every phrase containing at least one, at most
/// `limit` where the phrases share enough (otherwise as few as merging allowed).
///
/// Greedy, longest shared substring first: for each length from 24 down to 4, the substrings
/// of that length held by two or more anchors replace those anchors, most widely shared
/// first, until at most `limit` remain. Deterministic: ties go to the smaller byte string.
pub(crate) fn anchors(phrases: &[&str], limit: usize) -> Vec<Vec<u8>> {
    let bytes: Vec<Vec<u8>> = phrases.iter().map(|p| p.as_bytes().to_vec()).collect();
    if bytes.len() > REDUCE_LIMIT {
        let mut all = bytes;
        all.sort_unstable();
        all.dedup();
        return all;
    }
    let mut alive = minimal(bytes);
    for k in (MIN_ANCHOR..=MAX_ANCHOR).rev() {
        if alive.len() <= limit {
            break;
        }
        alive = merge_at(alive, k, limit);
    }
    alive
}

/// One round of [`anchors`]: merge anchors sharing a substring of exactly `k` bytes.
fn merge_at(alive: Vec<Vec<u8>>, k: usize, limit: usize) -> Vec<Vec<u8>> {
    let mut holders: HashMap<&[u8], Vec<usize>> = HashMap::new();
    for (i, a) in alive.iter().enumerate() {
        if a.len() < k {
            continue;
        }
        for w in a.windows(k) {
            let ids = holders.entry(w).or_default();
            if ids.last() != Some(&i) {
                ids.push(i);
            }
        }
    }
    let mut shared: Vec<(&[u8], Vec<usize>)> =
        holders.into_iter().filter(|(_, ids)| ids.len() >= 2).collect();
    if shared.is_empty() {
        return alive;
    }
    shared.sort_unstable_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(b.0)));
    let mut merged = vec![false; alive.len()];
    let mut added: Vec<Vec<u8>> = Vec::new();
    let mut count = alive.len();
    for (w, ids) in shared {
        if count <= limit {
            break;
        }
        let live: Vec<usize> = ids.into_iter().filter(|&i| !merged[i]).collect();
        if live.len() < 2 {
            continue;
        }
        for &i in &live {
            merged[i] = true;
        }
        count = count + 1 - live.len();
        added.push(w.to_vec());
    }
    let kept = alive.iter().zip(&merged).filter(|(_, m)| !**m).map(|(a, _)| a.clone()).chain(added);
    minimal(kept.collect())
}

/// Sorted, deduplicated, and without any string that contains another (the shorter one
/// finds every line the longer one would). One overlapping automaton pass over each string.
fn minimal(mut v: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    v.sort_unstable();
    v.dedup();
    let Ok(ac) = aho_corasick::AhoCorasick::new(&v) else {
        return v;
    };
    let keep: Vec<bool> = v
        .iter()
        .enumerate()
        .map(|(i, s)| !ac.find_overlapping_iter(s).any(|m| m.pattern().as_usize() != i))
        .collect();
    v.into_iter().zip(keep).filter(|(_, k)| *k).map(|(s, _)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covers(anchors: &[Vec<u8>], phrases: &[&str]) -> bool {
        phrases
            .iter()
            .all(|p| anchors.iter().any(|a| memchr::memmem::find(p.as_bytes(), a).is_some()))
    }

    #[test]
    fn shared_substrings_merge_and_every_phrase_keeps_an_anchor() {
        let phrases =
            [" --max-num-seqs", " --max-num-batched-tokens", " --block-size", "KV cache size:"];
        let a = anchors(&phrases, 3);
        assert!(a.len() <= 3, "{a:?}");
        assert!(covers(&a, &phrases));
        assert!(a.iter().any(|x| x.as_slice() == b" --max-num-"), "{a:?}");
        // No anchor shorter than MIN_ANCHOR: ` --max-` (7 bytes) is not formed, so these stay 4.
        let short = [" --max-model-len", " --max-num-seqs", " --block-size", "KV cache size:"];
        assert_eq!(anchors(&short, 3).len(), 4);
        // Within the limit nothing merges; a phrase holding another is dropped.
        let a = anchors(&["memory pool", "pool", "KV cache"], 64);
        assert_eq!(a, vec![b"KV cache".to_vec(), b"pool".to_vec()]);
    }

    #[test]
    fn unrelated_phrases_split_over_several_searchers() {
        // 200 phrases with no 4-byte substring in common: no merge, four packed searchers.
        let phrases: Vec<String> = (0..200u32)
            .map(|i| format!("{:03}Q{}", i, char::from(b'a' + (i % 26) as u8)))
            .collect();
        let refs: Vec<&str> = phrases.iter().map(String::as_str).collect();
        let a = anchors(&refs, 64);
        assert!(covers(&a, &refs));
        let Some(pre) = LinePrefilter::new(&refs) else { return }; // no SIMD: no prefilter
        assert!(pre.passes() >= 4, "{}", pre.passes());
        let block = b"x 007Qh y\nnothing\nz 199Qr\n150Qu";
        let mut lines = Vec::new();
        pre.candidate_lines(block, &mut lines);
        assert_eq!(lines, vec![(0, 9), (18, 25), (26, 31)]);
    }

    #[test]
    fn a_phrase_with_a_line_end_has_no_prefilter() {
        assert!(LinePrefilter::new(&["two\nlines", "other"]).is_none());
        assert!(LinePrefilter::new(&["", "other"]).is_none());
    }
}
