//! The anchors of the candidate-line prefilter: for every trigger phrase, the phrase from one
//! of a few 4-byte *heads* on, the heads chosen so that the lines a serving log repeats
//! (decode, metrics and access lines: `background.toml`) rarely hold them.
//!
//! Why heads: a packed (Teddy) searcher fingerprints only the first four bytes of each
//! pattern, in 8 or 16 buckets; patterns sharing their first bytes share a bucket. Its cost
//! over every byte of the log is the fingerprint hits it must verify, and those grow with the
//! number of *distinct* heads per bucket (each adds nibbles to the bucket's masks), not with
//! the number of patterns. Merging the phrases by their longest shared substrings gave 92
//! anchors with about as many heads (two fat passes over the log); shorter shared substrings
//! merged them into ` graph`, which every SGLang decode line holds.
//!
//! Here the heads are chosen greedily: each step takes the 4-byte substring held by the most
//! phrases still without an anchor, heads the background never shows before those it does
//! (then the rarer there, then the smaller byte string), and every phrase holding it gets the
//! anchor "the phrase from that head on" (as specific as the phrase allows). A phrase shorter
//! than four bytes is its own anchor. The 183 built-in phrases take about 40 heads, one pass.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use serde::Deserialize;

/// Bytes of an anchor that Teddy fingerprints (its mask length, at most 4).
pub(crate) const HEAD: usize = 4;

/// The embedded background lines.
const BACKGROUND_TOML: &str = include_str!("background.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BackgroundFile {
    version: u32,
    line: Vec<BackgroundLine>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BackgroundLine {
    text: String,
    #[allow(dead_code)] // read for the table's check: every line names where it is printed
    source: String,
}

/// The lines a serving log repeats (`background.toml`): how often each 4-byte head occurs
/// in them.
pub(crate) struct Background {
    heads: HashMap<[u8; HEAD], u32>,
    /// The lines themselves (the packed searcher's buckets are placed against them).
    lines: Vec<Vec<u8>>,
}

impl Background {
    /// The embedded table (an empty background if it ever failed to parse: heads are then
    /// chosen by sharing alone; a test checks the table).
    pub(crate) fn embedded() -> Background {
        Background::from_lines(embedded_lines().iter().map(Vec::as_slice))
    }

    /// A background made of `lines`.
    pub(crate) fn from_lines<'a>(lines: impl Iterator<Item = &'a [u8]>) -> Background {
        let mut heads: HashMap<[u8; HEAD], u32> = HashMap::new();
        let mut kept = Vec::new();
        for line in lines {
            for w in line.windows(HEAD) {
                if let Some(h) = w.first_chunk::<HEAD>() {
                    *heads.entry(*h).or_default() += 1;
                }
            }
            kept.push(line.to_vec());
        }
        Background { heads, lines: kept }
    }

    /// The background lines.
    pub(crate) fn lines(&self) -> &[Vec<u8>] {
        &self.lines
    }

    /// Occurrences of `head` in the background lines.
    fn count(&self, head: &[u8; HEAD]) -> u32 {
        self.heads.get(head).copied().unwrap_or(0)
    }
}

/// The texts of a background table, or what is wrong with it.
fn parse(text: &str) -> Result<Vec<String>, String> {
    let file: BackgroundFile = toml::from_str(text).map_err(|e| e.to_string())?;
    if file.version != 1 {
        return Err(format!("version {}, expected 1", file.version));
    }
    if let Some(l) = file.line.iter().find(|l| l.text.is_empty() || l.source.trim().is_empty()) {
        return Err(format!("a line with an empty text or source: {:?}", l.text));
    }
    Ok(file.line.into_iter().map(|l| l.text).collect())
}

/// The embedded background lines (see `background.toml`), parsed once per process; none when
/// the table does not parse.
pub(crate) fn embedded_lines() -> &'static [Vec<u8>] {
    static LINES: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    LINES.get_or_init(|| {
        parse(BACKGROUND_TOML).unwrap_or_default().into_iter().map(String::into_bytes).collect()
    })
}

/// The anchors of `phrases`, grouped by head (groups in the order the heads were chosen;
/// a phrase shorter than a head is a group of its own). Every phrase contains an anchor.
pub(crate) fn by_heads(phrases: &[&[u8]], background: &Background) -> Vec<Vec<Vec<u8>>> {
    // Every 4-byte window with the phrases holding it (and where, first occurrence).
    let mut holders: HashMap<[u8; HEAD], Vec<(usize, usize)>> = HashMap::new();
    let mut anchor_of: Vec<Option<Vec<u8>>> = vec![None; phrases.len()];
    for (i, p) in phrases.iter().enumerate() {
        if p.len() < HEAD {
            anchor_of[i] = Some(p.to_vec());
            continue;
        }
        for (at, w) in p.windows(HEAD).enumerate() {
            if let Some(h) = w.first_chunk::<HEAD>() {
                let ids = holders.entry(*h).or_default();
                if ids.last().map(|x| x.0) != Some(i) {
                    ids.push((i, at));
                }
            }
        }
    }
    let key = |h: [u8; HEAD], n: usize| -> HeadKey {
        let bg = background.count(&h);
        (bg == 0, n, Reverse(bg), Reverse(h))
    };
    // Lazy greedy: a popped head whose count is stale goes back with its new count (counts
    // only fall, so a head whose count is current is the best there is).
    let mut heap: BinaryHeap<HeadKey> = holders.iter().map(|(h, ids)| key(*h, ids.len())).collect();
    let mut groups: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut left = anchor_of.iter().filter(|a| a.is_none()).count();
    while left > 0 {
        let Some((_, n, _, Reverse(h))) = heap.pop() else { break };
        let ids = holders.get(&h).map_or(&[][..], Vec::as_slice);
        let now = ids.iter().filter(|(i, _)| anchor_of[*i].is_none()).count();
        if now == 0 {
            continue;
        }
        if now < n {
            heap.push(key(h, now));
            continue;
        }
        let mut group = Vec::new();
        for &(i, at) in ids {
            if anchor_of[i].is_none() {
                let a = phrases[i][at..].to_vec();
                group.push(a.clone());
                anchor_of[i] = Some(a);
                left -= 1;
            }
        }
        groups.push(group);
    }
    groups.extend(anchor_of.iter().flatten().filter(|a| a.len() < HEAD).map(|a| vec![a.clone()]));
    // An anchor holding another finds no line the other does not: drop it.
    let kept: HashSet<Vec<u8>> =
        minimal(anchor_of.into_iter().flatten().collect()).into_iter().collect();
    groups
        .into_iter()
        .map(|g| {
            let mut g: Vec<Vec<u8>> = g.into_iter().filter(|a| kept.contains(a)).collect();
            g.sort_unstable();
            g.dedup();
            g
        })
        .filter(|g| !g.is_empty())
        .collect()
}

/// Greedy order of heads: absent from the background first, then most phrases still without
/// an anchor, then rarest in the background, then the smaller byte string.
type HeadKey = (bool, usize, Reverse<u32>, Reverse<[u8; HEAD]>);

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

    fn covers(groups: &[Vec<Vec<u8>>], phrases: &[&[u8]]) -> bool {
        phrases
            .iter()
            .all(|p| groups.iter().flatten().any(|a| memchr::memmem::find(p, a).is_some()))
    }

    #[test]
    fn the_embedded_background_parses() {
        let lines = parse(BACKGROUND_TOML).unwrap();
        assert!(lines.len() >= 15, "{}", lines.len());
        assert!(lines.iter().any(|l| l.contains("Decode batch")));
        assert!(parse("version = 2\nline = []").unwrap_err().contains("version 2"));
    }

    #[test]
    fn shared_heads_group_phrases_and_background_heads_are_avoided() {
        let bg = Background::from_lines(
            [&b"[TP0] Decode batch. #token: 81234, token usage: 0.04, cuda graph: True"[..]]
                .into_iter(),
        );
        let phrases: [&[u8]; 5] =
            [b"cuda graph begin.", b"cuda graph end.", b"CUDA graph end.", b"KV Cache is", b"x"];
        let groups = by_heads(&phrases, &bg);
        assert!(covers(&groups, &phrases), "{groups:?}");
        // Every head of length 4 is absent from the decode line (` gra`, `cuda` are not);
        // `x` is its own anchor; the three graph phrases share one head (`h be`/`h en` differ,
        // `raph` is background text, `ph e`…: whichever, at most two heads for them).
        for g in &groups {
            for a in g {
                if let Some(h) = a.first_chunk::<HEAD>() {
                    assert_eq!(bg.count(h), 0, "{groups:?}");
                }
                assert!(a.starts_with(&g[0][..g[0].len().min(HEAD)]), "{groups:?}");
            }
        }
        assert!(groups.contains(&vec![b"x".to_vec()]), "{groups:?}");
        assert!(groups.len() <= 4, "{groups:?}");
    }

    #[test]
    fn a_phrase_holding_another_is_covered_by_it() {
        let bg = Background::from_lines(std::iter::empty());
        let groups = by_heads(&[b"memory pool", b"pool", b"KV cache"], &bg);
        let all: Vec<&Vec<u8>> = groups.iter().flatten().collect();
        assert!(all.contains(&&b"pool".to_vec()), "{groups:?}");
        assert_eq!(all.len(), 2, "{groups:?}");
    }
}
