//! A reader that turns a log file, however it was written, into plain UTF-8 text with `\n`
//! line ends and no terminal colour codes, streaming in bounded memory:
//!
//! - UTF-16 (LE or BE, with a byte-order mark, or without one when the first bytes show
//!   the NUL pattern of ASCII text in UTF-16) is decoded; a UTF-8 byte-order mark is dropped;
//! - a file whose first 64 KiB hold `\r` but no `\n` (classic Mac line ends) has each `\r`
//!   read as a line end; other files keep their `\r` (progress bars rewrite a line with it);
//! - ANSI escape sequences (CSI such as `ESC[31m`, OSC up to BEL or `ESC\`, two-byte `ESC x`)
//!   are removed. A line end always ends a sequence, so line numbers never shift.
//!
//! Log parsers wrap their file in [`LogText`] and match on what a person sees.

use std::io::Read;

/// Bytes examined to choose the encoding and the line-end convention.
const SNIFF: usize = 64 << 10;
/// Bytes read from the inner reader at a time.
const READ: usize = 64 << 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Esc {
    /// Plain text.
    None,
    /// After ESC.
    Start,
    /// Inside `ESC [` … (CSI), until a final byte 0x40–0x7E.
    Csi,
    /// Inside `ESC ]` … (OSC), until BEL or `ESC \`.
    Osc,
    /// After ESC inside an OSC (a `\` ends it).
    OscEscape,
    /// After `ESC (` and the like (character-set designation): one more byte.
    Charset,
}

/// The normalising reader. See the module documentation.
pub struct LogText<R> {
    inner: R,
    started: bool,
    eof: bool,
    encoding: Encoding,
    cr_only: bool,
    /// An odd byte of UTF-16 left from the previous read.
    odd: Option<u8>,
    /// A high surrogate waiting for its low half.
    high: Option<u16>,
    esc: Esc,
    raw: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
}

impl<R: Read> LogText<R> {
    /// Wrap `inner`.
    pub fn new(inner: R) -> LogText<R> {
        LogText {
            inner,
            started: false,
            eof: false,
            encoding: Encoding::Utf8,
            cr_only: false,
            odd: None,
            high: None,
            esc: Esc::None,
            raw: Vec::with_capacity(READ),
            out: Vec::with_capacity(READ * 2),
            pos: 0,
        }
    }

    /// Read up to `want` bytes from the inner reader into `raw` (fewer only at the end).
    /// The buffer is zero-filled only where it grows: the read overwrites what is kept
    /// (zeroing 64 KiB before every read was 2 % of `triage` on a 1 GiB log).
    fn fill_raw(&mut self, want: usize) -> std::io::Result<()> {
        if self.raw.len() < want {
            self.raw.resize(want, 0);
        } else {
            self.raw.truncate(want);
        }
        let mut filled = 0;
        while filled < want {
            match self.inner.read(&mut self.raw[filled..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        self.raw.truncate(filled);
        Ok(())
    }

    /// Decide the encoding and line ends from the first bytes (BOM consumed).
    fn sniff(&mut self) {
        let b = &self.raw;
        let (encoding, bom) = if b.starts_with(&[0xFF, 0xFE]) {
            (Encoding::Utf16Le, 2)
        } else if b.starts_with(&[0xFE, 0xFF]) {
            (Encoding::Utf16Be, 2)
        } else if b.starts_with(&[0xEF, 0xBB, 0xBF]) {
            (Encoding::Utf8, 3)
        } else {
            (nul_pattern(b), 0)
        };
        self.encoding = encoding;
        self.raw.drain(..bom);
    }

    /// Decode `raw` to UTF-8 text (appended to `text`).
    fn decode(&mut self, text: &mut Vec<u8>) {
        if self.encoding == Encoding::Utf8 {
            text.extend_from_slice(&self.raw);
            return;
        }
        let mut bytes: Vec<u8> = Vec::with_capacity(self.raw.len() + 1);
        bytes.extend(self.odd.take());
        bytes.extend_from_slice(&self.raw);
        if bytes.len() % 2 == 1 {
            self.odd = bytes.pop();
        }
        for pair in bytes.chunks_exact(2) {
            let unit = match self.encoding {
                Encoding::Utf16Be => u16::from_be_bytes([pair[0], pair[1]]),
                _ => u16::from_le_bytes([pair[0], pair[1]]),
            };
            let c = match (self.high.take(), unit) {
                (Some(h), 0xDC00..=0xDFFF) => {
                    let v = 0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                    char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER)
                }
                (prev, 0xD800..=0xDBFF) => {
                    if prev.is_some() {
                        push_char(text, char::REPLACEMENT_CHARACTER);
                    }
                    self.high = Some(unit);
                    continue;
                }
                (prev, u) => {
                    if prev.is_some() {
                        push_char(text, char::REPLACEMENT_CHARACTER);
                    }
                    char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER)
                }
            };
            push_char(text, c);
        }
    }

    /// Remove escape sequences from `text` and convert CR line ends; append to `out`.
    fn clean(&mut self, text: &[u8]) {
        for &b in text {
            let b = if self.cr_only && b == b'\r' { b'\n' } else { b };
            if b == b'\n' {
                self.esc = Esc::None;
                self.out.push(b);
                continue;
            }
            self.esc = match (self.esc, b) {
                (Esc::None, 0x1B) => Esc::Start,
                (Esc::None, _) => {
                    self.out.push(b);
                    Esc::None
                }
                (Esc::Start, b'[') => Esc::Csi,
                (Esc::Start, b']') => Esc::Osc,
                (Esc::Start, b'(' | b')' | b'*' | b'+' | b'-' | b'.' | b'/') => Esc::Charset,
                (Esc::Charset, _) => Esc::None,
                (Esc::Start, _) => Esc::None,
                (Esc::Csi, 0x40..=0x7E) => Esc::None,
                (Esc::Csi, _) => Esc::Csi,
                (Esc::Osc, 0x07) => Esc::None,
                (Esc::Osc, 0x1B) => Esc::OscEscape,
                (Esc::Osc, _) => Esc::Osc,
                (Esc::OscEscape, b'\\') => Esc::None,
                (Esc::OscEscape, _) => Esc::Osc,
            };
        }
    }

    /// Produce the next piece of output; false at the end.
    fn produce(&mut self) -> std::io::Result<bool> {
        self.out.clear();
        self.pos = 0;
        while self.out.is_empty() {
            if self.eof {
                if self.high.take().is_some() || self.odd.take().is_some() {
                    push_char(&mut self.out, char::REPLACEMENT_CHARACTER);
                }
                return Ok(!self.out.is_empty());
            }
            let mut text = Vec::new();
            if self.started {
                self.fill_raw(READ)?;
                if self.encoding == Encoding::Utf8
                    && !self.cr_only
                    && self.esc == Esc::None
                    && memchr::memchr(0x1B, &self.raw).is_none()
                {
                    // The common case: nothing to change, no copy. (The SIMD search:
                    // `<[u8]>::contains` was 15 % of `triage` on a 1 GiB log.)
                    std::mem::swap(&mut self.out, &mut self.raw);
                    continue;
                }
                self.decode(&mut text);
            } else {
                self.started = true;
                self.fill_raw(SNIFF)?;
                self.sniff();
                self.decode(&mut text);
                self.cr_only = text.contains(&b'\r') && !text.contains(&b'\n');
            }
            self.clean(&text);
        }
        Ok(true)
    }

    /// True when bytes read now pass through unchanged unless they hold an ESC: UTF-8,
    /// `\n` line ends, outside an escape sequence, nothing pending.
    fn plain(&self) -> bool {
        self.started
            && !self.eof
            && self.encoding == Encoding::Utf8
            && !self.cr_only
            && self.esc == Esc::None
            && self.pos >= self.out.len()
    }

    /// The common case without a copy: read straight into the caller's buffer and hand the
    /// bytes back as they are when they hold no ESC; otherwise clean them through `out`.
    fn read_plain(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = loop {
                match self.inner.read(buf) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    other => break other?,
                }
            };
            if n == 0 {
                self.eof = true;
                return Ok(0);
            }
            if memchr::memchr(0x1B, &buf[..n]).is_none() {
                return Ok(n);
            }
            self.out.clear();
            self.pos = 0;
            let text = buf[..n].to_vec();
            self.clean(&text);
            // Cleaning only removes bytes, so the result fits where it came from.
            let m = self.out.len();
            if m > 0 {
                buf[..m].copy_from_slice(&self.out);
                self.pos = m;
                return Ok(m);
            }
            // Nothing but an escape sequence: read on (an empty read would mean the end).
        }
    }
}

impl<R: Read> Read for LogText<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.len() >= 4096 && self.plain() {
            return self.read_plain(buf);
        }
        if self.pos >= self.out.len() && !self.produce()? {
            return Ok(0);
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut tmp = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
}

/// UTF-16 without a BOM: ASCII text shows NUL in every other byte. Needs 64 bytes.
fn nul_pattern(b: &[u8]) -> Encoding {
    let n = b.len().min(4096) & !1;
    if n < 64 {
        return Encoding::Utf8;
    }
    let even = b[..n].iter().step_by(2).filter(|&&x| x == 0).count();
    let odd = b[1..n].iter().step_by(2).filter(|&&x| x == 0).count();
    let half = n / 2;
    if odd * 10 >= half * 9 && even * 10 < half {
        Encoding::Utf16Le
    } else if even * 10 >= half * 9 && odd * 10 < half {
        Encoding::Utf16Be
    } else {
        Encoding::Utf8
    }
}

/// Bytes [`LogText`] examines at the start of a file ([`plain_start`] takes this many).
pub const LOG_TEXT_SNIFF: usize = SNIFF;

/// For a file whose first `min(len, LOG_TEXT_SNIFF)` bytes are `first`: the bytes at its
/// start that [`LogText`] drops (0, or 3 for a UTF-8 byte-order mark) when it passes the rest
/// through unchanged but for escape sequences (UTF-8 with `\n` line ends), so that the rest
/// may be read in blocks of whole lines, each cleaned by [`strip_escapes`] where it holds an
/// ESC byte; None when [`LogText`] decodes UTF-16 or reads `\r` as a line end.
pub fn plain_start(first: &[u8]) -> Option<usize> {
    let first = &first[..first.len().min(SNIFF)];
    if first.starts_with(&[0xFF, 0xFE]) || first.starts_with(&[0xFE, 0xFF]) {
        return None;
    }
    let bom = if first.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
    if bom == 0 && nul_pattern(first) != Encoding::Utf8 {
        return None;
    }
    let text = &first[bom..];
    if memchr::memchr(b'\r', text).is_some() && memchr::memchr(b'\n', text).is_none() {
        return None;
    }
    Some(bom)
}

/// Append to `out` what [`LogText`] makes of `text` in a file [`plain_start`] accepts, when
/// `text` starts at a line start: `text` without its ANSI escape sequences (a line end ends
/// a sequence, so cleaning starts afresh at every line).
pub fn strip_escapes(text: &[u8], out: &mut Vec<u8>) {
    let mut t = LogText::new(std::io::empty());
    t.out = std::mem::take(out);
    t.clean(text);
    *out = t.out;
}

/// The whole normalised text of `bytes` (for logs already in memory).
pub fn log_text(bytes: &[u8]) -> String {
    let mut s = Vec::with_capacity(bytes.len());
    // Reading from a slice cannot fail.
    let _ = LogText::new(bytes).read_to_end(&mut s);
    String::from_utf8(s).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read through a reader that returns one byte at a time (every boundary case).
    fn trickle(bytes: &[u8]) -> String {
        struct OneByte<'a>(&'a [u8]);
        impl Read for OneByte<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                match (self.0.split_first(), buf.is_empty()) {
                    (Some((b, rest)), false) => {
                        buf[0] = *b;
                        self.0 = rest;
                        Ok(1)
                    }
                    _ => Ok(0),
                }
            }
        }
        let mut s = String::new();
        LogText::new(OneByte(bytes)).read_to_string(&mut s).unwrap();
        s
    }

    const TEXT: &str = "[2025-01-01] INFO start\nTraceback (most recent call last):\n  File \"x.py\", line 1\nRuntimeError: CUDA error: out of memory 😀\n";

    /// Large reads straight into the caller's buffer give what small reads (through the
    /// decoding buffer) give, with colour codes anywhere, across every read boundary.
    #[test]
    fn large_reads_equal_small_reads_with_escapes_anywhere() {
        let mut input = Vec::new();
        let mut expected = Vec::new();
        for i in 0..40_000usize {
            let line = format!("[TP{}] Decode batch. #token: {i}, gen throughput 12.5", i % 8);
            if i % 997 == 0 {
                input.extend_from_slice(b"\x1b[31m");
            }
            input.extend_from_slice(line.as_bytes());
            expected.extend_from_slice(line.as_bytes());
            if i % 1301 == 5 {
                input.extend_from_slice(b"\x1b]0;title\x07\x1b[0m");
            }
            input.push(b'\n');
            expected.push(b'\n');
        }
        // One long run of escapes only, bigger than a read.
        for _ in 0..3000 {
            input.extend_from_slice(b"\x1b[0m");
        }
        input.extend_from_slice(b"end\n");
        expected.extend_from_slice(b"end\n");
        let mut big = Vec::new();
        std::io::BufReader::with_capacity(1 << 20, LogText::new(&input[..]))
            .read_to_end(&mut big)
            .unwrap();
        assert_eq!(big, expected);
        let mut small = Vec::new();
        let mut r = LogText::new(&input[..]);
        let mut b = [0u8; 100];
        loop {
            let n = r.read(&mut b).unwrap();
            if n == 0 {
                break;
            }
            small.extend_from_slice(&b[..n]);
        }
        assert_eq!(small, expected);
    }

    #[test]
    fn plain_utf8_is_unchanged() {
        assert_eq!(log_text(TEXT.as_bytes()), TEXT);
        assert_eq!(trickle(TEXT.as_bytes()), TEXT);
        let crlf = TEXT.replace('\n', "\r\n");
        assert_eq!(log_text(crlf.as_bytes()), crlf, "CRLF stays (line readers strip the CR)");
        let bar = "Loading: 10%\rLoading: 100%\nnext\n";
        assert_eq!(log_text(bar.as_bytes()), bar, "a progress-bar CR in an LF file stays");
    }

    #[test]
    fn colour_codes_are_removed_without_moving_lines() {
        let coloured = TEXT
            .replace("RuntimeError", "\x1b[1;31mRuntimeError\x1b[0m")
            .replace("INFO", "\x1b]0;title\x07\x1b[32mINFO\x1b[m\x1b(B");
        assert_eq!(log_text(coloured.as_bytes()), TEXT);
        assert_eq!(trickle(coloured.as_bytes()), TEXT);
        // An unterminated sequence ends at the line end.
        assert_eq!(log_text(b"a\x1b[31\nb\n"), "a\nb\n");
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let le: Vec<u8> = TEXT.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = TEXT.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (name, body, bom) in [("le", &le, [0xFF, 0xFE]), ("be", &be, [0xFE, 0xFF])] {
            let mut with = bom.to_vec();
            with.extend_from_slice(body);
            assert_eq!(log_text(&with), TEXT, "{name} with BOM");
            assert_eq!(trickle(&with), TEXT, "{name} with BOM, one byte at a time");
            assert_eq!(log_text(body), TEXT, "{name} without BOM");
        }
        let mut bom8 = vec![0xEF, 0xBB, 0xBF];
        bom8.extend_from_slice(TEXT.as_bytes());
        assert_eq!(log_text(&bom8), TEXT);
    }

    /// A file `plain_start` accepts, cut into blocks of whole lines and each block cleaned
    /// by `strip_escapes`, gives what `LogText` gives; UTF-16 and CR-only files are refused.
    #[test]
    fn plain_start_and_strip_escapes_give_the_log_text() {
        let coloured = TEXT
            .replace("RuntimeError", "\x1b[1;31mRuntimeError\x1b[0m")
            .replace("INFO", "\x1b]0;title\x07\x1b[32mINFO\x1b[m\x1b(B")
            .replace("line 1", "line 1\x1b[31");
        let mut bom8 = vec![0xEF, 0xBB, 0xBF];
        bom8.extend_from_slice(coloured.as_bytes());
        let crlf = coloured.replace('\n', "\r\n");
        let bar = "Loading: 10%\rLoading: \x1b[1m100%\nnext\n";
        for input in [coloured.as_bytes(), &bom8, crlf.as_bytes(), bar.as_bytes()] {
            let skip = plain_start(input).expect("plain");
            for cut in 1..4 {
                let mut out = Vec::new();
                for block in
                    input[skip..].split_inclusive(|&b| b == b'\n').collect::<Vec<_>>().chunks(cut)
                {
                    strip_escapes(&block.concat(), &mut out);
                }
                assert_eq!(String::from_utf8(out).unwrap(), log_text(input), "{input:?} {cut}");
            }
        }
        let le: Vec<u8> = TEXT.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(plain_start(&le), None, "UTF-16 without a BOM");
        assert_eq!(plain_start(&[0xFF, 0xFE, b'a', 0]), None);
        assert_eq!(plain_start(TEXT.replace('\n', "\r").as_bytes()), None, "CR-only");
    }

    #[test]
    fn cr_only_line_ends() {
        let cr = TEXT.replace('\n', "\r");
        assert_eq!(log_text(cr.as_bytes()), TEXT);
        assert_eq!(trickle(cr.as_bytes()), TEXT);
    }
}
