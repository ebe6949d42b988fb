//! Like with like: which pass of each side the layer-type table compares. Passes match by
//! stage (the step annotation's, else an overlapping annotation's, else the file path's),
//! then by batch size where the step annotations name it; when no stage has a pass with
//! layers on both sides, nothing is compared and the match says why.

use schemars::JsonSchema;
use serde::Serialize;

use crate::analysis::stage::Stage;
use crate::layers::Sliced;
use crate::layers::passes::PassRules;
use crate::layers::report::PassRow;
use crate::layers::tables::{choose_steady, pass_rows};

/// The passes the layer-type table compares, or why it compares none.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PassMatch {
    /// Stage of the compared passes (`extend`, `decode`; `all` = neither side's passes
    /// name a stage); absent when nothing is compared.
    pub stage: Option<String>,
    /// The BEFORE pass compared (index in time order).
    pub before_pass: Option<usize>,
    /// The AFTER pass compared.
    pub after_pass: Option<usize>,
    /// Batch size of the BEFORE pass, when its step annotation names it.
    pub before_batch: Option<u64>,
    /// Batch size of the AFTER pass.
    pub after_batch: Option<u64>,
    /// How the passes were chosen, or why no pass is compared.
    pub note: String,
}

/// One pass of one side, as the matcher sees it.
#[derive(Debug, Clone)]
pub(crate) struct PassFacts {
    row: PassRow,
    /// The pass's stage (`All` when nothing names one).
    pub stage: Stage,
    batch: Option<u64>,
}

/// Stage and batch of every pass of `s`.
pub(crate) fn pass_facts(s: &Sliced, rules: &PassRules) -> Vec<PassFacts> {
    let from_path = Stage::from_path(&s.path);
    pass_rows(s)
        .into_iter()
        .map(|row| {
            let stage = match row.stage.as_str() {
                "extend" => Stage::Extend,
                "decode" => Stage::Decode,
                _ => from_path,
            };
            let batch = row.step.as_deref().and_then(|n| rules.batch_of(n));
            PassFacts { row, stage, batch }
        })
        .collect()
}

/// Passes of `stage` on one side (every pass for `All` only when the filter is `All`).
pub(crate) fn count_in(facts: &[PassFacts], stage: Stage) -> usize {
    facts.iter().filter(|f| stage == Stage::All || f.stage == stage).count()
}

fn with_layers(facts: &[PassFacts], stage: Stage) -> Vec<&PassFacts> {
    facts.iter().filter(|f| f.stage == stage && f.row.layers.is_some()).collect()
}

fn steady<'a>(cands: &[&'a PassFacts]) -> Option<&'a PassFacts> {
    let rows: Vec<PassRow> = cands.iter().map(|f| f.row.clone()).collect();
    let idx = choose_steady(&rows).0?;
    cands.iter().copied().find(|f| f.row.index == idx)
}

fn census(facts: &[PassFacts]) -> String {
    let mut parts = Vec::new();
    for st in [Stage::Extend, Stage::Decode, Stage::All] {
        let n = facts.iter().filter(|f| f.stage == st).count();
        let l = facts.iter().filter(|f| f.stage == st && f.row.layers.is_some()).count();
        if n > 0 {
            let name = if st == Stage::All { "unknown-stage" } else { st.as_str() };
            parts.push(format!("{n} {name} ({l} with layers)"));
        }
    }
    if parts.is_empty() { "no passes".into() } else { parts.join(", ") }
}

/// Choose the compared passes. `want` is `--stage`; with `All` the stage of BEFORE's
/// steady-state pass is tried first, then decode, extend and unknown.
pub(crate) fn match_passes(b: &[PassFacts], a: &[PassFacts], want: Stage) -> PassMatch {
    let order: Vec<Stage> = if want == Stage::All {
        let all: Vec<&PassFacts> = b.iter().filter(|f| f.row.layers.is_some()).collect();
        let first = steady(&all).map(|f| f.stage);
        let mut v: Vec<Stage> = first.into_iter().collect();
        for s in [Stage::Decode, Stage::Extend, Stage::All] {
            if !v.contains(&s) {
                v.push(s);
            }
        }
        v
    } else {
        vec![want]
    };
    for stage in order {
        let (cb, ca) = (with_layers(b, stage), with_layers(a, stage));
        let Some(pb) = steady(&cb) else { continue };
        let same_batch: Vec<&PassFacts> =
            ca.iter().copied().filter(|f| pb.batch.is_some() && f.batch == pb.batch).collect();
        let Some(pa) = steady(if same_batch.is_empty() { &ca } else { &same_batch }) else {
            continue;
        };
        let stage_name = if stage == Stage::All { "unknown-stage" } else { stage.as_str() };
        let mut note = format!(
            "the steady-state {stage_name} pass of each side (BEFORE pass {} of {}, AFTER pass {} of {})",
            pb.row.index,
            b.len(),
            pa.row.index,
            a.len()
        );
        match (pb.batch, pa.batch) {
            (Some(x), Some(y)) if x == y => note.push_str(&format!("; batch {x} on both")),
            (Some(x), Some(y)) => note.push_str(&format!(
                "; batch sizes differ ({x} vs {y}, no AFTER pass of batch {x}): per-layer times include the batch change"
            )),
            _ => note.push_str("; batch size not named by the step annotations"),
        }
        if stage == Stage::All {
            note.push_str(
                "; neither side's passes name a stage, so prefill and decode cannot be told apart",
            );
        }
        return PassMatch {
            stage: Some(stage.as_str().to_string()),
            before_pass: Some(pb.row.index),
            after_pass: Some(pa.row.index),
            before_batch: pb.batch,
            after_batch: pa.batch,
            note,
        };
    }
    let scope = if want == Stage::All { String::new() } else { format!(" {}", want.as_str()) };
    let unsliced: Vec<&str> = [("BEFORE", b), ("AFTER", a)]
        .into_iter()
        .filter(|(_, f)| f.iter().all(|p| p.row.layers.is_none()))
        .map(|(side, _)| side)
        .collect();
    let why = if unsliced.is_empty() {
        format!("no{scope} pass of the same stage with layers on both sides")
    } else {
        format!("no pass of {} slices into layers", unsliced.join(" or "))
    };
    PassMatch {
        stage: None,
        before_pass: None,
        after_pass: None,
        before_batch: None,
        after_batch: None,
        note: format!(
            "{why} (BEFORE: {}; AFTER: {}): per-layer-type times are not compared",
            census(b),
            census(a)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::passes::PassSource;

    fn pass(index: usize, stage: Stage, batch: Option<u64>, dur: i64) -> PassFacts {
        PassFacts {
            row: PassRow {
                id: format!("pass-{index}"),
                index,
                source: PassSource::StepAnnotation,
                step: None,
                stage: stage.as_str().into(),
                start_ns: 0,
                end_ns: dur,
                duration_ns: dur,
                kernels: 10,
                kernel_time_ns: dur,
                layers: Some(4),
                prologue_kernels: 0,
                prologue_ns: 0,
                epilogue_kernels: 0,
                epilogue_ns: 0,
                layers_ns: dur,
                note: String::new(),
            },
            stage,
            batch,
        }
    }

    #[test]
    fn prefill_is_never_compared_with_decode() {
        let b = [pass(0, Stage::Extend, Some(1), 900)];
        let a = [pass(0, Stage::Decode, Some(32), 100)];
        let m = match_passes(&b, &a, Stage::All);
        assert_eq!(m.stage, None);
        assert!(m.note.contains("1 extend (1 with layers)"), "{}", m.note);
        assert!(m.note.contains("1 decode (1 with layers)"), "{}", m.note);
        let m = match_passes(&b, &a, Stage::Decode);
        assert!(m.note.starts_with("no decode pass"), "{}", m.note);
        let mut none = a[0].clone();
        none.row.layers = None;
        let m = match_passes(&b, &[none], Stage::All);
        assert!(m.note.starts_with("no pass of AFTER slices into layers"), "{}", m.note);
    }

    #[test]
    fn stage_then_batch_choose_the_after_pass() {
        let b = [pass(0, Stage::Extend, Some(4), 900), pass(1, Stage::Decode, Some(32), 100)];
        let a = [
            pass(0, Stage::Decode, Some(16), 80),
            pass(1, Stage::Extend, Some(4), 950),
            pass(2, Stage::Decode, Some(32), 110),
        ];
        let m = match_passes(&b, &a, Stage::Decode);
        assert_eq!((m.before_pass, m.after_pass), (Some(1), Some(2)));
        assert!(m.note.contains("batch 32 on both"), "{}", m.note);
        let m = match_passes(&b, &a, Stage::Extend);
        assert_eq!((m.before_pass, m.after_pass), (Some(0), Some(1)));
        let a = [pass(0, Stage::Decode, Some(16), 80)];
        let m = match_passes(&b, &a, Stage::All);
        assert_eq!((m.stage.as_deref(), m.after_pass), (Some("decode"), Some(0)));
        assert!(m.note.contains("batch sizes differ (32 vs 16"), "{}", m.note);
    }
}
