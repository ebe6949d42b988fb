//! Stable hashing: FNV-1a 64, the one hash behind row ids, fingerprints and stream keys.
//!
//! Row ids are part of the output contract, so this never changes: the offset basis and
//! prime are FNV-1a 64's, and [`Fnv1a::field`]'s separator byte (`0xff`) is fixed.

/// FNV-1a 64 offset basis.
pub const FNV1A64_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV-1a 64 prime.
pub const FNV1A64_PRIME: u64 = 0x0000_0100_0000_01b3;

/// An FNV-1a 64 hasher, fed piece by piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a::new()
    }
}

impl Fnv1a {
    /// A hasher at the offset basis (the hash of nothing).
    #[inline]
    pub const fn new() -> Fnv1a {
        Fnv1a(FNV1A64_OFFSET)
    }

    /// Feed one byte.
    #[inline]
    pub fn byte(&mut self, b: u8) {
        self.mix(u64::from(b));
    }

    /// Feed bytes (plain FNV-1a: `bytes(b"ab")` then `bytes(b"c")` equals `bytes(b"abc")`).
    #[inline]
    pub fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }

    /// Feed bytes then a `0xff` separator, so that fields `("ab", "c")` and `("a", "bc")`
    /// hash apart.
    #[inline]
    pub fn field(&mut self, bytes: &[u8]) {
        self.bytes(bytes);
        self.byte(0xff);
    }

    /// One FNV round with a whole word: xor `v` in, multiply by the prime (a byte is the
    /// special case `v < 256`).
    #[inline]
    pub fn mix(&mut self, v: u64) {
        self.0 ^= v;
        self.0 = self.0.wrapping_mul(FNV1A64_PRIME);
    }

    /// The hash so far.
    #[inline]
    pub const fn finish(self) -> u64 {
        self.0
    }

    /// The hash so far as 16 lower-case hex digits.
    pub fn hex(self) -> String {
        format!("{:016x}", self.0)
    }
}

/// FNV-1a 64 of `bytes`.
#[inline]
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = Fnv1a::new();
    h.bytes(bytes);
    h.finish()
}

/// FNV-1a 64 of `bytes` as 16 lower-case hex digits.
pub fn fnv1a64_hex(bytes: &[u8]) -> String {
    format!("{:016x}", fnv1a64(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference vectors of FNV-1a 64 (as in Fowler, Noll and Vo's test suite,
    /// <http://www.isthe.com/chongo/src/fnv/test_fnv.c>).
    #[test]
    fn matches_the_reference_vectors() {
        let cases: [(&[u8], u64); 7] = [
            (b"", 0xcbf2_9ce4_8422_2325),
            (b"a", 0xaf63_dc4c_8601_ec8c),
            (b"b", 0xaf63_df4c_8601_f1a5),
            (b"foo", 0xdcb2_7518_fed9_d577),
            (b"foobar", 0x8594_4171_f739_67e8),
            (b"chongo was here!\n", 0x4681_0940_eff5_f915),
            (b"\xff\x00\x00\x01", 0x6961_1964_91cc_682d),
        ];
        for (input, want) in cases {
            assert_eq!(fnv1a64(input), want, "{:?}", String::from_utf8_lossy(input));
        }
        assert_eq!(fnv1a64_hex(b"a"), "af63dc4c8601ec8c");
        assert_eq!(Fnv1a::default().hex(), "cbf29ce484222325");
    }

    #[test]
    fn pieces_chain_and_fields_separate() {
        let mut h = Fnv1a::new();
        h.bytes(b"foo");
        h.bytes(b"bar");
        assert_eq!(h.finish(), fnv1a64(b"foobar"));
        let (mut a, mut b) = (Fnv1a::new(), Fnv1a::new());
        a.field(b"ab");
        a.field(b"c");
        b.field(b"a");
        b.field(b"bc");
        assert_ne!(a.finish(), b.finish());
        // A field is the bytes followed by the byte 0xff.
        assert_eq!(a.finish(), fnv1a64(b"ab\xffc\xff"));
        let mut w = Fnv1a::new();
        w.mix(u64::from(b'a'));
        assert_eq!(w.finish(), fnv1a64(b"a"));
    }
}
