//! A resumable splitter for the top level of a trace document.
//!
//! It never builds a DOM: it walks the outer object (or bare array) by hand, finds the
//! `traceEvents` array and hands every element to a sink as one byte slice, using
//! `memchr` to jump over string contents and to find braces. Bytes arrive in chunks of
//! any size; an element split across chunks is completed when the next chunk arrives.
//! Other top-level keys are handed over as `(key, raw value)`.

use memchr::{memchr2, memchr3};

/// Something the splitter found.
#[derive(Debug)]
pub(crate) enum Item<'a> {
    /// One element of the events array that is a JSON object. `bytes` starts at its
    /// `{` and runs to the end of the buffered data: the sink reads the object and says
    /// how long it was, or (when `partial`, i.e. more input may come) that it needs
    /// more data.
    Event {
        /// The object's bytes (and maybe more).
        bytes: &'a [u8],
        /// Byte offset of its first byte in the document.
        offset: u64,
        /// True when more input may follow `bytes`.
        partial: bool,
    },
    /// An element of the events array that is not an object.
    NotAnObject {
        /// Byte offset.
        offset: u64,
    },
    /// A top-level key other than `traceEvents`, with its raw value.
    TopLevel {
        /// The decoded key.
        key: &'a str,
        /// The raw JSON value.
        value: &'a [u8],
    },
}

/// What the sink did with an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Took {
    /// It used this many bytes.
    Bytes(usize),
    /// The event continues past the buffered data.
    NeedMore,
}

/// A syntax problem found by the splitter itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ScanError {
    /// Bad JSON at an absolute byte offset.
    Syntax { offset: u64, message: String },
    /// Valid JSON that is not a trace.
    NotATrace(String),
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Object,
    Array,
    String,
    Scalar,
}

/// Progress through one JSON value that starts at the reader's `pos`.
#[derive(Debug, Clone, Copy)]
struct ValueScan {
    kind: Kind,
    /// Next byte to look at, relative to the value's start.
    cursor: usize,
    depth: u32,
    in_string: bool,
    escaped: bool,
}

impl ValueScan {
    fn new(first: u8) -> ValueScan {
        let kind = match first {
            b'{' => Kind::Object,
            b'[' => Kind::Array,
            b'"' => Kind::String,
            _ => Kind::Scalar,
        };
        // Strings start inside the string; containers start at depth 0 and count the
        // opening bracket when the scan sees it.
        let in_string = matches!(kind, Kind::String);
        ValueScan { kind, cursor: usize::from(in_string), depth: 0, in_string, escaped: false }
    }

    /// Advance over `bytes` (the value starts at `bytes[0]`). Returns the length of the
    /// value when it is complete.
    fn step(&mut self, bytes: &[u8], eof: bool) -> Option<usize> {
        if let Kind::Scalar = self.kind {
            while let Some(&c) = bytes.get(self.cursor) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    return Some(self.cursor);
                }
                self.cursor += 1;
            }
            return eof.then_some(self.cursor);
        }
        let (open, close) = match self.kind {
            Kind::Array => (b'[', b']'),
            _ => (b'{', b'}'),
        };
        loop {
            if self.escaped {
                if self.cursor >= bytes.len() {
                    return None;
                }
                self.cursor += 1;
                self.escaped = false;
            }
            let rest = bytes.get(self.cursor..).unwrap_or(&[]);
            if self.in_string {
                let i = memchr2(b'"', b'\\', rest)?;
                let c = rest[i];
                self.cursor += i + 1;
                if c == b'\\' {
                    self.escaped = true;
                } else {
                    self.in_string = false;
                    if let Kind::String = self.kind {
                        return Some(self.cursor);
                    }
                }
            } else {
                let i = memchr3(b'"', open, close, rest)?;
                let c = rest[i];
                self.cursor += i + 1;
                if c == b'"' {
                    self.in_string = true;
                } else if c == open {
                    self.depth += 1;
                } else {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(self.cursor);
                    }
                }
            }
        }
    }
}

#[derive(Debug)]
enum State {
    Start,
    ObjectExpectKey {
        allow_close: bool,
    },
    ObjectKey(ValueScan),
    ObjectColon(String),
    ObjectValue(String),
    TopValue(String, ValueScan),
    ObjectAfterValue,
    ArrayExpectItem {
        allow_close: bool,
        bare: bool,
    },
    Element {
        scan: ValueScan,
        bare: bool,
    },
    /// An event object that continues past the buffered data: retried from its start
    /// once at least `retry_at` bytes are buffered (doubling, so a huge event costs
    /// linear time), or at the end of input.
    PendingEvent {
        bare: bool,
        retry_at: usize,
    },
    ArrayAfterItem {
        bare: bool,
    },
    Done,
}

/// The resumable top-level reader. Feed it chunks; it calls the sink for every item.
pub(crate) struct DocumentReader {
    buf: Vec<u8>,
    /// Absolute offset of `buf[0]`.
    base: u64,
    /// First byte not yet consumed.
    pos: usize,
    state: State,
    saw_events: bool,
}

impl DocumentReader {
    pub(crate) fn new() -> DocumentReader {
        DocumentReader {
            buf: Vec::with_capacity(1 << 20),
            base: 0,
            pos: 0,
            state: State::Start,
            saw_events: false,
        }
    }

    /// Add a chunk and process everything that is complete.
    pub(crate) fn feed<E>(
        &mut self,
        chunk: &[u8],
        sink: &mut dyn FnMut(Item<'_>) -> Result<Took, E>,
    ) -> Result<(), FeedError<E>> {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.base += self.pos as u64;
            self.pos = 0;
        }
        self.buf.extend_from_slice(chunk);
        self.run(false, sink)
    }

    /// Signal the end of input: completes a trailing scalar and checks the document is
    /// whole.
    pub(crate) fn finish<E>(
        &mut self,
        sink: &mut dyn FnMut(Item<'_>) -> Result<Took, E>,
    ) -> Result<(), FeedError<E>> {
        self.run(true, sink)?;
        let offset = self.base + self.pos as u64;
        let inside = match &self.state {
            State::Done => {
                return if self.saw_events {
                    Ok(())
                } else {
                    Err(FeedError::Scan(ScanError::NotATrace(
                        "the top-level object has no \"traceEvents\" array".into(),
                    )))
                };
            }
            State::Start => {
                return Err(FeedError::Scan(ScanError::NotATrace("the file is empty".into())));
            }
            State::Element { .. }
            | State::PendingEvent { .. }
            | State::ArrayExpectItem { .. }
            | State::ArrayAfterItem { .. } => "the traceEvents array (expected more events or `]`)",
            _ => "the top-level object (expected `}`)",
        };
        Err(FeedError::Scan(ScanError::Syntax {
            offset,
            message: format!("unexpected end of data inside {inside}; the file is truncated"),
        }))
    }

    fn syntax<E>(&self, message: impl Into<String>) -> FeedError<E> {
        FeedError::Scan(ScanError::Syntax {
            offset: self.base + self.pos as u64,
            message: message.into(),
        })
    }

    /// Skip whitespace; the next byte, if any is buffered.
    fn peek_non_ws(&mut self) -> Option<u8> {
        while let Some(&c) = self.buf.get(self.pos) {
            if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                return Some(c);
            }
        }
        None
    }

    fn run<E>(
        &mut self,
        eof: bool,
        sink: &mut dyn FnMut(Item<'_>) -> Result<Took, E>,
    ) -> Result<(), FeedError<E>> {
        loop {
            let state = std::mem::replace(&mut self.state, State::Done);
            let next = match state {
                State::Start => {
                    if self.pos == 0 && self.buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
                        self.pos = 3;
                    }
                    match self.peek_non_ws() {
                        None => {
                            self.state = State::Start;
                            return Ok(());
                        }
                        Some(b'{') => {
                            self.pos += 1;
                            State::ObjectExpectKey { allow_close: true }
                        }
                        Some(b'[') => {
                            self.pos += 1;
                            self.saw_events = true;
                            State::ArrayExpectItem { allow_close: true, bare: true }
                        }
                        Some(c) => {
                            return Err(FeedError::Scan(ScanError::NotATrace(format!(
                                "the document starts with `{}`, expected a JSON object with \"traceEvents\" or an array of events",
                                char::from(c).escape_default()
                            ))));
                        }
                    }
                }
                State::ObjectExpectKey { allow_close } => match self.peek_non_ws() {
                    None => {
                        self.state = State::ObjectExpectKey { allow_close };
                        return Ok(());
                    }
                    Some(b'}') if allow_close => {
                        self.pos += 1;
                        State::Done
                    }
                    Some(b'"') => State::ObjectKey(ValueScan::new(b'"')),
                    Some(_) => return Err(self.syntax("expected a key string")),
                },
                State::ObjectKey(mut scan) => {
                    let rest = &self.buf[self.pos..];
                    match scan.step(rest, eof) {
                        None => {
                            self.state = State::ObjectKey(scan);
                            return Ok(());
                        }
                        Some(len) => {
                            let key: String = serde_json::from_slice(&rest[..len])
                                .map_err(|e| self.syntax(format!("bad key string: {e}")))?;
                            self.pos += len;
                            State::ObjectColon(key)
                        }
                    }
                }
                State::ObjectColon(key) => match self.peek_non_ws() {
                    None => {
                        self.state = State::ObjectColon(key);
                        return Ok(());
                    }
                    Some(b':') => {
                        self.pos += 1;
                        State::ObjectValue(key)
                    }
                    Some(_) => return Err(self.syntax("expected `:` after a key")),
                },
                State::ObjectValue(key) => match self.peek_non_ws() {
                    None => {
                        self.state = State::ObjectValue(key);
                        return Ok(());
                    }
                    Some(b'[') if key == "traceEvents" => {
                        self.pos += 1;
                        self.saw_events = true;
                        State::ArrayExpectItem { allow_close: true, bare: false }
                    }
                    Some(c) => State::TopValue(key, ValueScan::new(c)),
                },
                State::TopValue(key, mut scan) => {
                    let rest = &self.buf[self.pos..];
                    match scan.step(rest, eof) {
                        None => {
                            self.state = State::TopValue(key, scan);
                            return Ok(());
                        }
                        Some(len) => {
                            if key == "traceEvents" {
                                return Err(FeedError::Scan(ScanError::NotATrace(
                                    "\"traceEvents\" is not an array".into(),
                                )));
                            }
                            sink(Item::TopLevel { key: &key, value: &rest[..len] })
                                .map_err(FeedError::Sink)?;
                            self.pos += len;
                            State::ObjectAfterValue
                        }
                    }
                }
                State::ObjectAfterValue => match self.peek_non_ws() {
                    None => {
                        self.state = State::ObjectAfterValue;
                        return Ok(());
                    }
                    Some(b',') => {
                        self.pos += 1;
                        State::ObjectExpectKey { allow_close: false }
                    }
                    Some(b'}') => {
                        self.pos += 1;
                        State::Done
                    }
                    Some(_) => return Err(self.syntax("expected `,` or `}` after a value")),
                },
                State::ArrayExpectItem { allow_close, bare } => match self.peek_non_ws() {
                    None => {
                        self.state = State::ArrayExpectItem { allow_close, bare };
                        return Ok(());
                    }
                    Some(b']') if allow_close => {
                        self.pos += 1;
                        if bare { State::Done } else { State::ObjectAfterValue }
                    }
                    Some(b',' | b']' | b'}' | b':') => {
                        return Err(self.syntax("expected an event object"));
                    }
                    // The sink reads the object in place, in one pass.
                    Some(b'{') => State::PendingEvent { bare, retry_at: 0 },
                    Some(c) => State::Element { scan: ValueScan::new(c), bare },
                },
                State::Element { mut scan, bare } => {
                    let rest = &self.buf[self.pos..];
                    match scan.step(rest, eof) {
                        None => {
                            self.state = State::Element { scan, bare };
                            return Ok(());
                        }
                        Some(len) => {
                            let offset = self.base + self.pos as u64;
                            let item = if let Kind::Object = scan.kind {
                                Item::Event { bytes: &rest[..len], offset, partial: false }
                            } else {
                                Item::NotAnObject { offset }
                            };
                            sink(item).map_err(FeedError::Sink)?;
                            self.pos += len;
                            State::ArrayAfterItem { bare }
                        }
                    }
                }
                State::PendingEvent { bare, retry_at } => {
                    let rest = &self.buf[self.pos..];
                    if rest.len() < retry_at && !eof {
                        self.state = State::PendingEvent { bare, retry_at };
                        return Ok(());
                    }
                    let offset = self.base + self.pos as u64;
                    match sink(Item::Event { bytes: rest, offset, partial: !eof })
                        .map_err(FeedError::Sink)?
                    {
                        Took::Bytes(len) => {
                            self.pos += len;
                            State::ArrayAfterItem { bare }
                        }
                        Took::NeedMore => {
                            let retry_at = rest.len().saturating_mul(2).max(rest.len() + 1);
                            self.state = State::PendingEvent { bare, retry_at };
                            return Ok(());
                        }
                    }
                }
                State::ArrayAfterItem { bare } => match self.peek_non_ws() {
                    None => {
                        self.state = State::ArrayAfterItem { bare };
                        return Ok(());
                    }
                    Some(b',') => {
                        self.pos += 1;
                        // A trailing comma before `]` is tolerated.
                        State::ArrayExpectItem { allow_close: true, bare }
                    }
                    Some(b']') => {
                        self.pos += 1;
                        if bare { State::Done } else { State::ObjectAfterValue }
                    }
                    Some(_) => return Err(self.syntax("expected `,` or `]` after an event")),
                },
                State::Done => match self.peek_non_ws() {
                    None => {
                        self.state = State::Done;
                        return Ok(());
                    }
                    Some(0) if self.buf[self.pos..].iter().all(|&b| b == 0) => {
                        // NUL padding some writers leave at the end of a file.
                        self.pos = self.buf.len();
                        self.state = State::Done;
                        return Ok(());
                    }
                    Some(_) => {
                        return Err(self.syntax("unexpected data after the end of the trace"));
                    }
                },
            };
            self.state = next;
        }
    }
}

/// An error from the splitter or from the sink.
#[derive(Debug)]
pub(crate) enum FeedError<E> {
    /// The splitter's own error.
    Scan(ScanError),
    /// The sink's error, passed through.
    Sink(E),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(doc: &[u8], chunk: usize) -> Result<(Vec<String>, Vec<String>), ScanError> {
        let mut events = Vec::new();
        let mut keys = Vec::new();
        let mut r = DocumentReader::new();
        let mut sink = |item: Item<'_>| -> Result<Took, ScanError> {
            match item {
                Item::Event { bytes, partial, offset } => {
                    match crate::parse::raw::read_event(bytes) {
                        Ok((_, len)) => {
                            events.push(String::from_utf8_lossy(&bytes[..len]).into());
                            return Ok(Took::Bytes(len));
                        }
                        Err(e) if partial && e.incomplete => return Ok(Took::NeedMore),
                        Err(e) => {
                            let offset = offset + e.at as u64;
                            return Err(ScanError::Syntax { offset, message: e.message.into() });
                        }
                    }
                }
                Item::NotAnObject { offset } => events.push(format!("<not object at {offset}>")),
                Item::TopLevel { key, value } => {
                    keys.push(format!("{key}={}", String::from_utf8_lossy(value)))
                }
            }
            Ok(Took::Bytes(0))
        };
        let mut result = Ok(());
        for c in doc.chunks(chunk.max(1)) {
            result = r.feed(c, &mut sink);
            if result.is_err() {
                break;
            }
        }
        if result.is_ok() {
            result = r.finish(&mut sink);
        }
        match result {
            Ok(()) => Ok((events, keys)),
            Err(FeedError::Scan(e)) => Err(e),
            Err(FeedError::Sink(e)) => Err(e),
        }
    }

    const DOC: &str = r#"{"schemaVersion": 1, "deviceProperties": [{"name": "H100"}],
      "traceEvents": [
        {"ph": "X", "name": "a\"}{", "args": {"x": [1, {"y": "}"}]}},
        {"ph": "M", "name": "b\\"}, 7
      ],
      "traceName": "t.json", "n": -1.5e3}"#;

    #[test]
    fn splits_events_and_keys_at_every_chunk_size() {
        let (events, keys) = split(DOC.as_bytes(), 1 << 20).unwrap();
        assert_eq!(events.len(), 3);
        assert!(events[0].ends_with(r#""}"}]}}"#));
        assert_eq!(events[1], r#"{"ph": "M", "name": "b\\"}"#);
        assert!(events[2].starts_with("<not object"));
        assert_eq!(keys.len(), 4);
        assert_eq!(keys[3], "n=-1.5e3");
        for chunk in 1..40 {
            assert_eq!(split(DOC.as_bytes(), chunk).unwrap(), (events.clone(), keys.clone()));
        }
    }

    #[test]
    fn bare_arrays_and_trailing_commas() {
        let (events, keys) = split(b"\xEF\xBB\xBF [ {\"a\":1}, {\"b\":2}, ]\n", 3).unwrap();
        assert_eq!(events, vec!["{\"a\":1}", "{\"b\":2}"]);
        assert!(keys.is_empty());
        assert_eq!(split(b"[]", 1).unwrap().0.len(), 0);
    }

    #[test]
    fn errors_name_offsets() {
        let err = split(br#"{"traceEvents": [{"a": 1} {"b": 2}]}"#, 5).unwrap_err();
        assert_eq!(
            err,
            ScanError::Syntax { offset: 26, message: "expected `,` or `]` after an event".into() }
        );
        let err = split(br#"{"traceEvents": [{"a": 1}, {"b": "#, 7).unwrap_err();
        // The reader stops where the value should be, at the end of the data.
        assert!(matches!(err, ScanError::Syntax { offset: 33, .. }), "{err:?}");
        assert!(matches!(split(b"", 1), Err(ScanError::NotATrace(_))));
        assert!(matches!(split(b"{\"a\": 1}", 1), Err(ScanError::NotATrace(_))));
        assert!(matches!(split(b"{\"traceEvents\": {}}", 1), Err(ScanError::NotATrace(_))));
        assert!(matches!(split(b"42", 1), Err(ScanError::NotATrace(_))));
        assert!(matches!(split(b"[{}] x", 1), Err(ScanError::Syntax { offset: 5, .. })));
    }
}
