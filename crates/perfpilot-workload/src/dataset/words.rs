//! Prompts of an exact token length from a word list, for tokenizers that can count but
//! not decode (a server with `/tokenize` and no `/detokenize`, such as the simulator).
//! Words are added until the count reaches the target (a binary search over the number
//! of words), then the last word is swapped until the count is exact.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::{TextTokenizer, WorkloadError};

/// Common English words: one token each (with their leading space) in most byte-level
/// BPE vocabularies, so counts move by one per word.
const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "he",
    "this",
    "are",
    "or",
    "his",
    "from",
    "at",
    "which",
    "but",
    "have",
    "an",
    "had",
    "they",
    "you",
    "were",
    "their",
    "one",
    "all",
    "we",
    "can",
    "her",
    "has",
    "there",
    "been",
    "if",
    "more",
    "when",
    "will",
    "would",
    "who",
    "so",
    "no",
    "time",
    "new",
    "people",
    "year",
    "way",
    "day",
    "man",
    "thing",
    "world",
    "life",
    "hand",
    "part",
    "child",
    "eye",
    "woman",
    "place",
    "work",
    "week",
    "case",
    "point",
    "number",
    "group",
    "problem",
    "fact",
    "good",
    "first",
    "last",
    "long",
    "great",
    "little",
    "own",
    "other",
    "old",
    "right",
    "big",
    "high",
    "small",
    "large",
    "next",
    "early",
    "young",
    "few",
    "public",
    "bad",
    "same",
    "able",
    "make",
    "know",
    "take",
    "see",
    "come",
    "think",
    "look",
    "want",
    "give",
    "use",
    "find",
    "tell",
    "ask",
    "seem",
    "feel",
    "try",
    "leave",
    "call",
    "water",
    "light",
    "house",
    "city",
    "road",
    "river",
    "music",
    "story",
    "book",
    "word",
    "school",
    "system",
    "program",
    "question",
    "money",
    "night",
    "home",
    "game",
    "line",
    "end",
    "name",
    "state",
    "power",
    "war",
    "history",
    "party",
    "result",
    "change",
    "morning",
    "reason",
    "research",
    "art",
    "body",
    "information",
    "family",
    "side",
];

/// Text of exactly `target` tokens by `tok.count` where a word swap can reach it, built
/// from random words; returns the text and its real count.
pub(crate) fn text_from_words(
    tok: &dyn TextTokenizer,
    target: usize,
    rng: &mut ChaCha8Rng,
) -> Result<(String, u32), WorkloadError> {
    if target == 0 {
        return Ok((String::new(), 0));
    }
    let mut words: Vec<&str> = Vec::new();
    let extend = |words: &mut Vec<&str>, k: usize, rng: &mut ChaCha8Rng| {
        while words.len() < k {
            words.push(WORDS[rng.random_range(0..WORDS.len())]);
        }
    };
    let count = |words: &[&str]| -> Result<usize, WorkloadError> {
        Ok(tok.count(&words.join(" "))? as usize)
    };
    // Smallest k with count(words[..k]) >= target: grow, then bisect.
    let (mut lo, mut hi) = (0usize, target.max(1));
    extend(&mut words, hi, rng);
    while count(&words[..hi])? < target {
        lo = hi;
        hi *= 2;
        if hi > target.saturating_mul(8) + 64 {
            return Err(WorkloadError::Tokenizer {
                name: tok.name(),
                message: format!("{hi} words count as fewer than {target} tokens"),
            });
        }
        extend(&mut words, hi, rng);
    }
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if count(&words[..mid])? >= target {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    words.truncate(hi);
    let mut n = count(&words)?;
    // Overshoot by a multi-token last word: try other words in its place.
    for _ in 0..32 {
        if n == target {
            break;
        }
        if let Some(last) = words.last_mut() {
            *last = WORDS[rng.random_range(0..WORDS.len())];
        }
        n = count(&words)?;
    }
    if n > target && words.len() > 1 {
        words.pop();
        n = count(&words)?;
    }
    Ok((words.join(" "), u32::try_from(n).unwrap_or(u32::MAX)))
}
