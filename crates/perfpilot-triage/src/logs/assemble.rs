//! Per-process assembly of multi-line records: Python tracebacks (header first, frames
//! first, exception first with trailing frames, blank lines inside, chained exceptions),
//! C++ `terminate called … what():` pairs and py-spy dumps. Lines of different processes
//! may interleave; each process (stream) has its own builder.

use std::collections::HashMap;

use super::line::LineView;
use super::record::{self, Frame, Kind, Part, Record, Thread};

/// What the assembler did with a line.
pub(crate) enum Took {
    /// The line belongs to a structure; follow this many more lines.
    Structure(u32),
    /// Not part of a structure.
    No,
}

#[derive(Debug)]
enum Mode {
    /// `Traceback (most recent call last):` seen or frames seen; waiting for the exception.
    /// `flat`: the last frame line had no indentation (a paste that lost it), so its code
    /// line may have none either.
    Traceback { expect_code: bool, flat: bool },
    /// An exception line came first; frames after it belong to it.
    Trailing,
    /// `terminate called after throwing an instance of 'X'`; waiting for `what():`.
    Terminate { ty: String },
    /// A py-spy dump.
    PySpy,
}

#[derive(Debug)]
struct Builder {
    mode: Mode,
    rec: Record,
}

/// Builders by stream.
#[derive(Default)]
pub(crate) struct Assembler {
    open: HashMap<u64, Builder>,
    pub done: Vec<Record>,
    /// Line number of the last line a structure took.
    last: u64,
}

impl Assembler {
    /// Offer a line of `stream`. Finished records land in `done`; a line a structure takes
    /// counts as its activity (see [`Assembler::last_activity`]).
    pub fn offer(
        &mut self,
        stream: u64,
        file: usize,
        no: u64,
        raw: &str,
        v: &LineView<'_>,
    ) -> Took {
        let took = self.take(stream, file, no, raw, v);
        if matches!(took, Took::Structure(_)) {
            self.last = no;
        }
        took
    }

    /// [`Assembler::offer`] without the activity bookkeeping.
    fn take(&mut self, stream: u64, file: usize, no: u64, raw: &str, v: &LineView<'_>) -> Took {
        let msg = v.msg;
        let t = msg.trim();
        let indent = msg.len() - msg.trim_start().len();

        if has_traceback_header(t) {
            self.close(stream);
            let mut rec = Record::new(Kind::Incomplete, file);
            rec.adopt(v);
            let h = rec.keep(no, Part::Header, t, raw);
            rec.header = Some(h);
            self.open.insert(
                stream,
                Builder { mode: Mode::Traceback { expect_code: false, flat: false }, rec },
            );
            return Took::Structure(2);
        }
        if let Some(rest) = t.strip_prefix("terminate called after throwing an instance of '") {
            self.close(stream);
            let ty = rest.split('\'').next().unwrap_or("").to_string();
            let mut rec = Record::new(Kind::Incomplete, file);
            rec.adopt(v);
            let h = rec.keep(no, Part::Header, t, raw);
            rec.header = Some(h);
            self.open.insert(stream, Builder { mode: Mode::Terminate { ty }, rec });
            return Took::Structure(2);
        }
        if t.starts_with("Pyspy dump for PID")
            || t.starts_with("py-spy dump")
            || is_pyspy_process(t)
        {
            let continuing = matches!(self.open.get(&stream), Some(Builder { mode: Mode::PySpy, rec }) if rec.threads.is_empty());
            if !continuing {
                self.close(stream);
                let mut rec = Record::new(Kind::PySpy, file);
                rec.adopt(v);
                let h = rec.keep(no, Part::Header, t, raw);
                rec.header = Some(h);
                self.open.insert(stream, Builder { mode: Mode::PySpy, rec });
            } else if let Some(b) = self.open.get_mut(&stream) {
                b.rec.keep(no, Part::Text, t, raw);
            }
            return Took::Structure(3);
        }
        if let Some((name, active)) = record::parse_thread(t) {
            if !matches!(self.open.get(&stream), Some(Builder { mode: Mode::PySpy, .. })) {
                self.close(stream);
                let mut rec = Record::new(Kind::PySpy, file);
                rec.adopt(v);
                self.open.insert(stream, Builder { mode: Mode::PySpy, rec });
            }
            if let Some(b) = self.open.get_mut(&stream) {
                let at = b.rec.keep(no, Part::Thread, t, raw);
                b.rec.threads.push(Thread { name, active, at, frames: Vec::new() });
            }
            return Took::Structure(3);
        }
        if let Some((path, line, func)) = record::parse_frame(t) {
            let text = format!("{path}:{line} in {func}");
            let func = func.to_string();
            match self.open.get_mut(&stream) {
                Some(b) if matches!(b.mode, Mode::Traceback { .. } | Mode::Trailing) => {
                    let at = b.rec.keep(no, Part::Frame, t, raw);
                    b.rec.frames.push(Frame { text, func, at, code_at: None });
                    if let Mode::Traceback { expect_code, flat } = &mut b.mode {
                        *expect_code = true;
                        *flat = indent == 0;
                    }
                }
                _ => {
                    self.close(stream);
                    let mut rec = Record::new(Kind::Incomplete, file);
                    rec.adopt(v);
                    let at = rec.keep(no, Part::Frame, t, raw);
                    rec.frames.push(Frame { text, func, at, code_at: None });
                    self.open.insert(
                        stream,
                        Builder {
                            mode: Mode::Traceback { expect_code: true, flat: indent == 0 },
                            rec,
                        },
                    );
                }
            }
            return Took::Structure(2);
        }

        // A frame line hard-wrapped inside its path with no traceback open yet (the excerpt
        // starts inside one): held as a traceback's first line until the rest of the path comes.
        if !self.open.contains_key(&stream)
            && t.strip_prefix("File \"")
                .is_some_and(|p| !p.contains(['"', ' ']) && (p.contains('/') || p.contains('\\')))
        {
            let mut rec = Record::new(Kind::Incomplete, file);
            rec.adopt(v);
            rec.keep(no, Part::Code, t, raw);
            self.open.insert(
                stream,
                Builder { mode: Mode::Traceback { expect_code: false, flat: indent == 0 }, rec },
            );
            return Took::Structure(2);
        }

        // Lines inside an open structure.
        if let Some(b) = self.open.get_mut(&stream) {
            match &mut b.mode {
                Mode::Traceback { expect_code, flat } => {
                    if t.is_empty() {
                        return Took::Structure(2);
                    }
                    if let Some(rest) = t.strip_prefix(", line ")
                        && b.rec
                            .frames
                            .last()
                            .is_some_and(|f| f.func.is_empty() && f.code_at.is_none())
                    {
                        // A frame line hard-wrapped after its path (`File "….py"` then
                        // `, line N, in func`), as pastes of long prefixed lines show it.
                        b.rec.keep(no, Part::Frame, t, raw);
                        let (line, func) = rest.split_once(", in ").unwrap_or((rest, ""));
                        if let Some(f) = b.rec.frames.last_mut() {
                            let path = f.text.strip_suffix(": in ").unwrap_or(&f.text).to_string();
                            f.text = format!("{path}:{} in {}", line.trim(), func.trim());
                            f.func = func.trim().to_string();
                        }
                        return Took::Structure(2);
                    }
                    if let Some(q) = t.find("\", line ")
                        && !t[..q].contains([' ', '"'])
                        && let Some(last) = b.rec.lines.last()
                        && last.msg.strip_prefix("File \"").is_some_and(|p| !p.contains('"'))
                        && let Some((path, line, func)) =
                            record::parse_frame(&format!("{}{t}", last.msg))
                    {
                        // A frame line hard-wrapped inside its path (`File "/usr/…/model_exe`,
                        // then `cutor/….py", line N, in func`; vllm #29360's worker frames): the
                        // first half was kept as code, and is a frame now that the rest came.
                        let (text, func) = (format!("{path}:{line} in {func}"), func.to_string());
                        let open = b.rec.lines.len() - 1;
                        b.rec.lines[open].part = Part::Frame;
                        if let Some(f) = b.rec.frames.last_mut()
                            && f.code_at == Some(open)
                        {
                            f.code_at = None;
                            if let Some(p) = f.text.rfind(" | ") {
                                f.text.truncate(p);
                            }
                        }
                        b.rec.keep(no, Part::Frame, t, raw);
                        b.rec.frames.push(Frame { text, func, at: open, code_at: None });
                        *expect_code = true;
                        return Took::Structure(2);
                    }
                    if *expect_code && (indent > 0 || *flat) && record::parse_exception(t).is_none()
                    {
                        *expect_code = false;
                        let at = b.rec.keep(no, Part::Code, t, raw);
                        if let Some(f) = b.rec.frames.last_mut() {
                            f.code_at = Some(at);
                            f.text.push_str(" | ");
                            f.text.push_str(t);
                        }
                        return Took::Structure(2);
                    }
                    if let Some((ty, m)) = record::parse_exception(t) {
                        let (ty, m) = (ty.to_string(), m.to_string());
                        let at = b.rec.keep(no, Part::Exception, t, raw);
                        b.rec.exception = Some((ty, m, at));
                        b.rec.kind = Kind::Exception;
                        b.rec.adopt(v);
                        self.close(stream);
                        return Took::Structure(2);
                    }
                    if indent > 0 && !b.rec.frames.is_empty() {
                        // a second line of code, or `^^^^` markers
                        b.rec.keep(no, Part::Code, t, raw);
                        return Took::Structure(2);
                    }
                    if t.starts_with("During handling of the above exception")
                        || t.starts_with("The above exception was the direct cause")
                    {
                        return Took::Structure(2);
                    }
                    self.close(stream);
                }
                Mode::Trailing => {
                    if t.is_empty() {
                        return Took::Structure(2);
                    }
                    if indent > 0 && !b.rec.frames.is_empty() {
                        let at = b.rec.keep(no, Part::Code, t, raw);
                        if let Some(f) = b.rec.frames.last_mut()
                            && f.code_at.is_none()
                        {
                            f.code_at = Some(at);
                            f.text.push_str(" | ");
                            f.text.push_str(t);
                        }
                        return Took::Structure(2);
                    }
                    self.close(stream);
                }
                Mode::Terminate { ty } => {
                    if let Some(m) = t.strip_prefix("what():") {
                        let (ty, m) = (ty.clone(), m.trim().to_string());
                        let at = b.rec.keep(no, Part::Exception, &format!("{ty}: {m}"), raw);
                        b.rec.exception = Some((ty, m, at));
                        b.rec.kind = Kind::Exception;
                        self.close(stream);
                        return Took::Structure(2);
                    }
                    if t.is_empty() {
                        return Took::Structure(2);
                    }
                    self.close(stream);
                }
                Mode::PySpy => {
                    if t.is_empty() || t.starts_with("Python v") {
                        return Took::Structure(3);
                    }
                    if indent > 0 {
                        if let Some(func) = record::parse_pyspy_frame(t) {
                            let func = func.to_string();
                            let at = b.rec.keep(no, Part::PyFrame, t, raw);
                            if let Some(th) = b.rec.threads.last_mut() {
                                th.frames.push(Frame {
                                    text: t.to_string(),
                                    func,
                                    at,
                                    code_at: None,
                                });
                            }
                        }
                        // locals, arguments, native frames: part of the dump
                        return Took::Structure(3);
                    }
                    self.close(stream);
                }
            }
        }

        // An exception line outside a traceback: frames may follow it (as posted).
        if indent <= 1
            && let Some((ty, m)) = record::parse_exception(t)
        {
            self.close(stream);
            let mut rec = Record::new(Kind::Exception, file);
            rec.adopt(v);
            let at = rec.keep(no, Part::Exception, t, raw);
            rec.exception = Some((ty.to_string(), m.to_string(), at));
            self.open.insert(stream, Builder { mode: Mode::Trailing, rec });
            return Took::Structure(2);
        }
        Took::No
    }

    /// Close the builder of `stream`, if any.
    pub fn close(&mut self, stream: u64) {
        if let Some(b) = self.open.remove(&stream) {
            // A frame line cut inside its path that no rest of the path followed holds nothing.
            let only_open_path = b.rec.frames.is_empty()
                && b.rec.exception.is_none()
                && b.rec.lines.iter().all(|l| l.part == Part::Code);
            if !only_open_path {
                self.done.push(b.rec);
            }
        }
    }

    /// Close everything (end of file).
    pub fn close_all(&mut self) {
        let mut keys: Vec<u64> = self.open.keys().copied().collect();
        // Deterministic order: by first line.
        keys.sort_by_key(|k| self.open.get(k).map_or(0, |b| b.rec.first_no()));
        for k in keys {
            self.close(k);
        }
    }
}

/// `Traceback (most recent call last)` anywhere in the message (one prebuilt searcher).
fn has_traceback_header(t: &str) -> bool {
    static FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    FINDER
        .get_or_init(|| memchr::memmem::Finder::new("Traceback (most recent call last)"))
        .find(t.as_bytes())
        .is_some()
}

impl Assembler {
    /// Number of open structures.
    pub fn open_count(&self) -> usize {
        self.open.len()
    }

    /// Line number of the last line a structure took.
    pub fn last_activity(&self) -> u64 {
        self.last
    }
}

/// py-spy's own header `Process 2696393: sglang::scheduler`.
fn is_pyspy_process(t: &str) -> bool {
    let Some(rest) = t.strip_prefix("Process ") else { return false };
    let colon = rest.find(':').unwrap_or(0);
    colon > 0 && rest[..colon].bytes().all(|b| b.is_ascii_digit())
}
