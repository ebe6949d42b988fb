//! The fast scanner: reads a log in large chunks on a reader thread and hands the sink
//! only the lines that contain a gate literal (one multi-literal search over the chunk,
//! never a per-line loop), plus the lines the sink asks to follow (traceback frames,
//! py-spy stacks, wrapped continuations). Line numbers are counted exactly.

use std::io::Read;
use std::sync::mpsc;

use aho_corasick::{AhoCorasick, MatchKind};
use perfpilot_report::Progress;

/// Bytes per read (small enough to stay in the cache between the copy and the scan).
const CHUNK: usize = 256 << 10;
/// A line longer than this is cut (the rest of it is still counted, never kept).
const MAX_LINE: usize = 1 << 20;
/// Bytes of the end of the input kept whole (every line, gated or not) for the rules that read
/// how a log ends (`crate::stall`): the last chunks read are held back from reuse, and the end
/// is copied out of them once, after the last one (none per chunk, none per line).
const END_BYTES: usize = 16 << 10;
/// Buffers passed between the reader thread and the scan: six for reading ahead, one held for
/// the end (see [`EndKeeper`]).
const BUFFERS: usize = 7;

/// Receives lines from the scanner.
pub(crate) trait Sink {
    /// A line (1-based number, text without the newline). `gated` is false for a line
    /// without a gate, delivered only because the sink asked to follow. Returns how many following lines
    /// must be delivered whatever their content.
    fn line(&mut self, no: u64, text: &str, gated: bool) -> u32;
    /// True once serving started: the serve gates are no longer needed.
    fn serving(&self) -> bool;
}

/// The gate automata: with and without the serve gates.
pub(crate) struct Gates {
    before_serving: AhoCorasick,
    serving: AhoCorasick,
}

impl Gates {
    /// Build from the catalogue's gate lists.
    pub fn new(gates: &[String], startup_gates: &[String]) -> Result<Gates, String> {
        let build = |pats: Vec<&String>| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .build(pats)
                .map_err(|e| format!("cannot build the scan gates: {e}"))
        };
        let all: Vec<&String> = gates.iter().chain(startup_gates).collect();
        // The serving gates run over nearly every byte of a long log: their order places them
        // in the packed searcher's buckets against the lines a serving log repeats.
        let lits: Vec<&str> = gates.iter().map(String::as_str).collect();
        let serving = super::gate_order::order_planned_once(&lits).into_iter().map(|i| &gates[i]);
        Ok(Gates { before_serving: build(all)?, serving: build(serving.collect())? })
    }
}

/// What a scan read.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScanStats {
    pub bytes: u64,
    pub lines: u64,
    /// The last bytes of the input (at most `END_BYTES`), whatever their gates.
    pub end: Vec<u8>,
}

/// Scan `reader` to the end.
pub(crate) fn scan<R: Read + Send>(
    reader: R,
    gates: &Gates,
    sink: &mut dyn Sink,
    progress: &dyn Progress,
) -> std::io::Result<ScanStats> {
    std::thread::scope(|scope| {
        let (full_tx, full_rx) = mpsc::sync_channel::<std::io::Result<(Vec<u8>, usize)>>(4);
        let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
        for _ in 0..BUFFERS {
            let _ = empty_tx.send(Vec::with_capacity(CHUNK));
        }
        scope.spawn(move || read_loop(reader, full_tx, empty_rx));
        let mut st = State { line_no: 1, follow: 0, carry: Vec::new() };
        let mut bytes = 0u64;
        let mut end = EndKeeper::default();
        for chunk in full_rx.iter() {
            let (chunk, len) = chunk?;
            bytes += len as u64;
            progress.advance(len as u64);
            st.chunk(&chunk[..len], gates, sink);
            if let Some(spare) = end.hold(chunk, len) {
                let _ = empty_tx.send(spare);
            }
        }
        st.finish(gates, sink);
        Ok(ScanStats { bytes, lines: st.line_no - 1, end: end.end() })
    })
}

/// Keeps the end of the input without copying every chunk: the last chunk is held back from
/// reuse, and only when a chunk shorter than `END_BYTES` follows it (at the end of the input,
/// or on a stream that returns short reads) are its last bytes copied out.
#[derive(Default)]
struct EndKeeper {
    /// The last `END_BYTES` (at most) of what came before the held chunk, where they are needed.
    before: Vec<u8>,
    /// The last chunk and its length.
    held: Option<(Vec<u8>, usize)>,
}

impl EndKeeper {
    /// Hold `chunk` (its first `len` bytes); return the buffer held before, now free.
    fn hold(&mut self, chunk: Vec<u8>, len: usize) -> Option<Vec<u8>> {
        let old = self.held.replace((chunk, len));
        let (buf, old_len) = old?;
        if len >= END_BYTES {
            self.before.clear();
        } else {
            keep_end(&mut self.before, &buf[..old_len]);
        }
        Some(buf)
    }

    /// The last `END_BYTES` of the input (all of it when shorter).
    fn end(mut self) -> Vec<u8> {
        if let Some((buf, len)) = self.held.take() {
            keep_end(&mut self.before, &buf[..len]);
        }
        self.before
    }
}

/// Keep the last `END_BYTES` of everything appended so far.
fn keep_end(end: &mut Vec<u8>, data: &[u8]) {
    if data.len() >= END_BYTES {
        end.clear();
        end.extend_from_slice(&data[data.len() - END_BYTES..]);
        return;
    }
    end.extend_from_slice(data);
    if end.len() > END_BYTES {
        let cut = end.len() - END_BYTES;
        end.drain(..cut);
    }
}

fn read_loop<R: Read>(
    mut reader: R,
    full: mpsc::SyncSender<std::io::Result<(Vec<u8>, usize)>>,
    empty: mpsc::Receiver<Vec<u8>>,
) {
    while let Ok(mut buf) = empty.recv() {
        // Zero the buffer only the first time (later it keeps its length).
        if buf.len() != CHUNK {
            buf.resize(CHUNK, 0);
        }
        let mut filled = 0;
        // Fill the chunk (short reads happen on pipes).
        while filled < CHUNK {
            match reader.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = full.send(Err(e));
                    return;
                }
            }
        }
        if filled == 0 || full.send(Ok((buf, filled))).is_err() {
            return;
        }
    }
}

struct State {
    /// Number of the line that starts at the next unprocessed byte.
    line_no: u64,
    follow: u32,
    /// The unfinished last line of the previous chunk.
    carry: Vec<u8>,
}

impl State {
    fn chunk(&mut self, chunk: &[u8], gates: &Gates, sink: &mut dyn Sink) {
        if chunk.is_empty() {
            return;
        }
        let mut data = chunk;
        if !self.carry.is_empty() {
            match memchr::memchr(b'\n', data) {
                Some(nl) => {
                    let mut joined = std::mem::take(&mut self.carry);
                    if joined.len() < MAX_LINE {
                        joined.extend_from_slice(&data[..=nl]);
                    } else {
                        // The line was cut: its end still ends a line (numbers stay exact).
                        joined.push(b'\n');
                    }
                    self.region(&joined, gates, sink);
                    data = &data[nl + 1..];
                }
                None => {
                    if self.carry.len() < MAX_LINE {
                        let room = MAX_LINE - self.carry.len();
                        self.carry.extend_from_slice(&data[..data.len().min(room)]);
                    }
                    return;
                }
            }
        }
        match memchr::memrchr(b'\n', data) {
            Some(last_nl) => {
                let (complete, tail) = data.split_at(last_nl + 1);
                self.region(complete, gates, sink);
                self.carry.extend_from_slice(&tail[..tail.len().min(MAX_LINE)]);
            }
            None => self.carry.extend_from_slice(&data[..data.len().min(MAX_LINE)]),
        }
    }

    fn finish(&mut self, gates: &Gates, sink: &mut dyn Sink) {
        if !self.carry.is_empty() {
            // The last line has no newline: it counts as one line whatever happens inside.
            let tail = std::mem::take(&mut self.carry);
            let before = self.line_no;
            self.region(&tail, gates, sink);
            self.line_no = before + 1;
        }
    }

    /// Process whole lines (the last may lack its newline only at end of input).
    fn region(&mut self, region: &[u8], gates: &Gates, sink: &mut dyn Sink) {
        let mut pos = 0;
        while pos < region.len() {
            if self.follow > 0 {
                let end = memchr::memchr(b'\n', &region[pos..]).map_or(region.len(), |i| pos + i);
                self.follow -= 1;
                // A followed line may hold a gate of its own: then it is a gated line too.
                let ac = if sink.serving() { &gates.serving } else { &gates.before_serving };
                let gated = ac.is_match(&region[pos..end]);
                let more = deliver(sink, self.line_no, &region[pos..end], gated);
                self.follow = self.follow.max(more);
                self.line_no += 1;
                pos = end + 1;
                continue;
            }
            let ac = if sink.serving() { &gates.serving } else { &gates.before_serving };
            let Some(m) = ac.find(&region[pos..]) else {
                self.line_no += count_newlines(&region[pos..]);
                return;
            };
            let at = pos + m.start();
            let start = memchr::memrchr(b'\n', &region[pos..at]).map_or(pos, |i| pos + i + 1);
            self.line_no += count_newlines(&region[pos..start]);
            let end = memchr::memchr(b'\n', &region[at..]).map_or(region.len(), |i| at + i);
            self.follow = deliver(sink, self.line_no, &region[start..end], true);
            self.line_no += 1;
            pos = end + 1;
        }
    }
}

fn deliver(sink: &mut dyn Sink, no: u64, bytes: &[u8], gated: bool) -> u32 {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => sink.line(no, s, gated),
        Err(_) => sink.line(no, &String::from_utf8_lossy(bytes), gated),
    }
}

/// Newlines in `s`: a vector compare and subtract per 32 bytes (`bytecount`, AVX2 chosen at run
/// time). `memchr`'s counting iterator paid a population count per 32-byte mask, in software
/// where the build does not enable `popcnt`: 0.3 instructions a byte of every log (issue #15).
fn count_newlines(s: &[u8]) -> u64 {
    bytecount::count(s, b'\n') as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use perfpilot_report::NoProgress;

    struct Collect {
        got: Vec<(u64, String, bool)>,
        follow_on: &'static str,
    }

    impl Sink for Collect {
        fn line(&mut self, no: u64, text: &str, gated: bool) -> u32 {
            self.got.push((no, text.to_string(), gated));
            u32::from(text.contains(self.follow_on))
        }
        fn serving(&self) -> bool {
            false
        }
    }

    fn run(text: &str, gates: &[&str]) -> (Vec<(u64, String, bool)>, ScanStats) {
        let g = Gates::new(&gates.iter().map(|s| s.to_string()).collect::<Vec<_>>(), &[]).unwrap();
        let mut sink = Collect { got: Vec::new(), follow_on: "FOLLOW" };
        let stats = scan(text.as_bytes(), &g, &mut sink, &NoProgress).unwrap();
        (sink.got, stats)
    }

    #[test]
    fn line_numbers_and_follow() {
        let text = "a\nb Error x\nc\nFOLLOW Error\nd\ne\nlast Error";
        let (got, stats) = run(text, &["Error"]);
        let nos: Vec<u64> = got.iter().map(|g| g.0).collect();
        assert_eq!(nos, vec![2, 4, 5, 7]);
        assert_eq!(got[2], (5, "d".to_string(), false));
        assert_eq!(stats.lines, 7);
    }

    #[test]
    fn lines_across_chunks_are_whole() {
        let mut text = String::new();
        for i in 0..300_000 {
            text.push_str(&format!("line {i} padding padding\n"));
            if i % 50_000 == 7 {
                text.push_str("xx Error here\n");
            }
        }
        let (got, stats) = run(&text, &["Error"]);
        assert_eq!(got.len(), 6);
        for (no, t, _) in &got {
            assert_eq!(t, "xx Error here");
            assert_eq!(text.lines().nth(*no as usize - 1), Some("xx Error here"));
        }
        assert_eq!(stats.lines, text.lines().count() as u64);
    }

    #[test]
    fn the_end_of_the_input_is_kept_whole() {
        let mut text = String::new();
        for i in 0..40_000 {
            text.push_str(&format!("progress line {i}\n"));
        }
        let (_, stats) = run(&text, &["Error"]);
        assert_eq!(stats.end.len(), END_BYTES);
        assert!(text.as_bytes().ends_with(&stats.end));
        let (_, short) = run("a\nb\n", &["Error"]);
        assert_eq!(short.end, b"a\nb\n");
    }

    #[test]
    fn the_end_is_whole_across_short_chunks() {
        // A stream that returns end-of-input after each piece (a terminal): every piece ends
        // a short chunk, so the end spans several of them.
        struct Pieces(Vec<Vec<u8>>, bool);
        impl Read for Pieces {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if std::mem::take(&mut self.1) || self.0.is_empty() {
                    return Ok(0);
                }
                let p = &mut self.0[0];
                let n = p.len().min(buf.len());
                buf[..n].copy_from_slice(&p[..n]);
                p.drain(..n);
                if p.is_empty() {
                    self.0.remove(0);
                    self.1 = true;
                }
                Ok(n)
            }
        }
        let g = Gates::new(&["Error".to_string()], &[]).unwrap();
        for sizes in [&[300_000, 5_000, 7_000, 9_000][..], &[5_000, 300_000, 3][..], &[10][..]] {
            let pieces: Vec<Vec<u8>> = sizes
                .iter()
                .enumerate()
                .map(|(i, &n)| (0..n).map(|j| b"abcdefghij\n"[(i + j) % 11]).collect())
                .collect();
            let all = pieces.concat();
            let mut sink = Collect { got: Vec::new(), follow_on: "~" };
            let stats =
                scan(Pieces(pieces, false), &g, &mut sink, &NoProgress).map(|s| s.end).unwrap();
            assert_eq!(stats, all[all.len().saturating_sub(END_BYTES)..], "{sizes:?}");
        }
    }

    #[test]
    fn crlf_and_invalid_utf8() {
        let bytes: &[u8] = b"x\r\nbad \xff Error\r\n";
        let g = Gates::new(&["Error".to_string()], &[]).unwrap();
        let mut sink = Collect { got: Vec::new(), follow_on: "~" };
        scan(bytes, &g, &mut sink, &NoProgress).unwrap();
        assert_eq!(sink.got[0].1, "bad \u{fffd} Error");
    }
}
