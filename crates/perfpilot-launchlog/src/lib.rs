//! The launch-log parser shared by `perfpilot capacity explain` and `perfpilot triage`.
//!
//! [`parse_log`] (whole text) and [`LogParser`] (line by line, for streaming very large
//! files; [`parse_reader`] drives it from any `BufRead`) recognise the framework (SGLang or
//! vLLM), per-rank prefixes ([`RankId`]: SGLang `[TP3]`, `DP1 TP2 EP2`; vLLM
//! `(VllmWorker rank=3 pid=…)`, `(Worker_TP1 pid=…)`, `(EngineCore_DP0 pid=…)`), printed
//! server arguments ([`ServerArgs`]: `server_args=ServerArgs(…)`, dict forms, vLLM
//! `non-default args: {…}`, engine `with config:` and `Namespace(…)`) and every memory /
//! KV-cache / CUDA-graph event ([`EventKind`]), each with its 1-based line number and raw
//! text. The parser never fails: unknown lines are skipped, garbage is ignored, and a line
//! is matched against every trigger phrase in one Aho-Corasick pass, so the cost is linear
//! in the input.
//!
//! Byte figures are [`LoggedBytes`]: exact integer bytes plus the number as printed; GiB
//! means 2^30 bytes (SGLang prints "GB" for GiB).
//!
//! ```
//! use perfpilot_launchlog::{parse_log, EventKind, Framework};
//!
//! let log = parse_log(
//!     "[2025-03-10 16:21:21 TP1] KV Cache is allocated. #tokens: 10240, K size: 0.47 GB, V size: 0.47 GB\n",
//! );
//! assert_eq!(log.framework, Some(Framework::Sglang));
//! let ev = &log.events[0];
//! assert_eq!((ev.line, ev.rank.tp), (1, Some(1)));
//! match &ev.event {
//!     EventKind::KvCacheAllocated { tokens, k_size, .. } => {
//!         assert_eq!(*tokens, 10240);
//!         assert_eq!(k_size.as_ref().unwrap().bytes, 504_658_657); // 0.47 x 2^30
//!     }
//!     other => panic!("{other:?}"),
//! }
//! ```
#![deny(missing_docs)]

mod abbrev;
mod anchors;
mod args;
mod block_scan;
mod buckets;
mod colour;
mod dump_cut;
mod events;
mod fields;
mod graph_bar;
mod llama;
mod parallel;
pub use parallel::Prepare;
mod phrases;
mod prefilter;
mod prefix;
mod rules;
mod ruleset;
mod sglang;
pub mod teddy_plan;
mod trt;
mod units;
mod vllm;
mod wrap;
mod wrapped_dump;

pub(crate) use phrases::{PHRASES, Phrase};

use std::io::BufRead;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use args::{ArgsForm, ServerArgs};
pub use events::{EventKind, GraphKind};
pub use prefilter::BlockScan;
pub use prefix::{RankAxis, RankId, RankSlots, rank_token};
pub use ruleset::{LaunchRules, LaunchRulesError, PrefilterStats};
pub use units::{GIB, LoggedBytes, parse_gib_exact};

/// The lines a serving log repeats while it serves (the embedded `background.toml`: decode,
/// metrics and access lines, each with its source), for other scanners that place a packed
/// searcher's patterns against them (triage's scan gates).
pub fn background_lines() -> &'static [Vec<u8>] {
    anchors::embedded_lines()
}

/// The serving framework a log came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Framework {
    /// SGLang.
    Sglang,
    /// vLLM.
    Vllm,
}

impl Framework {
    /// `sglang` or `vllm`.
    pub fn as_str(self) -> &'static str {
        match self {
            Framework::Sglang => "sglang",
            Framework::Vllm => "vllm",
        }
    }
}

/// One recognised event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LaunchEvent {
    /// 1-based line number.
    pub line: u64,
    /// The rank the line's prefix names (empty when none).
    pub rank: RankId,
    /// The line text (cut at 2,000 bytes).
    pub raw: String,
    /// What the line says.
    pub event: EventKind,
}

/// Everything recognised in one launch log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LaunchLog {
    /// The framework, by majority of recognised lines (None when nothing was recognised).
    pub framework: Option<Framework>,
    /// Lines recognised as SGLang.
    pub sglang_lines: u64,
    /// Lines recognised as vLLM.
    pub vllm_lines: u64,
    /// Events in line order.
    pub events: Vec<LaunchEvent>,
    /// Printed argument sets in line order.
    pub args: Vec<ServerArgs>,
    /// Lines read.
    pub lines: u64,
    /// Bytes read.
    pub bytes: u64,
}

impl LaunchLog {
    /// The first value of an argument across every printed argument set, with its line.
    pub fn arg(&self, keys: &[&str]) -> Option<(&str, u64)> {
        for a in &self.args {
            for k in keys {
                if let Some(v) = a.get(k) {
                    return Some((v, a.line));
                }
            }
        }
        None
    }

    /// Events of one rank (exact prefix match).
    pub fn events_of<'a>(&'a self, rank: &'a RankId) -> impl Iterator<Item = &'a LaunchEvent> + 'a {
        self.events.iter().filter(move |e| &e.rank == rank)
    }

    /// Distinct ranks named by prefixes, sorted.
    pub fn ranks(&self) -> Vec<RankId> {
        let mut v: Vec<RankId> = self.events.iter().map(|e| e.rank.clone()).collect();
        v.sort();
        v.dedup();
        v
    }

    /// True when at least one event or argument set was recognised.
    pub fn recognised(&self) -> bool {
        !self.events.is_empty() || !self.args.is_empty()
    }
}

/// Parse a whole log held in memory (built-in rules).
pub fn parse_log(text: &str) -> LaunchLog {
    parse_log_with(text, &LaunchRules::builtin())
}

/// Parse a whole log held in memory with a given rule set.
pub fn parse_log_with(text: &str, rules: &Arc<LaunchRules>) -> LaunchLog {
    let mut p = LogParser::with_rules(Arc::clone(rules));
    p.push_block(text.as_bytes());
    p.finish()
}

/// Parse a log from a reader (invalid UTF-8 is replaced, never an error). The input is
/// scanned in blocks of about 4 MiB: one Aho-Corasick pass over the block finds the few lines
/// worth parsing, so lines without a trigger phrase are never split, decoded or copied.
/// Memory use is bounded by the block size, the longest line and the recognised events.
pub fn parse_reader<R: BufRead>(reader: R) -> std::io::Result<LaunchLog> {
    parse_reader_with(reader, &LaunchRules::builtin())
}

/// [`parse_reader`] with a given rule set (`--launch-rules FILE`). A log of more than one
/// block is scanned by up to four worker threads (one per core) while this thread reads and
/// parses the candidate lines in file order: the result is the same as on one thread.
pub fn parse_reader_with<R: BufRead>(
    reader: R,
    rules: &Arc<LaunchRules>,
) -> std::io::Result<LaunchLog> {
    parallel::parse_reader(reader, rules, parallel::default_workers())
}

/// [`parse_reader_with`] over blocks the caller has in memory already (a memory-mapped
/// file cut at line ends): each block holds whole `\n`-ended lines (the last one may lack its
/// `\n`), in file order, borrowed where it can be. Scanned on up to four worker threads like
/// [`parse_reader_with`], with the same result as reading their concatenation.
/// `prepare`, where given, may rewrite each borrowed block on the thread that scans it (so
/// that a pass such as removing colour codes runs in parallel while the block is in cache).
pub fn parse_blocks_with<'a, I>(
    blocks: I,
    rules: &Arc<LaunchRules>,
    prepare: Option<Prepare<'_>>,
) -> std::io::Result<LaunchLog>
where
    I: Iterator<Item = std::io::Result<std::borrow::Cow<'a, [u8]>>>,
{
    parallel::parse_slices(blocks, rules, parallel::default_workers(), prepare)
}

/// [`parse_reader_with`] with `workers` scanning threads (0 or 1: everything on this thread).
/// The result does not depend on `workers`; only the speed does.
pub fn parse_reader_workers<R: BufRead>(
    reader: R,
    rules: &Arc<LaunchRules>,
    workers: usize,
) -> std::io::Result<LaunchLog> {
    parallel::parse_reader(reader, rules, workers)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fw {
    S,
    V,
    /// Another engine (TensorRT-LLM): its values are read, it does not vote on the framework.
    Other,
}

/// Longest raw text kept per event.
const RAW_LIMIT: usize = 2000;

fn cut(line: &str) -> String {
    if line.len() <= RAW_LIMIT {
        return line.to_string();
    }
    let mut end = RAW_LIMIT;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &line[..end])
}

enum Parsed {
    Event(EventKind),
    Args(ServerArgs),
}

/// A streaming parser: feed lines with [`LogParser::push_line`], then [`LogParser::finish`].
#[derive(Debug)]
pub struct LogParser {
    log: LaunchLog,
    lines: u64,
    /// The llama.cpp cache opened last is the sliding-window one (its `size =` line follows).
    llama_swa: bool,
    /// The rule set this parser matches with (its own: never a process-wide override).
    rules: Arc<LaunchRules>,
    /// Finds the candidate lines of each block pushed.
    scanner: block_scan::BlockScanner,
    /// The candidate lines of the current block (kept to reuse the allocation).
    scanned: block_scan::Scanned,
    /// A `key=` that ended a line (an argument dump cut by a line break): its line and key;
    /// the next line's leading number is its value.
    dangling: Option<(u64, String)>,
    /// A cut dump's `, key=N` whose digits ran to the line's end: its line, key, digits and
    /// width in characters; the next line's leading digits complete the value
    /// (`dump_cut::continued_digits`) where the two lines are as wide (a terminal's fixed-width
    /// wrap) or the line before was (the cut line is a full-width one).
    cut_digits: Option<dump_cut::CutDigits>,
    /// The last candidate line read: its number and width in characters.
    last_width: (u64, usize),
    /// A dump key a line break split (`…, chunked_prefil` / `l_size=N`): its line and head.
    split_key: Option<(u64, String)>,
    /// A line a paste's wrap may have cut (`crate::wrap`): its number, its text (joined with
    /// the continuations read so far) and how many physical lines it holds.
    wrap: Option<(u64, String, u32)>,
    /// The last whole lines pushed before the current block (`wrap::last_lines`): where a
    /// wrapped line's join looks back past the block's start.
    before_block: Vec<u8>,
}

impl Default for LogParser {
    fn default() -> LogParser {
        LogParser::new()
    }
}

impl LogParser {
    /// A parser with nothing read yet and the built-in rules.
    pub fn new() -> LogParser {
        LogParser::with_rules(LaunchRules::builtin())
    }

    /// A parser with nothing read yet and the given rules.
    pub fn with_rules(rules: Arc<LaunchRules>) -> LogParser {
        LogParser {
            log: LaunchLog::default(),
            lines: 0,
            llama_swa: false,
            scanner: block_scan::BlockScanner::new(Arc::clone(&rules)),
            rules,
            scanned: block_scan::Scanned::default(),
            dangling: None,
            cut_digits: None,
            last_width: (0, 0),
            split_key: None,
            wrap: None,
            before_block: Vec::new(),
        }
    }

    /// Lines pushed so far.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// Feed the next line (without its newline).
    pub fn push_line(&mut self, line: &str) {
        self.push_line_at(self.lines + 1, line);
    }

    /// Feed one line numbered `line_no` in the caller's file: for callers that feed only
    /// some of a file's lines, so that events carry the file's line numbers.
    pub fn push_line_at(&mut self, line_no: u64, line: &str) {
        self.lines = line_no;
        self.log.bytes += line.len() as u64 + 1;
        if line.len() < 8 || !self.rules.ac.is_match(line) {
            self.continue_dangling(line_no, line);
            return;
        }
        self.process_line(line_no, line);
    }

    /// The value of a setting whose line ended right after its key or flag (`…,
    /// cuda_graph_max_bs=`, a YAML item `- --max-model-len`): the next line's leading number,
    /// whether or not that line holds a trigger phrase.
    fn continue_dangling(&mut self, line_no: u64, line: &str) {
        self.continue_wrap(line_no, line);
        if let Some(cut) = self.cut_digits.take() {
            cut.complete(line_no, line, &mut self.log.events);
        }
        if let Some((at, key)) = self.dangling.take()
            && at + 1 == line_no
            && let Some(event) = dump_cut::continued_value(&key, line)
        {
            self.log.events.push(LaunchEvent {
                line: line_no,
                rank: RankId::default(),
                raw: cut(line),
                event,
            });
        }
    }

    /// A wrapped line's continuation (`crate::wrap`): `line` joined to the open line before it
    /// and read again; the join stays open while the printed line still looks cut.
    fn continue_wrap(&mut self, line_no: u64, line: &str) {
        let Some((at, prev, parts)) = self.wrap.take() else { return };
        if at + 1 != line_no || !wrap::is_continuation(line) {
            return;
        }
        let (joined, added) = self.join_step(line_no, &prev, parts, line);
        if parts + 1 < wrap::MAX_PARTS && wrap::stays_open(&self.rules, &joined, added) {
            self.wrap = Some((line_no, joined, parts + 1));
        }
    }

    /// `line` (number `line_no`) joined to `prev` (the `parts` physical lines before it): the
    /// values the join adds are recorded, and the joined text returned with whether it added any.
    fn join_step(&mut self, line_no: u64, prev: &str, parts: u32, line: &str) -> (String, bool) {
        let plain = colour::strip(line);
        let line = plain.as_deref().unwrap_or(line);
        let joined = wrap::join(prev, line);
        let split = joined.len() - line.trim_start().len();
        let got = wrap::joined_events(&self.rules, &joined, split, line_no);
        let added = !got.is_empty();
        for got in got {
            match got {
                wrap::Joined::New(rank, Parsed::Event(event)) => self
                    .log
                    .events
                    .push(LaunchEvent { line: line_no, rank, raw: cut(&joined), event }),
                wrap::Joined::New(_, Parsed::Args(a)) => self.log.args.push(a),
                wrap::Joined::Args(a) => wrapped_dump::replace(&mut self.log.args, a),
                // The event read from the cut number (on this printed line's physical lines).
                wrap::Joined::Whole(was, now) => {
                    let first = line_no - u64::from(parts);
                    if let Some(e) = self
                        .log
                        .events
                        .iter_mut()
                        .rev()
                        .take_while(|e| e.line >= first)
                        .find(|e| e.event == was)
                    {
                        (e.event, e.line, e.raw) = (now, line_no, cut(&joined));
                    }
                }
            }
        }
        (joined, added)
    }

    /// A continuation line (`line_no`, starting at byte `start` of `block`) holding a phrase
    /// whose message head is not on it: the head may be on the physical lines before it (a
    /// narrow wrap leaves lines with no phrase, which no candidate scan hands over). Walks back
    /// over continuation lines to the line with a log prefix (at most [`wrap::MAX_PARTS`]
    /// lines in all, inside this block) and joins them forward one at a time.
    fn join_back(&mut self, block: &[u8], start: usize, line_no: u64, line: &str) {
        let mut lines: Vec<String> = Vec::new();
        // The block before `start`, then the lines pushed before the block.
        let mut parts = [(block, start), (self.before_block.as_slice(), self.before_block.len())];
        let mut part = 0;
        while (lines.len() as u32) + 1 < wrap::MAX_PARTS {
            let (text, end) = parts[part];
            if end == 0 {
                part += 1;
                if part == parts.len() {
                    break;
                }
                continue;
            }
            let prev_end = end - 1;
            let prev_start = memchr::memrchr(b'\n', &text[..prev_end]).map_or(0, |i| i + 1);
            let raw = &text[prev_start..prev_end];
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let prev = String::from_utf8_lossy(raw).into_owned();
            let head = !wrap::is_continuation(&prev);
            lines.push(prev);
            parts[part].1 = prev_start;
            if head {
                break;
            }
        }
        let Some(first) = lines.pop() else { return };
        let mut joined = colour::strip(&first).unwrap_or(first);
        if joined.trim().is_empty() {
            return;
        }
        let mut parts = 1;
        let mut at = line_no - lines.len() as u64 - 1;
        for prev in lines.iter().rev() {
            at += 1;
            joined = self.join_step(at, &joined, parts, prev).0;
            parts += 1;
        }
        let added;
        (joined, added) = self.join_step(line_no, &joined, parts, line);
        let open = wrap::stays_open(&self.rules, &joined, added);
        self.wrap = (parts + 1 < wrap::MAX_PARTS && open).then_some((line_no, joined, parts + 1));
    }

    /// [`Self::continue_dangling`] for line `line_no` of `block`, starting at byte `at`, when the
    /// block scan did not hand it over (it holds no trigger phrase).
    /// Lines up to (not including) `stop` are read while a wrapped line stays open.
    fn continue_dangling_in(&mut self, block: &[u8], line_no: u64, at: usize, stop: u64) {
        let (mut line_no, mut at) = (line_no, at);
        while line_no < stop && at < block.len() {
            let wanted = |d: Option<u64>| d.is_some_and(|d| d + 1 == line_no);
            if !wanted(self.dangling.as_ref().map(|d| d.0))
                && !wanted(self.wrap.as_ref().map(|w| w.0))
                && !wanted(self.cut_digits.as_ref().map(|c| c.line))
            {
                return;
            }
            let end = memchr::memchr(b'\n', &block[at..]).map_or(block.len(), |i| at + i);
            let raw = &block[at..end];
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let line = String::from_utf8_lossy(raw).into_owned();
            self.continue_dangling(line_no, &line);
            (line_no, at) = (line_no + 1, end + 1);
        }
    }

    /// Feed a block of whole `\n`-separated lines (a last line without `\n` counts as a
    /// line). Equivalent to [`LogParser::push_line`] on each line, but lines without a trigger
    /// phrase cost only the scan that finds the candidate lines ([`BlockScan`]).
    pub fn push_block(&mut self, block: &[u8]) {
        if block.is_empty() {
            return;
        }
        let mut scanned = std::mem::take(&mut self.scanned);
        self.scanner.scan(block, &mut scanned);
        self.push_scanned(block, &scanned);
        self.scanned = scanned;
    }

    /// Parse the candidate lines of `block` that a [`block_scan::BlockScanner`] found (on this
    /// thread or another): the in-order half of [`LogParser::push_block`].
    pub(crate) fn push_scanned(&mut self, block: &[u8], scanned: &block_scan::Scanned) {
        if block.is_empty() {
            return;
        }
        let base = self.lines;
        // The line after the last one parsed (its number and first byte): where a setting left
        // open by that line (`dangling`) finds its value when no candidate line follows at once.
        let (mut open_line, mut open_at) = (base + 1, 0usize);
        for &(start, end, before) in &scanned.lines {
            let line_no = base + before + 1;
            if line_no != open_line {
                self.continue_dangling_in(block, open_line, open_at, line_no);
            }
            let raw = &block[start..end];
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let line = String::from_utf8_lossy(raw);
            if line.len() >= 8 {
                let forward = self.wrap.as_ref().is_some_and(|w| w.0 + 1 == line_no);
                let headless = self.process_line(line_no, &line);
                let after = start > 0 || !self.before_block.is_empty();
                if headless && !forward && after && wrap::is_continuation(&line) {
                    self.join_back(block, start, line_no, &line);
                }
            } else {
                self.continue_dangling(line_no, &line);
            }
            (open_line, open_at) = (line_no + 1, end + 1);
        }
        self.continue_dangling_in(block, open_line, open_at, u64::MAX);
        self.before_block = wrap::last_lines(&self.before_block, block);
        let partial = u64::from(block.last() != Some(&b'\n'));
        self.lines = base + scanned.newlines + partial;
        self.log.bytes += block.len() as u64 + partial;
    }

    /// Choose how [`LogParser::push_block`] finds candidate lines (the output is the same
    /// either way; for benchmarks and equivalence tests).
    pub fn set_block_scan(&mut self, scan: BlockScan) {
        self.scanner.scan = scan;
    }

    /// Read one candidate line; true when it holds a phrase whose message head is not on it
    /// (`crate::wrap::Seen::headless`).
    fn process_line(&mut self, line_no: u64, line: &str) -> bool {
        let rules = Arc::clone(&self.rules);
        let mut counted: Option<Fw> = None;
        // What the line's phrases told about a wrap (`crate::wrap`).
        let mut seen = wrap::Seen::default();
        if let Some((at, head)) = self.split_key.take()
            && at + 1 == line_no
        {
            self.log.events.extend(dump_cut::split_key_events(&rules, &head, line_no, line));
        }
        self.continue_dangling(line_no, line);
        // A command written as a list (compose `command: […]`, a YAML item) is read as the
        // command line it stands for; events keep the line as printed.
        // Pasted terminal colour codes are dropped first (`colour.rs`).
        let plain = colour::strip(line);
        let line = plain.as_deref().unwrap_or(line);
        let flat = args::flat_command(line);
        for seg in flat.as_deref().unwrap_or(line).split('\r') {
            for m in rules.ac.find_iter(seg) {
                let Some(&(phrase, fw)) = rules.entries.get(m.pattern().as_usize()) else {
                    continue;
                };
                let before = &seg[..m.start()];
                let after = &seg[m.end()..];
                let (first, second) = handle(&rules.rules, phrase, seg, before, after, line_no);
                let read = first.is_some() || second.is_some();
                seen.note(&rules, seg, (m.start(), m.end()), phrase, read);
                if let Phrase::Rule(i) = phrase
                    && let Some(key) =
                        rules.rules.get(i).and_then(|r| dump_cut::dangling_key(r, before, after))
                {
                    self.dangling = Some((line_no, key));
                }
                if let Phrase::Rule(i) = phrase
                    && let Some(r) = rules.rules.get(i)
                {
                    let cut = dump_cut::CutDigits::new(r, after, line_no, line, self.last_width);
                    self.cut_digits = cut.or(self.cut_digits.take());
                }
                for mut parsed in [first, second].into_iter().flatten() {
                    if counted.is_none() {
                        counted = Some(fw);
                    }
                    self.llama_swa_state(&mut parsed);
                    match parsed {
                        Parsed::Event(event) => self.log.events.push(LaunchEvent {
                            line: line_no,
                            rank: prefix::rank_before(before),
                            raw: cut(line),
                            event,
                        }),
                        Parsed::Args(a) => self.log.args.push(a),
                    }
                }
            }
            for (at, event) in abbrev::abbreviated_flags(&rules.rules, seg) {
                let rank = prefix::rank_before(&seg[..at]);
                self.log.events.push(LaunchEvent { line: line_no, rank, raw: cut(line), event });
            }
        }
        self.last_width = (line_no, line.chars().count());
        self.split_key = dump_cut::split_key_head(&rules, line).map(|h| (line_no, h));
        // A line a wrap may have cut opens unless a dump's line-break rule took it or it
        // continues an open line already (`continue_wrap` kept that one open).
        let continued = self.wrap.as_ref().is_some_and(|w| w.0 == line_no);
        if !continued
            && self.dangling.as_ref().is_none_or(|d| d.0 != line_no)
            && self.split_key.is_none()
            && flat.is_none()
            && wrap::is_open(&rules, line, &seen)
        {
            self.wrap = Some((line_no, line.to_string(), 1));
        }
        match counted {
            Some(Fw::S) => self.log.sglang_lines += 1,
            Some(Fw::V) => self.log.vllm_lines += 1,
            Some(Fw::Other) | None => {}
        }
        seen.headless
    }

    /// A llama.cpp `creating [non-]SWA KV cache` line decides which cache the next
    /// `llama_kv_cache: size = … cells` line sizes.
    fn llama_swa_state(&mut self, parsed: &mut Parsed) {
        if let Parsed::Event(EventKind::LlamaKvCache { cells, opens, swa, size, .. }) = parsed {
            if *opens {
                self.llama_swa = *swa;
            } else if cells.is_some() && size.is_some() {
                *swa = self.llama_swa;
            }
        }
    }

    /// Finish: decide the framework and return the log.
    pub fn finish(mut self) -> LaunchLog {
        self.log.lines = self.lines;
        self.log.framework = match (self.log.sglang_lines, self.log.vllm_lines) {
            (0, 0) => None,
            (s, v) if s >= v => Some(Framework::Sglang),
            _ => Some(Framework::Vllm),
        };
        self.log
    }
}

fn handle(
    rules: &[rules::Rule],
    phrase: Phrase,
    seg: &str,
    before: &str,
    after: &str,
    line: u64,
) -> (Option<Parsed>, Option<Parsed>) {
    let first = match phrase {
        Phrase::Rule(i) => {
            let Some(r) = rules.get(i) else { return (None, None) };
            let value = rules::apply(r, before, after).map(Parsed::Event);
            // A once-per-launch line that states a value: the launch starts before the value.
            if r.starts_launch && r.form != rules::Form::Launch && value.is_some() {
                let start = EventKind::LaunchStart { marker: r.key.clone() };
                return (Some(Parsed::Event(start)), value);
            }
            value
        }
        _ => handle_one(phrase, seg, before, after, line),
    };
    (first, handle_extra(phrase, before, after, line))
}

/// A second result for lines that carry two things (vLLM's engine line: version + config).
fn handle_extra(phrase: Phrase, before: &str, after: &str, line: u64) -> Option<Parsed> {
    match phrase {
        Phrase::LoadEnd => sglang::load_end_elapsed(after).map(Parsed::Event),
        Phrase::KvAlloc => sglang::kv_alloc_v(after).map(Parsed::Event),
        Phrase::GraphBegin => sglang::capture_begin_sizes(before, after).map(Parsed::Event),
        Phrase::InitDist => sglang::init_dist_elapsed(after).map(Parsed::Event),
        Phrase::LlamaCtxTrain => llama::ctx_per_seq(before).map(Parsed::Event),
        Phrase::TrtTokens => trt::allocated_tokens(after)
            .or_else(|| trt::blocks_per_sequence(after))
            .map(Parsed::Event),
        Phrase::TrtTokensHead => trt::head_tokens(after).map(Parsed::Event),
        Phrase::ProfilingResults => vllm::profiling_duration(after).map(Parsed::Event),
        Phrase::Stage("init_engine") => vllm::init_engine_compile(after).map(Parsed::Event),
        Phrase::LlamaVramTotal => llama::vram_context(after).map(Parsed::Event),
        Phrase::Capturing => graph_bar::sglang_bar(after).map(Parsed::Event),
        Phrase::EngineInit => fields::after_key(after, "with config:")
            .and_then(|cfg| args::parse_args(ArgsForm::VllmEngineConfig, cfg, line))
            .map(Parsed::Args),
        _ => None,
    }
}

/// The built-in handlers (the data rules are applied by [`handle`]).
fn handle_one(phrase: Phrase, seg: &str, before: &str, after: &str, line: u64) -> Option<Parsed> {
    use Phrase as P;
    let ev = match phrase {
        P::InitDist => sglang::init_dist(after),
        P::LoadBegin => sglang::load_begin(after),
        P::LoadEnd => sglang::load_end(after),
        P::MemProfiling => sglang::memory_profiling(after),
        P::KvCalc => sglang::kv_calc(after),
        P::KvAlloc => sglang::kv_alloc(after).or_else(|| sglang::kv_alloc_k(after)),
        P::MambaAlloc => sglang::mamba_alloc(after),
        P::SwaPool => sglang::swa_pool(after),
        P::PoolEnd => sglang::pool_end(after),
        P::SwaKvPool => sglang::swa_kv_pool(after),
        P::GraphBegin => sglang::capture_begin(before, after),
        P::GraphEnd => sglang::capture_end(before, after),
        P::Capturing => sglang::capturing(after),
        P::CaptureSizesBs => sglang::capture_sizes(before, after, false),
        P::CaptureSizesTokens => sglang::capture_sizes(before, after, true),
        P::MaxTotal => sglang::max_total(after),
        P::LargerThanProfiled => sglang::larger_than_profiled(seg, after),
        P::NotEnough => Some(EventKind::NotEnoughMemory),
        P::CaptureFailed => Some(EventKind::CaptureFailed),
        P::Retract => sglang::retract(after),
        P::SglangArgs => {
            return args::parse_args(ArgsForm::SglangServerArgs, after, line).map(Parsed::Args);
        }
        P::WeightsV0 | P::WeightsV1 => vllm::weights(after),
        P::WeightsTail => vllm::weights_tail(after),
        P::ProfilingResults => vllm::profiling_results(after),
        P::BudgetV0 => vllm::budget_v0(after),
        P::UsageV0 => vllm::usage_v0(seg),
        P::CpuBlocks => vllm::cpu_blocks(before, after),
        P::AvailKv => vllm::available_kv(after),
        P::KvCacheTokens => vllm::kv_cache_tokens(after),
        P::MaxConcurrency => vllm::max_concurrency(after),
        P::GraphProfile => vllm::graph_profile(after),
        P::GraphBar => graph_bar::capture_bar(after),
        P::ShapesBar => graph_bar::shapes_bar(after),
        P::GraphEstimate => vllm::graph_estimate(after),
        P::GraphPool => vllm::graph_pool(after),
        P::GraphFinished => vllm::graph_finished(after),
        P::FreeMemory => vllm::free_memory(seg, after),
        P::UtilEquivalent => vllm::util_equivalent(after),
        P::ServeOneRequest => vllm::serve_one_request(after),
        P::MaxSeqLenV0 => vllm::max_seq_len_v0(seg, after),
        P::NoCacheMemory => Some(EventKind::NoCacheMemory),
        P::PaddingLayers => vllm::padding_layers(before, after),
        P::AttentionBlock => vllm::attention_block(after),
        P::MambaPadding => vllm::mamba_padding(after),
        P::Capping => vllm::capping(after),
        P::OverrideBlocks => vllm::override_blocks(after),
        P::NonDefaultArgs => {
            return args::parse_args(ArgsForm::VllmNonDefault, after, line).map(Parsed::Args);
        }
        P::EngineInit | P::ApiVersion => vllm::version(before, after),
        P::Namespace => {
            return args::parse_args(ArgsForm::VllmNamespace, &format!("Namespace({after}"), line)
                .map(Parsed::Args);
        }
        P::EngineConfigOnly => {
            return args::parse_args(ArgsForm::VllmEngineConfig, after, line).map(Parsed::Args);
        }
        P::GpuBlocksOnly => vllm::gpu_blocks_only(after),
        P::PythonArgs => {
            return args::parse_python_call(&seg[before.len()..], line).map(Parsed::Args);
        }
        P::Stage(stage) => vllm::stage_time(stage, after),
        P::TabTotal => vllm::tab_gib(after).map(|g| EventKind::BudgetV0 {
            total_gpu_memory: Some(g),
            gpu_memory_utilization: None,
            budget: None,
        }),
        P::TabUtil => fields::leading_number(after).and_then(|n| n.parse().ok()).map(|u| {
            EventKind::BudgetV0 {
                total_gpu_memory: None,
                gpu_memory_utilization: Some(u),
                budget: None,
            }
        }),
        P::TabBudget => vllm::tab_gib(after).map(|g| EventKind::BudgetV0 {
            total_gpu_memory: None,
            gpu_memory_utilization: None,
            budget: Some(g),
        }),
        P::TabWeights => vllm::tab_gib(after).map(|g| EventKind::UsageV0 {
            weights: Some(g),
            non_torch: None,
            activation_peak: None,
            kv_cache: None,
        }),
        P::TabNonTorch => vllm::tab_gib(after).map(|g| EventKind::UsageV0 {
            weights: None,
            non_torch: Some(g),
            activation_peak: None,
            kv_cache: None,
        }),
        P::TabActivation => vllm::tab_gib(after).map(|g| EventKind::UsageV0 {
            weights: None,
            non_torch: None,
            activation_peak: Some(g),
            kv_cache: None,
        }),
        P::TabAvailKv => vllm::tab_gib(after).map(|size| EventKind::AvailableKvMemory { size }),
        P::EncoderBudget => vllm::encoder_budget(after),
        P::UtilNote => vllm::util_note(before, after),
        P::TrtTokens => trt::tokens(before, after),
        P::TrtTokensHead => trt::head_budget(before, after),
        P::TrtKvBytes => trt::kv_bytes(before),
        P::TrtKvTooSmall => trt::kv_too_small(before, after),
        P::TrtBlocks => trt::blocks(after),
        P::TrtEngine => trt::engine(after),
        P::LlamaKvInit => llama::kv_init(after),
        P::LlamaVramTotal => llama::vram_model(after),
        P::LlamaSelfSize => llama::kv_self_size(after),
        P::LlamaSizeCells => llama::kv_size_cells(after),
        P::LlamaSwaOpen => llama::swa_open(before, after),
        P::LlamaCtxTrain => llama::ctx_train(after),
        P::LlamaBareSizeCells => llama::bare_size_cells(before, after),
        P::ConfigCaptureSizes => vllm::config_capture_sizes(after),
        P::AclCaptureSizes => vllm::acl_capture_sizes(after),
        P::CutDumpGraphBs => dump_cut::graph_bs(before, after),
        P::TrtWindowPattern => trt::attention_window_pattern(after),
        P::TrtEngineLoad => trt::engine_load_time(after),
        P::MaxTotalArgVsProfiled => sglang::max_total_arg_vs_profiled(after),
        P::JaxMesh => vllm::jax_mesh_tp(after),
        P::ModelArgs => return args::parse_model_args(after, line).map(Parsed::Args),
        P::LmEvalHeader => return args::parse_lm_eval_header(before, line).map(Parsed::Args),
        P::LmEvalInit => return args::lm_eval_init(before, after, line).map(Parsed::Args),
        // Applied by `handle`, which holds the parser's rule set.
        P::Rule(_) => None,
    };
    ev.map(Parsed::Event)
}

#[cfg(test)]
mod tests;
