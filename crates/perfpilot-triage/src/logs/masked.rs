//! The key of a gated line while serving: a hash of its message with every digit run masked,
//! and the cheap hashing of sets keyed by it.

/// A hash of a message with every digit run masked (repeats with other numbers collide on
/// purpose), without allocating. It runs on every gated line while serving (a tenth of
/// `triage`'s time on a 1 GiB log as byte-at-a-time FNV, whose multiply chain costs about
/// 4 cycles a byte), so the masked bytes are packed 8 to a word and each word is mixed once
/// (issue #15); the length and the last partial word go into the final mix. The text between
/// digit runs goes in a slice at a time (a byte loop over the lines of a serving log, whose
/// stamps and ids put a digit in most words, was most of the cost).
pub(crate) fn masked_hash(msg: &str) -> u64 {
    let mut p = MaskPacker { h: 0xcbf2_9ce4_8422_2325, word: 0, n: 0, len: 0 };
    let mut rest = msg.trim().as_bytes();
    while !rest.is_empty() {
        let run = next_digit(rest);
        p.feed(&rest[..run]);
        rest = &rest[run..];
        if rest.is_empty() {
            break;
        }
        // A run of digits is one `#`.
        let digits = rest.iter().position(|b| !b.is_ascii_digit()).unwrap_or(rest.len());
        p.feed(b"#");
        rest = &rest[digits..];
    }
    p.finish()
}

/// The index of the first ASCII digit in `b` (its length when none), eight bytes a step.
fn next_digit(b: &[u8]) -> usize {
    let mut words = b.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        let m = digit_bytes(u64::from_le_bytes(a));
        if m != 0 {
            return at + (m.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + words.remainder().iter().position(u8::is_ascii_digit).unwrap_or(words.remainder().len())
}

/// The top bit of each byte of `w` that is an ASCII digit (0x30-0x39), and no other bit: the
/// "has a byte between" word test, exact per byte because no step carries into the next byte
/// (the low seven bits are tested, and bytes of 0x80 and above are excluded by `!w`).
fn digit_bytes(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let low = w & (ONES * 0x7F);
    // Below 0x3A: 0x7F + 0x3A - b keeps its top bit; above 0x2F: b + 0x7F - 0x2F sets it.
    (ONES * (0x7F + 0x3A) - low) & !w & (low + ONES * (0x7F - 0x2F)) & (ONES * 0x80)
}

/// The packing of [`masked_hash`]: bytes in order, 8 to a big-endian word, each full word mixed.
struct MaskPacker {
    h: u64,
    word: u64,
    /// Bytes in `word` (0 to 7).
    n: u32,
    /// Bytes in the words mixed so far.
    len: u64,
}

impl MaskPacker {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;

    fn mix(&mut self, w: u64) {
        self.h = (self.h ^ w).wrapping_mul(Self::K).rotate_left(31);
    }

    fn feed(&mut self, mut b: &[u8]) {
        if self.n > 0 {
            let m = b.len().min(8 - self.n as usize);
            for &x in &b[..m] {
                self.word = (self.word << 8) | u64::from(x);
            }
            self.n += m as u32;
            b = &b[m..];
            if self.n < 8 {
                return;
            }
            let w = self.word;
            self.mix(w);
            (self.word, self.n) = (0, 0);
            self.len += 8;
        }
        let mut words = b.chunks_exact(8);
        for w in &mut words {
            let mut a = [0u8; 8];
            a.copy_from_slice(w);
            self.mix(u64::from_be_bytes(a));
            self.len += 8;
        }
        for &x in words.remainder() {
            self.word = (self.word << 8) | u64::from(x);
        }
        self.n = words.remainder().len() as u32;
    }

    fn finish(mut self) -> u64 {
        let w = self.word;
        self.mix(w);
        let l = self.len + u64::from(self.n);
        self.mix(l);
        self.h ^ (self.h >> 29)
    }
}

/// Hashing for sets keyed by a hash already computed ([`masked_hash`]): one keyed multiply
/// instead of SipHash over the eight bytes (SipHash of every gated line's key was 2 % of
/// `triage`'s instructions on a serving log). The per-process key keeps crafted lines from
/// piling into one bucket.
#[derive(Clone, Copy)]
pub(crate) struct KeyedMix(u64);

impl Default for KeyedMix {
    fn default() -> Self {
        use std::hash::BuildHasher;
        KeyedMix(
            std::collections::hash_map::RandomState::new().hash_one(0x6b65_7965_645f_6d69_u64) | 1,
        )
    }
}

impl std::hash::BuildHasher for KeyedMix {
    type Hasher = MixHasher;
    fn build_hasher(&self) -> MixHasher {
        MixHasher { key: self.0, h: 0 }
    }
}

/// The hasher of [`KeyedMix`].
pub(crate) struct MixHasher {
    key: u64,
    h: u64,
}

impl std::hash::Hasher for MixHasher {
    fn finish(&self) -> u64 {
        self.h
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        let y = (self.h ^ x ^ self.key).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.h = y ^ (y >> 32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `masked_hash` as it was before the slice-at-a-time packing: the values must not change.
    fn masked_hash_bytewise(msg: &str) -> u64 {
        const K: u64 = 0x9E37_79B9_7F4A_7C15;
        let mix = |h: u64, w: u64| (h ^ w).wrapping_mul(K).rotate_left(31);
        let (mut h, mut word, mut n, mut len) = (0xcbf2_9ce4_8422_2325u64, 0u64, 0u32, 0u64);
        let mut in_digits = false;
        let bytes = msg.trim().as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // Eight bytes without a digit on a word boundary are one word as they are: what the
            // byte loop below would pack from them, in one step.
            if n == 0
                && let Some(chunk) = bytes.get(i..i + 8)
                && !chunk.iter().any(u8::is_ascii_digit)
            {
                let mut w = [0u8; 8];
                w.copy_from_slice(chunk);
                h = mix(h, u64::from_be_bytes(w));
                len += 8;
                in_digits = false;
                i += 8;
                continue;
            }
            let b = bytes[i];
            i += 1;
            let d = b.is_ascii_digit();
            if d && in_digits {
                continue;
            }
            in_digits = d;
            word = (word << 8) | u64::from(if d { b'#' } else { b });
            n += 1;
            if n == 8 {
                h = mix(h, word);
                (word, n) = (0, 0);
                len += 8;
            }
        }
        h = mix(h, word);
        h = mix(h, len + u64::from(n));
        h ^ (h >> 29)
    }

    #[test]
    fn digit_bytes_marks_exactly_the_digits() {
        for b in 0..=255u8 {
            for pos in 0..8 {
                let w =
                    u64::from_le_bytes(std::array::from_fn(|i| if i == pos { b } else { b'a' }));
                let want = if b.is_ascii_digit() { 0x80u64 << (8 * pos) } else { 0 };
                assert_eq!(digit_bytes(w), want, "byte {b:#x} at {pos}");
            }
        }
        let w = u64::from_le_bytes(*b"\xff9\x80/0:5x");
        assert_eq!(digit_bytes(w), (0x80 << 8) | (0x80 << 32) | (0x80 << 48));
        for s in ["", "abc", "abcdefgh1", "1", "ab\u{e9}cdefghij7k", "\x7f\u{80}\u{ff} 0"] {
            assert_eq!(
                next_digit(s.as_bytes()),
                s.bytes().position(|b| b.is_ascii_digit()).unwrap_or(s.len()),
                "{s:?}"
            );
        }
    }

    #[test]
    fn masked_hash_equals_the_bytewise_formulation() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/triage");
        let mut n = 0;
        for dir in ["launch", "failures", "constructed"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let text = std::fs::read(entry.unwrap().path()).unwrap();
                for line in String::from_utf8_lossy(&text).lines() {
                    assert_eq!(masked_hash(line), masked_hash_bytewise(line), "{line}");
                    n += 1;
                }
            }
        }
        for s in [
            "",
            "1",
            "12",
            "a1",
            "1a",
            "abcdefg1",
            "abcdefgh",
            "abcdefghi",
            "1234567 abcdefgh 9x",
            " 9 ",
        ] {
            assert_eq!(masked_hash(s), masked_hash_bytewise(s), "{s}");
        }
        assert!(n > 300, "{n} lines");
    }

    #[test]
    fn masked_hash_ignores_numbers_only() {
        assert_eq!(
            masked_hash("[2025-03-07 21:49:33 TP1] Error in x 12"),
            masked_hash("[2025-03-08 01:02:03 TP7] Error in x 9")
        );
        assert_ne!(masked_hash("Error in x"), masked_hash("Error in y"));
        // digit runs of any length are one mask; the length and a trailing NUL count
        assert_eq!(masked_hash("a 1 b 22 c 333"), masked_hash("a 9999 b 0 c 12"));
        assert_ne!(masked_hash("a 1 b"), masked_hash("a 1b"));
        assert_ne!(masked_hash("ab"), masked_hash("\0ab"));
        assert_ne!(
            masked_hash("Error in preprocessing prompt"),
            masked_hash("Error in preprocessing prompT")
        );
        assert_eq!(masked_hash("  x 1  "), masked_hash("x 2"));
        // the word-at-a-time path gives what packing byte by byte gives
        let byte_by_byte = |msg: &str| {
            let masked: String = {
                let mut out = String::new();
                let mut prev_digit = false;
                for c in msg.trim().chars() {
                    let d = c.is_ascii_digit();
                    if !(d && prev_digit) {
                        out.push(if d { '#' } else { c });
                    }
                    prev_digit = d;
                }
                out
            };
            // no digits left: every word of the masked text takes the whole-word path
            masked_hash(&masked)
        };
        for msg in [
            "(APIServer pid=1234) ERROR 03-07 21:05:09 [serving_chat.py:200] Error in preprocessing",
            "x1234567890123y abcdefgh 7 ijklmnop 88 qrstuvwxyz",
            "12345678",
            "abcdefgh12",
        ] {
            assert_eq!(masked_hash(msg), byte_by_byte(msg), "{msg}");
        }
    }
}
