//! `loop report`: the PR description written from the ledgers, with the numbers.

use std::fmt::Write as _;
use std::path::Path;

use perfpilot_report::{Document, Report, Section, Table};
use perfpilot_stats::Comparison;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::checklist::Checklist;
use crate::plan::Plan;
use crate::round::comparison_text;
use crate::state::{Outcome, State};
use crate::{LoopError, review};

/// One evidence row.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct EvidenceRow {
    /// `baseline` or `best`.
    pub id: String,
    /// Commit id.
    pub commit: String,
    /// Median of the metric.
    pub median: f64,
    /// Smallest run median.
    pub min: f64,
    /// Largest run median.
    pub max: f64,
    /// Run-to-run cv.
    pub cv: f64,
    /// Runs.
    pub runs: u32,
}

/// The result of `loop report`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PrReport {
    /// PR title.
    pub title: String,
    /// Target metric.
    pub metric: String,
    /// Baseline and best.
    pub evidence: Vec<EvidenceRow>,
    /// Best against the baseline (`perfpilot-stats`), when a round advanced.
    pub best_vs_baseline: Option<Comparison>,
    /// Where the numbers come from.
    pub host: String,
    /// Commands to reproduce.
    pub reproduce: Vec<String>,
    /// Rounds tried, and the outcome of each.
    pub rounds: u32,
    /// Rounds that advanced.
    pub advanced: u32,
    /// The PR description (markdown).
    pub body: String,
}

impl Report for PrReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.loop.report/1"
    }
    fn document(&self) -> Document {
        let mut t =
            Table::new("evidence", ["row", "commit", "median", "min", "max", "cv %", "runs"])
                .right(&["median", "min", "max", "cv %", "runs"]);
        for e in &self.evidence {
            t.push_row(
                e.id.clone(),
                [
                    e.id.clone(),
                    e.commit[..e.commit.len().min(12)].to_string(),
                    format!("{:.6}", e.median),
                    format!("{:.6}", e.min),
                    format!("{:.6}", e.max),
                    format!("{:.2}", e.cv * 100.0),
                    e.runs.to_string(),
                ],
            );
        }
        Document::new(self.title.clone())
            .with_section(Section::new("Evidence").with_table(t))
            .with_section(Section::new("PR description").with_text(self.body.clone()))
    }
}

fn row(id: &str, p: &crate::state::Point) -> EvidenceRow {
    let m = &p.measurement;
    EvidenceRow {
        id: id.into(),
        commit: p.commit.clone(),
        median: m.median,
        min: m.spread.min,
        max: m.spread.max,
        cv: m.spread.cv,
        runs: m.spread.runs,
    }
}

/// Write the PR description of the loop in `dir`.
pub fn pr_report(dir: &Path, checklist: Option<&Path>) -> Result<PrReport, LoopError> {
    let st = State::load(dir)?;
    let plan = Plan::load(dir)?;
    let checklist = Checklist::load(checklist)?;
    let t = &plan.target;
    let best_rec = st.rounds.iter().find(|r| r.round == st.best.round);
    let best_vs_baseline = best_rec.and_then(|r| r.vs_baseline.clone());
    let evidence = vec![row("baseline", &st.baseline), row("best", &st.best)];
    let reproduce = vec![
        format!(
            "git checkout {} && {}   # baseline, {} runs",
            st.baseline.commit, plan.benchmark.command, plan.benchmark.repeats
        ),
        format!(
            "git checkout {} && {}   # best, {} runs",
            st.best.commit, plan.benchmark.command, plan.benchmark.repeats
        ),
    ];
    let advanced: Vec<_> = st.rounds.iter().filter(|r| r.outcome == Outcome::Advanced).collect();
    let mut b = String::new();
    // The title quotes the ledger's medians (the evidence table's), not the engine's
    // Harrell–Davis estimates, so a reader finds its numbers in the table below.
    let (base_m, best_m) = (st.baseline.measurement.median, st.best.measurement.median);
    let title = match &best_vs_baseline {
        Some(_) if base_m != 0.0 => format!(
            "{}: {} {:+.1}% ({:.6} -> {:.6})",
            plan.title,
            t.metric,
            (best_m / base_m - 1.0) * 100.0,
            base_m,
            best_m
        ),
        Some(c) => format!("{}: {} {:+.1}%", plan.title, t.metric, c.change_pct),
        None => format!("{}: no candidate beat the baseline", plan.title),
    };
    let _ = writeln!(b, "## What changed and why\n\n{}\n", plan.goal);
    if advanced.is_empty() {
        let _ = writeln!(b, "No round advanced beyond noise; the baseline remains the best.\n");
    }
    for r in &advanced {
        let c = r.vs_best.as_ref().map(comparison_text).unwrap_or_default();
        let _ = writeln!(
            b,
            "- Round {} `{}` {}: {} against the best before it.",
            r.round,
            short(&r.commit),
            r.subject,
            c
        );
    }
    let _ = writeln!(b, "\n## Evidence\n");
    let _ = writeln!(
        b,
        "| | commit | {} median | run medians min..max | cv | runs |\n|---|---|---:|---|---:|---:|",
        t.metric
    );
    for e in &evidence {
        let _ = writeln!(
            b,
            "| {} | `{}` | {:.6} | {:.6}..{:.6} | {:.2}% | {} |",
            e.id,
            short(&e.commit),
            e.median,
            e.min,
            e.max,
            e.cv * 100.0,
            e.runs
        );
    }
    match &best_vs_baseline {
        Some(c) => {
            let _ = writeln!(
                b,
                "\nBest against baseline: {}; practical threshold {:.1}% (the statistics engine's estimate of the median, Harrell–Davis on the pooled samples: {:.6} -> {:.6}).",
                comparison_text(c),
                c.threshold * 100.0,
                c.baseline,
                c.candidate
            );
        }
        None => {
            let _ = writeln!(b, "\nBest against baseline: no advancing round.");
        }
    }
    let _ = writeln!(
        b,
        "Target: {} {} ({}).",
        t.metric,
        t.value,
        if crate::stop::meets(st.best.measurement.median, t.value, t.better) {
            "met"
        } else {
            "not met"
        }
    );
    let _ = writeln!(
        b,
        "Hardware: {}.\n\nReproduce (benchmark configuration hash `{}`):\n",
        st.host, st.bench_hash
    );
    for r in &reproduce {
        let _ = writeln!(b, "    {r}");
    }
    let _ = writeln!(b, "\n## What was tried and failed\n");
    let failed: Vec<_> = st.rounds.iter().filter(|r| r.outcome != Outcome::Advanced).collect();
    if failed.is_empty() {
        let _ = writeln!(b, "Nothing: every round advanced.");
    }
    for r in failed {
        let ev = r.vs_best.as_ref().map(comparison_text).unwrap_or_else(|| r.reasons.join("; "));
        let _ = writeln!(
            b,
            "- Round {} `{}` {}: {}: {}.",
            r.round,
            short(&r.commit),
            r.subject,
            r.outcome.as_str(),
            ev
        );
    }
    let _ = writeln!(b, "\n## Risks and review\n");
    let before = b.len();
    for r in &advanced {
        let (_, _, _, items) = review::checklist_of(&st, r.round, &checklist)?;
        for it in items.iter().filter(|i| i.touched) {
            let ans = it.answer.clone().unwrap_or_else(|| "UNANSWERED".into());
            let first =
                it.lines.first().map(|l| format!(" ({}:{})", l.file, l.line)).unwrap_or_default();
            let _ = writeln!(b, "- Round {} touches {}{}: {}", r.round, it.title, first, ans);
        }
    }
    for f in &st.findings {
        let _ = writeln!(
            b,
            "- Finding {} [P{}]{}: {}; answer: {}",
            f.id,
            f.finding.severity,
            if f.blocking { " (blocking)" } else { "" },
            f.finding.text,
            f.answer.as_deref().unwrap_or("UNANSWERED")
        );
    }
    if b.len() == before {
        let _ = writeln!(
            b,
            "No review checklist item is touched by the advancing rounds' diffs, and no reviewer finding was recorded."
        );
    }
    if let Some(s) = &st.stopped {
        let _ = writeln!(
            b,
            "\nThe loop stopped after round {}: {:?}: {}.",
            s.after_round, s.rule, s.reason
        );
    }
    Ok(PrReport {
        title,
        metric: t.metric.clone(),
        evidence,
        best_vs_baseline,
        host: st.host.clone(),
        reproduce,
        rounds: st.rounds.len() as u32,
        advanced: advanced.len() as u32,
        body: b,
    })
}

fn short(c: &str) -> &str {
    &c[..c.len().min(12)]
}
