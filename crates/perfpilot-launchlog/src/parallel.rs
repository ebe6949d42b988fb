//! Reading a log in blocks of whole lines, and finding each block's candidate lines on worker
//! threads while the calling thread reads on and parses the blocks in file order.
//!
//! Finding candidate lines is most of the work on a large log (the packed search over every
//! byte, the check of each candidate with the full automaton, the line count) and needs no
//! parser state ([`BlockScanner`]); parsing the few lines found does, so it stays on one
//! thread, in order. The result is the same for any number of workers. A log of one block
//! (under 4 MiB) starts no thread.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{BufRead, ErrorKind};
use std::sync::Arc;

use crate::block_scan::{BlockScanner, Scanned};
use crate::{LaunchLog, LaunchRules, LogParser};

/// A block ends at the first line end after this many bytes.
const BLOCK: usize = 4 << 20;
/// Bytes asked of the reader at a time (at least): a `BufReader` of up to 1 MiB hands such
/// reads to its inner reader without copying them through its own buffer.
const READ: usize = 1 << 20;
/// Most scanning threads: past four, reading the file on one thread is the bound.
const MAX_WORKERS: usize = 4;

/// Scanning threads for this machine: one per core, at most [`MAX_WORKERS`].
pub(crate) fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_WORKERS)
}

/// Parse everything `reader` holds with `rules`, scanning blocks on `workers` threads (0 or
/// 1: on this thread).
pub(crate) fn parse_reader<R: BufRead>(
    reader: R,
    rules: &Arc<LaunchRules>,
    workers: usize,
) -> std::io::Result<LaunchLog> {
    parse_in_blocks(reader, rules, workers, BLOCK)
}

/// [`parse_reader`] with blocks of at least `block` bytes.
fn parse_in_blocks<R: BufRead>(
    reader: R,
    rules: &Arc<LaunchRules>,
    workers: usize,
    block: usize,
) -> std::io::Result<LaunchLog> {
    parse_source(Blocks::new(reader, block), rules, workers, None)
}

/// Rewrites a borrowed block before it is scanned: writes the block's new bytes to the
/// vector and returns true, or returns false to keep the block as it is.
pub type Prepare<'p> = &'p (dyn Fn(&[u8], &mut Vec<u8>) -> bool + Sync);

/// `chunk`, rewritten by `prepare` where it is borrowed and `prepare` asks.
fn prepared<'a>(chunk: Chunk<'a>, prepare: Option<Prepare<'_>>) -> Chunk<'a> {
    match (chunk, prepare) {
        (Chunk::Borrowed(b), Some(p)) => {
            let mut out = Vec::new();
            if p(b, &mut out) {
                let len = out.len();
                Chunk::Owned(out, len)
            } else {
                Chunk::Borrowed(b)
            }
        }
        (c, _) => c,
    }
}

/// Parse blocks of whole lines that the caller cut (see [`crate::parse_blocks_with`]),
/// scanning them on `workers` threads (0 or 1: on this thread).
pub(crate) fn parse_slices<'a, I>(
    blocks: I,
    rules: &Arc<LaunchRules>,
    workers: usize,
    prepare: Option<Prepare<'_>>,
) -> std::io::Result<LaunchLog>
where
    I: Iterator<Item = std::io::Result<Cow<'a, [u8]>>>,
{
    parse_source(Slices(blocks.peekable()), rules, workers, prepare)
}

/// Parse every block `source` gives.
fn parse_source<'a, S: Source<'a>>(
    mut source: S,
    rules: &Arc<LaunchRules>,
    workers: usize,
    prepare: Option<Prepare<'_>>,
) -> std::io::Result<LaunchLog> {
    let mut parser = LogParser::with_rules(Arc::clone(rules));
    let Some(first) = source.next_chunk(Vec::new())? else {
        return Ok(parser.finish());
    };
    if workers <= 1 || source.done() {
        let first = prepared(first, prepare);
        parser.push_block(first.bytes());
        let mut spare = first.into_spare();
        while let Some(chunk) = source.next_chunk(spare)? {
            let chunk = prepared(chunk, prepare);
            parser.push_block(chunk.bytes());
            spare = chunk.into_spare();
        }
    } else {
        scan_on_workers(first, source, &mut parser, rules, workers, prepare)?;
    }
    Ok(parser.finish())
}

/// A block of whole lines: read into a buffer of ours, or borrowed from the caller.
enum Chunk<'a> {
    /// The first `.1` bytes of the buffer.
    Owned(Vec<u8>, usize),
    /// The caller's bytes.
    Borrowed(&'a [u8]),
}

impl Chunk<'_> {
    /// The block's bytes.
    fn bytes(&self) -> &[u8] {
        match self {
            Chunk::Owned(buf, len) => &buf[..*len],
            Chunk::Borrowed(b) => b,
        }
    }

    /// The buffer to read into again (empty for a borrowed block).
    fn into_spare(self) -> Vec<u8> {
        match self {
            Chunk::Owned(buf, _) => buf,
            Chunk::Borrowed(_) => Vec::new(),
        }
    }
}

/// Scan `chunk` into `scanned`, rewritten by `prepare` where it asks; the chunk scanned.
/// Where the previous block was not rewritten (`rewrote`), the block is scanned first and
/// checked after, when it is in cache (measured: the check as the block's first pass over a
/// memory-mapped file waited on memory; the packed search hides that wait), and scanned again
/// in the rare case that it is rewritten; after a rewrite the check comes first.
fn scan_prepared<'a>(
    scanner: &mut BlockScanner,
    chunk: Chunk<'a>,
    prepare: Option<Prepare<'_>>,
    rewrote: &mut bool,
    scanned: &mut Scanned,
) -> Chunk<'a> {
    let borrowed = matches!(chunk, Chunk::Borrowed(_));
    if prepare.is_none() || !borrowed || *rewrote {
        let chunk = prepared(chunk, prepare);
        *rewrote = borrowed && matches!(chunk, Chunk::Owned(..));
        scanner.scan(chunk.bytes(), scanned);
        return chunk;
    }
    scanner.scan(chunk.bytes(), scanned);
    let chunk = prepared(chunk, prepare);
    if matches!(chunk, Chunk::Owned(..)) {
        *rewrote = true;
        scanner.scan(chunk.bytes(), scanned);
    }
    chunk
}

/// Where blocks come from.
trait Source<'a> {
    /// The next block, None after the last. `spare`: a buffer to reuse (empty: none).
    fn next_chunk(&mut self, spare: Vec<u8>) -> std::io::Result<Option<Chunk<'a>>>;
    /// True when no block is left.
    fn done(&mut self) -> bool;
}

impl<'a, R: BufRead> Source<'a> for Blocks<R> {
    fn next_chunk(&mut self, spare: Vec<u8>) -> std::io::Result<Option<Chunk<'a>>> {
        Ok(self.next(spare)?.map(|(buf, len)| Chunk::Owned(buf, len)))
    }
    fn done(&mut self) -> bool {
        Blocks::done(self)
    }
}

/// Blocks the caller cut.
struct Slices<I: Iterator>(std::iter::Peekable<I>);

impl<'a, I> Source<'a> for Slices<I>
where
    I: Iterator<Item = std::io::Result<Cow<'a, [u8]>>>,
{
    fn next_chunk(&mut self, _spare: Vec<u8>) -> std::io::Result<Option<Chunk<'a>>> {
        Ok(match self.0.next().transpose()? {
            None => None,
            Some(Cow::Borrowed(b)) => Some(Chunk::Borrowed(b)),
            Some(Cow::Owned(v)) => {
                let len = v.len();
                Some(Chunk::Owned(v, len))
            }
        })
    }
    fn done(&mut self) -> bool {
        self.0.peek().is_none()
    }
}

/// A reader cut into blocks of whole lines.
struct Blocks<R> {
    reader: R,
    /// A block ends at the first line end after this many bytes.
    block: usize,
    buf: Vec<u8>,
    len: usize,
    eof: bool,
}

impl<R: BufRead> Blocks<R> {
    fn new(reader: R, block: usize) -> Blocks<R> {
        Blocks { reader, block, buf: vec![0; block + READ], len: 0, eof: false }
    }

    /// True when every byte has been handed out.
    fn done(&self) -> bool {
        self.eof && self.len == 0
    }

    /// The next block as `(buffer, length)`: whole lines of at least `block` bytes (a line
    /// longer than that makes a longer block), or what is left at the end; None after the
    /// end. `spare` is a buffer to reuse for what follows (empty: a new one).
    fn next(&mut self, mut spare: Vec<u8>) -> std::io::Result<Option<(Vec<u8>, usize)>> {
        loop {
            if self.eof {
                if self.len == 0 {
                    return Ok(None);
                }
                let len = std::mem::take(&mut self.len);
                return Ok(Some((std::mem::take(&mut self.buf), len)));
            }
            if self.buf.len() < self.len + READ {
                self.buf.resize(self.len + READ, 0);
            }
            let n = match self.reader.read(&mut self.buf[self.len..]) {
                Ok(n) => n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.eof = true;
                continue;
            }
            self.len += n;
            if self.len < self.block {
                continue;
            }
            // Hand over whole lines; the partial last line starts the next block.
            if let Some(last_nl) = memchr::memrchr(b'\n', &self.buf[..self.len]) {
                let rest = self.len - (last_nl + 1);
                if spare.len() < rest + READ {
                    spare.resize((rest + READ).max(self.block + READ), 0);
                }
                spare[..rest].copy_from_slice(&self.buf[last_nl + 1..self.len]);
                let full = std::mem::replace(&mut self.buf, spare);
                self.len = rest;
                return Ok(Some((full, last_nl + 1)));
            }
        }
    }
}

/// A block sent to a worker.
struct Job<'a> {
    seq: u64,
    chunk: Chunk<'a>,
}

/// A block back from a worker, with its candidate lines.
struct Done<'a> {
    seq: u64,
    chunk: Chunk<'a>,
    scanned: Scanned,
}

/// Blocks back from the workers, parsed in the order they were read.
struct InOrder<'a> {
    /// Blocks parsed so far.
    parsed: u64,
    /// Blocks back from the workers but not yet parsed, from block `parsed` on.
    waiting: VecDeque<Option<Done<'a>>>,
    /// Buffers free for reading into.
    spares: Vec<Vec<u8>>,
}

impl<'a> InOrder<'a> {
    /// Take `done` and parse every block now next in order.
    fn accept(&mut self, done: Done<'a>, parser: &mut LogParser) {
        let at = (done.seq - self.parsed) as usize;
        if self.waiting.len() <= at {
            self.waiting.resize_with(at + 1, || None);
        }
        self.waiting[at] = Some(done);
        while let Some(Some(_)) = self.waiting.front() {
            let Some(Some(d)) = self.waiting.pop_front() else { break };
            parser.push_scanned(d.chunk.bytes(), &d.scanned);
            self.parsed += 1;
            if let Chunk::Owned(buf, _) = d.chunk {
                self.spares.push(buf);
            }
        }
    }
}

/// Read blocks on this thread, scan them on `workers` threads, parse them here in order.
/// At most `workers + 2` blocks are read and not yet parsed at any time.
fn scan_on_workers<'a, S: Source<'a>>(
    first: Chunk<'a>,
    mut source: S,
    parser: &mut LogParser,
    rules: &Arc<LaunchRules>,
    workers: usize,
    prepare: Option<Prepare<'_>>,
) -> std::io::Result<()> {
    let (job_tx, job_rx) = crossbeam_channel::bounded::<Job<'a>>(workers);
    let (done_tx, done_rx) = crossbeam_channel::unbounded::<Done<'a>>();
    let in_flight_max = workers as u64 + 2;
    std::thread::scope(|s| {
        for _ in 0..workers {
            let (job_rx, done_tx) = (job_rx.clone(), done_tx.clone());
            let mut scanner = BlockScanner::new(Arc::clone(rules));
            s.spawn(move || {
                let mut rewrote = false;
                for job in job_rx.iter() {
                    let mut scanned = Scanned::default();
                    let chunk =
                        scan_prepared(&mut scanner, job.chunk, prepare, &mut rewrote, &mut scanned);
                    let done = Done { seq: job.seq, chunk, scanned };
                    if done_tx.send(done).is_err() {
                        break;
                    }
                }
            });
        }
        drop((job_rx, done_tx));
        let mut order = InOrder { parsed: 0, waiting: VecDeque::new(), spares: Vec::new() };
        let mut sent = 0u64;
        let mut block = Some(first);
        let result = loop {
            let Some(chunk) = block.take() else { break Ok(()) };
            if job_tx.send(Job { seq: sent, chunk }).is_err() {
                break Ok(()); // every worker is gone: the scope reports its panic
            }
            sent += 1;
            loop {
                let done = if sent - order.parsed >= in_flight_max {
                    done_rx.recv().ok()
                } else {
                    done_rx.try_recv().ok()
                };
                match done {
                    Some(d) => order.accept(d, parser),
                    None => break,
                }
            }
            match source.next_chunk(order.spares.pop().unwrap_or_default()) {
                Ok(next) => block = next,
                Err(e) => break Err(e),
            }
        };
        drop(job_tx);
        for d in done_rx.iter() {
            if result.is_ok() {
                order.accept(d, parser);
            }
        }
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks of this size in tests (the prefilter starts at 256 KiB under `Auto`).
    const TEST_BLOCK: usize = 300 << 10;

    /// A log of several blocks: launch lines among serving lines, a line longer than a
    /// block, CRLF ends and no final line end.
    fn long_log() -> String {
        let launch = [
            "[2025-03-10 16:21:21 TP0] Load weight end. type=LlamaForCausalLM, dtype=torch.bfloat16, avail mem=63.35 GB, mem usage=14.99 GB.",
            "[2025-03-10 16:21:21 TP1] KV Cache is allocated. #tokens: 10240, K size: 0.47 GB, V size: 0.47 GB",
            "INFO 03-10 16:21:22 worker.py:1 # GPU blocks: 27000, # CPU blocks: 2048\r",
            "[2025-03-10 16:21:23 TP0] max_total_num_tokens=123456, chunked_prefill_size=8192",
        ];
        let noise = "[2025-11-30 11:20:01 TP0] Decode batch. #running-req: 37, #token: 81234, token usage: 0.04, cuda graph: True, gen throughput (token/s): 4123.55, #queue-req: 0";
        let mut s = String::new();
        let mut i = 0usize;
        while s.len() < 5 * TEST_BLOCK + 12_345 {
            s.push_str(if i.is_multiple_of(97) { launch[(i / 97) % launch.len()] } else { noise });
            s.push('\n');
            if i == 3_000 {
                s.push_str(&"x".repeat(TEST_BLOCK + 17));
                s.push('\n');
            }
            i += 1;
        }
        s.push_str(launch[0]);
        s
    }

    #[test]
    fn any_number_of_workers_gives_the_one_thread_result() {
        let text = long_log();
        let rules = LaunchRules::builtin();
        let parse = |workers| {
            parse_in_blocks(std::io::Cursor::new(text.as_bytes()), &rules, workers, TEST_BLOCK)
                .unwrap()
        };
        let one = parse(1);
        assert!(one.events.len() > 30, "{}", one.events.len());
        for workers in [2, 3, 4] {
            let many = parse(workers);
            assert_eq!(many.events, one.events, "{workers} workers");
            assert_eq!((many.lines, many.bytes), (one.lines, one.bytes), "{workers} workers");
            assert_eq!(many.framework, one.framework);
        }
        let whole = crate::parse_log_with(&text, &rules);
        assert_eq!(one.events, whole.events);
        assert_eq!((one.lines, one.bytes), (whole.lines, whole.bytes));
    }

    /// Blocks the caller cut, borrowed or owned, give what reading their concatenation gives.
    #[test]
    fn blocks_given_as_slices_give_the_reader_result() {
        let text = long_log();
        let rules = LaunchRules::builtin();
        let one =
            parse_in_blocks(std::io::Cursor::new(text.as_bytes()), &rules, 1, TEST_BLOCK).unwrap();
        let mut cuts = Vec::new();
        let mut at = 0;
        while at < text.len() {
            let end = memchr::memchr(b'\n', &text.as_bytes()[(at + TEST_BLOCK).min(text.len())..])
                .map_or(text.len(), |p| (at + TEST_BLOCK).min(text.len()) + p + 1);
            cuts.push((at, end));
            at = end;
        }
        assert!(cuts.len() > 3, "{}", cuts.len());
        for workers in [1, 3] {
            let blocks = cuts.iter().enumerate().map(|(i, &(s, e))| {
                let b = &text.as_bytes()[s..e];
                Ok(if i % 2 == 0 { Cow::Borrowed(b) } else { Cow::Owned(b.to_vec()) })
            });
            let got = parse_slices(blocks, &rules, workers, None).unwrap();
            assert_eq!(got, one, "{workers} workers");
        }
        let failing = [Ok(Cow::Borrowed(text.as_bytes())), Err(std::io::Error::other("gone"))];
        let e = parse_slices(failing.into_iter(), &rules, 2, None).unwrap_err();
        assert_eq!(e.to_string(), "gone");
    }

    #[test]
    fn a_read_error_midway_is_returned_from_any_number_of_workers() {
        struct Failing(usize);
        impl std::io::Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0 == 0 {
                    return Err(std::io::Error::other("disk gone"));
                }
                let n = buf.len().min(self.0);
                buf[..n].fill(b'\n');
                self.0 -= n;
                Ok(n)
            }
        }
        for workers in [1, 3] {
            let r = std::io::BufReader::new(Failing(3 * TEST_BLOCK));
            let e = parse_in_blocks(r, &LaunchRules::builtin(), workers, TEST_BLOCK).unwrap_err();
            assert_eq!(e.to_string(), "disk gone");
        }
    }
}
