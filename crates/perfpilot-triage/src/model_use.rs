//! Where the class model ([`crate::class_model`]) speaks: only when the rules name no class
//! (no finding, or an `unknown` lead). Its class comes with a low confidence (below every
//! rule's), its evidence is the candidate line(s) whose words favour that class most, and the
//! runner-up classes go in `still_possible` (in `model_runner_up` when the phase table already
//! filled `still_possible`).

use std::collections::{BTreeMap, BTreeSet};

use crate::class::{Phase, ProblemClass, Severity};
use crate::class_model::{ClassModel, MIN_LINES, MIN_POSTERIOR, candidate_lines, candidate_tokens};
use crate::report::{Finding, Occurrence, SignalLine};

/// A model decision's confidence is its posterior times this (0.35 at most: below the lowest
/// rule confidence, 0.4, and above the phase prior's 0.25 only when the posterior is high).
const CONFIDENCE_SCALE: f64 = 0.35;
/// Runner-up classes named in `still_possible` (at least this posterior).
const RUNNER_UP: f64 = 0.05;

/// The candidate lines of every file's end (file, line number, text), each with its tokens
/// (tokenised once), and the union of the tokens.
fn candidates(
    ends: &[(String, Vec<(u64, String)>)],
) -> (Vec<(SignalLine, Vec<String>)>, BTreeSet<String>) {
    let mut lines = Vec::new();
    let mut toks = BTreeSet::new();
    for (file, end) in ends {
        for i in candidate_lines(end) {
            let line_toks = candidate_tokens(&end[i].1);
            toks.extend(line_toks.iter().cloned());
            let line = SignalLine { file: file.clone(), line: end[i].0, text: end[i].1.clone() };
            lines.push((line, line_toks));
        }
    }
    (lines, toks)
}

/// Name a class for a log the rules leave without one: the lead finding, when `unknown`, takes
/// the model's class; with no finding, one is added. Nothing changes when the best posterior is
/// under [`MIN_POSTERIOR`] or fewer than [`MIN_LINES`] candidate lines hold a token the model
/// knows.
pub(crate) fn apply(
    model: &ClassModel,
    ends: &[(String, Vec<(u64, String)>)],
    findings: &mut Vec<Finding>,
) {
    if findings.first().is_some_and(|f| f.class != ProblemClass::Unknown) {
        return;
    }
    let (lines, toks) = candidates(ends);
    if model.known_lines(lines.iter().map(|l| l.1.as_slice())) < MIN_LINES {
        return;
    }
    let scores = model.scores(&toks);
    let Some(best) = scores.first().filter(|s| s.posterior >= MIN_POSTERIOR) else { return };
    let (class, post) = (best.class, best.posterior);
    let second = scores.get(1).map_or(class, |s| s.class);
    // The evidence: the line(s) whose words favour the class most over the runner-up.
    let mut weighed: Vec<(f64, &SignalLine)> =
        lines.iter().map(|(l, t)| (model.line_weight(t, class, second), l)).collect();
    weighed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.line.cmp(&b.1.line)));
    let top = weighed.first().map_or(0.0, |w| w.0);
    let signal: Vec<SignalLine> = weighed
        .iter()
        .filter(|w| w.0 > 0.0 && w.0 >= top / 2.0)
        .take(2)
        .map(|w| w.1.clone())
        .collect();
    let Some(first_line) = signal.first().cloned() else { return };
    let others: Vec<String> = scores[1..]
        .iter()
        .filter(|s| s.posterior >= RUNNER_UP)
        .map(|s| format!("{} ({:.2})", s.class.as_str(), s.posterior))
        .collect();
    let mut facts = BTreeMap::new();
    facts.insert(
        "decided_by".to_string(),
        format!(
            "class-model:{} (posterior {post:.2} over the words of {} candidate line(s); no rule \
             names a class)",
            class.as_str(),
            lines.len()
        ),
    );
    facts.insert("model_posterior".to_string(), format!("{post:.3}"));
    facts.insert("inferred".to_string(), "true".to_string());
    if !others.is_empty() {
        facts.insert("still_possible".to_string(), others.join(", "));
    }
    let c = ((post * CONFIDENCE_SCALE) * 100.0).round() / 100.0;
    let title = format!(
        "{} (named by the class model from the words of the error lines; no rule matched)",
        class.description()
    );
    match findings.first_mut() {
        Some(f) => {
            f.class = class;
            f.confidence = c;
            f.confidence_label = "low".into();
            f.signature = Some(format!("class-model:{}", class.as_str()));
            f.title = title;
            // The record's own lines (the exception the rules found) stay first: they are the
            // failure; the model's lines say why the class.
            let mut keep: Vec<SignalLine> = f.signal.clone();
            for l in signal {
                if !keep.iter().any(|k| k.file == l.file && k.line == l.line) {
                    keep.push(l);
                }
            }
            f.signal = keep;
            // The phase table's list (what the phase leaves possible) stays; the model's
            // runner-ups go beside it.
            if f.facts.contains_key("still_possible")
                && let Some(o) = facts.remove("still_possible")
            {
                facts.insert("model_runner_up".to_string(), o);
            }
            f.facts.extend(facts);
        }
        None => findings.push(Finding {
            id: format!(
                "{}-{}",
                class.as_str(),
                crate::logs::line::short_hash(&["class-model", &first_line.text])
            ),
            class,
            severity: Severity::Fatal,
            signature: Some(format!("class-model:{}", class.as_str())),
            title,
            confidence: c,
            confidence_label: "low".into(),
            signal,
            guess: format!(
                "No rule matched; the words of the error lines are most like those of {} logs in \
                 the labelled corpus.",
                class.as_str()
            ),
            causes: Vec::new(),
            ruled_out: Vec::new(),
            next_step: format!(
                "Read the signal line(s) and confirm or rule out {}; `still_possible` lists the \
                 runner-up classes.",
                class.as_str()
            ),
            risk: "A guess from words, not a matched rule: confirm before acting.".into(),
            source: Some("data/class_model.tsv (trained on the labelled failure corpus)".into()),
            phase: Phase::Unknown,
            first: Occurrence::unranked(first_line.file.clone(), first_line.line),
            ranks: vec!["all".to_string()],
            occurrences: 1,
            events: 1,
            over_time: Vec::new(),
            facts,
            consequences: Vec::new(),
        }),
    }
}
