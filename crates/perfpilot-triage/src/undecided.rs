//! A failure that neither a signature nor an evidence rule decides: instead of a bare `unknown`,
//! say which classes remain in the phase it happened in and which line would settle them. The
//! phase comes from the launch lines before the record or, when the log shows none (a pasted
//! traceback alone), from the traceback's own frames (`[[frame_phase]]`: the innermost frame
//! that names a start-up or serving step). Both tables are data in `data/evidence.toml`, each
//! entry with its source.

use serde::Deserialize;

use crate::class::{Phase, ProblemClass};
use crate::logs::record::Record;
use crate::report::Finding;

/// A start-up or serving step named by a traceback frame (`[[frame_phase]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FramePhase {
    /// The phase the step belongs to.
    pub phase: Phase,
    /// Frame texts (`path:line in func | code`) that name the step.
    pub frames_any: Vec<String>,
    /// Where the step order was read (checked by the tests; not shown).
    #[cfg_attr(not(test), allow(dead_code))]
    pub source: String,
}

/// The classes still possible for an undecided failure in some phases (`[[undecided]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Candidates {
    /// The phases the entry covers.
    pub phases: Vec<Phase>,
    /// The classes still possible there, most usual first.
    pub classes: Vec<ProblemClass>,
    /// The line that would separate them.
    pub settle: String,
    /// Where the failure modes of the phase were read.
    pub source: String,
    /// How often each class is the hand label of a scored corpus log whose verdict falls in these
    /// phases (round 9): the fallback picks the most frequent of `classes`, if any counts.
    #[serde(default)]
    pub prior: Vec<PriorCount>,
    /// Where the counts were taken (the labels and the run that placed each log in a phase).
    #[serde(default)]
    pub prior_source: String,
}

/// One class's count in a phase's prior.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PriorCount {
    /// The class.
    pub class: ProblemClass,
    /// How many labelled logs of the phase have it.
    pub count: u32,
}

impl Candidates {
    /// The candidate the prior makes most likely (its count and the phase's total), if any of
    /// them counts; a tie keeps the order of `classes`.
    fn most_likely(&self) -> Option<(ProblemClass, u32, u32)> {
        let total = self.prior.iter().map(|p| p.count).sum();
        let count =
            |c: &ProblemClass| self.prior.iter().find(|p| p.class == *c).map_or(0, |p| p.count);
        let best = self.classes.iter().map(count).max().filter(|n| *n > 0)?;
        let pick = self.classes.iter().find(|c| count(c) == best)?;
        Some((*pick, best, total))
    }
}

/// The phase the innermost frame that names a step belongs to.
pub(crate) fn phase_of_frames(table: &[FramePhase], rec: &Record) -> Option<(Phase, u64)> {
    rec.frames.iter().rev().find_map(|f| {
        let t = table.iter().find(|t| t.frames_any.iter().any(|p| f.text.contains(p.as_str())))?;
        Some((t.phase, rec.lines.get(f.at).map_or(0, |l| l.no)))
    })
}

/// Fill `still_possible` and `would_settle` of an `unknown` finding from the entry for its
/// phase (the launch phase, else the phase its frames name). A finding that already says what
/// remains, or whose phase is unknown either way, is left as it is.
pub(crate) fn fill(frames: &[FramePhase], table: &[Candidates], rec: &Record, f: &mut Finding) {
    if f.class != ProblemClass::Unknown || f.facts.contains_key("still_possible") {
        return;
    }
    let (phase, from) = match f.phase {
        Phase::Unknown | Phase::Start => match phase_of_frames(frames, rec) {
            Some((p, line)) => (p, format!("frames (line {line})")),
            None if f.phase == Phase::Start => (Phase::Start, "launch lines".to_string()),
            None => return,
        },
        p => (p, "launch lines".to_string()),
    };
    let Some(c) = table.iter().find(|c| c.phases.contains(&phase)) else { return };
    // Only for a traceback cut before its exception line: an exception the catalogue does not
    // know is evidence against every candidate, not for the most frequent one.
    let pick = c.most_likely().filter(|_| rec.exception.is_none());
    let classes: Vec<&str> = c
        .classes
        .iter()
        .filter(|k| pick.is_none_or(|(p, _, _)| p != **k))
        .map(|c| c.as_str())
        .collect();
    f.facts.insert("still_possible".into(), classes.join(", "));
    f.facts.insert("would_settle".into(), c.settle.clone());
    f.facts.insert("undecided_phase".into(), format!("{} (from {from})", phase.as_str()));
    if f.source.is_none() {
        f.source = Some(c.source.clone());
    }
    // The fallback (round 9): no line decides, so the class most often behind a failure of this
    // phase is named, at low confidence, with the others kept.
    if let Some((class, n, total)) = pick {
        f.class = class;
        f.confidence = PRIOR_CONFIDENCE;
        f.confidence_label = "low".into();
        f.signature = Some(format!("evidence:prior:{}", phase.as_str()));
        f.title = format!(
            "{} (most likely for the phase; no line of the log shows the class)",
            class.description()
        );
        f.facts.insert(
            "decided_by".into(),
            format!(
                "prior:{} ({n} of {total} labelled corpus logs of this phase are {})",
                phase.as_str(),
                class.as_str()
            ),
        );
        f.source = Some(format!("{}; prior: {}", c.source, c.prior_source));
        f.id = format!(
            "{}-{}",
            class.as_str(),
            crate::logs::line::short_hash(&[
                f.signature.as_deref().unwrap_or(""),
                f.signal.first().map_or("", |s| s.text.as_str())
            ])
        );
    }
}

/// The confidence of a class named by the phase's prior alone.
const PRIOR_CONFIDENCE: f64 = 0.25;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_tables_name_every_phase_once() {
        let e = crate::evidence::Evidence::builtin();
        assert!(!e.frame_phase.is_empty() && !e.undecided.is_empty());
        for p in Phase::ALL.iter().filter(|p| **p != Phase::Unknown) {
            let n = e.undecided.iter().filter(|c| c.phases.contains(p)).count();
            assert_eq!(n, 1, "phase {} is covered {n} times", p.as_str());
        }
        for c in &e.undecided {
            assert!(!c.source.is_empty() && !c.settle.is_empty() && c.classes.len() >= 2);
            assert!(!c.classes.contains(&ProblemClass::Unknown));
        }
        for t in &e.frame_phase {
            assert!(!t.source.is_empty() && !t.frames_any.is_empty());
        }
    }
}
