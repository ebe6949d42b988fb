//! The candidate-line prefilter: finds the lines of a block that may hold a trigger phrase,
//! at SIMD speed for any number of phrases.
//!
//! Why it exists: aho-corasick's packed SIMD searcher (Teddy) takes at most 64 patterns. With
//! 64 phrases the automaton skips between candidate positions; with 65 it falls back to
//! stepping its DFA over every byte, about six times slower on a serving log (measured:
//! `cargo bench -p perfpilot-launchlog --bench automaton_size`). The phrase set grows with
//! every rule written, so the scan must not depend on its size.
//!
//! How: the phrases are reduced to at most 64 *anchors* (`crate::anchors`): substrings of the
//! phrases that the lines a serving log repeats (decode, metrics, access lines) never hold,
//! each shared by as many phrases as possible. Every phrase contains an anchor, so every line
//! holding a phrase holds an anchor: the lines the one packed pass finds are a superset of the
//! lines the full automaton would find, and the parser keeps those where the full automaton
//! matches (a line without a phrase yields nothing). Where the anchors cannot be brought down
//! to 64 (phrases with nothing in common), they are split into several packed searchers of at
//! most 64 each, still far cheaper than the DFA per byte. Without a packed searcher (no SIMD on
//! the CPU) or with a phrase holding a line end, there is no prefilter and the caller scans
//! with the full automaton, as before.

use std::sync::OnceLock;

use aho_corasick::Span;
use aho_corasick::packed::{self, MatchKind};

use crate::anchors::{self, Background};

/// Most distinct heads one packed (Teddy) searcher is given. Fat Teddy has 16 buckets; past
/// about two heads a bucket its fingerprint hits grow faster than a second pass costs. Measured
/// on the 512 MiB serving log of `parse_vs_grep.sh` with the 57 heads of the capfix3 rules
/// (example `scan_file`, release, quiet, 3 runs each, CPU seconds): one searcher 1.41-1.57,
/// two (29 + 28 heads) 0.51-0.61, three 0.57-0.60, four 0.70-0.83.
const HEADS_PER_PASS: usize = 32;
/// Heads up to which slim Teddy (8 buckets, 32 bytes a step) is used: one head per bucket.
const SLIM_HEADS: usize = 8;
/// More packed passes than this cost more than the automaton's one pass: no prefilter.
const MAX_PASSES: usize = 4;
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
    heads: usize,
}

impl LinePrefilter {
    /// The prefilter for `phrases`, or None where the caller must scan with the full
    /// automaton: a phrase is empty or holds a line end, the anchors take more than
    /// [`MAX_PASSES`] searchers, or the CPU has no packed searcher.
    /// `background` replaces the embedded serving lines the anchors avoid (None: embedded).
    pub(crate) fn new(phrases: &[&str], background: Option<&Background>) -> Option<LinePrefilter> {
        if phrases.iter().any(|p| p.is_empty() || p.contains('\n')) {
            return None;
        }
        let bytes: Vec<&[u8]> = phrases.iter().map(|p| p.as_bytes()).collect();
        let groups = anchors::by_heads(&bytes, background.unwrap_or_else(|| embedded_background()));
        let passes = groups.len().div_ceil(HEADS_PER_PASS).max(1);
        if passes > MAX_PASSES {
            return None;
        }
        let per = groups.len().div_ceil(passes).max(1);
        let anchors = groups.iter().map(Vec::len).sum();
        let searchers =
            groups.chunks(per).map(searcher).collect::<Option<Vec<packed::Searcher>>>()?;
        Some(LinePrefilter { searchers, anchors, heads: groups.len() })
    }

    /// Number of anchors (in all packed searchers).
    pub(crate) fn anchors(&self) -> usize {
        self.anchors
    }

    /// Number of distinct anchor heads (one group of anchors each).
    pub(crate) fn heads(&self) -> usize {
        self.heads
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

/// One packed searcher over the anchors of `groups` (one group per head). The first anchor of
/// each head comes first: Teddy puts a new head in bucket `pattern index mod buckets` and
/// later patterns with the same first bytes in the same bucket, so the heads spread over the
/// buckets before any shares one.
fn searcher(groups: &[Vec<Vec<u8>>]) -> Option<packed::Searcher> {
    let firsts = groups.iter().filter_map(|g| g.first());
    let rest = groups.iter().flat_map(|g| g.iter().skip(1));
    let mut b = packed::Config::new()
        .match_kind(MatchKind::LeftmostFirst)
        .heuristic_pattern_limits(false)
        .only_teddy_fat(Some(groups.len() > SLIM_HEADS))
        .builder();
    b.extend(firsts.chain(rest));
    b.build()
}

/// The embedded background lines, read once per process.
fn embedded_background() -> &'static Background {
    static BG: OnceLock<Background> = OnceLock::new();
    BG.get_or_init(Background::embedded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unrelated_phrases_split_over_several_searchers() {
        // 200 phrases with few 4-byte substrings in common: more heads than one pass takes.
        let phrases: Vec<String> = (0..200u32)
            .map(|i| format!("{:03}Q{}", i, char::from(b'a' + (i % 26) as u8)))
            .collect();
        let refs: Vec<&str> = phrases.iter().map(String::as_str).collect();
        let Some(pre) = LinePrefilter::new(&refs, None) else { return }; // no SIMD: no prefilter
        assert!(pre.passes() >= 2, "{}", pre.passes());
        let block = b"x 007Qh y\nnothing\nz 199Qr\n150Qu";
        let mut lines = Vec::new();
        pre.candidate_lines(block, &mut lines);
        assert_eq!(lines, vec![(0, 9), (18, 25), (26, 31)]);
    }

    #[test]
    fn a_phrase_with_a_line_end_has_no_prefilter() {
        assert!(LinePrefilter::new(&["two\nlines", "other"], None).is_none());
        assert!(LinePrefilter::new(&["", "other"], None).is_none());
    }
}
