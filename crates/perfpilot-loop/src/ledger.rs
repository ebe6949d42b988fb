//! The ledgers, rewritten atomically from `state.json` after every change (so a crash
//! never leaves a torn line): `attempts.jsonl`, `failed-directions.jsonl`,
//! `lineage.jsonl`, `findings.jsonl`; and the drift-recovery prompt.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::LoopError;
use crate::plan::Plan;
use crate::state::{Outcome, State};

/// The drift-recovery prompt's file name.
pub const DRIFT_PROMPT: &str = "drift-recovery-prompt.md";

fn write_jsonl(dir: &Path, name: &str, rows: Vec<serde_json::Value>) -> Result<(), LoopError> {
    let file = dir.join(name);
    let mut text = String::new();
    for r in rows {
        text.push_str(&r.to_string());
        text.push('\n');
    }
    perfpilot_io::write_output(&file, text.as_bytes()).map_err(|e| LoopError::io(&file, e))
}

/// Rewrite every ledger from `state`.
pub fn write_ledgers(dir: &Path, state: &State) -> Result<(), LoopError> {
    let attempts = state
        .rounds
        .iter()
        .map(|r| {
            json!({
                "round": r.round, "commit": r.commit, "subject": r.subject,
                "outcome": r.outcome, "drift_recovery": r.drift_recovery, "reasons": r.reasons,
                "median": r.measurement.as_ref().map(|m| m.median),
                "vs_best_change_pct": r.vs_best.as_ref().map(|c| c.change_pct),
                "vs_best_verdict": r.vs_best.as_ref().map(|c| c.verdict),
            })
        })
        .collect();
    write_jsonl(dir, "attempts.jsonl", attempts)?;
    let failed = state
        .rounds
        .iter()
        .filter(|r| r.outcome != Outcome::Advanced)
        .map(|r| {
            json!({
                "round": r.round, "commit": r.commit, "tried": r.subject,
                "outcome": r.outcome, "why": r.reasons,
                "evidence": {
                    "vs_best": r.vs_best, "boundary_violations": r.boundary_violations,
                    "failed_tests": r.tests.iter().filter(|t| !t.ok).collect::<Vec<_>>(),
                },
            })
        })
        .collect();
    write_jsonl(dir, "failed-directions.jsonl", failed)?;
    let mut lineage = vec![json!({
        "candidate": state.baseline.commit, "parent": null, "round": 0, "verdict": "BASELINE",
        "median": state.baseline.measurement.median, "cv": state.baseline.measurement.spread.cv,
        "selected": true,
    })];
    lineage.extend(state.rounds.iter().map(|r| {
        json!({
            "candidate": r.commit, "parent": r.parent, "round": r.round, "verdict": r.outcome,
            "median": r.measurement.as_ref().map(|m| m.median),
            "cv": r.measurement.as_ref().map(|m| m.spread.cv),
            "ratio_vs_best": r.vs_best.as_ref().map(|c| c.ratio),
            "ci_vs_best": r.vs_best.as_ref().map(|c| [c.ci_low, c.ci_high]),
            "selected": r.outcome == Outcome::Advanced,
        })
    }));
    write_jsonl(dir, "lineage.jsonl", lineage)?;
    let findings = state.findings.iter().map(|f| json!(f)).collect();
    write_jsonl(dir, "findings.jsonl", findings)
}

/// Write the drift-recovery prompt from the plan and the failed directions; its path.
pub fn write_drift_prompt(dir: &Path, plan: &Plan, state: &State) -> Result<PathBuf, LoopError> {
    let mut s = String::new();
    let t = &plan.target;
    let _ = writeln!(
        s,
        "# Drift recovery (after round {})\n",
        state.rounds.last().map_or(0, |r| r.round)
    );
    let _ = writeln!(
        s,
        "The last {} rounds did not improve on the best. Re-anchor on the plan before editing again.\n",
        state.stall_count
    );
    let _ = writeln!(
        s,
        "## Goal\n\n{}\n\nTarget: `{}` {} (best so far {:.6} at round {}, baseline {:.6}).\n",
        plan.goal,
        t.metric,
        t.value,
        state.best.measurement.median,
        state.best.round,
        state.baseline.measurement.median
    );
    let _ = writeln!(s, "## Acceptance criteria\n");
    for ac in &plan.acceptance {
        let _ = writeln!(s, "- {}: {}", ac.id, ac.description);
    }
    let _ = writeln!(
        s,
        "\n## Path boundaries\n\n- Allowed: {:?}\n- Forbidden: {:?}\n",
        plan.boundaries.allowed, plan.boundaries.forbidden
    );
    let _ = writeln!(s, "## Failed directions (do not retry without a new reason)\n");
    for r in state.rounds.iter().filter(|r| r.outcome != Outcome::Advanced) {
        let ev = r
            .vs_best
            .as_ref()
            .map(|c| {
                format!(
                    "{} {:+.2}% vs best [{:.4}, {:.4}]",
                    c.verdict, c.change_pct, c.ci_low, c.ci_high
                )
            })
            .unwrap_or_else(|| "not measured".into());
        let _ = writeln!(
            s,
            "- round {} `{}` ({}): {}; {}",
            r.round,
            &r.commit[..r.commit.len().min(12)],
            r.subject,
            r.outcome.as_str(),
            if r.reasons.is_empty() { ev } else { format!("{}; {ev}", r.reasons.join("; ")) }
        );
    }
    let _ = writeln!(
        s,
        "\n## This round\n\nBroaden the research before editing: profile the best candidate, pick a direction not listed above, state the expected gain and the profiler row it comes from. One more stalled round stops the loop."
    );
    let file = dir.join(DRIFT_PROMPT);
    perfpilot_io::write_output(&file, s.as_bytes()).map_err(|e| LoopError::io(&file, e))?;
    Ok(file)
}
