//! The result of `perfpilot triage LOG…` (schema `perfpilot.triage/1`) and its human view.

use std::collections::BTreeMap;

use perfpilot_report::{Document, Report, Section, Table};
use schemars::JsonSchema;
use serde::Serialize;

use crate::class::{Phase, ProblemClass, Severity};
use crate::launch::LaunchFact;

/// One log line quoted as evidence.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq)]
pub struct SignalLine {
    /// The file.
    pub file: String,
    /// 1-based line number.
    pub line: u64,
    /// The line as in the file (cut at 1,000 bytes).
    pub text: String,
}

/// Where a finding first showed.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq)]
pub struct Occurrence {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// The rank (`TP3`, `rank=4`, `all` when the line names none).
    pub rank: String,
    /// The timestamp as printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stamp: Option<String>,
}

impl Occurrence {
    /// A line that names no rank and no time (`rank` is `all`): where a finding read from the
    /// log as a whole (a stall, the class model's guess) shows.
    pub fn unranked(file: impl Into<String>, line: u64) -> Occurrence {
        Occurrence { file: file.into(), line, rank: "all".to_string(), stamp: None }
    }
}

/// Events of a repeated finding in one minute.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq)]
pub struct MinuteCount {
    /// The minute as printed (`2025-03-07 21:49`).
    pub minute: String,
    /// Distinct events in it (one event logged by several ranks counts once).
    pub events: u64,
}

/// One independent problem.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq)]
pub struct Finding {
    /// Stable id: class and a hash of the signature and the first evidence line.
    pub id: String,
    /// Problem class.
    pub class: ProblemClass,
    /// Fatal (exit 1) or degraded.
    pub severity: Severity,
    /// The signature that matched (absent for `unknown`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// One-line title.
    pub title: String,
    /// Confidence in the guess, 0..1.
    pub confidence: f64,
    /// `high` (>= 0.8), `medium` (>= 0.5) or `low`.
    pub confidence_label: String,
    /// The strongest signal: the exact lines.
    pub signal: Vec<SignalLine>,
    /// The current best guess.
    pub guess: String,
    /// The usual root causes.
    pub causes: Vec<String>,
    /// What was ruled out, and why.
    pub ruled_out: Vec<String>,
    /// The next step, with exact flags or commands.
    pub next_step: String,
    /// Production risk.
    pub risk: String,
    /// Where the signature was learned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What the server was doing when it first showed.
    pub phase: Phase,
    /// First occurrence (the first rank to fail).
    pub first: Occurrence,
    /// Every rank that showed it, first to fail first.
    pub ranks: Vec<String>,
    /// Lines that showed it (all ranks).
    pub occurrences: u64,
    /// Distinct events (a line logged by several ranks at once counts once).
    pub events: u64,
    /// Events per minute, for repeated warnings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub over_time: Vec<MinuteCount>,
    /// Values read from the evidence (sizes, ports, flags, frames).
    pub facts: BTreeMap<String, String>,
    /// Later errors that follow from this one (not separate causes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub consequences: Vec<SignalLine>,
}

/// One row of the timeline.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq)]
pub struct TimelineEntry {
    /// Stable id (hash of file, kind and text).
    pub id: String,
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// Timestamp as printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stamp: Option<String>,
    /// Ranks (`TP0`, `TP0-TP7 (8 ranks)`, `all`).
    pub rank: String,
    /// `launch`, `marker`, `failure`, `consequence` or `repeat`.
    pub kind: TimelineKind,
    /// What happened.
    pub what: String,
}

/// What a timeline row is. Declared in name order: rows on one line sort by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TimelineKind {
    /// A consequence of a failure (a later line it caused).
    Consequence,
    /// A fatal finding's first line.
    Failure,
    /// A launch event (shared launch parser).
    Launch,
    /// A phase marker.
    Marker,
    /// A non-fatal finding's first line, or the last of a repeated finding's events.
    Repeat,
}

impl TimelineKind {
    /// The serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            TimelineKind::Consequence => "consequence",
            TimelineKind::Failure => "failure",
            TimelineKind::Launch => "launch",
            TimelineKind::Marker => "marker",
            TimelineKind::Repeat => "repeat",
        }
    }
}

/// A file read.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq)]
pub struct FileSummary {
    /// Path as given.
    pub path: String,
    /// Bytes read.
    pub bytes: u64,
    /// Lines read.
    pub lines: u64,
    /// SGLang or vLLM, when the launch lines say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
}

/// The result of `perfpilot triage LOG…`.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq)]
pub struct TriageReport {
    /// The verdict: the class of the first fatal finding, else of the first degraded
    /// one, else `none`.
    pub class: ProblemClass,
    /// True when a fatal problem was found (exit status 1).
    pub fatal: bool,
    /// One sentence.
    pub headline: String,
    /// Independent problems, the first to occur first (fatal before degraded).
    pub findings: Vec<Finding>,
    /// Launch settings and memory facts (from the shared launch parser).
    pub launch: Vec<LaunchFact>,
    /// Key events in order.
    pub timeline: Vec<TimelineEntry>,
    /// Timeline rows left out (long logs keep the rows around the first failure).
    pub timeline_omitted: u64,
    /// What was checked.
    pub checked: Vec<String>,
    /// Files read.
    pub files: Vec<FileSummary>,
}

impl Report for TriageReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.triage/1"
    }

    fn check_failed(&self) -> bool {
        self.fatal
    }

    fn document(&self) -> Document {
        let mut doc = Document::new("Triage")
            .with_fact("class", self.class.as_str())
            .with_fact("verdict", self.headline.clone());
        for f in &self.files {
            let fw = f.framework.as_deref().unwrap_or("unknown framework");
            doc = doc.with_fact("log", format!("{} ({} lines, {fw})", f.path, f.lines));
        }
        for (n, f) in self.findings.iter().enumerate() {
            let mut s = Section::new(format!(
                "Finding {}: {} ({}, {} confidence {:.2})",
                n + 1,
                f.class,
                f.severity.as_str(),
                f.confidence_label,
                f.confidence
            ));
            let mut facts = vec![
                ("title".to_string(), f.title.clone()),
                ("first".to_string(), occurrence(&f.first)),
                ("phase".to_string(), f.phase.doing().to_string()),
            ];
            if f.ranks.len() > 1 {
                facts.push(("ranks".to_string(), f.ranks.join(", ")));
            }
            if f.occurrences > 1 {
                facts.push((
                    "occurrences".to_string(),
                    format!("{} lines, {} events", f.occurrences, f.events),
                ));
            }
            if let Some(sig) = &f.signature {
                facts.push(("signature".to_string(), sig.clone()));
            }
            s = s.with_facts(facts);
            let mut t = Table::new(&format!("signal-{}", f.id), ["line", "text"]).right(&["line"]);
            for l in &f.signal {
                t.push_row(
                    format!("{}:{}", l.file, l.line),
                    [format!("{}:{}", l.file, l.line), l.text.clone()],
                );
            }
            s = s.with_text("Strongest signal:").with_table(t);
            s = s.with_facts([
                ("best guess", f.guess.clone()),
                ("next step", f.next_step.clone()),
                ("production risk", f.risk.clone()),
            ]);
            if !f.causes.is_empty() {
                s = s.with_text("Usual root causes:").with_list(f.causes.clone());
            }
            if !f.ruled_out.is_empty() {
                s = s.with_text("Ruled out:").with_list(f.ruled_out.clone());
            }
            if !f.over_time.is_empty() {
                let mut t = Table::new(&format!("over-time-{}", f.id), ["minute", "events"])
                    .right(&["events"]);
                for m in &f.over_time {
                    t.push_row(m.minute.clone(), [m.minute.clone(), m.events.to_string()]);
                }
                s = s.with_text("Over time:").with_table(t);
            }
            if !f.facts.is_empty() {
                s = s.with_facts(f.facts.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            if !f.consequences.is_empty() {
                s = s.with_text("Consequences (not separate causes):").with_list(
                    f.consequences.iter().map(|c| format!("{}:{} {}", c.file, c.line, c.text)),
                );
            }
            if let Some(src) = &f.source {
                s = s.with_text(format!("Source: {src}"));
            }
            doc.push(s);
        }
        if self.findings.is_empty() {
            doc.push(Section::new("No failure found").with_text(self.headline.clone()));
        }
        if !self.launch.is_empty() {
            let mut t = Table::new("launch", ["setting", "value", "line"]).right(&["line"]);
            for f in &self.launch {
                let line = f.line.map(|l| l.to_string()).unwrap_or_default();
                t.push_row(format!("{}:{}", f.file, f.key), [f.key.clone(), f.value.clone(), line]);
            }
            doc.push(Section::new("Launch settings").with_table(t));
        }
        if !self.timeline.is_empty() {
            let mut t =
                Table::new("timeline", ["line", "time", "rank", "kind", "what"]).right(&["line"]);
            for e in &self.timeline {
                t.push_row(
                    e.id.clone(),
                    [
                        e.line.to_string(),
                        e.stamp.clone().unwrap_or_default(),
                        e.rank.clone(),
                        e.kind.as_str().to_string(),
                        e.what.clone(),
                    ],
                );
            }
            if self.timeline_omitted > 0 {
                t = t.with_footnote(format!("{} rows left out", self.timeline_omitted));
            }
            doc.push(Section::new("Timeline").with_table(t));
        }
        doc.push(Section::new("Checked").with_list(self.checked.clone()));
        doc
    }
}

fn occurrence(o: &Occurrence) -> String {
    let mut s = format!("{}:{} ({})", o.file, o.line, o.rank);
    if let Some(st) = &o.stamp {
        s.push_str(&format!(" at {st}"));
    }
    s
}
