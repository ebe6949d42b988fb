//! Text in and out of the simulated model: a tokenizer for prompts, and the words the
//! model "generates".
//!
//! The built-in tokenizer needs no vocabulary file: it splits text the way byte-level
//! BPE pre-tokenizers do (a word with its leading space, digits in groups of up to three,
//! punctuation alone, whitespace runs) and cuts long words into pieces of up to nine
//! characters, then hashes each piece to an id. Counts land near real BPE counts for
//! English prose, and equal text gives equal ids, so shared prefixes hit the prefix
//! cache. A real `tokenizer.json` can be plugged in through [`PromptTokenizer`].

/// What the server needs from a tokenizer.
pub trait PromptTokenizer: Send + Sync {
    /// Token ids of `text` (no special tokens added).
    fn encode(&self, text: &str) -> Vec<u32>;
    /// A short name for `/server_info`.
    fn name(&self) -> String;
}

/// The built-in, file-free tokenizer.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuiltinTokenizer;

/// Vocabulary size the built-in tokenizer hashes into (ids stay below it).
pub const BUILTIN_VOCAB: u32 = 151_643;
const MAX_PIECE: usize = 9;

impl PromptTokenizer for BuiltinTokenizer {
    fn encode(&self, text: &str) -> Vec<u32> {
        let mut ids = Vec::with_capacity(text.len() / 4 + 1);
        for piece in pieces(text) {
            ids.push(piece_id(piece));
        }
        ids
    }

    fn name(&self) -> String {
        "builtin (pre-tokenizer split + hashed ids)".into()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    Space,
    Other,
}

fn class(c: char) -> Class {
    if c.is_alphabetic() {
        Class::Letter
    } else if c.is_numeric() {
        Class::Digit
    } else if c.is_whitespace() {
        Class::Space
    } else {
        Class::Other
    }
}

/// Split `text` into token pieces (see the module doc).
fn pieces(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let mut chars = rest.char_indices();
        let (_, first) = chars.next()?;
        let mut cls = class(first);
        let mut start_len = first.len_utf8();
        // A single space sticks to the following word, as in GPT-2-style pre-tokenizers.
        if first == ' '
            && let Some((_, c)) = rest[1..].chars().next().map(|c| (1, c))
            && matches!(class(c), Class::Letter | Class::Digit | Class::Other)
        {
            cls = class(c);
            start_len += c.len_utf8();
        }
        let mut end = start_len;
        let limit = match cls {
            Class::Digit => 3,
            Class::Other => 1,
            Class::Space => usize::MAX,
            Class::Letter => MAX_PIECE,
        };
        for (count, c) in (1..).zip(rest[start_len..].chars()) {
            if class(c) != cls || count >= limit {
                break;
            }
            end += c.len_utf8();
        }
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

fn piece_id(piece: &str) -> u32 {
    (perfpilot_io::fnv1a64(piece.as_bytes()) % u64::from(BUILTIN_VOCAB)) as u32
}

/// Words the simulated model emits, one token each in common BPE vocabularies (a leading
/// space and a frequent English word), so client re-tokenization counts match.
pub const OUTPUT_WORDS: &[&str] = &[
    " the", " of", " and", " to", " in", " a", " is", " that", " for", " it", " as", " with",
    " was", " on", " be", " by", " this", " are", " from", " at", " or", " an", " which", " not",
    " have", " but", " were", " his", " they", " has", " their", " one", " all", " also", " can",
    " more", " its", " other", " some", " time", " new", " than", " into", " only", " most",
    " first", " these", " two", " may", " after", " used", " many", " such", " when", " there",
    " been", " would", " would", " over", " where", " between", " each", " both", " while",
];

/// The text of output token `index` of a request whose stream key is `key`.
pub fn output_word(key: u64, index: u32) -> &'static str {
    let k = key.wrapping_add(u64::from(index).wrapping_mul(0x9e37_79b9));
    OUTPUT_WORDS[(k % OUTPUT_WORDS.len() as u64) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_follow_pretokenizer_rules() {
        let p: Vec<&str> = pieces("Hello world, 12345 internationalization!").collect();
        assert_eq!(
            p,
            vec!["Hello", " world", ",", " 123", "45", " internati", "onalizati", "on", "!"]
        );
    }

    #[test]
    fn counts_are_close_to_bpe_on_prose_and_prefixes_share_ids() {
        let t = BuiltinTokenizer;
        let text = "The quick brown fox jumps over the lazy dog. It was the best of times.";
        let n = t.encode(text).len();
        // GPT-2 encodes this sentence in 18 tokens.
        assert!((15..=21).contains(&n), "{n}");
        let a = t.encode("You are a helpful assistant. Question one?");
        let b = t.encode("You are a helpful assistant. Question two?");
        assert_eq!(a[..6], b[..6]);
        assert!(t.encode("").is_empty());
    }

    #[test]
    fn output_words_cycle_deterministically() {
        assert_eq!(output_word(3, 5), output_word(3, 5));
        assert!(output_word(1, 0).starts_with(' '));
    }
}
