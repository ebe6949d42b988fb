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
    let classes: Vec<&str> = c.classes.iter().map(|c| c.as_str()).collect();
    f.facts.insert("still_possible".into(), classes.join(", "));
    f.facts.insert("would_settle".into(), c.settle.clone());
    f.facts.insert("undecided_phase".into(), format!("{} (from {from})", phase.as_str()));
    if f.source.is_none() {
        f.source = Some(c.source.clone());
    }
}

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
