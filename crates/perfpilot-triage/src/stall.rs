//! A hang read from what is absent: a log that stops on progress, heartbeat or wait lines with
//! no error or exit after them. The scanner keeps the last bytes of every file whole (gated or
//! not); these rules read its last lines once, at the end, and only for a report that holds no
//! finding (a log that ends in an error is decided by that error). Line kinds and rules are data
//! (`data/stall.toml`, each rule with its source).

use std::collections::BTreeMap;

use regex::Regex;
use serde::Deserialize;

use crate::class::{Phase, ProblemClass, Severity};
use crate::report::{Finding, Occurrence, SignalLine};

const BUILTIN: &str = include_str!("../data/stall.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    window: usize,
    kinds: KindsDef,
    rule: Vec<Rule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KindsDef {
    progress: Vec<String>,
    arrival: Vec<String>,
    wait: Vec<String>,
    idle_thread: String,
    thread: String,
    stuck: Vec<String>,
    end: Vec<String>,
}

/// One rule on how a log ends.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    id: String,
    kind: Kind,
    /// The class the rule gives (`hang` unless named).
    #[serde(default = "hang")]
    class: ProblemClass,
    severity: Severity,
    /// `begun`: a line that starts something, and the lines that show it ended.
    #[serde(default)]
    begun: Vec<String>,
    #[serde(default)]
    done: Vec<String>,
    /// `repeats`: the line a component prints each time it waited its interval without a
    /// result (a client's poll timing out, a stats line with requests running and nothing
    /// produced).
    #[serde(default)]
    repeats: Vec<String>,
    /// `begun`: the start line must be the file's last line.
    #[serde(default)]
    last_line: bool,
    /// Also when the only findings are unclassified (`unknown`): an abort printed after the
    /// evidence is its consequence, not another failure.
    #[serde(default)]
    over_unknown: bool,
    confidence: f64,
    #[serde(default)]
    min_usage: Option<f64>,
    #[serde(default)]
    min_count: Option<usize>,
    why: String,
    #[serde(default)]
    others: Vec<String>,
    settle: String,
    source: String,
}

/// What a rule looks for at the end of a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Stuck,
    Wait,
    Saturated,
    Arrivals,
    Begun,
    Repeats,
}

/// The compiled line kinds and rules.
#[derive(Debug)]
pub(crate) struct Stall {
    window: usize,
    progress: Vec<Regex>,
    arrival: Vec<Regex>,
    wait: Vec<Regex>,
    idle_thread: Regex,
    thread: Regex,
    stuck: Vec<Regex>,
    end: Vec<Regex>,
    rules: Vec<(Rule, Vec<Regex>, Vec<Regex>)>,
}

fn hang() -> ProblemClass {
    ProblemClass::Hang
}

fn compile(pats: &[String], name: &str) -> Result<Vec<Regex>, String> {
    pats.iter().map(|p| Regex::new(p).map_err(|e| format!("{name}: {p:?}: {e}"))).collect()
}

impl Stall {
    /// Parse a stall file (`version = 1`) named `name` in errors; errors name the file, the
    /// line (TOML errors) or the rule and pattern.
    pub fn parse(text: &str, name: &str) -> Result<Stall, String> {
        let f: File = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
        if f.version != 1 {
            return Err(format!("{name}: unsupported version {} (expected 1)", f.version));
        }
        for r in &f.rule {
            if !(0.0..=1.0).contains(&r.confidence) || r.source.is_empty() {
                return Err(format!(
                    "{name}: rule {}: expected a confidence in 0..1 and a source",
                    r.id
                ));
            }
        }
        let k = &f.kinds;
        let one = |p: &str| Regex::new(p).map_err(|e| format!("{name}: {p:?}: {e}"));
        Ok(Stall {
            window: f.window.max(1),
            progress: compile(&k.progress, name)?,
            arrival: compile(&k.arrival, name)?,
            wait: compile(&k.wait, name)?,
            idle_thread: one(&k.idle_thread)?,
            thread: one(&k.thread)?,
            stuck: compile(&k.stuck, name)?,
            end: compile(&k.end, name)?,
            rules: f
                .rule
                .into_iter()
                .map(|r| {
                    // `repeats` rules keep their own lines where `begun` rules keep theirs.
                    let first = if r.kind == Kind::Repeats { &r.repeats } else { &r.begun };
                    let (b, d) = (compile(first, name)?, compile(&r.done, name)?);
                    Ok((r, b, d))
                })
                .collect::<Result<_, String>>()?,
        })
    }

    /// The embedded rules, compiled once (checked by the tests; a broken build-time file yields
    /// none).
    pub fn builtin() -> Option<&'static Stall> {
        static BUILT: std::sync::OnceLock<Option<Stall>> = std::sync::OnceLock::new();
        BUILT.get_or_init(|| Stall::parse(BUILTIN, "stall.toml").ok()).as_ref()
    }

    /// The rules of `--stall-rules FILE` (`None`: the embedded ones are used).
    pub fn load(path: Option<&std::path::Path>) -> Result<Option<Stall>, crate::TriageError> {
        let Some(p) = path else { return Ok(None) };
        let text =
            perfpilot_io::read_to_string_bounded(p).map_err(|e| crate::TriageError::read(p, e))?;
        let name = p.display().to_string();
        match Stall::parse(&text, &name) {
            Ok(s) => Ok(Some(s)),
            Err(m) => {
                // The error names the file once (`data file PATH: …`).
                let message = m.strip_prefix(&format!("{name}: ")).unwrap_or(&m).to_string();
                Err(crate::TriageError::Data { path: name, message })
            }
        }
    }
}

/// The last complete lines of a file from the end bytes the scanner kept: (line number, text).
/// `lines` is the file's line count, `whole` whether the bytes are the whole file.
pub(crate) fn end_lines(end: &[u8], lines: u64, whole: bool) -> Vec<(u64, String)> {
    let text = String::from_utf8_lossy(end);
    let mut parts: Vec<&str> = text.split('\n').collect();
    if text.ends_with('\n') {
        parts.pop();
    }
    if !whole && !parts.is_empty() {
        // The first piece may be the end of a longer line.
        parts.remove(0);
    }
    let n = parts.len() as u64;
    let first = lines.saturating_sub(n) + 1;
    parts
        .iter()
        .enumerate()
        .map(|(i, t)| (first + i as u64, t.trim_end_matches('\r').to_string()))
        .collect()
}

/// What the last lines of one file show, each kind's last line (index into the window).
#[derive(Default)]
struct Seen {
    progress: Option<usize>,
    usage: Option<f64>,
    arrivals_after_progress: usize,
    wait: Option<usize>,
    stuck: Option<usize>,
    end: Option<usize>,
}

fn any(res: &[Regex], t: &str) -> bool {
    res.iter().any(|r| r.is_match(t))
}

impl Stall {
    fn read(&self, lines: &[(u64, String)]) -> Seen {
        let mut s = Seen::default();
        let mut idle = false;
        for (i, (_, t)) in lines.iter().enumerate() {
            if self.thread.is_match(t) {
                idle = self.idle_thread.is_match(t);
                continue;
            }
            if let Some(c) = self.progress.iter().find_map(|r| r.captures(t)) {
                s.progress = Some(i);
                s.usage = c.name("usage").and_then(|u| u.as_str().parse().ok());
                s.arrivals_after_progress = 0;
            } else if any(&self.arrival, t) {
                s.arrivals_after_progress += 1;
            } else if !idle && any(&self.wait, t) {
                s.wait = Some(i);
            } else if any(&self.stuck, t) {
                s.stuck = Some(i);
            } else if any(&self.end, t) {
                s.end = Some(i);
            }
        }
        s
    }

    /// The line a rule holds on, if it holds for these last lines.
    fn holds(
        &self,
        (r, begun, done): &(Rule, Vec<Regex>, Vec<Regex>),
        s: &Seen,
        lines: &[(u64, String)],
    ) -> Option<usize> {
        let after = |i: usize| s.end.is_none_or(|e| e < i);
        let last_arrival = || lines.iter().rposition(|(_, t)| any(&self.arrival, t));
        match r.kind {
            Kind::Stuck => s.stuck,
            Kind::Wait => s.wait.filter(|&i| after(i)),
            Kind::Saturated => s
                .progress
                .filter(|&i| after(i) && s.usage.is_some_and(|u| u >= r.min_usage.unwrap_or(1.0))),
            Kind::Arrivals => (s.arrivals_after_progress >= r.min_count.unwrap_or(2))
                .then(last_arrival)
                .flatten()
                .filter(|&i| after(i)),
            Kind::Begun => {
                let i = lines.iter().rposition(|(_, t)| any(begun, t))?;
                let rest = &lines[i + 1..];
                let ended = rest.iter().any(|(_, t)| any(done, t) || any(&self.end, t));
                (after(i) && !ended && (!r.last_line || rest.is_empty())).then_some(i)
            }
            Kind::Repeats => {
                // The rule's lines after the last progress line that is not one of them; no
                // end line after the last.
                let own = |t: &str| any(begun, t);
                let start = lines
                    .iter()
                    .rposition(|(_, t)| !own(t) && any(&self.progress, t))
                    .map_or(0, |p| p + 1);
                let rest = &lines[start..];
                let count = rest.iter().filter(|(_, t)| own(t)).count();
                let i = start + rest.iter().rposition(|(_, t)| own(t))?;
                (count >= r.min_count.unwrap_or(1) && after(i)).then_some(i)
            }
        }
    }

    /// The hang finding for the first file whose end a rule reads, if any.
    /// `only_unknown`: the report's findings are all unclassified (else it has none).
    pub(crate) fn infer(
        &self,
        files: &[(String, Vec<(u64, String)>)],
        only_unknown: bool,
    ) -> Option<Finding> {
        for (path, all) in files {
            let lines = &all[all.len().saturating_sub(self.window)..];
            let seen = self.read(lines);
            for r in self.rules.iter().filter(|r| !only_unknown || r.0.over_unknown) {
                if let Some(i) = self.holds(r, &seen, lines) {
                    return Some(finding(&r.0, path, &lines[i], lines.last()));
                }
            }
        }
        None
    }
}

fn finding(rule: &Rule, path: &str, at: &(u64, String), last: Option<&(u64, String)>) -> Finding {
    let mut facts = BTreeMap::new();
    let last_no = last.map_or(at.0, |l| l.0);
    facts.insert(
        "decided_by".to_string(),
        format!(
            "stall:{} (line {}: {}; the log ends at line {last_no} with no error or exit after it)",
            rule.id, at.0, at.1
        ),
    );
    facts.insert("inferred".to_string(), "true".to_string());
    if !rule.others.is_empty() {
        facts.insert("still_possible".to_string(), rule.others.join(", "));
    }
    facts.insert("would_settle".to_string(), rule.settle.clone());
    let mut signal = vec![SignalLine { file: path.to_string(), line: at.0, text: at.1.clone() }];
    if let Some(l) = last.filter(|l| l.0 != at.0) {
        signal.push(SignalLine { file: path.to_string(), line: l.0, text: l.1.clone() });
    }
    let c = rule.confidence;
    Finding {
        id: format!(
            "{}-{}",
            rule.class.as_str(),
            crate::logs::line::short_hash(&[&format!("stall:{}", rule.id), &at.1])
        ),
        class: rule.class,
        severity: rule.severity,
        signature: Some(format!("stall:{}", rule.id)),
        title: format!("The log stops without an error: {}", rule.class.description()),
        confidence: (c * 100.0).round() / 100.0,
        confidence_label: if c >= 0.75 {
            "high"
        } else if c >= 0.5 {
            "medium"
        } else {
            "low"
        }
        .to_string(),
        signal,
        guess: format!("Read from how the log ends: {}.", rule.why),
        causes: Vec::new(),
        ruled_out: Vec::new(),
        next_step: format!("Confirm it: {}.", rule.settle),
        risk: "Requests stop completing while the process stays up; health checks may pass."
            .to_string(),
        source: Some(rule.source.clone()),
        phase: Phase::Unknown,
        first: Occurrence::unranked(path, at.0),
        ranks: vec!["all".to_string()],
        occurrences: 1,
        events: 1,
        over_time: Vec::new(),
        facts,
        consequences: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(t: &str) -> Vec<(u64, String)> {
        end_lines(t.as_bytes(), t.lines().count() as u64, true)
    }

    fn decide(t: &str) -> Option<String> {
        let s = Stall::builtin().expect("stall.toml parses");
        s.infer(&[("x.log".to_string(), lines(t))], false).map(|f| f.signature.unwrap_or_default())
    }

    #[test]
    fn builtin_rules_parse_with_sources() {
        let s = Stall::parse(BUILTIN, "stall.toml").expect("stall.toml parses");
        assert!(s.rules.len() >= 5);
        for (r, _, _) in &s.rules {
            for o in &r.others {
                assert!(ProblemClass::ALL.iter().any(|c| c.as_str() == o), "{}: {o}", r.id);
            }
        }
        let v2 = BUILTIN.replacen("version = 1", "version = 2", 1);
        let Err(e) = Stall::parse(&v2, "user.toml") else { panic!("version 2 is refused") };
        assert!(e.starts_with("user.toml: unsupported version 2"), "{e}");
        let Err(e) = Stall::parse("version = 1\n[kinds\n", "user.toml") else {
            panic!("bad TOML is refused")
        };
        assert!(e.starts_with("user.toml: ") && e.contains("line 2"), "{e}");
    }

    #[test]
    fn end_lines_are_numbered_from_the_end() {
        let got = end_lines(b"cut line\nb\nc\n", 10, false);
        assert_eq!(got, vec![(9, "b".to_string()), (10, "c".to_string())]);
        assert_eq!(end_lines(b"a\nb", 2, true)[0], (1, "a".to_string()));
    }

    #[test]
    fn an_error_after_the_evidence_wins() {
        let wait = "Thread 1 (active): \"MainThread\"\n    recv_object (distributed/parallel_state.py:1050)\n    event_loop_pp (scheduler_pp_mixin.py:95)\n";
        assert_eq!(decide(wait).as_deref(), Some("stall:ends-waiting"));
        let failed = format!("{wait}RuntimeError: NCCL error: unhandled cuda error\n");
        assert_eq!(decide(&failed), None);
        // Idle threads always wait.
        assert_eq!(decide("Thread 2 (idle): \"Thread-1\"\n    wait (threading.py:359)\n"), None);
    }

    #[test]
    fn healthy_decode_is_not_a_hang() {
        let d = "[TP0] Decode batch. #running-req: 3, #token: 900, token usage: 0.10, gen throughput (token/s): 90.1\n";
        assert_eq!(decide(d), None);
        let full = d.replace("0.10", "0.97");
        assert_eq!(decide(&full).as_deref(), Some("stall:ends-at-full-kv"));
    }
}
