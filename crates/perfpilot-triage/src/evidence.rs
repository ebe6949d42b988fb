//! Evidence when no signature decides: the traceback's frames (module, function, innermost
//! call), the text of a cut exception line, and arithmetic on the launch facts of the same file
//! (`# GPU blocks` x block size against the maximum model length). Rules are data
//! (`data/evidence.toml`, each with its source); the first rule that holds names the class,
//! the row says which evidence decided and which classes remain.

use std::path::Path;

use serde::Deserialize;

use crate::analyze::{FileIn, Group};
use crate::class::ProblemClass;
use crate::error::TriageError;
use crate::logs::record::Record;
use crate::report::{Finding, SignalLine};

/// The built-in rules.
const BUILTIN: &str = include_str!("../data/evidence.toml");

/// A finding whose confidence is below this is re-decided when a rule holds.
const WEAK: f64 = 0.5;

/// The launch checks a rule's `launch` may name.
const LAUNCH_CHECKS: &[&str] =
    &["blocks_below_max_len", "blocks_known", "no_blocks_yet", "weights_no_blocks"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    rule: Vec<toml::Spanned<Rule>>,
    /// Rules on the furthest phase a log without any failure record reached.
    #[serde(default)]
    last_phase: Vec<crate::inferred::PhaseRule>,
    /// Steps named by traceback frames, with their phase (see [`crate::undecided`]).
    #[serde(default)]
    frame_phase: Vec<crate::undecided::FramePhase>,
    /// The classes still possible for an undecided failure, per phase.
    #[serde(default)]
    undecided: Vec<crate::undecided::Candidates>,
    /// How the phase vocabulary places a failure (`[steps]`).
    #[serde(default)]
    steps: Option<crate::steps::StepsConfig>,
    /// The phase vocabulary: start-up and serving steps (`[[step]]`).
    #[serde(default)]
    step: Vec<crate::steps::Step>,
}

/// One evidence rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Rule {
    pub id: String,
    pub class: ProblemClass,
    pub confidence: f64,
    #[serde(default)]
    pub frames_any: Vec<String>,
    #[serde(default)]
    pub innermost: Vec<String>,
    /// Holds only when every frame shown (a frame cut mid-line aside) contains one of these.
    #[serde(default)]
    pub frames_all: Vec<String>,
    /// Fails when the innermost frame shown contains one of these.
    #[serde(default)]
    pub innermost_not: Vec<String>,
    /// Holds only when the innermost whole frame (a frame cut before its function name aside)
    /// contains one of these.
    #[serde(default)]
    pub innermost_whole: Vec<String>,
    #[serde(default)]
    pub text_any: Vec<String>,
    /// Holds only when a line after the record that follows from it (a consequence: the
    /// launcher's verdict on the failed start, a shutdown notice) contains one of these.
    #[serde(default)]
    pub after_any: Vec<String>,
    #[serde(default)]
    pub launch: Option<String>,
    /// Holds only for a record whose exception line is missing (a cut traceback).
    #[serde(default)]
    pub cut: bool,
    /// Classes of a confident signature this rule may still re-decide (an out-of-memory
    /// error the signatures could not place in a phase, placed by its frames).
    #[serde(default)]
    pub refines: Vec<ProblemClass>,
    pub why: String,
    #[serde(default)]
    pub others: Vec<String>,
    #[serde(default)]
    pub settle: String,
    pub source: String,
}

/// The rule set.
#[derive(Debug, Clone)]
pub(crate) struct Evidence {
    rules: Vec<Rule>,
    /// The `[[last_phase]]` rules (see [`crate::inferred`]).
    pub last_phase: Vec<crate::inferred::PhaseRule>,
    /// The `[[frame_phase]]` table.
    pub frame_phase: Vec<crate::undecided::FramePhase>,
    /// The `[[undecided]]` table.
    pub undecided: Vec<crate::undecided::Candidates>,
    /// The phase vocabulary (`[steps]`, `[[step]]`).
    pub steps: crate::steps::Steps,
}

impl Evidence {
    /// The embedded rules.
    pub fn builtin() -> Evidence {
        // The embedded file is checked by the tests; a broken build-time file yields no rules.
        Evidence::parse(BUILTIN, "<built-in evidence.toml>").unwrap_or(Evidence {
            rules: Vec::new(),
            last_phase: Vec::new(),
            frame_phase: Vec::new(),
            undecided: Vec::new(),
            steps: crate::steps::Steps::default(),
        })
    }

    /// The embedded rules, or `path`'s (`--evidence`), which replace them.
    pub fn load(path: Option<&Path>) -> Result<Evidence, TriageError> {
        match path {
            None => Ok(Evidence::builtin()),
            Some(p) => {
                let text =
                    perfpilot_io::read_to_string_bounded(p).map_err(|e| TriageError::read(p, e))?;
                Evidence::parse(&text, &p.display().to_string())
            }
        }
    }

    /// Parse and check an evidence file (`name` names it in errors, with the line).
    fn parse(text: &str, name: &str) -> Result<Evidence, TriageError> {
        let line_of = |at: usize| perfpilot_io::line_col(text, at).0;
        let bad = |line: usize, message: String| TriageError::Data {
            path: name.to_string(),
            message: format!("line {line}: {message}"),
        };
        let file: File = toml::from_str(text).map_err(|e| {
            bad(e.span().map_or(0, |s| line_of(s.start)), e.message().trim().to_string())
        })?;
        if file.version != 1 {
            return Err(bad(1, format!("version {} (expected 1)", file.version)));
        }
        let mut rules = Vec::with_capacity(file.rule.len());
        for spanned in file.rule {
            let line = line_of(spanned.span().start);
            let r = spanned.into_inner();
            if !(0.0..=1.0).contains(&r.confidence) {
                return Err(bad(
                    line,
                    format!("rule {}: confidence {} (expected 0 to 1)", r.id, r.confidence),
                ));
            }
            if let Some(l) = r.launch.as_deref().filter(|l| !LAUNCH_CHECKS.contains(l)) {
                return Err(bad(
                    line,
                    format!(
                        "rule {}: launch {l:?} (expected one of {})",
                        r.id,
                        LAUNCH_CHECKS.join(", ")
                    ),
                ));
            }
            if r.frames_any.is_empty()
                && r.frames_all.is_empty()
                && r.innermost.is_empty()
                && r.innermost_whole.is_empty()
                && r.text_any.is_empty()
                && r.after_any.is_empty()
                && r.launch.is_none()
            {
                return Err(bad(
                    line,
                    format!(
                        "rule {}: no condition (expected frames_any, frames_all, innermost, \
                         innermost_whole, text_any or launch)",
                        r.id
                    ),
                ));
            }
            rules.push(r);
        }
        Ok(Evidence {
            rules,
            last_phase: file.last_phase,
            frame_phase: file.frame_phase,
            undecided: file.undecided,
            steps: crate::steps::Steps::new(file.steps, file.step).map_err(|m| bad(1, m))?,
        })
    }

    /// Parse `text` as a user file; the error as text (for other modules' tests).
    #[cfg(test)]
    pub fn parse_for_test(text: &str) -> Result<(), String> {
        Evidence::parse(text, "e.toml").map(|_| ()).map_err(|e| e.to_string())
    }

    /// Re-decide a finding that no signature decided (`unknown`) or that only a weak guess
    /// matched, from its frames, its text and the launch facts.
    pub fn refine(&self, g: &Group<'_>, files: &[FileIn], f: &mut Finding) {
        let confident = f.class != ProblemClass::Unknown && f.confidence >= WEAK;
        let agg = g.lead().agg;
        let rec = &agg.record;
        let Some(file) = files.get(rec.file) else { return };
        let launch = Launch::of(file, rec.first_no());
        let found = self
            .rules
            .iter()
            .filter(|r| !confident || (r.refines.contains(&f.class) && r.confidence > f.confidence))
            .find_map(|r| holds(r, rec, &agg.before, &f.consequences, &launch).map(|d| (r, d)))
            .map(|(r, decided)| Verdict {
                id: r.id.clone(),
                class: r.class,
                confidence: r.confidence,
                why: r.why.clone(),
                others: r.others.clone(),
                settle: r.settle.clone(),
                source: r.source.clone(),
                decided,
                low_below_half: false,
            })
            .or_else(|| crate::steps::decide(&self.steps, rec, &agg.before, f));
        let Some(v) = found else {
            crate::undecided::fill(&self.frame_phase, &self.undecided, rec, f);
            return;
        };
        let line = &v.decided.text;
        if v.confidence <= f.confidence && f.class != ProblemClass::Unknown {
            return;
        }
        let before = f.class;
        f.class = v.class;
        f.confidence = v.confidence;
        f.confidence_label = v.label().to_string();
        f.title =
            format!("{} (inferred from evidence: {})", capitalise(v.class.description()), v.id);
        f.guess = format!("{}. {}", capitalise(&v.why), f.guess);
        f.signature = Some(format!("evidence:{}", v.id));
        f.source = Some(v.source.clone());
        f.facts.insert("decided_by".into(), format!("{} ({line})", v.id));
        if !v.others.is_empty() {
            f.facts.insert("still_possible".into(), v.others.join(", "));
        }
        if !v.settle.is_empty() {
            f.facts.insert("would_settle".into(), v.settle.clone());
        }
        if before != ProblemClass::Unknown {
            f.ruled_out.push(format!(
                "{before}: a weaker guess ({:.2}) than the evidence ({:.2})",
                g.lead().score(),
                v.confidence
            ));
        }
        f.id = format!(
            "{}-{}",
            f.class.as_str(),
            crate::logs::line::short_hash(&[
                f.signature.as_deref().unwrap_or(""),
                f.signal.first().map_or("", |s| s.text.as_str())
            ])
        );
        // The lines that decided lead the signal (the record's own lines follow): a launch
        // fact or a line before the record is the evidence an engineer would quote.
        lead_signal(&mut f.signal, &file.path, v.decided.lines);
    }
}

/// Put `lines` (line number, text) first in `signal`, each once.
fn lead_signal(signal: &mut Vec<SignalLine>, path: &str, lines: Vec<(u64, String)>) {
    let mut out: Vec<SignalLine> = Vec::with_capacity(lines.len() + signal.len());
    for (line, text) in lines {
        if !out.iter().any(|s| s.file == path && s.line == line) {
            out.push(SignalLine { file: path.to_string(), line, text: clip(text) });
        }
    }
    for s in signal.drain(..) {
        if !out.iter().any(|o| o.file == s.file && o.line == s.line) {
            out.push(s);
        }
    }
    *signal = out;
}

/// A signal text cut at 1,000 bytes (on a character boundary), as the record's own lines are.
fn clip(mut text: String) -> String {
    if text.len() > 1000 {
        let mut end = 1000;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Launch facts before a failure line.
struct Launch {
    /// The last weights-loaded line before the failure (line, text).
    weights: Option<(u64, String)>,
    /// `# GPU blocks`, its line and the line's text.
    gpu_blocks: Option<(u64, u64, String)>,
    block_size: u64,
    /// The maximum model length, its line and (when a launch event holds it) the line's text.
    max_len: Option<(u64, u64, Option<String>)>,
}

impl Launch {
    fn of(file: &FileIn, before: u64) -> Launch {
        use perfpilot_launchlog::EventKind;
        let log = &file.facts.launch;
        let mut gpu_blocks = None;
        let mut weights = None;
        for e in log.events.iter().filter(|e| e.line <= before.max(1)) {
            match e.event {
                EventKind::GpuBlocks { gpu_blocks: b, .. } => {
                    gpu_blocks = Some((b, e.line, e.raw.clone()));
                }
                EventKind::WeightsLoaded { .. } | EventKind::LoadWeightEnd { .. } => {
                    weights = Some((e.line, e.raw.clone()));
                }
                _ => {}
            }
        }
        let block_size = log.arg(&["block_size"]).and_then(|(v, _)| v.parse().ok()).unwrap_or(16);
        let text_at = |line: u64| {
            log.events
                .iter()
                .find(|e| e.line == line)
                .map(|e| e.raw.clone())
                .or_else(|| file.facts.tail.iter().find(|t| t.0 == line).map(|t| t.1.clone()))
        };
        let max_len = log
            .arg(&["max_model_len", "max_seq_len"])
            .and_then(|(v, l)| v.parse().ok().map(|v| (v, l, text_at(l))));
        Launch { weights, gpu_blocks, block_size, max_len }
    }
}

/// What an evidence rule or a step of the phase vocabulary decided.
pub(crate) struct Verdict {
    /// The rule or step id (`step:<id>` for a step).
    pub id: String,
    pub class: ProblemClass,
    pub confidence: f64,
    pub why: String,
    pub others: Vec<String>,
    pub settle: String,
    pub source: String,
    pub decided: Decided,
    /// Label a confidence below 0.5 `low` (steps' priors); rules keep `medium`.
    pub low_below_half: bool,
}

impl Verdict {
    /// The confidence label.
    fn label(&self) -> &'static str {
        if self.confidence >= 0.8 {
            "high"
        } else if self.low_below_half && self.confidence < 0.5 {
            "low"
        } else {
            "medium"
        }
    }
}

/// What decided a rule: a description (`line N: text`) and the lines (number, text) to show.
pub(crate) struct Decided {
    pub text: String,
    pub lines: Vec<(u64, String)>,
}

impl Decided {
    /// Decided by line `no`.
    pub fn line(no: u64, text: &str) -> Decided {
        Decided { text: format!("line {no}: {text}"), lines: vec![(no, text.to_string())] }
    }
}

/// Where a rule holds, what decided it.
fn holds(
    r: &Rule,
    rec: &Record,
    before: &[(u64, String)],
    after: &[SignalLine],
    launch: &Launch,
) -> Option<Decided> {
    if r.cut && rec.exception.is_some() {
        return None;
    }
    let after_line = if r.after_any.is_empty() {
        None
    } else {
        let a = after.iter().find(|a| r.after_any.iter().any(|p| a.text.contains(p.as_str())))?;
        Some((a.line, a.text.clone()))
    };
    let mut decided: Option<Decided> = None;
    let frame_line = |i: usize| {
        rec.frames.get(i).and_then(|f| rec.lines.get(f.at)).map(|l| Decided::line(l.no, &l.raw))
    };
    if !r.frames_any.is_empty() {
        let i = rec.frames.iter().position(|f| r.frames_any.iter().any(|p| f.text.contains(p)))?;
        decided = frame_line(i);
    }
    if !r.frames_all.is_empty() {
        // A frame cut mid-line (no function name yet) says nothing either way.
        let whole: Vec<usize> =
            (0..rec.frames.len()).filter(|&i| !rec.frames[i].func.is_empty()).collect();
        if whole.len() < 2
            || !whole.iter().all(|&i| r.frames_all.iter().any(|p| rec.frames[i].text.contains(p)))
        {
            return None;
        }
        if let Some(&i) = whole.last() {
            decided = frame_line(i);
        }
    }
    if !r.innermost_not.is_empty() {
        let last = rec.frames.last()?;
        if r.innermost_not.iter().any(|p| last.text.contains(p)) {
            return None;
        }
    }
    if !r.innermost.is_empty() {
        let last = rec.frames.last()?;
        if !r.innermost.iter().any(|p| last.text.contains(p)) {
            return None;
        }
        decided = frame_line(rec.frames.len() - 1);
    }
    if !r.innermost_whole.is_empty() {
        let i = rec.frames.iter().rposition(|f| !f.func.is_empty())?;
        let inside = |k: usize| r.innermost_whole.iter().any(|p| rec.frames[k].text.contains(p));
        if !inside(i) {
            return None;
        }
        // The caller that entered the chain (the line that says what was being done) leads.
        let first =
            (0..=i).rev().take_while(|&k| inside(k) || rec.frames[k].func.is_empty()).last();
        let caller = first.and_then(|k| k.checked_sub(1)).unwrap_or(i);
        let mut d = frame_line(caller)?;
        if caller != i {
            d.lines.extend(frame_line(i).map(|x| x.lines).unwrap_or_default());
        }
        decided = Some(d);
    }
    if !r.text_any.is_empty() {
        let has = |t: &str| {
            let t = t.trim_start();
            !t.starts_with("File ") && r.text_any.iter().any(|p| t.contains(p.as_str()))
        };
        // The record's own lines first, then the lines just before it (a worker's error
        // line naming the failing method, a coredump notice).
        let d = rec
            .lines
            .iter()
            .rev()
            .find(|l| has(&l.msg))
            .map(|l| Decided::line(l.no, &l.raw))
            .or_else(|| {
            before.iter().rev().find(|b| has(&b.1)).map(|b| Decided::line(b.0, &b.1))
        })?;
        decided = Some(d);
    }
    if let Some(check) = &r.launch {
        match check.as_str() {
            "blocks_known" => {
                let (_, line, text) = launch.gpu_blocks.as_ref()?;
                let d = decided.get_or_insert_with(|| Decided {
                    text: format!("line {line}: # GPU blocks"),
                    lines: Vec::new(),
                });
                d.lines.insert(0, (*line, text.clone()));
            }
            "no_blocks_yet" => {
                if launch.gpu_blocks.is_some() {
                    return None;
                }
            }
            "weights_no_blocks" => {
                let (line, text) = launch.weights.as_ref()?;
                if launch.gpu_blocks.is_some() {
                    return None;
                }
                let d = decided.get_or_insert_with(|| Decided {
                    text: format!("line {line}: weights loaded, no KV size yet"),
                    lines: Vec::new(),
                });
                d.lines.insert(0, (*line, text.clone()));
            }
            "blocks_below_max_len" => {
                let (blocks, bl, btext) = launch.gpu_blocks.as_ref()?;
                let (len, ll, ltext) = launch.max_len.as_ref()?;
                let tokens = blocks.checked_mul(launch.block_size)?;
                if tokens >= *len {
                    return None;
                }
                let mut lines = vec![(*bl, btext.clone())];
                lines.extend(ltext.as_ref().map(|t| (*ll, t.clone())));
                decided = Some(Decided {
                    text: format!(
                        "line {bl}: {blocks} GPU blocks x {} = {tokens} tokens < max length {len} (line {ll})",
                        launch.block_size
                    ),
                    lines,
                });
            }
            _ => return None,
        }
    }
    if let Some((no, text)) = after_line {
        let d = decided.get_or_insert_with(|| Decided::line(no, &text));
        if !d.lines.iter().any(|l| l.0 == no) {
            d.lines.push((no, text));
        }
    }
    decided.or(Some(Decided { text: String::new(), lines: Vec::new() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_files_are_checked_with_their_line() {
        let one =
            "version = 1\n\n[[rule]]\nid = \"x\"\nclass = \"port-in-use\"\nconfidence = 0.9\n";
        let tail = "why = \"w\"\nsource = \"s\"\n";
        let err = |t: &str| Evidence::parse(t, "e.toml").unwrap_err().to_string();
        let e = err(&format!("{one}launch = \"blocks_gone\"\n{tail}"));
        assert!(e.contains("e.toml") && e.contains("line 3") && e.contains("blocks_known"), "{e}");
        let e = err(&format!("{one}{tail}"));
        assert!(e.contains("line 3") && e.contains("no condition"), "{e}");
        let e = err(&format!("{one}textany = [\"a\"]\n{tail}"));
        assert!(e.contains("line 7") && e.contains("unknown field"), "{e}");
        let e = err("version = 1\n[[rule]]\nid = \"x\"\nclass = \"no-such-class\"\n");
        assert!(e.contains("line 4"), "{e}");
        let ok = Evidence::parse(&format!("{one}text_any = [\"a\"]\n{tail}"), "e.toml").unwrap();
        assert_eq!(ok.rules.len(), 1);
    }

    #[test]
    fn builtin_rules_parse_and_name_known_classes() {
        let f = Evidence::parse(BUILTIN, "evidence.toml").expect("evidence.toml parses");
        assert!(f.rules.len() >= 8);
        for r in &f.rules {
            assert!(!r.source.is_empty(), "{} has no source", r.id);
            assert!(r.confidence > 0.0 && r.confidence <= 1.0);
            for c in &r.refines {
                assert!(!matches!(c, ProblemClass::Unknown | ProblemClass::None), "{}", r.id);
            }
            assert!(
                !(r.frames_any.is_empty()
                    && r.frames_all.is_empty()
                    && r.innermost.is_empty()
                    && r.innermost_whole.is_empty()
                    && r.text_any.is_empty()
                    && r.launch.is_none()),
                "{} checks nothing",
                r.id
            );
            for o in &r.others {
                assert!(ProblemClass::ALL.iter().any(|c| c.as_str() == o), "{}: {o}", r.id);
            }
        }
    }
}
