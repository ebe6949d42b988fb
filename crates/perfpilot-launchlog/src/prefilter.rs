//! The candidate-line prefilter: finds the lines of a block that may hold a trigger phrase,
//! at SIMD speed for any number of phrases.
//!
//! Why it exists: aho-corasick's packed SIMD searcher (Teddy) takes at most 64 patterns. With
//! 64 phrases the automaton skips between candidate positions; with 65 it falls back to
//! stepping its DFA over every byte, about six times slower on a serving log (measured:
//! `cargo bench -p perfpilot-launchlog --bench automaton_size`). The phrase set grows with
//! every rule written, so the scan must not depend on its size.
//!
//! How: the phrases are reduced to *anchors* (`crate::anchors`): substrings of the phrases
//! that the lines a serving log repeats (decode, metrics, access lines) never hold, each
//! starting with one of a few 4-byte *heads* shared by as many phrases as possible. Every
//! phrase contains an anchor, so every line holding a phrase holds an anchor: the lines the
//! packed pass finds are a superset of the lines the full automaton would find, and the parser
//! keeps those where the full automaton matches (a line without a phrase yields nothing). The
//! packed searcher looks for the heads only and each head found is checked against its
//! anchors here, so one searcher takes any number of anchors; `crate::buckets` places the heads
//! in the searcher's fingerprint buckets against the background lines and decides how many
//! passes they take (one for the built-in rules). Without a packed searcher (no SIMD on the
//! CPU), with a phrase holding a line end, or with more heads than [`MAX_PASSES`] passes hold,
//! there is no prefilter and the caller scans with the full automaton, as before.

use std::sync::OnceLock;

use aho_corasick::Span;
use aho_corasick::packed::{self, MatchKind};

use crate::anchors::{self, Background};
use crate::buckets;

/// Heads up to which a pass uses slim Teddy (8 buckets, 32 bytes a step): one head a bucket.
const SLIM_HEADS: usize = 8;
/// Most patterns one packed searcher takes (`aho_corasick::packed`'s limit).
const MAX_PATTERNS: usize = 128;
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
    passes: Vec<Pass>,
    /// The distinct heads, each with the anchors that start with it.
    heads: Vec<(Vec<u8>, Vec<Vec<u8>>)>,
    anchors: usize,
}

/// One packed searcher over some of the heads.
struct Pass {
    searcher: packed::Searcher,
    /// For each pattern of the searcher, its head (index into `LinePrefilter::heads`).
    pattern_head: Vec<usize>,
    /// The heads of this pass.
    members: Vec<usize>,
}

impl LinePrefilter {
    /// The prefilter for `phrases`, or None where the caller must scan with the full
    /// automaton: a phrase is empty or holds a line end, the heads take more than
    /// [`MAX_PASSES`] searchers, or the CPU has no packed searcher.
    /// `background` replaces the embedded serving lines the anchors avoid (None: embedded).
    pub(crate) fn new(phrases: &[&str], background: Option<&Background>) -> Option<LinePrefilter> {
        if phrases.iter().any(|p| p.is_empty() || p.contains('\n')) {
            return None;
        }
        let bytes: Vec<&[u8]> = phrases.iter().map(|p| p.as_bytes()).collect();
        let background = background.unwrap_or_else(|| embedded_background());
        let groups = anchors::by_heads(&bytes, background);
        let mut heads: Vec<(Vec<u8>, Vec<Vec<u8>>)> = Vec::new();
        for a in groups.into_iter().flatten() {
            let head = &a[..a.len().min(anchors::HEAD)];
            match heads.iter_mut().find(|(h, _)| h.as_slice() == head) {
                Some((_, list)) => list.push(a),
                None => heads.push((head.to_vec(), vec![a])),
            }
        }
        let anchors = heads.iter().map(|(_, a)| a.len()).sum();
        let refs: Vec<&[u8]> = heads.iter().map(|(h, _)| h.as_slice()).collect();
        let plan = buckets::plan(&refs, background.lines(), MAX_PASSES)?;
        let passes = plan
            .passes
            .iter()
            .map(|buckets| Pass::new(&refs, buckets))
            .collect::<Option<Vec<Pass>>>()?;
        Some(LinePrefilter { passes, heads, anchors })
    }

    /// Number of anchors (in all packed searchers).
    pub(crate) fn anchors(&self) -> usize {
        self.anchors
    }

    /// Number of distinct anchor heads (one group of anchors each).
    pub(crate) fn heads(&self) -> usize {
        self.heads.len()
    }

    /// Number of packed searchers (one pass over the block each).
    pub(crate) fn passes(&self) -> usize {
        self.passes.len()
    }

    /// The passes as text: per pass, each pattern's head, the Teddy bucket its index gives and
    /// the head's anchors, in the order the searcher was given them (to inspect the plan).
    pub(crate) fn describe(&self) -> String {
        let mut out = String::new();
        for (p, pass) in self.passes.iter().enumerate() {
            let (n, m) = (pass.pattern_head.len(), pass.members.len());
            out += &format!("pass {p}: {n} patterns, {m} heads\n");
            for (k, &h) in pass.pattern_head.iter().enumerate() {
                let (head, anchors) = &self.heads[h];
                let a: Vec<String> =
                    anchors.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect();
                let bucket = buckets::BUCKETS - 1 - k % buckets::BUCKETS;
                let head = String::from_utf8_lossy(head);
                out += &format!("  {k:3} bucket {bucket:2} {head:?} {a:?}\n");
            }
        }
        out
    }

    /// Append to `lines` the `(start, end)` byte range (end at the `\n` or the block's end)
    /// of every line of `block` that holds an anchor, ascending, each once.
    pub(crate) fn candidate_lines(&self, block: &[u8], lines: &mut Vec<(usize, usize)>) {
        let first = lines.len();
        for pass in &self.passes {
            let mut at = 0;
            while at < block.len() {
                let Some(m) = pass.searcher.find_in(block, Span { start: at, end: block.len() })
                else {
                    break;
                };
                let p = m.start();
                if !self.anchored_at(pass, &block[p..], m.pattern().as_usize()) {
                    at = p + 1;
                    continue;
                }
                let (start, end) = line_around(block, p);
                lines.push((start, end));
                at = end + 1;
            }
        }
        if self.passes.len() > 1 {
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

    /// True when an anchor of one of `pass`'s heads starts `rest` (the searcher found its
    /// `pattern`'s head there; another head of the pass may start there too).
    fn anchored_at(&self, pass: &Pass, rest: &[u8], pattern: usize) -> bool {
        let found = pass.pattern_head.get(pattern).copied();
        let holds = |i: usize| {
            self.heads.get(i).is_some_and(|(h, anchors)| {
                rest.starts_with(h) && anchors.iter().any(|a| rest.starts_with(a))
            })
        };
        found.is_some_and(holds) || pass.members.iter().any(|&i| Some(i) != found && holds(i))
    }
}

impl Pass {
    /// The searcher over the heads `buckets` hold (indices into `heads`), each in its bucket.
    fn new(heads: &[&[u8]], buckets: &[Vec<usize>]) -> Option<Pass> {
        let members: Vec<usize> = buckets.iter().flatten().copied().collect();
        let mask = members.iter().map(|&i| heads[i].len()).min()?.min(anchors::HEAD);
        let fat = members.len() > SLIM_HEADS;
        let mut order =
            if fat { buckets::teddy_order(heads, buckets, mask) } else { members.clone() };
        if order.len() > MAX_PATTERNS {
            order.clone_from(&members); // too many fillers: Teddy's own placement
        }
        let mut b = packed::Config::new()
            .match_kind(MatchKind::LeftmostFirst)
            .heuristic_pattern_limits(false)
            .only_teddy_fat(Some(fat))
            .builder();
        b.extend(order.iter().map(|&i| heads[i]));
        Some(Pass { searcher: b.build()?, pattern_head: order, members })
    }
}

/// The line holding byte `at`: from after the previous `\n` to the next `\n` (or the end).
pub(crate) fn line_around(block: &[u8], at: usize) -> (usize, usize) {
    let start = memchr::memrchr(b'\n', &block[..at]).map_or(0, |p| p + 1);
    let end = memchr::memchr(b'\n', &block[at..]).map_or(block.len(), |p| at + p);
    (start, end)
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

    /// The bucket plan and Teddy order of `heads` against the embedded background, as text.
    fn plan_text(heads: &[&[u8]]) -> String {
        let Some(plan) = buckets::plan(heads, embedded_background().lines(), MAX_PASSES) else {
            return "none\n".to_string();
        };
        let mut out = String::new();
        for (p, pass) in plan.passes.iter().enumerate() {
            for (b, m) in pass.iter().enumerate() {
                out += &format!("pass {p} bucket {b}: {m:?}\n");
            }
            let members: Vec<usize> = pass.iter().flatten().copied().collect();
            let mask =
                members.iter().map(|&i| heads[i].len()).min().unwrap_or(1).min(anchors::HEAD);
            if members.len() > SLIM_HEADS {
                out += &format!("pass {p} order: {:?}\n", buckets::teddy_order(heads, pass, mask));
            }
        }
        out
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    /// The plans of `tests/bucket_plans.txt` (captured before the placement model moved to
    /// `teddy_plan`, on the built-in rules' heads and the heads of 200 unrelated phrases) are
    /// the plans made now. `PERFPILOT_BLESS_PLANS=1` rewrites the file from the current heads.
    #[test]
    fn bucket_plans_are_the_recorded_ones() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bucket_plans.txt");
        if std::env::var_os("PERFPILOT_BLESS_PLANS").is_some() {
            let rules = crate::LaunchRules::builtin();
            let builtin = rules.prefilter_for(BlockScan::Prefilter, 0).expect("a prefilter");
            let phrases: Vec<String> = (0..200u32)
                .map(|i| format!("{:03}Q{}", i, char::from(b'a' + (i % 26) as u8)))
                .collect();
            let refs: Vec<&str> = phrases.iter().map(String::as_str).collect();
            let synthetic = LinePrefilter::new(&refs, None).expect("a prefilter");
            let mut text = String::from(
                "# Bucket plans of the launch-log prefilter (prefilter.rs test), recorded at base 4e84d25.\n",
            );
            for (name, pre) in [("builtin", builtin), ("unrelated200", &synthetic)] {
                text += &format!("set {name}\n");
                let heads: Vec<&[u8]> = pre.heads.iter().map(|(h, _)| h.as_slice()).collect();
                for h in &heads {
                    text += &format!("head {}\n", hex(h));
                }
                text += &plan_text(&heads);
            }
            std::fs::write(&path, text).unwrap();
            return;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut sets: Vec<(String, Vec<Vec<u8>>, String)> = Vec::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            if let Some(name) = line.strip_prefix("set ") {
                sets.push((name.to_string(), Vec::new(), String::new()));
            } else if let Some(h) = line.strip_prefix("head ") {
                let bytes = (0..h.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                    .collect();
                sets.last_mut().unwrap().1.push(bytes);
            } else {
                let s = sets.last_mut().unwrap();
                s.2 += line;
                s.2 += "\n";
            }
        }
        assert_eq!(sets.len(), 2);
        for (name, heads, want) in &sets {
            let refs: Vec<&[u8]> = heads.iter().map(Vec::as_slice).collect();
            assert_eq!(&plan_text(&refs), want, "set {name}");
        }
    }

    #[test]
    fn a_phrase_with_a_line_end_has_no_prefilter() {
        assert!(LinePrefilter::new(&["two\nlines", "other"], None).is_none());
        assert!(LinePrefilter::new(&["", "other"], None).is_none());
    }
}
