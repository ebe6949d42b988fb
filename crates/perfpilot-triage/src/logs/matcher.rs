//! Which signatures a record matches, with what captures and which of its lines are the
//! evidence. Runs once per distinct record (repeats are only counted).

use std::collections::{BTreeMap, VecDeque};

use regex::Regex;

use super::record::{Kind, Part, Record};
use crate::catalogue::{Catalogue, Signature};

/// A recent line, for context patterns.
#[derive(Debug, Clone)]
pub(crate) struct Recent {
    pub no: u64,
    pub msg: String,
    pub raw: String,
}

/// The last gated lines of a file.
pub(crate) struct Ring {
    lines: VecDeque<Recent>,
    cap: usize,
}

impl Ring {
    pub fn new(cap: usize) -> Ring {
        Ring { lines: VecDeque::with_capacity(cap), cap }
    }
    /// Push a line, reusing the buffers of the oldest one when full.
    pub fn push_parts(&mut self, no: u64, msg: &str, raw: &str) {
        let mut r = if self.lines.len() == self.cap {
            self.lines.pop_front().unwrap_or(Recent { no, msg: String::new(), raw: String::new() })
        } else {
            Recent { no, msg: String::new(), raw: String::new() }
        };
        r.no = no;
        r.msg.clear();
        r.msg.push_str(msg);
        r.raw.clear();
        r.raw.push_str(raw);
        self.lines.push_back(r);
    }
    /// The newest `n` lines, newest first.
    pub(crate) fn last(&self, n: usize) -> impl Iterator<Item = &Recent> {
        self.lines.iter().rev().take(n)
    }
    /// Newest first, only lines before `no` and at most `within` lines back.
    pub(crate) fn before(&self, no: u64, within: u64) -> impl Iterator<Item = &Recent> {
        self.lines.iter().rev().filter(move |r| r.no < no).take_while(move |r| no - r.no <= within)
    }
}

/// A context line that was found.
#[derive(Debug, Clone)]
pub(crate) struct ContextHit {
    pub no: u64,
    pub raw: String,
    pub signal: bool,
    pub note: Option<String>,
}

/// A signature a record matches (before the phase check).
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub sig: usize,
    pub score: f64,
    pub facts: BTreeMap<String, String>,
    /// Indices into the record's lines that are the evidence.
    pub signal: Vec<usize>,
    pub context: Vec<ContextHit>,
}

/// Match `rec` against the catalogue. `line_sigs` are the signatures whose `lines`
/// patterns the line matched (plain lines only; the set was already run).
pub(crate) fn candidates(
    cat: &Catalogue,
    rec: &Record,
    line_sigs: &[usize],
    ring: &Ring,
) -> Vec<Hit> {
    let mut hits = Vec::new();
    let texts = rec.line_texts();
    let exc = rec.exception_text();
    let joined = rec.joined();
    let indices: Vec<usize> = if rec.kind == Kind::Line {
        line_sigs.to_vec()
    } else {
        (0..cat.signatures.len()).collect()
    };
    // An exception record is tried against every signature: its texts, lower-cased, decide
    // which signatures' literal gates pass (`None`: not ASCII, every signature is tried).
    let lower: Option<String> = (rec.kind == Kind::Exception)
        .then(|| {
            let mut all = String::new();
            for t in exc.iter().chain(&texts) {
                all.push_str(t);
                all.push('\n');
            }
            all
        })
        .filter(|all| all.is_ascii())
        .map(|all| all.to_ascii_lowercase());
    for i in indices {
        let sig = &cat.signatures[i];
        // Signatures that cannot match this record are skipped before their patterns are
        // compiled (they compile on first use).
        let possible = match rec.kind {
            Kind::Line => !sig.def.lines.is_empty(),
            Kind::Exception => {
                (!sig.def.exception.is_empty() || !sig.def.lines.is_empty())
                    && sig.may_match(lower.as_deref())
            }
            Kind::Incomplete => sig.def.incomplete,
            Kind::PySpy => !sig.def.pyspy_active.is_empty(),
        };
        if !possible {
            continue;
        }
        let pats = sig.re();
        let mut facts = BTreeMap::new();
        let mut signal = Vec::new();
        let matched = match rec.kind {
            Kind::Line => capture_any(&pats.lines, &texts, &mut facts),
            Kind::Exception => {
                capture_any(&pats.exception, &exc.into_iter().collect::<Vec<_>>(), &mut facts)
                    | capture_any(&pats.lines, &texts, &mut facts)
            }
            Kind::Incomplete => sig.def.incomplete,
            Kind::PySpy => pyspy_match(cat, sig, rec, &mut signal),
        };
        if !matched {
            continue;
        }
        if !pats.header.is_empty() {
            let Some(h) = rec.header else { continue };
            if !pats.header.iter().any(|r| r.is_match(&rec.lines[h].msg)) {
                continue;
            }
        }
        if !pats.frames.is_empty() {
            let found: Vec<usize> = rec
                .frames
                .iter()
                .filter(|f| pats.frames.iter().any(|r| r.is_match(&f.text)))
                .flat_map(|f| std::iter::once(f.at).chain(f.code_at))
                .collect();
            if found.is_empty() {
                continue;
            }
            signal.extend(found);
        }
        if pats.exclude.iter().any(|r| r.is_match(&joined)) {
            continue;
        }
        if rec.level.is_some_and(|l| sig.skip_levels.contains(&l)) {
            continue;
        }
        let mut score = sig.def.confidence;
        let mut context = Vec::new();
        let mut missing_required = false;
        for (def, re) in &pats.context {
            let within = def.within.unwrap_or(2000);
            let found = ring
                .before(rec.first_no(), within)
                .find_map(|r| re.captures(&r.msg).map(|c| (r, c)));
            match found {
                Some((r, caps)) => {
                    add_captures(re, &caps, &mut facts);
                    score += def.weight;
                    context.push(ContextHit {
                        no: r.no,
                        raw: r.raw.clone(),
                        signal: def.signal,
                        note: def.note.clone(),
                    });
                }
                None if def.required => missing_required = true,
                None => {}
            }
        }
        if missing_required {
            continue;
        }
        for re in &pats.facts {
            if let Some(c) = re.captures(&joined) {
                add_captures(re, &c, &mut facts);
            }
        }
        if rec.kind == Kind::PySpy && pyspy_waiting(cat, sig, rec, &mut signal) {
            score += 0.05;
        }
        builtin_facts(cat, rec, &mut facts);
        // The evidence lines: the header, the exception, the matched frames, the line.
        for (idx, l) in rec.lines.iter().enumerate() {
            let keep = match l.part {
                Part::Exception => true,
                Part::Header => rec.kind != Kind::PySpy || signal.is_empty(),
                Part::Text => rec.kind == Kind::Line,
                _ => false,
            };
            if keep {
                signal.push(idx);
            }
        }
        if let Some(f) = rec.frames.last() {
            // the innermost frame: where it failed, or how far a cut log got
            if matches!(rec.kind, Kind::Exception | Kind::Incomplete) {
                signal.push(f.at);
                signal.extend(f.code_at);
            }
        }
        signal.sort_unstable();
        signal.dedup();
        hits.push(Hit { sig: i, score: score.min(0.99), facts, signal, context });
    }
    hits
}

fn capture_any(res: &[Regex], texts: &[&str], facts: &mut BTreeMap<String, String>) -> bool {
    let mut any = false;
    for re in res {
        for t in texts {
            if let Some(c) = re.captures(t) {
                add_captures(re, &c, facts);
                any = true;
            }
        }
    }
    any
}

fn add_captures(re: &Regex, caps: &regex::Captures<'_>, facts: &mut BTreeMap<String, String>) {
    for name in re.capture_names().flatten() {
        if let Some(m) = caps.name(name) {
            facts.entry(name.to_string()).or_insert_with(|| m.as_str().to_string());
        }
    }
}

/// Frames of a thread, the application's own (not dispatch wrappers) first.
fn own_first<'r>(
    cat: &Catalogue,
    frames: &'r [super::record::Frame],
) -> impl Iterator<Item = &'r super::record::Frame> {
    let own = frames.iter().filter(|f| !cat.wrapper_frames.is_match(&f.text));
    let wrappers = frames.iter().filter(|f| cat.wrapper_frames.is_match(&f.text));
    own.chain(wrappers)
}

fn pyspy_match(cat: &Catalogue, sig: &Signature, rec: &Record, signal: &mut Vec<usize>) -> bool {
    if sig.def.pyspy_active.is_empty() {
        return false;
    }
    let active = &sig.re().pyspy_active;
    let mut any = false;
    for th in rec.threads.iter().filter(|t| t.active) {
        for f in own_first(cat, &th.frames) {
            if active.iter().any(|r| r.is_match(&f.text)) {
                signal.push(th.at);
                signal.push(f.at);
                any = true;
                break;
            }
        }
    }
    if any && let Some(h) = rec.header {
        signal.push(h);
    }
    any
}

fn pyspy_waiting(cat: &Catalogue, sig: &Signature, rec: &Record, signal: &mut Vec<usize>) -> bool {
    if sig.def.pyspy_waiting.is_empty() {
        return false;
    }
    let waiting = &sig.re().pyspy_waiting;
    for th in rec.threads.iter().filter(|t| !t.active) {
        for f in th.frames.iter().filter(|f| !cat.wrapper_frames.is_match(&f.text)) {
            if waiting.iter().any(|r| r.is_match(&f.text)) {
                signal.push(th.at);
                signal.push(f.at);
                return true;
            }
        }
    }
    false
}

/// Facts every record provides: the exception, the innermost frame, the kernel name
/// (the innermost frame's launched kernel or function), py-spy positions.
fn builtin_facts(cat: &Catalogue, rec: &Record, facts: &mut BTreeMap<String, String>) {
    if let Some((ty, msg, _)) = &rec.exception {
        facts.entry("exception_type".into()).or_insert_with(|| ty.clone());
        let text = if msg.is_empty() { ty.clone() } else { format!("{ty}: {msg}") };
        facts.entry("exception".into()).or_insert(text);
    }
    if let Some(f) = rec.frames.last() {
        facts.entry("frame".into()).or_insert_with(|| f.text.clone());
        let code = f.code_at.map(|i| rec.lines[i].msg.as_str()).unwrap_or("");
        let launched = code
            .split(['[', '(', ' ', '.'])
            .find(|w| w.to_ascii_lowercase().contains("kernel") && !w.is_empty());
        let kernel = launched.map(str::to_string).unwrap_or_else(|| f.func.clone());
        facts.entry("kernel".into()).or_insert(kernel);
    }
    let not_wrapper = |t: &str| !cat.wrapper_frames.is_match(t);
    if let Some(th) = rec.threads.iter().find(|t| t.active && !t.frames.is_empty()) {
        facts.entry("active_thread".into()).or_insert_with(|| th.name.clone());
        if let Some(f) = th.frames.iter().find(|f| not_wrapper(&f.text)).or(th.frames.first()) {
            facts.entry("active_frame".into()).or_insert_with(|| f.text.clone());
        }
    }
    if let Some(th) = rec.threads.iter().find(|t| !t.active && !t.frames.is_empty()) {
        // the first frame of the waiting thread that is the application's own
        let waits = |f: &&super::record::Frame| {
            not_wrapper(&f.text)
                && cat
                    .signatures
                    .iter()
                    .filter(|s| !s.def.pyspy_waiting.is_empty())
                    .any(|s| s.re().pyspy_waiting.iter().any(|r| r.is_match(&f.text)))
        };
        if let Some(f) =
            th.frames.iter().find(waits).or_else(|| th.frames.iter().find(|f| not_wrapper(&f.text)))
        {
            facts.entry("waiting_frame".into()).or_insert_with(|| f.text.clone());
        }
    }
}
