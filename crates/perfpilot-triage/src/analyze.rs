//! From distinct records to findings: the phase each record fell in, the best signature
//! for it, which failures are causes and which are consequences (the first rank to fail,
//! peers dying after it), and the finding texts.
#![warn(clippy::too_many_lines)]

use std::collections::{BTreeMap, BTreeSet};

use crate::catalogue::template::expand;
use crate::catalogue::{Catalogue, Role, Signature};
use crate::class::{Phase, ProblemClass, Severity};
use crate::launch;
use crate::logs::matcher::Hit;
use crate::logs::record::{Kind, Record};
use crate::logs::{Agg, FileFacts, Store};
use crate::report::{Finding, MinuteCount, Occurrence, SignalLine};

/// Most `unknown` findings reported (the rest are counted in `checked`).
const MAX_UNKNOWN: usize = 5;
/// An unmatched error this close after a classified failure is taken as its consequence.
const CONSEQUENCE_WINDOW: u64 = 300;

/// What the analysis needs of one file.
pub(crate) struct FileIn {
    pub path: String,
    pub facts: FileFacts,
}

/// A record with its decision.
#[derive(Debug, Clone)]
pub(crate) struct Item<'a> {
    pub agg: &'a Agg,
    pub hit: Option<&'a Hit>,
    pub sig: Option<&'a Signature>,
    pub class: ProblemClass,
    pub severity: Severity,
    pub role: Role,
    pub phase: Phase,
}

impl Item<'_> {
    fn file(&self) -> usize {
        self.agg.record.file
    }
    fn no(&self) -> u64 {
        self.agg.record.first_no()
    }
    fn stamp(&self) -> Option<f64> {
        self.agg.record.stamp.as_ref().map(|s| s.key)
    }
    pub(crate) fn score(&self) -> f64 {
        self.hit.map_or(0.3, |h| h.score)
    }
}

/// True when `a` happened before `b`.
fn earlier(a: &Item<'_>, b: &Item<'_>) -> bool {
    if a.file() == b.file() {
        return a.no() < b.no();
    }
    match (a.stamp(), b.stamp()) {
        (Some(x), Some(y)) => x <= y,
        _ => a.file() < b.file(),
    }
}

/// Phase lookup per file: launch events and markers by line.
pub(crate) struct Phases {
    per_file: Vec<Vec<(u64, String, Phase)>>,
}

impl Phases {
    pub fn new(cat: &Catalogue, files: &[FileIn]) -> Phases {
        let per_file = files
            .iter()
            .map(|f| {
                let mut v: Vec<(u64, String, Phase)> = f
                    .facts
                    .launch
                    .events
                    .iter()
                    .filter_map(|e| {
                        launch::event_phase(&e.event).map(|p| (e.line, e.rank.label(), p))
                    })
                    .collect();
                v.extend(
                    f.facts
                        .markers
                        .iter()
                        .map(|m| (m.no, m.rank.clone(), cat.markers[m.marker].phase)),
                );
                v.sort_by_key(|a| a.0);
                v
            })
            .collect();
        Phases { per_file }
    }

    /// The phase at line `no` of `file` for `rank` (its own events first, else any).
    pub fn at(&self, file: usize, no: u64, rank: &str) -> Phase {
        let Some(ev) = self.per_file.get(file) else { return Phase::Unknown };
        // An event on the record's own line counts (a retraction line is both).
        let end = ev.partition_point(|e| e.0 <= no);
        let before = &ev[..end];
        if rank != "all"
            && let Some(e) = before.iter().rev().take(5000).find(|e| e.1 == rank)
        {
            return e.2;
        }
        before.last().map_or(Phase::Unknown, |e| e.2)
    }
}

/// Decide every record.
pub(crate) fn decide<'a>(cat: &'a Catalogue, store: &'a Store, phases: &Phases) -> Vec<Item<'a>> {
    let mut items = Vec::new();
    for agg in &store.aggs {
        let phase = phases.at(agg.record.file, agg.record.first_no(), &agg.record.rank.label());
        let best = agg
            .hits
            .iter()
            .filter(|h| {
                let s = &cat.signatures[h.sig];
                s.phase.is_empty() || s.phase.contains(&phase)
            })
            .fold(None::<&Hit>, |best, h| match best {
                Some(b) if b.score >= h.score => Some(b),
                _ => Some(h),
            });
        let item = match best {
            Some(h) => {
                let sig = &cat.signatures[h.sig];
                Item {
                    agg,
                    hit: Some(h),
                    sig: Some(sig),
                    class: sig.class,
                    severity: sig.severity,
                    role: sig.role,
                    phase,
                }
            }
            None => {
                let failure = agg.fatal_marker
                    || matches!(agg.record.kind, Kind::Exception | Kind::Incomplete)
                        && agg.record.level.is_none_or(|l| l > crate::logs::line::Level::Warning);
                if !failure {
                    continue;
                }
                Item {
                    agg,
                    hit: None,
                    sig: None,
                    class: ProblemClass::Unknown,
                    severity: Severity::Fatal,
                    role: Role::Primary,
                    phase,
                }
            }
        };
        items.push(item);
    }
    // Time order across files: a record without a timestamp takes the last one seen
    // before it in its file.
    items.sort_by_key(|a| (a.file(), a.no()));
    let mut eff = Vec::with_capacity(items.len());
    let mut last: Option<(usize, f64)> = None;
    for it in &items {
        let t = match (it.stamp(), last) {
            (Some(t), _) => t,
            (None, Some((f, t))) if f == it.file() => t,
            _ => f64::NEG_INFINITY,
        };
        if let Some(s) = it.stamp() {
            last = Some((it.file(), s));
        }
        eff.push(t);
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| {
        eff[a]
            .total_cmp(&eff[b])
            .then_with(|| (items[a].file(), items[a].no()).cmp(&(items[b].file(), items[b].no())))
    });
    let mut slots: Vec<Option<Item<'a>>> = items.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// A finding under construction: its records and the records folded into it.
pub(crate) struct Group<'a> {
    pub items: Vec<Item<'a>>,
    pub consequences: Vec<Item<'a>>,
}

impl<'a> Group<'a> {
    pub fn lead(&self) -> &Item<'a> {
        // The strongest match; ties go to the earliest.
        let mut best = &self.items[0];
        for it in &self.items[1..] {
            if it.score() > best.score() {
                best = it;
            }
        }
        best
    }
    pub fn first(&self) -> &Item<'a> {
        let mut first = &self.items[0];
        for it in &self.items[1..] {
            if earlier(it, first) {
                first = it;
            }
        }
        first
    }
    fn class(&self) -> ProblemClass {
        self.items[0].class
    }
    fn fatal(&self) -> bool {
        self.items.iter().any(|i| i.severity == Severity::Fatal)
    }
}

/// Group decided records into findings, folding consequences into their causes.
pub(crate) fn group(items: Vec<Item<'_>>) -> (Vec<Group<'_>>, u64) {
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut unknown_dropped = 0;
    for it in items {
        // The latest fatal finding that started before this record.
        let cause = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.fatal())
            .filter(|(_, g)| g.items.iter().any(|c| c.role != Role::Secondary && earlier(c, &it)))
            .map(|(i, _)| i)
            .next_back();
        let fold = match (it.role, it.class) {
            (Role::Secondary, _) => cause,
            (Role::Cascade, _) => cause,
            (Role::Primary, ProblemClass::Unknown) => cause.filter(|&g| {
                groups[g].items.iter().any(|c| {
                    c.file() == it.file() && it.no().saturating_sub(c.no()) <= CONSEQUENCE_WINDOW
                })
            }),
            _ => None,
        };
        if let Some(g) = fold {
            groups[g].consequences.push(it);
            continue;
        }
        let same = if it.class == ProblemClass::Unknown && it.sig.is_none() {
            None
        } else {
            // The same class is one problem when it is the same signature, or another
            // signature close by (a negative KV line and the error it raises); far apart,
            // two signatures of one class are two problems.
            groups.iter().position(|g| {
                g.class() == it.class
                    && !(it.class == ProblemClass::Unknown && g.items[0].sig.is_none())
                    && g.items.iter().any(|c| {
                        c.sig.map(|s| &s.def.id) == it.sig.map(|s| &s.def.id)
                            || (c.file() == it.file()
                                && it.no().abs_diff(c.no()) <= CONSEQUENCE_WINDOW)
                    })
            })
        };
        match same {
            Some(g) => groups[g].items.push(it),
            None => {
                if it.class == ProblemClass::Unknown
                    && groups.iter().filter(|g| g.class() == ProblemClass::Unknown).count()
                        >= MAX_UNKNOWN
                {
                    unknown_dropped += 1;
                    continue;
                }
                groups.push(Group { items: vec![it], consequences: Vec::new() });
            }
        }
    }
    // Fatal first, then by first occurrence.
    groups.sort_by(|a, b| {
        b.fatal().cmp(&a.fatal()).then_with(|| {
            let (x, y) = (a.first(), b.first());
            if earlier(x, y) { std::cmp::Ordering::Less } else { std::cmp::Ordering::Greater }
        })
    });
    (groups, unknown_dropped)
}

fn signal_of(it: &Item<'_>, files: &[FileIn], out: &mut Vec<SignalLine>) {
    let rec = &it.agg.record;
    let path = &files[rec.file].path;
    let idx: Vec<usize> = match it.hit {
        Some(h) => h.signal.clone(),
        None => {
            // unknown: the first fatal lines (header, exception, innermost frame)
            let mut v: Vec<usize> = rec.header.into_iter().collect();
            v.extend(rec.exception.as_ref().map(|e| e.2));
            if let Some(f) = rec.frames.last() {
                v.push(f.at);
                v.extend(f.code_at);
            }
            if v.is_empty() {
                v.push(0);
            }
            v.sort_unstable();
            v.dedup();
            v
        }
    };
    for i in idx {
        if let Some(l) = rec.lines.get(i) {
            push_signal(out, path, l.no, &l.raw);
        }
    }
}

fn push_signal(out: &mut Vec<SignalLine>, file: &str, line: u64, text: &str) {
    if !out.iter().any(|s| s.file == file && s.line == line) {
        out.push(SignalLine { file: file.to_string(), line, text: text.to_string() });
    }
}

fn label(c: f64) -> &'static str {
    if c >= 0.8 {
        "high"
    } else if c >= 0.5 {
        "medium"
    } else {
        "low"
    }
}

/// Build the finding of a group.
pub(crate) fn finding(g: &Group<'_>, files: &[FileIn]) -> Finding {
    let lead = g.lead();
    let first = g.first();
    let rec = &first.agg.record;
    let path = |f: usize| files[f].path.clone();

    let rank_labels = ranks_first_to_fail(g);
    let first_rank = rank_labels.first().cloned().unwrap_or_else(|| rec.rank.label());

    let mut facts: BTreeMap<String, String> = lead.hit.map(|h| h.facts.clone()).unwrap_or_default();
    let occurrences: u64 = g.items.iter().map(|i| i.agg.count).sum();
    let events: u64 = g.items.iter().map(|i| i.agg.events).sum();
    facts.insert("first_rank".into(), first_rank.clone());
    facts.insert("ranks".into(), rank_labels.len().to_string());
    facts.insert("count".into(), events.to_string());
    facts.insert("phase".into(), first.phase.as_str().into());

    let signal = signal_lines(g, files);
    if let Some(sig) = lead.sig {
        // Which evidence decided: the signature and its first evidence line that is not a
        // bare traceback header (its number is in `signal`).
        let lines = &lead.agg.record.lines;
        let evidence: Vec<_> = lead
            .hit
            .map_or(Vec::new(), |h| h.signal.iter().filter_map(|&i| lines.get(i)).collect());
        let line = evidence
            .iter()
            .find(|l| !l.msg.contains("Traceback (most recent call last)"))
            .or(evidence.first());
        facts.insert(
            "decided_by".into(),
            match line {
                Some(l) => format!("signature {}: {}", sig.def.id, short(&l.msg)),
                None => format!("signature {}", sig.def.id),
            },
        );
    }
    let consequences = consequence_lines(g, files);
    let over_time = over_time(g, files, &mut facts);

    let (class, severity) =
        (g.class(), if g.fatal() { Severity::Fatal } else { Severity::Degraded });
    let where_ = where_text(first.phase, &first_rank, rank_labels.len());
    let mut ruled_out = Vec::new();
    let e = explanation(lead, rec, &facts, &where_, &mut ruled_out);
    for c in &consequences {
        ruled_out.push(format!(
            "{}:{} `{}` as a separate cause: it comes after this failure and follows from it",
            c.file,
            c.line,
            short(&c.text)
        ));
    }
    let id = format!(
        "{}-{}",
        class.as_str(),
        crate::logs::line::short_hash(&[
            e.signature.as_deref().unwrap_or(""),
            signal.first().map_or("", |s| s.text.as_str())
        ])
    );
    Finding {
        id,
        class,
        severity,
        signature: e.signature,
        title: e.title,
        confidence: (e.confidence * 100.0).round() / 100.0,
        confidence_label: label(e.confidence).to_string(),
        signal,
        guess: e.guess,
        causes: e.causes,
        ruled_out,
        next_step: e.next_step,
        risk: e.risk,
        source: e.source,
        phase: first.phase,
        first: Occurrence {
            file: path(rec.file),
            line: rec.first_no(),
            rank: rec.rank.label(),
            stamp: rec.stamp.as_ref().map(|s| s.text.clone()),
        },
        ranks: rank_labels,
        occurrences,
        events,
        over_time,
        facts,
        consequences,
    }
}

/// Rank labels of a group, first to fail first.
fn ranks_first_to_fail(g: &Group<'_>) -> Vec<String> {
    let mut ranks: Vec<(Option<f64>, usize, u64, String)> = Vec::new();
    for it in &g.items {
        for (label, seen) in &it.agg.ranks {
            if !ranks.iter().any(|r| &r.3 == label) {
                ranks.push((seen.key, seen.file, seen.no, label.clone()));
            }
        }
    }
    ranks.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) if x != y => x.total_cmp(&y),
        _ => (a.1, a.2).cmp(&(b.1, b.2)),
    });
    ranks.into_iter().map(|r| r.3).collect()
}

/// The strongest lines: the lead's signal and context, and the exception line of up to three
/// other records, in file and line order.
fn signal_lines(g: &Group<'_>, files: &[FileIn]) -> Vec<SignalLine> {
    let lead = g.lead();
    let path = |f: usize| files[f].path.clone();
    let mut signal = Vec::new();
    signal_of(lead, files, &mut signal);
    if let Some(h) = lead.hit {
        for c in h.context.iter().filter(|c| c.signal) {
            push_signal(&mut signal, &path(lead.agg.record.file), c.no, &c.raw);
        }
    }
    for it in g.items.iter().filter(|i| !std::ptr::eq(*i, lead)).take(3) {
        let r = &it.agg.record;
        let i = r.exception.as_ref().map_or(0, |e| e.2);
        if let Some(l) = r.lines.get(i) {
            push_signal(&mut signal, &path(r.file), l.no, &l.raw);
        }
    }
    signal.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    signal
}

/// One line per consequence record (its exception or header line).
fn consequence_lines(g: &Group<'_>, files: &[FileIn]) -> Vec<SignalLine> {
    g.consequences
        .iter()
        .map(|c| {
            let r = &c.agg.record;
            let i = r.exception.as_ref().map_or(r.header.unwrap_or(0), |e| e.2);
            let l = &r.lines[i.min(r.lines.len().saturating_sub(1))];
            SignalLine { file: files[r.file].path.clone(), line: l.no, text: l.raw.clone() }
        })
        .collect()
}

/// Events per minute for a repeating signature (and the `last_seen` fact); empty otherwise.
fn over_time(
    g: &Group<'_>,
    files: &[FileIn],
    facts: &mut BTreeMap<String, String>,
) -> Vec<MinuteCount> {
    if !g.lead().sig.is_some_and(|s| s.def.repeat) {
        return Vec::new();
    }
    let mut minutes: BTreeMap<&str, u64> = BTreeMap::new();
    for it in &g.items {
        for (m, n) in &it.agg.minutes {
            *minutes.entry(m).or_insert(0) += n;
        }
    }
    if let Some(l) = g.items.iter().map(|i| &i.agg.last).max_by_key(|s| (s.file, s.no)) {
        facts.insert(
            "last_seen".into(),
            format!("{}:{} {}", files[l.file].path, l.no, l.stamp.clone().unwrap_or_default())
                .trim_end()
                .to_string(),
        );
    }
    minutes.into_iter().map(|(m, n)| MinuteCount { minute: m.to_string(), events: n }).collect()
}

/// " It first showed on RANK while the server was …" with the rank count when several.
fn where_text(phase: Phase, first_rank: &str, ranks: usize) -> String {
    let on = if first_rank == "all" { String::new() } else { format!(" on {first_rank}") };
    format!(
        " It first showed{on}{}.{}",
        if phase == Phase::Unknown {
            " (the log shows no launch line before it)".to_string()
        } else {
            format!(" while the server was {}", phase.doing())
        },
        if ranks > 1 {
            format!(" {ranks} ranks show it; {first_rank} was the first.")
        } else {
            String::new()
        }
    )
}

/// What a finding says: from its signature, or the unclassified fallback.
struct Explanation {
    title: String,
    guess: String,
    causes: Vec<String>,
    next_step: String,
    risk: String,
    source: Option<String>,
    signature: Option<String>,
    confidence: f64,
}

/// The explanation of the lead record (its signature's texts with the facts filled in);
/// the signature's ruled-out lines go to `ruled_out`. Without a signature, the first
/// record `first` is described.
fn explanation(
    lead: &Item<'_>,
    first: &Record,
    facts: &BTreeMap<String, String>,
    where_: &str,
    ruled_out: &mut Vec<String>,
) -> Explanation {
    let Some(sig) = lead.sig else {
        return unclassified(first, where_);
    };
    let mut guess = expand(&sig.def.means, facts);
    if let Some(h) = lead.hit {
        for c in &h.context {
            if let Some(n) = &c.note {
                guess.push(' ');
                guess.push_str(&expand(n, facts));
            }
        }
    }
    guess.push_str(where_);
    ruled_out.extend(sig.def.ruled_out.iter().map(|r| expand(r, facts)));
    Explanation {
        title: sig.def.title.clone(),
        guess,
        causes: sig.def.causes.clone(),
        next_step: expand(&sig.def.next_step, facts),
        risk: expand(&sig.def.risk, facts),
        source: Some(sig.def.source.clone()),
        signature: Some(sig.def.id.clone()),
        confidence: lead.score(),
    }
}

/// A failure no signature matches: its exception as the title.
fn unclassified(rec: &Record, where_: &str) -> Explanation {
    let what = rec
        .exception
        .as_ref()
        .map(|(t, m, _)| if m.is_empty() { t.clone() } else { format!("{t}: {m}") });
    let title = match (&what, rec.kind) {
        (Some(w), _) => format!("Unclassified failure: {w}"),
        (None, Kind::Incomplete) => {
            "Unclassified failure: a traceback cut before its exception line".to_string()
        }
        _ => "Unclassified failure".to_string(),
    };
    Explanation {
        title,
        guess: format!("No signature matches this failure; its first fatal lines are shown.{where_}"),
        causes: Vec::new(),
        next_step: "Read the exception and the innermost frame above; search the framework's issue \
                 tracker for the exception text; get the full traceback (SGLang `--log-level debug`, \
                 vLLM `VLLM_LOGGING_LEVEL=DEBUG`) and a live snapshot (`perfpilot triage bundle --url …`); \
                 add a signature with `--signatures FILE` once the cause is known."
            .to_string(),
        risk: "Unknown: treat it as a crash until it is explained.".to_string(),
        source: None,
        signature: None,
        confidence: 0.3,
    }
}

/// Add "ruled out" lines for the other classes a finding's records also matched.
pub(crate) fn alternatives(g: &Group<'_>, cat: &Catalogue, f: &mut Finding) {
    let lead = g.lead();
    let Some(h) = lead.hit else { return };
    let mut seen = BTreeSet::new();
    for other in &lead.agg.hits {
        let s = &cat.signatures[other.sig];
        if other.sig == h.sig || s.class == f.class || !seen.insert(s.class) {
            continue;
        }
        let why = if !s.phase.is_empty() && !s.phase.contains(&lead.phase) {
            format!(
                "it needs the {} phase, and this happened while {}",
                join_phases(&s.phase),
                lead.phase.doing()
            )
        } else {
            format!("a weaker match ({:.2} vs {:.2})", other.score, h.score)
        };
        f.ruled_out.push(format!("{} ({}): {why}", s.class, s.def.title));
    }
}

fn join_phases(p: &[Phase]) -> String {
    p.iter().map(|p| p.as_str()).collect::<Vec<_>>().join("/")
}

/// `s` trimmed; over 120 characters, its first 117 and `…` (row text is part of the
/// output contract: this cut stays as it is).
pub(crate) fn short(s: &str) -> String {
    perfpilot_io::truncate_chars(s.trim(), 120, 117, "…")
}
