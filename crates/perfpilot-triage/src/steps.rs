//! Phase inference: the start-up or serving step a failure happened in, read the way an
//! engineer reads a cut paste — from the innermost traceback frame that names a step (the
//! engines' own function names), else from a worker's error line naming the method it ran
//! (`while processing method load_model`), else from the last progress line before the
//! failure (`Loading safetensors checkpoint shards`, `torch.compile takes`, `Capturing CUDA
//! graphs`), else (for an out-of-memory text only) from the launch phase. The step then decides:
//!
//! - an out-of-memory error (its message possibly cut) by the step's `oom` class (weights,
//!   profiling, KV sizing, graph capture, warm-up, serving), also re-placing a signature that
//!   could only say "out of memory, phase not visible" (`[steps] oom_refines`);
//! - a traceback cut before its exception line by the step's most usual failure (`cut`, first
//!   class), at a stated low confidence, with the other classes still possible and the line
//!   that would separate them.
//!
//! The vocabulary is data (`[steps]` and `[[step]]` in `data/evidence.toml`, each step with the
//! engine files it was read from); it is tried only after every evidence rule.

use serde::Deserialize;

use crate::class::{Phase, ProblemClass};
use crate::evidence::{Decided, Verdict};
use crate::logs::record::{Kind, Part, Record};
use crate::report::Finding;

/// A finding below this confidence is a weak guess a step may re-decide.
const WEAK: f64 = 0.5;

/// How steps decide (`[steps]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StepsConfig {
    /// Texts that make a failure an out-of-memory error, also when its message is cut.
    pub oom_text: Vec<String>,
    /// Signatures that name an out-of-memory error without a phase: a step re-places them.
    #[serde(default)]
    pub oom_refines: Vec<String>,
    /// Confidence of an out-of-memory error placed by the record's own frames or method.
    pub oom_confidence: f64,
    /// Confidence of a cut traceback's step prior, placed by its own frames or method.
    pub cut_confidence: f64,
    /// Subtracted when the step comes from the lines before the record or the launch phase.
    pub inferred_penalty: f64,
    /// Where the out-of-memory texts were read.
    pub source: String,
}

/// One start-up or serving step (`[[step]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Step {
    /// Stable id (`evidence:step:<id>`).
    pub id: String,
    /// The launch phase the step belongs to (its first step is the phase's default).
    pub phase: Phase,
    /// Frame texts (`path:line in func | code`) that name the step.
    #[serde(default)]
    pub frames_any: Vec<String>,
    /// Texts of a worker's error line that name the method it was running.
    #[serde(default)]
    pub method_any: Vec<String>,
    /// Progress lines printed while the step runs (or just before it).
    #[serde(default)]
    pub progress_any: Vec<String>,
    /// Round 25: words of a sentence that state the failure happened in this step (prose that
    /// quotes the error: `fails during graph capture with …`), read on the record's own lines
    /// and the lines just before it.
    #[serde(default)]
    pub stated_any: Vec<String>,
    /// The class of an out-of-memory error in this step.
    #[serde(default)]
    pub oom: Option<ProblemClass>,
    /// The classes of a traceback cut in this step, most usual first.
    #[serde(default)]
    pub cut: Vec<ProblemClass>,
    /// What the step does, said in the finding.
    pub why: String,
    /// The line that would separate the cut classes.
    #[serde(default)]
    pub settle: String,
    /// The engine files the names were read from.
    pub source: String,
}

/// The checked vocabulary.
#[derive(Debug, Clone, Default)]
pub(crate) struct Steps {
    config: Option<StepsConfig>,
    steps: Vec<Step>,
}

impl Steps {
    /// Check a vocabulary read from an evidence file.
    pub fn new(config: Option<StepsConfig>, steps: Vec<Step>) -> Result<Steps, String> {
        if config.is_none() && !steps.is_empty() {
            return Err("[[step]] entries without a [steps] table".into());
        }
        if let Some(c) = &config {
            for (name, v) in [
                ("oom_confidence", c.oom_confidence),
                ("cut_confidence", c.cut_confidence),
                ("inferred_penalty", c.inferred_penalty),
            ] {
                if !(0.0..=1.0).contains(&v) {
                    return Err(format!("[steps] {name} {v} (expected 0 to 1)"));
                }
            }
            if c.oom_text.iter().any(|t| t.is_empty()) {
                return Err("[steps] oom_text holds an empty text".into());
            }
        }
        for s in &steps {
            if s.frames_any.is_empty()
                && s.method_any.is_empty()
                && s.progress_any.is_empty()
                && s.stated_any.is_empty()
            {
                return Err(format!(
                    "step {}: nothing names it (expected frames_any, method_any or progress_any)",
                    s.id
                ));
            }
            if s.oom.is_none() && s.cut.is_empty() {
                return Err(format!("step {}: decides nothing (expected oom or cut)", s.id));
            }
            let bad = |c: &ProblemClass| matches!(c, ProblemClass::Unknown | ProblemClass::None);
            if s.cut.iter().any(bad) || s.oom.as_ref().is_some_and(bad) {
                return Err(format!("step {}: unknown / none is not a class to decide", s.id));
            }
            if [&s.frames_any, &s.method_any, &s.progress_any, &s.stated_any]
                .iter()
                .any(|l| l.iter().any(|p| p.is_empty()))
            {
                return Err(format!("step {}: an empty pattern", s.id));
            }
        }
        Ok(Steps { config, steps })
    }

    /// The steps (for the tests).
    #[cfg(test)]
    pub fn all(&self) -> &[Step] {
        &self.steps
    }
}

/// Where a step was found: the deciding line, whether it is the record's own evidence, and
/// whether only the launch phase named it.
struct Located<'a> {
    step: &'a Step,
    decided: Decided,
    own: bool,
    by_phase: bool,
}

/// A step's list of phrases of one kind (the method a line names, the phase a sentence states).
type PatternsOf = dyn Fn(&Step) -> &Vec<String>;

/// The step of a record: innermost frame naming one, else a method named by the record's own
/// lines or the lines just before it, else a sentence stating the step (own lines, then the
/// lines just before), else the last progress line before it, else the phase.
fn locate<'a>(
    steps: &'a [Step],
    rec: &Record,
    before: &[(u64, String)],
    phase: Phase,
) -> Option<Located<'a>> {
    for fr in rec.frames.iter().rev() {
        if let Some(step) =
            steps.iter().find(|s| s.frames_any.iter().any(|p| fr.text.contains(p.as_str())))
        {
            let line = rec.lines.get(fr.at)?;
            return Some(Located {
                step,
                decided: Decided::line(line.no, &line.raw),
                own: true,
                by_phase: false,
            });
        }
    }
    let named = |t: &str, pats: &PatternsOf| {
        steps.iter().find(|s| pats(s).iter().any(|p| t.contains(p.as_str())))
    };
    let own_lines = || {
        rec.lines
            .iter()
            .filter(|l| matches!(l.part, Part::Text | Part::Exception | Part::Header))
            .map(|l| (l.no, l.msg.as_str(), l.raw.as_str()))
    };
    // The method a line names, then what the sentence itself says of the phase (prose quoting
    // the error): each in the failure's own lines first, then in the lines just before it.
    let said: [&PatternsOf; 2] = [&|s| &s.method_any, &|s| &s.stated_any];
    for pats in said {
        let own = own_lines().find_map(|(no, msg, raw)| Some((named(msg, pats)?, no, raw)));
        let near =
            || before.iter().rev().find_map(|(no, t)| Some((named(t, pats)?, *no, t.as_str())));
        if let Some((step, no, raw)) = own.or_else(near) {
            return Some(Located {
                step,
                decided: Decided::line(no, raw),
                own: true,
                by_phase: false,
            });
        }
    }
    for (no, text) in before.iter().rev() {
        if let Some(step) = named(text, &|s| &s.progress_any) {
            return Some(Located {
                step,
                decided: Decided::line(*no, text),
                own: false,
                by_phase: false,
            });
        }
    }
    // A start-up phase names no single step (arguments, imports, sockets, distributed set-up).
    if matches!(phase, Phase::Unknown | Phase::Start) {
        return None;
    }
    let step = steps.iter().find(|s| s.phase == phase)?;
    let decided = Decided { text: format!("launch phase {}", phase.as_str()), lines: Vec::new() };
    Some(Located { step, decided, own: false, by_phase: true })
}

/// The line of the record (or just before it) that says out of memory, if any.
fn oom_line(cfg: &StepsConfig, rec: &Record, before: &[(u64, String)]) -> Option<(u64, String)> {
    let has = |t: &str| cfg.oom_text.iter().any(|p| t.contains(p.as_str()));
    rec.lines
        .iter()
        .filter(|l| matches!(l.part, Part::Text | Part::Exception | Part::Header))
        .find(|l| has(&l.msg))
        .map(|l| (l.no, l.raw.clone()))
        .or_else(|| before.iter().rev().find(|b| has(&b.1)).cloned())
}

/// What the phase vocabulary decides for a finding no evidence rule decided: an out-of-memory
/// error placed by its step, or a cut traceback's most usual failure in its step.
pub(crate) fn decide(
    s: &Steps,
    rec: &Record,
    before: &[(u64, String)],
    f: &Finding,
) -> Option<Verdict> {
    let cfg = s.config.as_ref()?;
    if rec.kind == Kind::PySpy {
        return None;
    }
    let weak = f.class == ProblemClass::Unknown || f.confidence < WEAK;
    let refinable =
        f.signature.as_deref().is_some_and(|id| cfg.oom_refines.iter().any(|r| r == id));
    if !weak && !refinable {
        return None;
    }
    let at = locate(&s.steps, rec, before, f.phase)?;
    let penalty = if at.own { 0.0 } else { cfg.inferred_penalty };
    let step = at.step;
    let by_phase = at.by_phase;
    let mut decided = at.decided;
    if let (Some(line), Some(class)) = (oom_line(cfg, rec, before), step.oom) {
        if class == f.class {
            return None;
        }
        if !decided.lines.iter().any(|l| l.0 == line.0) {
            decided.lines.insert(0, line);
        }
        return Some(Verdict {
            id: format!("step:{}:oom", step.id),
            class,
            confidence: cfg.oom_confidence - penalty,
            why: format!("an out-of-memory error in step `{}`: {}", step.id, step.why),
            others: Vec::new(),
            settle: String::new(),
            source: format!("{}; {}", step.source, cfg.source),
            decided,
            low_below_half: true,
        });
    }
    let first = step.cut.first()?;
    // A cut traceback is guessed from its own frames or the lines just before it; the launch
    // phase alone (the log was serving) is too thin: the `[[undecided]]` candidates say more.
    if f.class != ProblemClass::Unknown || rec.kind != Kind::Incomplete || by_phase {
        return None;
    }
    // The line right before a cut traceback introduces it (`Engine background task failed`,
    // `Scheduler hit an exception`): it is what an engineer quotes with the step's frame.
    if let Some(intro) = before.last().filter(|b| b.0 + 1 == rec.first_no())
        && !decided.lines.iter().any(|l| l.0 == intro.0)
    {
        decided.lines.push(intro.clone());
    }
    Some(Verdict {
        id: format!("step:{}", step.id),
        class: *first,
        confidence: cfg.cut_confidence - penalty,
        why: format!(
            "the traceback is cut in step `{}` ({}); the usual failure there is {}",
            step.id,
            step.why,
            first.description()
        ),
        others: step.cut.iter().skip(1).map(|c| c.as_str().to_string()).collect(),
        settle: step.settle.clone(),
        source: step.source.clone(),
        decided,
        low_below_half: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_vocabulary_parses_with_sources() {
        let e = crate::evidence::Evidence::builtin();
        let steps = e.steps.all();
        assert!(steps.len() >= 8, "{} steps", steps.len());
        for s in steps {
            assert!(!s.source.is_empty() && !s.why.is_empty(), "{}", s.id);
            if s.cut.len() > 1 {
                assert!(!s.settle.is_empty(), "{}: classes remain, no settling line", s.id);
            }
        }
        for p in [Phase::Load, Phase::Kv, Phase::Capture, Phase::Serve] {
            assert!(steps.iter().any(|s| s.phase == p), "no step for phase {}", p.as_str());
        }
    }

    #[test]
    fn bad_vocabularies_are_refused() {
        let cfg = "[steps]\noom_text = [\"out of memory\"]\noom_confidence = 0.7\n\
                   cut_confidence = 0.4\ninferred_penalty = 0.1\nsource = \"s\"\n";
        let step = "[[step]]\nid = \"x\"\nphase = \"load\"\nwhy = \"w\"\nsource = \"s\"\n";
        let parse = |t: &str| {
            let t = format!(
                "version = 1\n[[rule]]\nid = \"r\"\nclass = \"port-in-use\"\nconfidence = 0.5\n\
                 text_any = [\"a\"]\nwhy = \"w\"\nsource = \"s\"\n{t}"
            );
            crate::evidence::Evidence::parse_for_test(&t).err().unwrap_or_default()
        };
        assert!(parse(&format!("{step}frames_any = [\"f\"]\n")).contains("[steps]"));
        assert!(parse(&format!("{cfg}{step}oom = \"oom-weights\"\n")).contains("nothing names"));
        assert!(parse(&format!("{cfg}{step}frames_any = [\"f\"]\n")).contains("decides nothing"));
        assert!(
            parse(&format!("{cfg}{step}frames_any = [\"f\"]\ncut = [\"unknown\"]\n"))
                .contains("not a class")
        );
        assert!(
            parse(&format!("{cfg}{step}frames_any = [\"f\"]\ncut = [\"oom-weights\"]\n"))
                .is_empty()
        );
    }
}
