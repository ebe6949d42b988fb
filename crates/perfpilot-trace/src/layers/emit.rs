//! `--emit-trace`: a copy of the trace with a guide track of synthetic `pass N` and
//! `pass N / layer L` slices, for Perfetto or chrome://tracing.
//!
//! The original JSON is streamed through byte for byte (gunzipped when the input is
//! gzip); the synthetic events are inserted just before the `]` that closes
//! `traceEvents` (or the top-level array of a bare-list trace). The output is written
//! under a temporary name and renamed into place; `.gz` output is gzip-compressed.
//! Guide slices run from one layer's first kernel to the next layer's first kernel, so
//! they never overlap; they are navigation aids, not exclusive ownership of time.

use std::io::{self, BufReader, Read, Write};
use std::path::Path;

use memchr::memchr2;
use perfpilot_report::{AtomicFile, Progress};

use super::Sliced;
use super::report::EmittedTrace;
use crate::error::TraceError;
use crate::model::{Ns, ProcId};

/// Category of every synthetic event.
pub const GUIDE_CATEGORY: &str = "perfpilot_layers";

/// Write the layer trace of `s` (read from `input`) to `out`.
pub fn write_layer_trace(
    input: &Path,
    out: &Path,
    s: &Sliced,
    progress: &dyn Progress,
) -> Result<EmittedTrace, TraceError> {
    let events = guide_events(s);
    let file = perfpilot_io::open_stream(input).map_err(|e| TraceError::io(input, e))?;
    let (reader, _) =
        crate::parse::decoded(BufReader::new(file)).map_err(|e| TraceError::io(input, e))?;
    let atomic = AtomicFile::create(out).map_err(|e| TraceError::io(out, e))?;
    let compress = out.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let write_err = |e: io::Error| TraceError::io(out, e);
    let copied = if compress {
        let mut enc = flate2::write::GzEncoder::new(
            io::BufWriter::with_capacity(1 << 20, atomic),
            flate2::Compression::fast(),
        );
        let n = splice(reader, &mut enc, &events, input, progress)?;
        let buf = enc.finish().map_err(write_err)?;
        let atomic = buf.into_inner().map_err(|e| write_err(e.into_error()))?;
        atomic.commit().map_err(write_err)?;
        n
    } else {
        let mut w = io::BufWriter::with_capacity(1 << 20, atomic);
        let n = splice(reader, &mut w, &events, input, progress)?;
        let atomic = w.into_inner().map_err(|e| write_err(e.into_error()))?;
        atomic.commit().map_err(write_err)?;
        n
    };
    Ok(EmittedTrace {
        path: out.display().to_string(),
        slices: events.iter().filter(|e| e.contains("\"ph\":\"X\"")).count() as u64,
        original_bytes: copied,
    })
}

/// Copy `reader` to `w`, inserting `events` before the end of the event array.
/// Returns the number of original bytes copied.
fn splice(
    mut reader: impl Read,
    w: &mut impl Write,
    events: &[String],
    input: &Path,
    progress: &dyn Progress,
) -> Result<u64, TraceError> {
    let mut scanner = Scanner::default();
    let mut buf = vec![0u8; 1 << 20];
    let mut copied = 0u64;
    let mut inserted = false;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(TraceError::Decompress {
                    path: input.to_path_buf(),
                    offset: copied,
                    source: e,
                });
            }
        };
        let chunk = &buf[..n];
        let mut from = 0;
        if !inserted && let Some((at, nonempty)) = scanner.feed(chunk) {
            w.write_all(&chunk[..at]).map_err(|e| TraceError::io("<output>", e))?;
            write_events(w, events, nonempty).map_err(|e| TraceError::io("<output>", e))?;
            inserted = true;
            from = at;
        }
        w.write_all(&chunk[from..]).map_err(|e| TraceError::io("<output>", e))?;
        copied += n as u64;
        progress.advance(0);
    }
    if !inserted {
        return Err(TraceError::NotATrace {
            path: input.to_path_buf(),
            reason: "no closing `]` of `traceEvents` found while copying (truncated file?)".into(),
        });
    }
    Ok(copied)
}

fn write_events(w: &mut impl Write, events: &[String], nonempty: bool) -> io::Result<()> {
    for (i, e) in events.iter().enumerate() {
        if i > 0 || nonempty {
            w.write_all(b",\n")?;
        }
        w.write_all(e.as_bytes())?;
    }
    Ok(())
}

/// Finds the `]` closing the event array, across chunk borders.
#[derive(Default)]
struct Scanner {
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// Bytes of the string being read at depth 1 (keys), capped.
    key: Vec<u8>,
    last_key: Vec<u8>,
    /// Depth of the event array once entered (its contents are at this depth).
    target: Option<u32>,
    nonempty: bool,
    started: bool,
}

impl Scanner {
    /// Feed a chunk; on finding the closing bracket, its offset in the chunk and whether
    /// the array held anything.
    fn feed(&mut self, chunk: &[u8]) -> Option<(usize, bool)> {
        let mut i = 0;
        while i < chunk.len() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    if self.depth == 1 && self.key.len() < 64 {
                        self.key.push(chunk[i]);
                    }
                    i += 1;
                    continue;
                }
                match memchr2(b'"', b'\\', &chunk[i..]) {
                    None => {
                        if self.depth == 1 && self.key.len() < 64 {
                            let take = (64 - self.key.len()).min(chunk.len() - i);
                            self.key.extend_from_slice(&chunk[i..i + take]);
                        }
                        return None;
                    }
                    Some(off) => {
                        if self.depth == 1 && self.key.len() < 64 {
                            let take = (64 - self.key.len()).min(off);
                            self.key.extend_from_slice(&chunk[i..i + take]);
                        }
                        i += off;
                        if chunk[i] == b'\\' {
                            self.escaped = true;
                        } else {
                            self.in_string = false;
                            if self.depth == 1 {
                                self.last_key = std::mem::take(&mut self.key);
                            }
                        }
                        i += 1;
                        continue;
                    }
                }
            }
            let b = chunk[i];
            if let Some(t) = self.target
                && self.depth == t
                && !b.is_ascii_whitespace()
                && b != b']'
            {
                self.nonempty = true;
            }
            match b {
                b'"' => {
                    self.in_string = true;
                    self.key.clear();
                }
                b'{' | b'[' => {
                    if !self.started {
                        self.started = true;
                        if b == b'[' {
                            self.target = Some(1);
                        }
                    } else if self.target.is_none()
                        && self.depth == 1
                        && b == b'['
                        && self.last_key == b"traceEvents"
                    {
                        self.target = Some(2);
                    }
                    self.depth += 1;
                }
                b'}' | b']' => {
                    if b == b']' && self.target == Some(self.depth) {
                        return Some((i, self.nonempty));
                    }
                    self.depth = self.depth.saturating_sub(1);
                }
                _ => {}
            }
            i += 1;
        }
        None
    }
}

fn us(ns: Ns) -> String {
    if ns >= 0 {
        format!("{}.{:03}", ns / 1000, ns % 1000)
    } else {
        format!("{:.3}", ns as f64 / 1000.0)
    }
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"?\"".into())
}

/// The synthetic events: process/thread metadata, then one slice per pass and per layer.
pub fn guide_events(s: &Sliced) -> Vec<String> {
    let pid = s
        .trace
        .lanes
        .iter()
        .filter_map(|l| match l.pid {
            ProcId::Num(n) => Some(n),
            ProcId::Name(_) => None,
        })
        .max()
        .map_or(1_000_000, |m| m.saturating_add(1).max(1_000_000));
    let meta = |name: &str, tid: u32, args: String| {
        format!(
            "{{\"ph\":\"M\",\"name\":{},\"pid\":{pid},\"tid\":{tid},\"args\":{args}}}",
            json_str(name)
        )
    };
    let mut ev = vec![
        meta(
            "process_name",
            0,
            format!("{{\"name\":{}}}", json_str("perfpilot: passes and layers (guide)")),
        ),
        meta("process_sort_index", 0, "{\"sort_index\":-1}".into()),
        meta("thread_name", 1, format!("{{\"name\":{}}}", json_str("passes"))),
        meta("thread_name", 2, format!("{{\"name\":{}}}", json_str("layers"))),
    ];
    let slice = |name: &str, tid: u32, start: Ns, end: Ns, args: String| {
        format!(
            "{{\"ph\":\"X\",\"cat\":\"{GUIDE_CATEGORY}\",\"name\":{},\"pid\":{pid},\"tid\":{tid},\"ts\":{},\"dur\":{},\"args\":{args}}}",
            json_str(name),
            us(start),
            us((end - start).max(0))
        )
    };
    let labels_of =
        |ops: &[u32], seg: &super::segment::Segmentation| super::tables::kind_labels(s, ops, seg);
    for (p, split) in s.passes.iter().enumerate() {
        let ops = &split.window.ops;
        let start_of = |i: usize| s.trace.gpu[ops[i] as usize].ts;
        let end_of =
            |r: std::ops::Range<usize>| r.map(|i| s.trace.gpu[ops[i] as usize].end()).max();
        let (Some(first), Some(end)) = (ops.first(), end_of(0..ops.len())) else { continue };
        let step = split.window.step.as_deref().unwrap_or("");
        ev.push(slice(
            &format!("pass {p}"),
            1,
            s.trace.gpu[*first as usize].ts,
            end,
            format!("{{\"kernels\":{},\"step\":{}}}", ops.len(), json_str(step)),
        ));
        let Ok(seg) = &split.seg else { continue };
        let labels = labels_of(ops, seg);
        let l_count = seg.layers();
        if seg.bounds[0] > 0 {
            let e = end_of(0..seg.bounds[0]).unwrap_or(start_of(0));
            ev.push(slice(
                &format!("pass {p} / prologue"),
                2,
                start_of(0),
                e.min(start_of(seg.bounds[0])),
                format!("{{\"kernels\":{}}}", seg.bounds[0]),
            ));
        }
        for (l, w) in seg.bounds.windows(2).take(l_count).enumerate() {
            let (b, e) = (w[0], w[1]);
            if b >= e {
                continue;
            }
            let stop =
                if e < ops.len() { start_of(e) } else { end_of(b..e).unwrap_or(start_of(b)) };
            let sum: Ns = crate::model::sat_sum((b..e).map(|i| s.trace.gpu[ops[i] as usize].dur));
            ev.push(slice(
                &format!("pass {p} / layer {l}"),
                2,
                start_of(b),
                stop.max(start_of(b)),
                format!(
                    "{{\"type\":{},\"kernels\":{},\"kernel_sum_us\":{}}}",
                    json_str(&labels[l]),
                    e - b,
                    us(sum)
                ),
            ));
        }
        let last = seg.bounds[l_count];
        if last < ops.len() {
            let e = end_of(last..ops.len()).unwrap_or(start_of(last));
            ev.push(slice(
                &format!("pass {p} / epilogue"),
                2,
                start_of(last),
                e,
                format!("{{\"kernels\":{}}}", ops.len() - last),
            ));
        }
    }
    ev
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(doc: &str) -> Option<(usize, bool)> {
        let mut s = Scanner::default();
        // Feed in tiny chunks to cross every border.
        let bytes = doc.as_bytes();
        let mut base = 0;
        for chunk in bytes.chunks(3) {
            if let Some((at, ne)) = s.feed(chunk) {
                return Some((base + at, ne));
            }
            base += chunk.len();
        }
        None
    }

    #[test]
    fn finds_the_end_of_trace_events() {
        let doc = r#"{"a": "traceEvents]", "traceEvents": [{"name": "x]\"y", "args": {"k": [1, 2]}}], "z": [3]}"#;
        let (at, nonempty) = run(doc).unwrap();
        assert_eq!(&doc[at..at + 3], "], ");
        assert!(nonempty);
        let list = r#"[ {"ph": "X"} ]"#;
        assert_eq!(run(list), Some((list.len() - 1, true)));
        let empty = r#"{"traceEvents": [  ]}"#;
        assert_eq!(run(empty), Some((19, false)));
        assert_eq!(run(r#"{"traceEvents": [1, 2"#), None);
    }

    #[test]
    fn microseconds_keep_nanoseconds() {
        assert_eq!(us(1_234_567), "1234.567");
        assert_eq!(us(5), "0.005");
    }
}
