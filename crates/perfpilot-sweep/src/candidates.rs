//! Candidate design and command rendering.
//!
//! * Baseline: the base flags alone.
//! * Stage 1: one-at-a-time, every search-space key, every value that differs from the
//!   base (plan order), until `max_candidates_per_framework` (baseline included).
//! * Stage 2: a 2-level factorial (base value / best stage-1 value) over the keys whose
//!   stage-1 change made the objective FASTER than the baseline beyond noise (verdict of
//!   `perfpilot-stats`), largest combinations first, within what is left of the budget.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::plan::{FlagValue, Framework};

/// Why a candidate exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Base flags only.
    Baseline,
    /// One search-space key changed.
    OneAtATime,
    /// Several significant keys changed together.
    Factorial,
}

/// One planned server configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Candidate {
    /// Framework name.
    pub framework: String,
    /// Stable id within the framework (`baseline`, `max_num_seqs=64`, `a=1+b=2`).
    pub id: String,
    /// Design stage.
    pub stage: Stage,
    /// Keys changed from the base flags.
    pub changes: Vec<(String, FlagValue)>,
    /// Why it exists.
    pub reason: String,
    /// Effective flags (base with the changes), before host/port.
    pub flags: Vec<(String, FlagValue)>,
}

/// A key found significant in stage 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Significant {
    /// The key.
    pub key: String,
    /// Its best stage-1 value.
    pub value: FlagValue,
    /// Objective ratio best / baseline (higher is better).
    pub gain: f64,
}

fn id_of(changes: &[(String, FlagValue)]) -> String {
    if changes.is_empty() {
        return "baseline".into();
    }
    changes
        .iter()
        .map(|(k, v)| {
            let label: String = v
                .label()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || "._-=,[]".contains(c) { c } else { '_' })
                .collect();
            format!("{k}={label}")
        })
        .collect::<Vec<_>>()
        .join("+")
}

fn apply(
    base: &[(String, FlagValue)],
    changes: &[(String, FlagValue)],
) -> Vec<(String, FlagValue)> {
    let mut flags = base.to_vec();
    for (k, v) in changes {
        match flags.iter_mut().find(|(fk, _)| fk == k) {
            Some(slot) => slot.1 = v.clone(),
            None => flags.push((k.clone(), v.clone())),
        }
    }
    flags
}

fn base_value<'a>(fw: &'a Framework, key: &str) -> Option<&'a FlagValue> {
    fw.base_flags.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Baseline and stage 1 within `budget` candidates; the second list names stage-1
/// changes left out by the budget.
pub fn stage1(fw: &Framework, budget: usize) -> (Vec<Candidate>, Vec<String>) {
    let mut out = vec![Candidate {
        framework: fw.name.clone(),
        id: "baseline".into(),
        stage: Stage::Baseline,
        changes: Vec::new(),
        reason: "baseline: base_server_flags only".into(),
        flags: fw.base_flags.clone(),
    }];
    let mut dropped = Vec::new();
    for (key, values) in &fw.search_space {
        for v in values {
            if base_value(fw, key) == Some(v) {
                continue;
            }
            let changes = vec![(key.clone(), v.clone())];
            let id = id_of(&changes);
            if out.iter().any(|c| c.id == id) {
                continue;
            }
            if out.len() >= budget.max(1) {
                dropped.push(id);
                continue;
            }
            let from = base_value(fw, key).map(FlagValue::label).unwrap_or_else(|| "unset".into());
            out.push(Candidate {
                framework: fw.name.clone(),
                reason: format!("stage 1: one-at-a-time change of {key} ({from} -> {})", v.label()),
                flags: apply(&fw.base_flags, &changes),
                id,
                stage: Stage::OneAtATime,
                changes,
            });
        }
    }
    (out, dropped)
}

/// Stage 2: the factorial over `significant` keys (at least two), largest combinations
/// first, skipping ids in `done`, at most `room` candidates.
pub fn stage2(
    fw: &Framework,
    significant: &[Significant],
    done: &[String],
    room: usize,
) -> Vec<Candidate> {
    let k = significant.len().min(12);
    if k < 2 {
        return Vec::new();
    }
    let mut masks: Vec<u32> = (1u32..(1 << k)).filter(|m| m.count_ones() >= 2).collect();
    // Largest combinations first; among equals, the ones holding the biggest gains.
    masks.sort_by_key(|m| (std::cmp::Reverse(m.count_ones()), std::cmp::Reverse(m.reverse_bits())));
    let mut out = Vec::new();
    for m in masks {
        if out.len() >= room {
            break;
        }
        let chosen: Vec<&Significant> =
            (0..k).filter(|i| m & (1 << i) != 0).map(|i| &significant[i]).collect();
        let changes: Vec<(String, FlagValue)> =
            chosen.iter().map(|s| (s.key.clone(), s.value.clone())).collect();
        let id = id_of(&changes);
        if done.contains(&id) {
            continue;
        }
        let why = chosen
            .iter()
            .map(|s| format!("{}={} (x{:.3})", s.key, s.value.label(), s.gain))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(Candidate {
            framework: fw.name.clone(),
            reason: format!(
                "stage 2: factorial of stage-1 changes that were FASTER beyond noise: {why}"
            ),
            flags: apply(&fw.base_flags, &changes),
            id,
            stage: Stage::Factorial,
            changes,
        });
    }
    out
}

/// The rule stage 2 follows, as printed by `render` and `--dry-run`.
pub fn stage2_rule(fw: &Framework, budget: usize, stage1_len: usize) -> String {
    format!(
        "stage 2 ({}): after stage 1 is measured, the keys whose one-at-a-time change is FASTER \
         than the baseline beyond noise (perfpilot-stats bootstrap verdict on per-request E2E \
         latency at the shared `upper` probe, in any scenario) are combined at their best value \
         in a 2-level factorial (largest combinations first); {} of {budget} candidate slots are left",
        fw.name,
        budget.saturating_sub(stage1_len)
    )
}

/// The flags that go on the command line for `flags` (host/port keys removed; the
/// orchestrator adds its own).
pub fn render_flags(fw: &Framework, flags: &[(String, FlagValue)]) -> Vec<String> {
    let style = fw.rules.flag_style;
    let norm = |s: &str| s.trim_start_matches('-').replace('-', "_");
    let (host, port) = (norm(&fw.rules.host_flag), norm(&fw.rules.port_flag));
    let mut out = Vec::new();
    for (k, v) in flags {
        let nk = norm(k);
        if nk == host || nk == port {
            continue;
        }
        push_flag(&mut out, &style.flag(k), v);
    }
    out
}

fn push_flag(out: &mut Vec<String>, flag: &str, v: &FlagValue) {
    match v {
        FlagValue::Bool(true) => out.push(flag.to_string()),
        FlagValue::Bool(false) | FlagValue::Null => {}
        FlagValue::Text(s) => {
            out.push(flag.to_string());
            out.push(s.clone());
        }
        FlagValue::List(items) => {
            for i in items {
                push_flag(out, flag, i);
            }
        }
    }
}

/// The full argv of a candidate listening on `host:port`.
pub fn argv(
    fw: &Framework,
    model: &str,
    flags: &[(String, FlagValue)],
    host: &str,
    port: u16,
) -> Vec<String> {
    let mut out = fw.command.clone();
    let has_model_flag = fw
        .rules
        .model_flag_key
        .as_ref()
        .is_some_and(|k| flags.iter().any(|(fk, v)| fk == k && *v != FlagValue::Null));
    match fw.rules.model_arg.as_str() {
        "positional" => out.push(model.to_string()),
        "none" => {}
        f if !has_model_flag => {
            out.push(f.trim_start_matches("flag:").to_string());
            out.push(model.to_string());
        }
        _ => {}
    }
    out.extend(render_flags(fw, flags));
    let style = fw.rules.flag_style;
    out.push(style.flag(&fw.rules.host_flag));
    out.push(host.to_string());
    out.push(style.flag(&fw.rules.port_flag));
    out.push(port.to_string());
    out
}

/// The id of the stage-1 candidate changing `key` to `value`.
pub fn stage1_id(key: &str, value: &FlagValue) -> String {
    id_of(&[(key.to_string(), value.clone())])
}
