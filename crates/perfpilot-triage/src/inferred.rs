//! A log with no failure record at all (an excerpt cut before the error, a paste of the start-up
//! only): reason from the furthest start-up phase it reached, the way an engineer reads a log
//! that stops mid-capture. Rules are data (`[[last_phase]]` in `data/evidence.toml`, each with
//! its source); the finding says it is inferred, which classes remain and what would settle it.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::analyze::FileIn;
use crate::catalogue::Catalogue;
use crate::class::{Phase, ProblemClass, Severity};
use crate::launch;
use crate::report::{Finding, Occurrence, SignalLine};

/// One rule on the furthest phase a log reached (`[[last_phase]]`, read with the evidence
/// file, so `--evidence` replaces these too).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PhaseRule {
    id: String,
    class: ProblemClass,
    confidence: f64,
    phases: Vec<Phase>,
    #[serde(default)]
    min_rank: Option<u32>,
    /// One of the file's last gated lines contains one of these (what the server did last).
    #[serde(default)]
    tail_any: Vec<String>,
    /// Holds only when the log shows no CUDA-graph capture progress (a capture that was
    /// advancing batch by batch when the excerpt ends is not taken as failing).
    #[serde(default)]
    no_capture_progress: bool,
    why: String,
    #[serde(default)]
    others: Vec<String>,
    #[serde(default)]
    settle: String,
    source: String,
}

/// How far one file got.
struct Reached {
    file: usize,
    phase: Phase,
    line: u64,
    text: String,
    rank: String,
    max_rank: Option<u32>,
    tail: Vec<(u64, String)>,
    capture_progress: bool,
}

/// The furthest phase of each file, with the line that reached it.
fn reached(cat: &Catalogue, files: &[FileIn]) -> Vec<Reached> {
    let mut out = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let mut best: Option<(Phase, u64, String, String)> = None;
        let mut max_rank: Option<u32> = None;
        let capture_progress = f
            .facts
            .launch
            .events
            .iter()
            .any(|e| matches!(e.event, perfpilot_launchlog::EventKind::CaptureProgress { .. }));
        for e in &f.facts.launch.events {
            let r = [e.rank.tp, e.rank.worker].into_iter().flatten().max();
            max_rank = max_rank.max(r);
            if let Some(p) = launch::event_phase(&e.event)
                && best.as_ref().is_none_or(|b| p > b.0)
            {
                best = Some((
                    p,
                    e.line,
                    launch::event_summary(&e.event).unwrap_or_else(|| "launch event".to_string()),
                    e.rank.label(),
                ));
            }
        }
        for m in &f.facts.markers {
            let mk = &cat.markers[m.marker];
            if best.as_ref().is_none_or(|b| mk.phase > b.0) {
                best = Some((mk.phase, m.no, format!("{}: {}", mk.label, m.msg), m.rank.clone()));
            }
        }
        if let Some((phase, line, text, rank)) = best {
            let tail = f.facts.tail.clone();
            out.push(Reached {
                file: i,
                phase,
                line,
                text,
                rank,
                max_rank,
                tail,
                capture_progress,
            });
        }
    }
    out
}

/// The inferred finding for logs that hold no failure record, when a rule holds.
pub(crate) fn infer(cat: &Catalogue, files: &[FileIn], rules: &[PhaseRule]) -> Option<Finding> {
    let all = reached(cat, files);
    let max_rank = all.iter().filter_map(|r| r.max_rank).max();
    // The file that got furthest decides (ties: the first).
    let far = all.iter().fold(None::<&Reached>, |b, r| match b {
        Some(b) if b.phase >= r.phase => Some(b),
        _ => Some(r),
    })?;
    let (rule, tail) = rules.iter().find_map(|r| {
        let ok = r.phases.contains(&far.phase)
            && r.min_rank.is_none_or(|m| max_rank.is_some_and(|x| x >= m))
            && !(r.no_capture_progress && far.capture_progress);
        if !ok {
            return None;
        }
        if r.tail_any.is_empty() {
            return Some((r, None));
        }
        far.tail
            .iter()
            .rev()
            .find(|(_, t)| r.tail_any.iter().any(|p| t.contains(p.as_str())))
            .map(|l| (r, Some(l)))
    })?;
    Some(finding(rule, far, tail, max_rank, files))
}

fn finding(
    rule: &PhaseRule,
    far: &Reached,
    tail: Option<&(u64, String)>,
    max_rank: Option<u32>,
    files: &[FileIn],
) -> Finding {
    let path = files.get(far.file).map_or(String::new(), |f| f.path.clone());
    let mut facts = BTreeMap::new();
    let (line, text) = tail.map_or((far.line, far.text.as_str()), |(n, t)| (*n, t.as_str()));
    facts.insert(
        "decided_by".to_string(),
        format!("{} (line {line}: {text}; no failure record after it)", rule.id),
    );
    facts.insert("inferred".to_string(), "true".to_string());
    facts.insert("phase".to_string(), far.phase.as_str().to_string());
    if let Some(m) = max_rank.filter(|_| rule.min_rank.is_some()) {
        facts.insert("highest_rank".to_string(), m.to_string());
    }
    if !rule.others.is_empty() {
        facts.insert("still_possible".to_string(), rule.others.join(", "));
    }
    if !rule.settle.is_empty() {
        facts.insert("would_settle".to_string(), rule.settle.clone());
    }
    let mut signal =
        vec![SignalLine { file: path.clone(), line: far.line, text: far.text.clone() }];
    if line != far.line {
        signal.push(SignalLine { file: path.clone(), line, text: text.to_string() });
        signal.sort_by_key(|s| s.line);
    }
    let id = format!(
        "{}-{}",
        rule.class.as_str(),
        crate::logs::line::short_hash(&[&format!("inferred:{}", rule.id), &far.text])
    );
    let c = rule.confidence;
    Finding {
        id,
        class: rule.class,
        severity: Severity::Degraded,
        signature: Some(format!("inferred:{}", rule.id)),
        title: format!(
            "No failure record; inferred from the last phase reached ({}): {}",
            far.phase.as_str(),
            rule.class.description()
        ),
        confidence: (c * 100.0).round() / 100.0,
        confidence_label: if c >= 0.5 { "medium" } else { "low" }.to_string(),
        signal,
        guess: format!(
            "Inferred, not read: {}. The log gets as far as {} and ends there.",
            rule.why,
            far.phase.doing()
        ),
        causes: Vec::new(),
        ruled_out: Vec::new(),
        next_step: format!(
            "Get the rest of the log: {}.",
            if rule.settle.is_empty() { "the failure line" } else { &rule.settle }
        ),
        risk: "Unconfirmed: the log shows no failure; the class is the likeliest one for where \
               it stops."
            .to_string(),
        source: Some(rule.source.clone()),
        phase: far.phase,
        first: Occurrence { file: path, line: far.line, rank: far.rank.clone(), stamp: None },
        ranks: vec![far.rank.clone()],
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

    #[test]
    fn last_phase_rules_parse_with_sources() {
        let f = crate::evidence::Evidence::load(None).expect("evidence.toml parses");
        assert!(f.last_phase.len() >= 2);
        for r in &f.last_phase {
            assert!(!r.source.is_empty() && !r.phases.is_empty(), "{}", r.id);
            for o in &r.others {
                assert!(ProblemClass::ALL.iter().any(|c| c.as_str() == o), "{}: {o}", r.id);
            }
        }
    }
}
