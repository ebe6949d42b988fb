//! `loop status`: where the loop stands (read-only; safe for MCP).

use std::path::Path;

use perfpilot_report::{Document, Report, Section, Table};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::LoopError;
use crate::plan::Plan;
use crate::state::State;
use crate::stop::StopDecision;

/// One round's line.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RoundLine {
    /// Round number.
    pub round: u32,
    /// Commit id.
    pub commit: String,
    /// Subject line.
    pub subject: String,
    /// Outcome word.
    pub outcome: String,
    /// Median, when measured.
    pub median: Option<f64>,
    /// Change against the best at the time, percent.
    pub vs_best_pct: Option<f64>,
    /// A drift-recovery round.
    pub drift_recovery: bool,
}

/// The result of `loop status`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct StatusReport {
    /// State directory.
    pub dir: String,
    /// Goal.
    pub goal: String,
    /// Target metric.
    pub metric: String,
    /// Target value.
    pub target: f64,
    /// Baseline commit.
    pub baseline_commit: String,
    /// Baseline median.
    pub baseline_median: f64,
    /// Baseline run-to-run cv.
    pub baseline_cv: f64,
    /// Best round.
    pub best_round: u32,
    /// Best commit.
    pub best_commit: String,
    /// Best median.
    pub best_median: f64,
    /// Finished rounds.
    pub rounds: Vec<RoundLine>,
    /// Stalled rounds in a row.
    pub stall_count: u32,
    /// `normal` or `replan_required`.
    pub drift_status: String,
    /// A round interrupted (the next `round` redoes it).
    pub interrupted_round: Option<u32>,
    /// Unanswered blocking findings.
    pub open_blocking_findings: Vec<String>,
    /// The stop decision.
    pub stopped: Option<StopDecision>,
    /// Journal events.
    pub journal_events: u32,
}

impl Report for StatusReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.loop.status/1"
    }
    fn document(&self) -> Document {
        let mut t = Table::new(
            "rounds",
            ["round", "commit", "subject", "outcome", "median", "vs best %", "drift"],
        )
        .right(&["round", "median", "vs best %"]);
        for r in &self.rounds {
            t.push_row(
                format!("round-{}", r.round),
                [
                    r.round.to_string(),
                    r.commit[..r.commit.len().min(12)].to_string(),
                    r.subject.clone(),
                    r.outcome.clone(),
                    r.median.map_or("-".into(), |m| format!("{m:.6}")),
                    r.vs_best_pct.map_or("-".into(), |p| format!("{p:+.2}")),
                    r.drift_recovery.to_string(),
                ],
            );
        }
        let mut facts = vec![
            ("goal".to_string(), self.goal.clone()),
            ("target".into(), format!("{} {}", self.metric, self.target)),
            (
                "baseline".into(),
                format!(
                    "{:.6} (cv {:.2}%) at {}",
                    self.baseline_median,
                    self.baseline_cv * 100.0,
                    self.baseline_commit
                ),
            ),
            (
                "best".into(),
                format!(
                    "{:.6} at round {} ({})",
                    self.best_median, self.best_round, self.best_commit
                ),
            ),
            ("stall count".into(), self.stall_count.to_string()),
            ("drift status".into(), self.drift_status.clone()),
        ];
        if let Some(r) = self.interrupted_round {
            facts.push((
                "interrupted".into(),
                format!("round {r} (the next `loop round` redoes it)"),
            ));
        }
        if !self.open_blocking_findings.is_empty() {
            facts.push(("open blocking findings".into(), self.open_blocking_findings.join(", ")));
        }
        if let Some(s) = &self.stopped {
            facts.push(("stopped".into(), format!("{:?}: {}", s.rule, s.reason)));
        }
        Document::new("Loop status")
            .with_section(Section::new("Loop").with_facts(facts))
            .with_section(Section::new("Rounds").with_table(t))
    }
}

/// Read the loop's state.
pub fn loop_status(dir: &Path) -> Result<StatusReport, LoopError> {
    let st = State::load(dir)?;
    let plan = Plan::load(dir)?;
    let journal = crate::state::read_journal(dir)?;
    Ok(StatusReport {
        dir: dir.display().to_string(),
        goal: plan.goal,
        metric: plan.target.metric,
        target: plan.target.value,
        baseline_commit: st.baseline.commit.clone(),
        baseline_median: st.baseline.measurement.median,
        baseline_cv: st.baseline.measurement.spread.cv,
        best_round: st.best.round,
        best_commit: st.best.commit.clone(),
        best_median: st.best.measurement.median,
        rounds: st
            .rounds
            .iter()
            .map(|r| RoundLine {
                round: r.round,
                commit: r.commit.clone(),
                subject: r.subject.clone(),
                outcome: r.outcome.as_str().into(),
                median: r.measurement.as_ref().map(|m| m.median),
                vs_best_pct: r.vs_best.as_ref().map(|c| c.change_pct),
                drift_recovery: r.drift_recovery,
            })
            .collect(),
        stall_count: st.stall_count,
        drift_status: st.drift_status.clone(),
        interrupted_round: st.in_progress.as_ref().map(|p| p.round),
        open_blocking_findings: st.open_blocking().iter().map(|f| f.id.clone()).collect(),
        stopped: st.stopped.clone(),
        journal_events: journal.len() as u32,
    })
}
