//! Incremental Server-Sent-Events framing: bytes in, `data` payloads out, never
//! assuming a network read holds whole lines or whole events.

/// What one complete SSE event carried (borrowed from the parser's buffer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SseEvent<'a> {
    /// The `data` field (multi-line data joined with `\n`).
    Data(&'a [u8]),
    /// `data: [DONE]`.
    Done,
}

/// Feeds bytes, yields events. Comments (`:` lines, e.g. keep-alive pings) and fields
/// other than `data` are skipped. Lines end with `\n` or `\r\n`.
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    data: Vec<u8>,
    has_data: bool,
}

/// The largest single line accepted (a guard against a server that never sends a
/// newline): 16 MiB.
pub const MAX_LINE: usize = 16 << 20;

/// A line longer than [`MAX_LINE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineTooLong;

impl SseParser {
    /// A fresh parser.
    pub fn new() -> SseParser {
        SseParser::default()
    }

    /// Feed `bytes`; completed events are passed to `on_event` in order.
    pub fn feed(
        &mut self,
        mut bytes: &[u8],
        mut on_event: impl FnMut(SseEvent<'_>),
    ) -> Result<(), LineTooLong> {
        while let Some(nl) = memchr::memchr(b'\n', bytes) {
            let (head, rest) = bytes.split_at(nl);
            bytes = &rest[1..];
            if self.line.is_empty() {
                self.process_line(head, &mut on_event);
            } else {
                self.line.extend_from_slice(head);
                let line = std::mem::take(&mut self.line);
                self.process_line(&line, &mut on_event);
                self.line = line;
                self.line.clear();
            }
        }
        if self.line.len() + bytes.len() > MAX_LINE {
            return Err(LineTooLong);
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    /// End of stream: an event whose terminating blank line never came is dispatched
    /// if its data line was complete (lenient, as most clients are).
    pub fn finish(&mut self, mut on_event: impl FnMut(SseEvent<'_>)) {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.process_line(&line, &mut on_event);
        }
        self.dispatch(&mut on_event);
    }

    fn process_line(&mut self, line: &[u8], on_event: &mut impl FnMut(SseEvent<'_>)) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            self.dispatch(on_event);
            return;
        }
        if line[0] == b':' {
            return;
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        if field == b"data" {
            if self.has_data {
                self.data.push(b'\n');
            }
            self.data.extend_from_slice(value);
            self.has_data = true;
        }
    }

    fn dispatch(&mut self, on_event: &mut impl FnMut(SseEvent<'_>)) {
        if self.has_data {
            if self.data.trim_ascii() == b"[DONE]" {
                on_event(SseEvent::Done);
            } else {
                on_event(SseEvent::Data(&self.data));
            }
            self.data.clear();
            self.has_data = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, PartialEq)]
    enum Ev {
        Data(Vec<u8>),
        Done,
    }

    fn own(e: SseEvent<'_>) -> Ev {
        match e {
            SseEvent::Data(d) => Ev::Data(d.to_vec()),
            SseEvent::Done => Ev::Done,
        }
    }

    fn all(input: &[&[u8]]) -> Vec<Ev> {
        let mut p = SseParser::new();
        let mut out = Vec::new();
        for part in input {
            p.feed(part, |e| out.push(own(e))).unwrap();
        }
        p.finish(|e| out.push(own(e)));
        out
    }

    #[test]
    fn frames_events_across_reads() {
        let ev = all(&[
            b"data: {\"a\"",
            b":1}\r\n\r\n: ping\n\nda",
            b"ta: x\ndata: y\n\ndata: [DONE]\n\n",
        ]);
        assert_eq!(ev, vec![Ev::Data(b"{\"a\":1}".to_vec()), Ev::Data(b"x\ny".to_vec()), Ev::Done]);
    }

    #[test]
    fn unterminated_last_event_is_kept() {
        assert_eq!(all(&[b"data: {}"]), vec![Ev::Data(b"{}".to_vec())]);
        assert_eq!(all(&[b"event: x\nid: 3\n\n"]), vec![]);
    }

    proptest! {
        /// Any split of the same byte stream gives the same events.
        #[test]
        fn split_invariance(payloads in prop::collection::vec("[a-z{}\":, ]{0,20}", 0..8), cuts in prop::collection::vec(0usize..200, 0..10)) {
            let mut stream = Vec::new();
            for p in &payloads {
                stream.extend_from_slice(b"data: ");
                stream.extend_from_slice(p.as_bytes());
                stream.extend_from_slice(b"\n\n");
            }
            let whole = all(&[&stream]);
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(stream.len())).collect();
            cuts.sort();
            let mut parts: Vec<&[u8]> = Vec::new();
            let mut prev = 0;
            for c in cuts { parts.push(&stream[prev..c]); prev = c; }
            parts.push(&stream[prev..]);
            prop_assert_eq!(all(&parts), whole);
        }
    }
}
