//! Records: what the assembler makes of lines. A plain line, an exception with its
//! traceback (in either order, with or without a header, wrapped in any prefix), a
//! traceback cut before its exception line, or a py-spy dump.

use perfpilot_launchlog::RankId;

use super::line::{Level, Stamp};

/// Longest line text kept.
const KEEP: usize = 1000;
/// Most lines kept per record.
pub(crate) const MAX_LINES: usize = 120;

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// One log line (possibly joined with its wrapped continuation).
    Line,
    /// An exception line with the frames around it.
    Exception,
    /// A traceback whose exception line never came.
    Incomplete,
    /// A py-spy dump.
    PySpy,
}

/// What a kept line is inside its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Header,
    Frame,
    Code,
    Exception,
    Thread,
    PyFrame,
    Text,
}

/// A kept line.
#[derive(Debug, Clone)]
pub(crate) struct Kept {
    pub no: u64,
    pub part: Part,
    /// The message (prefix removed, trimmed).
    pub msg: String,
    /// The raw line as in the file (cut at 1,000 bytes).
    pub raw: String,
}

/// A traceback frame.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    /// `path:line in func | code` or py-spy `func (path:line)`.
    pub text: String,
    pub func: String,
    /// Index of the frame line in `Record::lines`.
    pub at: usize,
    /// Index of the code line.
    pub code_at: Option<usize>,
}

/// A py-spy thread.
#[derive(Debug, Clone)]
pub(crate) struct Thread {
    pub name: String,
    pub active: bool,
    pub at: usize,
    /// Innermost first, as py-spy prints them.
    pub frames: Vec<Frame>,
}

/// One record.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub kind: Kind,
    pub file: usize,
    pub rank: RankId,
    pub stamp: Option<Stamp>,
    pub level: Option<Level>,
    pub lines: Vec<Kept>,
    pub header: Option<usize>,
    /// (type, message, index of the line).
    pub exception: Option<(String, String, usize)>,
    pub frames: Vec<Frame>,
    pub threads: Vec<Thread>,
}

impl Record {
    pub fn new(kind: Kind, file: usize) -> Record {
        Record {
            kind,
            file,
            rank: RankId::default(),
            stamp: None,
            level: None,
            lines: Vec::new(),
            header: None,
            exception: None,
            frames: Vec::new(),
            threads: Vec::new(),
        }
    }

    /// First line number.
    pub fn first_no(&self) -> u64 {
        self.lines.first().map_or(0, |l| l.no)
    }

    /// Keep a line; returns its index (or the last index when full).
    pub fn keep(&mut self, no: u64, part: Part, msg: &str, raw: &str) -> usize {
        if self.lines.len() >= MAX_LINES {
            return self.lines.len() - 1;
        }
        self.lines.push(Kept { no, part, msg: cut(msg.trim()), raw: cut(raw) });
        self.lines.len() - 1
    }

    /// Take the who/when of a line when not known yet.
    pub fn adopt(&mut self, v: &super::line::LineView<'_>) {
        if self.rank == RankId::default() && v.who != super::line::Who::default() {
            self.rank = v.rank();
        }
        if self.stamp.is_none() {
            self.stamp = v.stamp();
        }
        if self.level.is_none() {
            self.level = v.level;
        }
    }

    /// Take the who/when of an owned line view when not known yet.
    pub fn adopt_parts(&mut self, rank: &RankId, stamp: &Option<Stamp>, level: Option<Level>) {
        if self.rank == RankId::default() && *rank != RankId::default() {
            self.rank = rank.clone();
        }
        if self.stamp.is_none() {
            self.stamp = stamp.clone();
        }
        if self.level.is_none() {
            self.level = level;
        }
    }

    /// The texts `lines` patterns are tried on: the line itself, or a traceback's header
    /// and exception line.
    pub fn line_texts(&self) -> Vec<&str> {
        match self.kind {
            Kind::Line => self.lines.iter().map(|l| l.msg.as_str()).take(1).collect(),
            _ => {
                let mut v = Vec::new();
                if let Some(h) = self.header {
                    v.push(self.lines[h].msg.as_str());
                }
                if let Some((_, _, i)) = &self.exception {
                    v.push(self.lines[*i].msg.as_str());
                }
                v
            }
        }
    }

    /// The exception line text (`Type: message`).
    pub fn exception_text(&self) -> Option<&str> {
        self.exception.as_ref().map(|(_, _, i)| self.lines[*i].msg.as_str())
    }

    /// All kept messages joined (for exclusions and facts).
    pub fn joined(&self) -> String {
        let mut s = String::new();
        for l in &self.lines {
            s.push_str(&l.msg);
            s.push('\n');
        }
        s
    }
}

fn cut(s: &str) -> String {
    if s.len() <= KEEP {
        return s.to_string();
    }
    let mut end = KEEP;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// `Type: message` or a bare `Type` of a Python (or C++) exception. Returns (type, message).
pub(crate) fn parse_exception(t: &str) -> Option<(&str, &str)> {
    let (ty, msg) = match t.find(": ") {
        Some(p) => (&t[..p], &t[p + 2..]),
        None => (t.strip_suffix(':').unwrap_or(t), ""),
    };
    if ty.is_empty() || ty.len() > 120 {
        return None;
    }
    let first = ty.as_bytes()[0];
    if !first.is_ascii_alphabetic() {
        return None;
    }
    if !ty.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b':') {
        return None;
    }
    let last = ty.rsplit(['.', ':']).next().unwrap_or(ty);
    let known =
        ["StopIteration", "KeyboardInterrupt", "SystemExit", "GeneratorExit", "CancelledError"];
    let suffix_ok = ["Error", "Exception", "Exit", "Interrupt", "Failure", "Fault", "Timeout"]
        .iter()
        .any(|s| last.ends_with(s) && last.len() > s.len().saturating_sub(1))
        || known.contains(&last);
    // A bare word (no message) must be unmistakable: `AssertionError`, not `Error`; its colon may
    // stay when the paste cut the message right after it (`torch.OutOfMemoryError:`).
    let bare = t.strip_suffix(':').unwrap_or(t);
    if !suffix_ok || (msg.is_empty() && (last == "Error" || !bare.ends_with(last))) {
        return None;
    }
    if msg.is_empty() && t.contains(' ') {
        return None;
    }
    Some((ty, msg))
}

/// `File "path", line N, in func` → (path, line, func).
pub(crate) fn parse_frame(t: &str) -> Option<(&str, &str, &str)> {
    let rest = match t.strip_prefix("File \"") {
        Some(r) => r,
        // A paste that lost the path's opening quote (`File Desktop/….py", line 205, in f`,
        // `File/Desktop/…`): taken only with the `", line ` that closes a path.
        None => {
            let r = t.strip_prefix("File")?;
            let r = r.strip_prefix(' ').unwrap_or(r);
            if !r.contains("\", line ") || r.starts_with(['"', ' ']) {
                return None;
            }
            r
        }
    };
    let q = rest.find('"')?;
    let path = &rest[..q];
    let after = &rest[q + 1..];
    // `, line N` is absent in some hand-written or tool-made tracebacks.
    let (line, after) = match after.strip_prefix(", line ") {
        Some(a) => {
            let comma = a.find(',').unwrap_or(a.len());
            (&a[..comma], &a[comma..])
        }
        None => ("", after),
    };
    let func = after.strip_prefix(", in ").unwrap_or("");
    if line.is_empty() && func.is_empty() && !after.is_empty() {
        return None;
    }
    Some((path, line, func))
}

/// py-spy `Thread 123 (idle): "MainThread"` → (name, active).
pub(crate) fn parse_thread(t: &str) -> Option<(String, bool)> {
    let rest = t.strip_prefix("Thread ")?;
    let sp = rest.find(' ')?;
    let id = &rest[..sp];
    if !(id.bytes().all(|b| b.is_ascii_digit()) || id.starts_with("0x")) {
        return None;
    }
    let rest = rest[sp + 1..].strip_prefix('(')?;
    let close = rest.find(')')?;
    let state = &rest[..close];
    let name = rest[close + 1..].trim_start_matches(':').trim().trim_matches('"');
    Some((
        if name.is_empty() { id.to_string() } else { name.to_string() },
        state.contains("active"),
    ))
}

/// py-spy frame `func (path/file.py:123)`.
pub(crate) fn parse_pyspy_frame(t: &str) -> Option<&str> {
    if !t.ends_with(')') {
        return None;
    }
    let open = t.rfind(" (")?;
    let loc = &t[open + 2..t.len() - 1];
    let func = &t[..open];
    if func.is_empty() || func.contains(' ') || !loc.contains(':') {
        return None;
    }
    let line = loc.rsplit(':').next().unwrap_or("");
    if line.is_empty() || !line.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(func)
}

/// Mask what varies between repeats of one failure (numbers, ids, addresses).
pub(crate) fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            out.push('#');
            while chars.peek().is_some_and(|c| c.is_ascii_hexdigit() || *c == '.') {
                chars.next();
            }
        } else if c.is_ascii_hexdigit() && c.is_ascii_lowercase() {
            // a hex run with a digit in it is an id
            let mut run = String::from(c);
            while chars.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                run.push(chars.next().unwrap_or('0'));
            }
            if run.len() >= 8 && run.bytes().any(|b| b.is_ascii_digit()) {
                out.push('#');
            } else {
                out.push_str(&run);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exceptions() {
        assert_eq!(parse_exception("KeyError: 'dc49'"), Some(("KeyError", "'dc49'")));
        assert_eq!(
            parse_exception("zmq.error.ZMQError: Address already in use (addr='x')"),
            Some(("zmq.error.ZMQError", "Address already in use (addr='x')"))
        );
        assert_eq!(parse_exception("AssertionError"), Some(("AssertionError", "")));
        // The message cut right after the colon (sglang PR #14476's capture OOM).
        assert_eq!(
            parse_exception("torch.OutOfMemoryError:"),
            Some(("torch.OutOfMemoryError", ""))
        );
        assert_eq!(
            parse_exception("torch.OutOfMemoryError: CUDA out of memory."),
            Some(("torch.OutOfMemoryError", "CUDA out of memory."))
        );
        for no in [
            "Note: x",
            "Error",
            "Error:",
            "ERROR: x",
            "Traceback (most recent call last):",
            "self.x = 1",
            "Loading: 5",
            "error: bad",
        ] {
            assert_eq!(parse_exception(no), None, "{no}");
        }
    }

    #[test]
    fn frames_and_threads() {
        assert_eq!(
            parse_frame("File \"a/b.py\", line 224, in run_detokenizer_process"),
            Some(("a/b.py", "224", "run_detokenizer_process"))
        );
        assert_eq!(
            parse_frame(
                "File Desktop/x/vllm/entrypoints/openai/serving_chat.py\", line 205, in create_ch"
            ),
            Some(("Desktop/x/vllm/entrypoints/openai/serving_chat.py", "205", "create_ch"))
        );
        assert_eq!(parse_frame("File not found: a.py"), None);
        assert_eq!(
            parse_thread("Thread 2699268 (active): \"Thread-3 (forward_thread_func)\""),
            Some(("Thread-3 (forward_thread_func)".into(), true))
        );
        assert_eq!(
            parse_thread("Thread 2696393 (idle): \"MainThread\""),
            Some(("MainThread".into(), false))
        );
        assert_eq!(parse_pyspy_frame("ragged_run (flashinfer/prefill.py:237)"), Some("ragged_run"));
        assert_eq!(parse_pyspy_frame("<module> (<string>:1)"), Some("<module>"));
        assert_eq!(parse_pyspy_frame("Loading model (x)"), None);
    }

    #[test]
    fn normalise_masks_numbers_and_ids() {
        assert_eq!(
            normalise("#retracted_reqs: 1, #new_token_ratio: 0.1474 -> 0.1845"),
            normalise("#retracted_reqs: 3, #new_token_ratio: 0.0980 -> 0.1919")
        );
        assert_eq!(normalise("KeyError: 'dc49ad867dc144249f59f4e85c7229cd'"), "KeyError: '#'");
    }
}
