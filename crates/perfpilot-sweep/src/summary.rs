//! Ranking and the summary: best command per framework × scenario, the cross-framework
//! table, failures with reasons, versions, repeat verdicts, the profiler hand-off and the
//! orchestration overhead. The SLA is recomputed from each row's metrics here too.
//!
//! Ranking rule: among searches whose best rate meets the SLA (recomputed), the highest
//! rate wins; ties go to the lower p99 TTFT at that rate, then to the candidate id
//! (determinism). Across the concurrency list, the best row of a candidate counts.

use std::path::{Path, PathBuf};

use perfpilot_report::{Document, Envelope, Format, Report, Section, Table};
use perfpilot_stats::{Better, Comparison, Policy, Statistic, Verdict, compare_paired};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::SweepError;
use crate::plan::{Plan, Scenario, Sla};
use crate::rows::{FailureRow, Row, SearchOutcome, SearchRow, VersionRow, check_sla};

/// Where the wall time of this invocation went.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Timing {
    /// Whole sweep, s.
    pub total_s: f64,
    /// Starting servers (spawn to healthy) and stopping them, s.
    pub server_s: f64,
    /// Inside `bench serve` probes, s.
    pub measure_s: f64,
}

impl Timing {
    /// Everything else (design, bookkeeping, files), as % of the total.
    pub fn overhead_pct(&self) -> Option<f64> {
        (self.total_s > 0.0).then(|| {
            (self.total_s - self.server_s - self.measure_s).max(0.0) / self.total_s * 100.0
        })
    }
}

/// The winner of one framework × scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Best {
    /// Stable id: `framework/scenario`.
    pub id: String,
    /// Framework.
    pub framework: String,
    /// Scenario.
    pub scenario: String,
    /// The winning search (absent when no candidate meets the SLA).
    pub winner: Option<SearchRow>,
    /// Candidates that met the SLA in this scenario.
    pub passing: usize,
    /// Repeat verdict: `ahead` (the runner-up is SLOWER beyond run-to-run noise), `tied`
    /// (SAME or NOISY), `behind` (the runner-up is FASTER beyond noise but sustained a lower
    /// rate, so the rate ranking keeps the winner), or absent without repeats.
    pub repeat_verdict: Option<String>,
    /// The comparison behind it (runner-up / winner on per-request E2E latency).
    pub repeat_comparison: Option<Comparison>,
    /// The repeats reversed the search's order: the two met the SLA at the same rate, the
    /// search's single-probe tie-break (p99 TTFT) preferred the other, and the repeats found
    /// this one FASTER beyond noise, so it is the winner.
    #[serde(default)]
    pub promoted_by_repeats: bool,
    /// The runner-up's candidate id.
    pub runner_up: Option<String>,
}

/// The profiler hand-off: the slow scenario's exact lengths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Handoff {
    /// Framework.
    pub framework: String,
    /// The slowest scenario (lowest best rate; a scenario no candidate passes first).
    pub scenario: Scenario,
    /// Prefill capture: `input_len → 1`.
    pub prefill_capture: String,
    /// Decode capture: `1 → output_len`.
    pub decode_capture: String,
    /// The server command to profile (the scenario's winner, else the baseline).
    pub server_command: Vec<String>,
}

/// The result of `bench sweep` (and of reading a sweep's status).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SweepReport {
    /// The plan.
    pub plan: PathBuf,
    /// The output folder.
    pub out_dir: PathBuf,
    /// The SLA.
    pub sla: Sla,
    /// Scenarios.
    pub scenarios: Vec<Scenario>,
    /// Best command per framework × scenario (plan order).
    pub best: Vec<Best>,
    /// Every finished search, ranked per scenario across frameworks.
    pub searches: Vec<SearchRow>,
    /// Failed candidates with reasons.
    pub failed: Vec<FailureRow>,
    /// Server versions.
    pub versions: Vec<VersionRow>,
    /// Profiler hand-off per framework.
    pub handoff: Vec<Handoff>,
    /// True when some framework × scenario has a winner that meets the SLA.
    pub winner_meets_sla: bool,
    /// True when this invocation was stopped by Ctrl-C / SIGTERM (the rows so far are
    /// summarised; rerun with `--resume` to continue).
    #[serde(default)]
    pub interrupted: bool,
    /// Probes measured (all invocations).
    pub probes: usize,
    /// This invocation's time split.
    pub timing: Timing,
    /// Notes (resume, early stops, interruptions).
    pub notes: Vec<String>,
}

fn key(r: &SearchRow) -> (f64, f64) {
    let rate = r.best_rate.unwrap_or(f64::NEG_INFINITY);
    let ttft = r.best_metrics.as_ref().and_then(|m| m.p99_ttft_ms).unwrap_or(f64::INFINITY);
    (rate, ttft)
}

/// Searches of `framework` × `scenario` whose best rate meets the SLA (recomputed from
/// the metrics, never read from a field), best first.
pub fn ranked<'a>(
    rows: &'a [Row],
    sla: &Sla,
    framework: &str,
    scenario: &str,
) -> Vec<&'a SearchRow> {
    let mut v: Vec<&SearchRow> = rows
        .iter()
        .filter_map(|r| match r {
            Row::Search(s) if s.framework == framework && s.scenario == scenario => Some(s),
            _ => None,
        })
        .filter(|s| {
            s.best_rate.is_some()
                && s.best_metrics.as_ref().is_some_and(|m| check_sla(sla, m).passed)
        })
        .collect();
    v.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        kb.0.total_cmp(&ka.0).then(ka.1.total_cmp(&kb.1)).then(a.id.cmp(&b.id))
    });
    v
}

/// Build the summary from every row.
pub fn summarize(
    plan: &Plan,
    out: &Path,
    rows: &[Row],
    timing: &Timing,
    repeats: u32,
) -> SweepReport {
    let mut best = Vec::new();
    let mut handoff = Vec::new();
    for fw in plan.frameworks.iter().filter(|f| f.enabled) {
        // Slowest scenario: lowest best rate; among equal rates, the highest p99 E2E.
        let mut slow: Option<((f64, f64), &Scenario, Vec<String>)> = None;
        for sc in &plan.scenarios {
            let r = ranked(rows, &plan.sla, &fw.name, &sc.name);
            let mut winner = r.first().map(|w| (*w).clone());
            let mut runner = r
                .iter()
                .find(|x| winner.as_ref().is_some_and(|w| w.candidate != x.candidate))
                .copied();
            let mut promoted = false;
            let (verdict, cmp) = match (&winner, runner, repeats > 0) {
                (Some(w), Some(ru), true) => match repeat_verdict(rows, w, ru) {
                    Decision::Promote(c) => {
                        promoted = true;
                        // The restated comparison is SLOWER (old / new) unless the bootstrap
                        // of the swapped pair lands at the threshold's edge.
                        let v = if c.verdict == Verdict::Slower { "ahead" } else { "tied" };
                        let old = winner.replace(ru.clone());
                        runner =
                            r.iter().copied().find(|x| old.as_ref().is_some_and(|o| o.id == x.id));
                        (Some(v.to_string()), Some(c))
                    }
                    Decision::Keep(v, c) => (v, c),
                },
                _ => (None, None),
            };
            let rate = winner.as_ref().and_then(|w| w.best_rate).unwrap_or(f64::NEG_INFINITY);
            let e2e = winner
                .as_ref()
                .and_then(|w| w.best_metrics.as_ref())
                .and_then(|m| m.p99_e2e_ms)
                .unwrap_or(f64::INFINITY);
            let rank = (rate, -e2e);
            let cmd = winner.as_ref().map(|w| w.server_command.clone()).or_else(|| {
                rows.iter().find_map(|x| match x {
                    Row::Search(s) if s.framework == fw.name && s.candidate == "baseline" => {
                        Some(s.server_command.clone())
                    }
                    _ => None,
                })
            });
            if slow
                .as_ref()
                .is_none_or(|(r0, _, _)| rank.0 < r0.0 || (rank.0 == r0.0 && rank.1 < r0.1))
            {
                slow = Some((rank, sc, cmd.unwrap_or_default()));
            }
            best.push(Best {
                id: format!("{}/{}", fw.name, sc.name),
                framework: fw.name.clone(),
                scenario: sc.name.clone(),
                passing: r.len(),
                runner_up: runner.map(|x| x.candidate.clone()),
                winner,
                repeat_verdict: verdict,
                repeat_comparison: cmp,
                promoted_by_repeats: promoted,
            });
        }
        if let Some((_, sc, cmd)) = slow {
            handoff.push(Handoff {
                framework: fw.name.clone(),
                scenario: sc.clone(),
                prefill_capture: format!("input_len {} -> output_len 1", sc.input_len),
                decode_capture: format!("input_len 1 -> output_len {}", sc.output_len),
                server_command: cmd,
            });
        }
    }
    let mut searches: Vec<SearchRow> = rows
        .iter()
        .filter_map(|r| match r {
            Row::Search(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let order = |s: &str| plan.scenarios.iter().position(|x| x.name == s).unwrap_or(usize::MAX);
    searches.sort_by(|a, b| {
        let pa = a.best_metrics.as_ref().is_some_and(|m| check_sla(&plan.sla, m).passed)
            && a.best_rate.is_some();
        let pb = b.best_metrics.as_ref().is_some_and(|m| check_sla(&plan.sla, m).passed)
            && b.best_rate.is_some();
        let (ka, kb) = (key(a), key(b));
        order(&a.scenario)
            .cmp(&order(&b.scenario))
            .then(pb.cmp(&pa))
            .then(kb.0.total_cmp(&ka.0))
            .then(ka.1.total_cmp(&kb.1))
            .then(a.id.cmp(&b.id))
    });
    let failed = rows
        .iter()
        .filter_map(|r| match r {
            Row::Failure(f) => Some(f.clone()),
            _ => None,
        })
        .collect();
    let versions = rows
        .iter()
        .filter_map(|r| match r {
            Row::Version(v) => Some(v.clone()),
            _ => None,
        })
        .collect();
    SweepReport {
        plan: plan.path.clone(),
        out_dir: out.to_path_buf(),
        sla: plan.sla,
        scenarios: plan.scenarios.clone(),
        winner_meets_sla: best.iter().any(|b| b.winner.is_some()),
        interrupted: false,
        best,
        searches,
        failed,
        versions,
        handoff,
        probes: rows.iter().filter(|r| matches!(r, Row::Probe(_))).count(),
        timing: timing.clone(),
        notes: Vec::new(),
    }
}

/// What the repeats decide about the winner and the runner-up.
enum Decision {
    /// The search's winner stays; the verdict and its comparison (runner-up / winner).
    Keep(Option<String>, Option<Comparison>),
    /// The runner-up becomes the winner; the comparison is the old winner / the new one.
    Promote(Comparison),
}

/// Per-request E2E latencies of each repeat run of `cand` in `w`'s framework × scenario,
/// in repeat order (run i of one candidate ran next to run i of the other: ABBA).
fn repeat_runs(rows: &[Row], w: &SearchRow, cand: &str) -> Vec<Vec<f64>> {
    let mut runs: Vec<(u32, Vec<f64>)> = rows
        .iter()
        .filter_map(|r| match r {
            Row::Probe(p)
                if p.repeat > 0
                    && p.framework == w.framework
                    && p.scenario == w.scenario
                    && p.candidate == cand =>
            {
                Some((p.repeat, p.e2e_ms.clone()))
            }
            _ => None,
        })
        .collect();
    runs.sort_by_key(|(repeat, _)| *repeat);
    runs.into_iter().map(|(_, e2e)| e2e).collect()
}

fn repeat_verdict(rows: &[Row], w: &SearchRow, ru: &SearchRow) -> Decision {
    let (a, b) = (repeat_runs(rows, w, &w.candidate), repeat_runs(rows, w, &ru.candidate));
    if a.is_empty() || b.is_empty() {
        return Decision::Keep(None, None);
    }
    let policy = Policy::default();
    // Paired by repeat: the two runs of repeat i ran back to back, so a slow spell of the
    // machine they share cancels (falls back to unpaired when the counts differ).
    let Ok(c) = compare_paired(&a, &b, Statistic::Median, Better::Lower, &policy) else {
        return Decision::Keep(None, None);
    };
    match c.verdict {
        Verdict::Slower => Decision::Keep(Some("ahead".into()), Some(c)),
        Verdict::Faster if w.best_rate == ru.best_rate => {
            // Same rate: the search's tie-break was one probe's p99 TTFT; N runs a side of
            // per-request E2E outweigh it. The comparison is restated with the new winner as
            // the baseline, so it reads like every other row's (runner-up / winner).
            match compare_paired(&b, &a, Statistic::Median, Better::Lower, &policy) {
                Ok(swapped) => Decision::Promote(swapped),
                Err(_) => Decision::Keep(Some("behind".into()), Some(c)),
            }
        }
        Verdict::Faster => Decision::Keep(Some("behind".into()), Some(c)),
        _ => Decision::Keep(Some("tied".into()), Some(c)),
    }
}

fn f2(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.2}")).unwrap_or_else(|| "-".into())
}

fn rate_cell(s: &SearchRow) -> String {
    match s.outcome {
        SearchOutcome::LowerFails => format!("< {} (lower fails)", f2(s.failed_rate)),
        SearchOutcome::AtLeastUpper => format!(">= {}", f2(s.best_rate)),
        SearchOutcome::Bracketed => format!("{} (fails at {})", f2(s.best_rate), f2(s.failed_rate)),
    }
}

fn conc(c: Option<u32>) -> String {
    c.map(|c| c.to_string()).unwrap_or_else(|| "inf".into())
}

impl Report for SweepReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.bench.sweep/3"
    }

    fn document(&self) -> Document {
        let mut doc = Document::new("Benchmark sweep")
            .with_fact("plan", self.plan.display().to_string())
            .with_fact("results", self.out_dir.join("live_results.jsonl").display().to_string())
            .with_fact("winner meets SLA", if self.winner_meets_sla { "yes" } else { "no" })
            .with_fact("interrupted", if self.interrupted { "yes (rerun with --resume)" } else { "no" })
            .with_fact("probes", self.probes.to_string())
            .with_fact(
                "ranking",
                "highest SLA-meeting rate (SLA recomputed from p99 metrics), ties by lower p99 TTFT",
            );
        let mut t = Table::new(
            "best",
            [
                "framework",
                "scenario",
                "candidate",
                "conc",
                "req/s",
                "p99 TTFT ms",
                "p99 TPOT ms",
                "success",
                "repeats",
                "command",
            ],
        );
        for b in &self.best {
            let (cand, c, rate, ttft, tpot, succ, cmd) = match &b.winner {
                Some(w) => {
                    let m = w.best_metrics.as_ref();
                    (
                        w.candidate.clone(),
                        conc(w.max_concurrency),
                        rate_cell(w),
                        f2(m.and_then(|m| m.p99_ttft_ms)),
                        f2(m.and_then(|m| m.p99_tpot_ms)),
                        f2(m.and_then(|m| m.success_rate)),
                        w.server_command.join(" "),
                    )
                }
                None => (
                    "(none meets the SLA)".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    String::new(),
                ),
            };
            let rep = match (&b.repeat_verdict, &b.runner_up) {
                (Some(v), Some(r)) if b.promoted_by_repeats => {
                    format!("{v} vs {r} (promoted by repeats)")
                }
                (Some(v), Some(r)) => format!("{v} vs {r}"),
                _ => "-".into(),
            };
            t.push_row(
                b.id.clone(),
                [
                    b.framework.clone(),
                    b.scenario.clone(),
                    cand,
                    c,
                    rate,
                    ttft,
                    tpot,
                    succ,
                    rep,
                    cmd,
                ],
            );
        }
        doc.push(Section::new("Best command per framework and scenario").with_table(t));
        let mut t = Table::new(
            "searches",
            [
                "scenario",
                "framework",
                "candidate",
                "stage",
                "conc",
                "SLA",
                "req/s",
                "p99 TTFT ms",
                "vs baseline",
                "reason",
            ],
        );
        for s in &self.searches {
            let passed = s.best_rate.is_some()
                && s.best_metrics.as_ref().is_some_and(|m| check_sla(&self.sla, m).passed);
            t.push_row(
                s.id.clone(),
                [
                    s.scenario.clone(),
                    s.framework.clone(),
                    s.candidate.clone(),
                    format!("{:?}", s.stage),
                    conc(s.max_concurrency),
                    if passed { "pass".into() } else { "fail".into() },
                    rate_cell(s),
                    f2(s.best_metrics.as_ref().and_then(|m| m.p99_ttft_ms)),
                    match (s.vs_baseline, s.vs_baseline_gain) {
                        (Some(v), Some(g)) => format!("{v} x{g:.3}"),
                        _ => "-".into(),
                    },
                    s.reason.clone(),
                ],
            );
        }
        doc.push(Section::new("Cross-framework ranking (per scenario)").with_table(t));
        let mut t =
            Table::new("failed", ["framework", "candidate", "status", "reason", "last log line"]);
        for f in &self.failed {
            t.push_row(
                f.id.clone(),
                [
                    f.framework.clone(),
                    f.candidate.clone(),
                    f.status.clone(),
                    f.failure_reason.clone(),
                    f.log_tail.last().cloned().unwrap_or_default(),
                ],
            );
        }
        doc.push(Section::new("Failed candidates").with_table(t));
        let mut t = Table::new("versions", ["framework", "version", "command"]);
        for v in &self.versions {
            t.push_row(
                v.id.clone(),
                [
                    v.framework.clone(),
                    v.version.clone().unwrap_or_else(|| "-".into()),
                    v.command.join(" "),
                ],
            );
        }
        doc.push(Section::new("Server versions").with_table(t));
        let mut t = Table::new(
            "handoff",
            ["framework", "slow scenario", "prefill capture", "decode capture", "command"],
        );
        for h in &self.handoff {
            t.push_row(
                h.framework.clone(),
                [
                    h.framework.clone(),
                    h.scenario.name.clone(),
                    h.prefill_capture.clone(),
                    h.decode_capture.clone(),
                    h.server_command.join(" "),
                ],
            );
        }
        doc.push(Section::new("Profiler hand-off").with_table(t));
        let mut s = Section::new("Time").with_facts([
            ("total s", format!("{:.1}", self.timing.total_s)),
            ("server start/stop s", format!("{:.1}", self.timing.server_s)),
            ("measuring s", format!("{:.1}", self.timing.measure_s)),
            (
                "orchestration overhead",
                self.timing
                    .overhead_pct()
                    .map(|p| format!("{p:.2}%"))
                    .unwrap_or_else(|| "-".into()),
            ),
        ]);
        if !self.notes.is_empty() {
            s = s.with_list(self.notes.clone());
        }
        doc.push(s);
        doc
    }

    fn check_failed(&self) -> bool {
        !self.winner_meets_sla
    }
}

/// Write `summary.md` and `summary.json` (envelope) into `out`, atomically.
pub fn write_summary(report: &SweepReport, out: &Path) -> Result<(), SweepError> {
    let env = Envelope::new("bench sweep", report.clone());
    for (name, fmt) in [("summary.md", Format::Md), ("summary.json", Format::Json)] {
        let p = out.join(name);
        let s = perfpilot_report::render_to_string(&env, fmt).map_err(|e| SweepError::io(&p, e))?;
        perfpilot_report::write_atomic(&p, s.as_bytes()).map_err(|e| SweepError::io(&p, e))?;
    }
    Ok(())
}

/// Read a sweep's status from its folder (no server is started): the summary rebuilt
/// from `live_results.jsonl` and the plan.
pub fn status(plan: &Plan, out: &Path) -> Result<SweepReport, SweepError> {
    let rows = crate::rows::read_rows(&out.join("live_results.jsonl"))?;
    let mut r = summarize(plan, out, &rows, &Timing::default(), 1);
    let pids = crate::process::PidFile::new(out).pids();
    r.notes.push(format!(
        "{} row(s) so far; {} server(s) recorded as running",
        rows.len(),
        pids.len()
    ));
    Ok(r)
}

#[cfg(test)]
mod tests;
