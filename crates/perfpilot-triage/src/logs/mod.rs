//! Reading logs: the fast scanner, line prefixes, record assembly, signature matching at
//! the first occurrence of each distinct record, and the aggregation of repeats.

pub(crate) mod assemble;
pub(crate) mod gate_order;
pub(crate) mod line;
pub(crate) mod masked;
pub(crate) mod matcher;
pub(crate) mod record;
pub(crate) mod scan;

use std::collections::{BTreeMap, HashMap, VecDeque};

use perfpilot_launchlog::{LaunchLog, LogParser};

use crate::catalogue::Catalogue;
use assemble::{Assembler, Took};
use line::{LineView, Stamp};
use matcher::{Hit, Ring};
use perfpilot_io::Fnv1a;
use record::{Kind, Part, Record};

/// A structure (traceback, py-spy dump) not continued for this many lines is closed.
const STALE_STRUCTURE_LINES: u64 = 500;
/// Most distinct records kept (beyond this, records are only counted).
const MAX_AGGS: usize = 20_000;
/// Most per-rank first sightings kept per record.
const MAX_RANKS: usize = 1024;
/// Last gated lines of a file kept for logs that end without a failure record.
const TAIL_LINES: usize = 3;
/// Lines before a record kept as its evidence context.
const BEFORE_LINES: u64 = 3;
/// Most time buckets kept per record.
const MAX_BUCKETS: usize = 10_000;

/// One occurrence kept as a sample of a repeated record.
#[derive(Debug, Clone)]
pub(crate) struct Sample {
    pub file: usize,
    pub no: u64,
    pub stamp: Option<String>,
    pub msg: String,
}

/// Where a rank first showed a record.
#[derive(Debug, Clone)]
pub(crate) struct RankSeen {
    pub file: usize,
    pub no: u64,
    pub key: Option<f64>,
}

/// A distinct record and its repeats.
#[derive(Debug)]
pub(crate) struct Agg {
    pub record: Record,
    pub hits: Vec<Hit>,
    /// Matched a `[[fatal]]` pattern.
    pub fatal_marker: bool,
    /// Rank-lines (every occurrence).
    pub count: u64,
    /// Distinct events (the same line from several ranks at the same time is one).
    pub events: u64,
    pub last: Sample,
    pub ranks: BTreeMap<String, RankSeen>,
    /// Events per minute (`YYYY-MM-DD HH:MM` or `MM-DD HH:MM`).
    pub minutes: BTreeMap<String, u64>,
    pub samples: Vec<Sample>,
    /// The gated lines just before the record's first line (line number, message), oldest
    /// first: a worker's error line that names the failing method, a coredump notice.
    pub before: Vec<(u64, String)>,
    recent: VecDeque<(u64, u64)>,
}

/// All distinct records of all files.
#[derive(Default)]
pub(crate) struct Store {
    index: HashMap<u64, usize>,
    pub aggs: Vec<Agg>,
    /// Occurrences not kept because the store was full.
    pub overflow: u64,
}

impl Store {
    fn add(&mut self, cat: &Catalogue, rec: Record, line_sigs: &[usize], fatal: bool, ring: &Ring) {
        let fp = fingerprint(&rec);
        let rank_label = rec.rank.label();
        let sample = Sample {
            file: rec.file,
            no: rec.first_no(),
            stamp: rec.stamp.as_ref().map(|s| s.text.clone()),
            msg: rec
                .exception_text()
                .or(rec.line_texts().first().copied())
                .unwrap_or("")
                .to_string(),
        };
        let idx = match self.index.get(&fp) {
            Some(&i) => i,
            None => {
                if self.aggs.len() >= MAX_AGGS {
                    self.overflow += 1;
                    return;
                }
                let hits = matcher::candidates(cat, &rec, line_sigs, ring);
                if hits.is_empty() && !fatal && !is_failure(&rec) {
                    // Nothing to report about this record; remember that cheaply.
                    self.index.insert(fp, usize::MAX);
                    return;
                }
                let mut before: Vec<(u64, String)> = ring
                    .before(rec.first_no(), BEFORE_LINES)
                    .map(|r| (r.no, r.msg.clone()))
                    .collect();
                before.reverse();
                self.aggs.push(Agg {
                    before,
                    hits,
                    fatal_marker: fatal,
                    count: 0,
                    events: 0,
                    last: sample.clone(),
                    ranks: BTreeMap::new(),
                    minutes: BTreeMap::new(),
                    samples: Vec::new(),
                    recent: VecDeque::new(),
                    record: rec.clone(),
                });
                self.index.insert(fp, self.aggs.len() - 1);
                self.aggs.len() - 1
            }
        };
        let Some(agg) = self.aggs.get_mut(idx) else { return };
        agg.count += 1;
        let mut h = Fnv1a::new();
        h.field(sample.stamp.as_deref().unwrap_or("").as_bytes());
        h.field(sample.msg.as_bytes());
        let key = h.finish();
        let mut r = Fnv1a::new();
        r.field(rank_label.as_bytes());
        let rank_key = r.finish();
        let same_event = agg.recent.iter().any(|(k, rk)| *k == key && *rk != rank_key)
            && !agg.recent.iter().any(|(k, rk)| *k == key && *rk == rank_key);
        if !same_event {
            agg.events += 1;
            if let Some(st) = &rec.stamp {
                let minute = minute_of(st);
                if agg.minutes.len() < MAX_BUCKETS || agg.minutes.contains_key(&minute) {
                    *agg.minutes.entry(minute).or_insert(0) += 1;
                }
            }
            if agg.samples.len() < 3 {
                agg.samples.push(sample.clone());
            }
        }
        if agg.recent.len() == 64 {
            agg.recent.pop_front();
        }
        agg.recent.push_back((key, rank_key));
        if agg.ranks.len() < MAX_RANKS && !agg.ranks.contains_key(&rank_label) {
            let seen = RankSeen {
                file: rec.file,
                no: rec.first_no(),
                key: rec.stamp.as_ref().map(|s| s.key),
            };
            agg.ranks.insert(rank_label, seen);
        }
        agg.last = sample;
    }
}

/// True for records that are failures even without a signature: an exception or a
/// traceback not logged at a warning-or-lower level, or a py-spy dump.
fn is_failure(rec: &Record) -> bool {
    let quiet = rec.level.is_some_and(|l| l <= line::Level::Warning);
    match rec.kind {
        Kind::Exception | Kind::Incomplete => !quiet,
        Kind::PySpy | Kind::Line => false,
    }
}

fn minute_of(st: &Stamp) -> String {
    let t = &st.text;
    // cut the seconds: `2025-03-07 21:49:33` → `2025-03-07 21:49`
    match t.rfind(':') {
        Some(p) if p > 0 => t[..p].to_string(),
        _ => t.clone(),
    }
}

fn fingerprint(rec: &Record) -> u64 {
    let mut h = Fnv1a::new();
    h.field(&[rec.kind as u8]);
    for t in rec.line_texts() {
        h.field(record::normalise(t).as_bytes());
    }
    if let Some((ty, _, _)) = &rec.exception {
        h.field(ty.as_bytes());
    }
    for f in rec.frames.iter().take(2).chain(rec.frames.iter().rev().take(2)) {
        h.field(f.func.as_bytes());
    }
    for t in &rec.threads {
        h.field(t.name.as_bytes());
        for f in t.frames.iter().take(3) {
            h.field(f.func.as_bytes());
        }
    }
    h.finish()
}

/// A phase marker seen in a file.
#[derive(Debug, Clone)]
pub(crate) struct MarkerHit {
    pub marker: usize,
    pub no: u64,
    /// The line's message.
    pub msg: String,
    pub rank: String,
    pub stamp: Option<String>,
}

/// What one file gave besides records.
pub(crate) struct FileFacts {
    pub launch: LaunchLog,
    pub markers: Vec<MarkerHit>,
    /// The last gated lines of the file (line number, message), oldest first.
    pub tail: Vec<(u64, String)>,
}

/// A long line held back one line in case the next is its wrapped continuation.
struct Pending {
    no: u64,
    raw: String,
    view: OwnedView,
    line_sigs: Vec<usize>,
    fatal: bool,
}

struct OwnedView {
    rank: perfpilot_launchlog::RankId,
    stamp: Option<Stamp>,
    level: Option<line::Level>,
    msg: String,
}

/// The sink of one file's scan.
pub(crate) struct FileScan<'a> {
    cat: &'a Catalogue,
    store: &'a mut Store,
    file: usize,
    asm: Assembler,
    ring: Ring,
    current_stream: u64,
    launch: LogParser,
    markers: Vec<MarkerHit>,
    first_only_seen: Vec<bool>,
    serving: bool,
    pending: Option<Pending>,
    /// Hashes (numbers masked) of messages that were examined and gave nothing: repeats
    /// of them skip the matchers (they still reach the launch parser and the context ring).
    boring: std::collections::HashSet<u64, masked::KeyedMix>,
}

impl<'a> FileScan<'a> {
    pub fn new(
        cat: &'a Catalogue,
        store: &'a mut Store,
        file: usize,
        launch_rules: std::sync::Arc<perfpilot_launchlog::LaunchRules>,
    ) -> FileScan<'a> {
        FileScan {
            cat,
            store,
            file,
            asm: Assembler::default(),
            ring: Ring::new(512),
            current_stream: 0,
            launch: LogParser::with_rules(launch_rules),
            markers: Vec::new(),
            first_only_seen: vec![false; cat.markers.len()],
            serving: false,
            pending: None,
            boring: std::collections::HashSet::default(),
        }
    }

    /// Close open structures and return the file's launch facts and markers.
    pub fn finish(mut self) -> FileFacts {
        self.flush_pending();
        self.asm.close_all();
        self.drain();
        let mut launch = self.launch.finish();
        // It saw only the gated start-up lines: its line count means nothing here.
        launch.lines = 0;
        let mut tail: Vec<(u64, String)> =
            self.ring.last(TAIL_LINES).map(|r| (r.no, r.msg.clone())).collect();
        tail.reverse();
        FileFacts { launch, markers: self.markers, tail }
    }

    fn drain(&mut self) {
        for rec in std::mem::take(&mut self.asm.done) {
            let fatal = rec.line_texts().iter().any(|t| self.cat.fatal_set.is_match(t));
            self.store.add(self.cat, rec, &[], fatal, &self.ring);
        }
    }

    fn flush_pending(&mut self) {
        if let Some(p) = self.pending.take() {
            self.line_record(p.no, &p.raw, &p.view, None, &p.line_sigs, p.fatal);
        }
    }

    fn line_record(
        &mut self,
        no: u64,
        raw: &str,
        v: &OwnedView,
        cont: Option<(u64, &str)>,
        sigs: &[usize],
        fatal: bool,
    ) {
        let mut rec = Record::new(Kind::Line, self.file);
        rec.adopt_parts(&v.rank, &v.stamp, v.level);
        let msg = match cont {
            Some((_, c)) => format!("{}{}", v.msg, c.trim_end()),
            None => v.msg.clone(),
        };
        rec.keep(no, Part::Text, &msg, raw);
        if let Some((cno, c)) = cont {
            rec.keep(cno, Part::Text, c, c);
        }
        let sigs: Vec<usize> = if cont.is_some() {
            // the joined text may match more than the first half did
            self.cat
                .line_set
                .matches(msg.trim())
                .into_iter()
                .map(|i| self.cat.line_owner[i])
                .collect()
        } else {
            sigs.to_vec()
        };
        let fatal = fatal || self.cat.fatal_set.is_match(&msg);
        self.store.add(self.cat, rec, &sigs, fatal, &self.ring);
    }

    fn markers(&mut self, no: u64, v: &LineView<'_>) {
        if self.cat.markers.is_empty() {
            return;
        }
        // Behind the set's literal gate: only markers whose literals occur are run.
        for i in self.cat.marker_set.matches(v.msg) {
            let m = &self.cat.markers[i];
            if m.first_only {
                if self.first_only_seen[i] {
                    continue;
                }
                self.first_only_seen[i] = true;
            } else if self.markers.last().is_some_and(|l| l.marker == i) {
                continue;
            }
            match m.phase {
                crate::class::Phase::Serve => self.serving = true,
                // Printed server arguments: a (re)start, launch lines follow.
                crate::class::Phase::Start => self.serving = false,
                _ => {}
            }
            self.markers.push(MarkerHit {
                marker: i,
                no,
                msg: v.msg.trim().to_string(),
                rank: v.rank().label(),
                stamp: v.stamp().map(|s| s.text),
            });
        }
    }
}

fn owned(v: &LineView<'_>) -> OwnedView {
    OwnedView { rank: v.rank(), stamp: v.stamp(), level: v.level, msg: v.msg.trim().to_string() }
}

/// A line that cannot be a wrapped continuation: it starts a structure or a new record.
fn structural(t: &str) -> bool {
    t.is_empty()
        || t.starts_with("File \"")
        || t.starts_with("Traceback")
        || t.starts_with("Thread ")
        || t.contains("%|")
        || record::parse_exception(t).is_some()
}

/// A terminal capture pasted in caret notation (`cat -v`, some terminals' copy): colour codes as
/// text (`^[[1;36m`) are dropped, and a line holding several lines joined by a carriage return
/// written as `^M` is split there. `None` when the line holds neither.
fn caret_lines(text: &str) -> Option<Vec<String>> {
    // One byte search first: almost no line holds a caret at all.
    if memchr::memchr(b'^', text.as_bytes()).is_none()
        || (!text.contains("^M") && !text.contains("^[["))
    {
        return None;
    }
    let mut clean = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(p) = rest.find("^[[") {
        clean.push_str(&rest[..p]);
        let after = &rest[p + 3..];
        let params = after.bytes().take_while(|b| b.is_ascii_digit() || *b == b';').count();
        match after.as_bytes().get(params) {
            Some(b) if b.is_ascii_alphabetic() => rest = &after[params + 1..],
            _ => {
                clean.push_str("^[[");
                rest = after;
            }
        }
    }
    clean.push_str(rest);
    Some(clean.split("^M").filter(|p| !p.trim().is_empty()).map(str::to_string).collect())
}

impl scan::Sink for FileScan<'_> {
    fn line(&mut self, no: u64, text: &str, gated: bool) -> u32 {
        match caret_lines(text) {
            Some(parts) => parts.iter().map(|p| self.one_line(no, p, gated)).max().unwrap_or(0),
            None => self.one_line(no, text, gated),
        }
    }

    fn serving(&self) -> bool {
        self.serving
    }
}

impl FileScan<'_> {
    /// Round 25 (trifix25): a failure quoted inside prose. Notes, READMEs and work logs write
    /// the program's error in backticks inside a sentence (``fails with `zmq.error.ZMQError:
    /// Address already in use` ``); no line pattern sees it at a line start. Each backtick span
    /// of a gated line no signature matched is read as the exception line it quotes: a span
    /// that is an exception line (`Type: message`) always makes an exception record, any other
    /// span (`CUDA error: out of memory`, a runtime status name) only when a signature matches
    /// it. The prose line is kept with it as the record's text, where the phase steps read what
    /// the sentence says about the phase (`fails during graph capture`). True when a record was
    /// made.
    fn quoted(&mut self, no: u64, raw: &str, v: &LineView<'_>) -> bool {
        let msg = v.msg.trim();
        if memchr::memchr(b'`', msg.as_bytes()).is_none() {
            return false;
        }
        let mut made = false;
        // Odd pieces of the split are inside a span (a code fence's empty spans are too short).
        for q in msg.split('`').skip(1).step_by(2) {
            let q = q.trim();
            if q.len() < 8 || q.len() > 400 {
                continue;
            }
            let named = record::parse_exception(q).filter(|(_, m)| !m.is_empty());
            let (ty, m) = named
                .map_or((String::new(), q.to_string()), |(t, m)| (t.to_string(), m.to_string()));
            let mut rec = Record::new(Kind::Exception, self.file);
            rec.adopt_parts(&v.rank(), &v.stamp(), v.level);
            rec.keep(no, Part::Text, msg, raw);
            let at = rec.keep(no, Part::Exception, q, raw);
            rec.exception = Some((ty, m, at));
            let fatal = self.cat.fatal_set.is_match(q);
            if named.is_none()
                && !fatal
                && matcher::candidates(self.cat, &rec, &[], &self.ring).is_empty()
            {
                continue;
            }
            self.store.add(self.cat, rec, &[], fatal, &self.ring);
            made = true;
        }
        made
    }

    /// One line of the log (a physical line, or one part of a caret-notation paste).
    fn one_line(&mut self, no: u64, text: &str, gated: bool) -> u32 {
        // While serving, a repeat of a line that gave nothing before (numbers masked: the
        // same request error with another timestamp, pid or rank) is skipped at once.
        // The key is needed only while serving (it is computed on use: before serving, it
        // was a seventh of `triage`'s instructions on a log of start-up lines).
        if gated
            && self.serving
            && self.pending.is_none()
            && self.boring.contains(&masked::masked_hash(text))
        {
            if self.asm.open_count() == 0 {
                return 0;
            }
            if no.saturating_sub(self.asm.last_activity()) > STALE_STRUCTURE_LINES {
                // A structure nobody continued for this long is over (a cut traceback).
                self.asm.close_all();
                self.drain();
                return 0;
            }
        }
        let v = line::split(text);
        if let Some(p) = self.pending.take() {
            let t = v.msg;
            let joinable = !v.prefixed && !t.starts_with([' ', '\t']) && !structural(t.trim());
            if joinable {
                self.line_record(p.no, &p.raw, &p.view, Some((no, t)), &p.line_sigs, p.fatal);
                self.ring.push_parts(p.no, &p.view.msg, &p.raw);
                return 0;
            }
            self.line_record(p.no, &p.raw, &p.view, None, &p.line_sigs, p.fatal);
            self.ring.push_parts(p.no, &p.view.msg, &p.raw);
        }
        let stream = match v.stream {
            Some(s) => {
                self.current_stream = s;
                s
            }
            None => self.current_stream,
        };
        // The launch parser reads the start-up (and any restart); while serving, the
        // only launch-parser events are retractions, which the signatures count.
        if gated && !self.serving {
            self.launch.push_line_at(no, text);
        }
        let took = self.asm.offer(stream, self.file, no, text, &v);
        if !self.asm.done.is_empty() {
            self.drain();
        }
        if let Took::Structure(n) = took {
            return n;
        }
        if !gated {
            return 0;
        }
        let markers_before = self.markers.len();
        self.markers(no, &v);
        let msg = v.msg.trim();
        let line_sigs: Vec<usize> =
            self.cat.line_set.matches(msg).into_iter().map(|i| self.cat.line_owner[i]).collect();
        let fatal = self.cat.fatal_set.is_match(msg);
        // A failure quoted in prose: its quotes alone when nothing else matched the sentence
        // (a fatal marker may have: `CUDA error` in it); beside the sentence's own record when a
        // line pattern matched it (the best-placed finding leads).
        // Only unprefixed lines are prose (a log line's prefix says a program wrote it); the
        // check then costs nothing on a prefixed serving log.
        if !v.prefixed {
            let quoted = self.quoted(no, text, &v);
            if quoted && line_sigs.is_empty() {
                self.ring.push_parts(no, msg, text);
                return 0;
            }
        }
        if line_sigs.is_empty() && !fatal {
            if self.serving && self.markers.len() == markers_before && self.boring.len() < 100_000 {
                self.boring.insert(masked::masked_hash(text));
            }
            self.ring.push_parts(no, msg, text);
            return 0;
        }
        if v.prefixed && msg.len() >= 80 {
            self.pending =
                Some(Pending { no, raw: text.to_string(), view: owned(&v), line_sigs, fatal });
            return 1;
        }
        self.line_record(no, text, &owned(&v), None, &line_sigs, fatal);
        self.ring.push_parts(no, msg, text);
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::scan::{Gates, scan};

    #[test]
    fn caret_notation_pastes_are_split_and_uncoloured() {
        // SeedOss #10: vLLM's API-server lines joined by `^M`, colour codes as text.
        let t =
            "^[[1;36m(APIServer pid=1)^[[0;0m ERROR x^M^[[1;36m(APIServer pid=1)^[[0;0m ERROR y^M";
        let got = caret_lines(t).unwrap();
        assert_eq!(got, ["(APIServer pid=1) ERROR x", "(APIServer pid=1) ERROR y"]);
        assert_eq!(caret_lines("a ^[[ b").unwrap(), ["a ^[[ b"]);
        assert!(caret_lines("plain Error line").is_none());
    }

    /// The scanner hands the shared launch parser every line it would parse in a full
    /// read: same events, same line numbers, for every launch and failure fixture.
    #[test]
    fn gated_launch_parsing_equals_a_full_parse() {
        let cat = Catalogue::builtin().unwrap();
        let gates = Gates::new(&cat.gates, &cat.startup_gates).unwrap();
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/triage");
        let mut checked = 0;
        for dir in ["launch", "failures", "constructed"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                let full = perfpilot_launchlog::parse_log(&text);
                let mut store = Store::default();
                let mut sink =
                    FileScan::new(&cat, &mut store, 0, perfpilot_launchlog::LaunchRules::builtin());
                scan(text.as_bytes(), &gates, &mut sink, &perfpilot_report::NoProgress).unwrap();
                let gated = sink.finish().launch;
                let key = |l: &LaunchLog| {
                    l.events.iter().map(|e| (e.line, e.event.name())).collect::<Vec<_>>()
                };
                assert_eq!(key(&gated), key(&full), "{}", path.display());
                let args = |l: &LaunchLog| l.args.iter().map(|a| a.line).collect::<Vec<_>>();
                assert_eq!(args(&gated), args(&full), "{}", path.display());
                checked += full.events.len();
            }
        }
        assert!(checked > 100, "only {checked} events compared");
    }
}
