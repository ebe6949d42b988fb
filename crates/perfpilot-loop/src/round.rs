//! `loop round`: one candidate through the gates (clean tree, ancestry, path boundaries,
//! benchmark alignment, acceptance tests), the pinned benchmark, the comparison with the
//! best so far (`perfpilot-stats`), the review, the ledgers and the stop rules.

use std::path::{Path, PathBuf};

use perfpilot_report::{Document, Report, Section, Table};
use perfpilot_stats::{Comparison, Policy, Statistic, Verdict, compare_groups};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::bench::{self, Measurement};
use crate::plan::{Boundaries, PLAN_MD, Plan};
use crate::state::{self, Finding, InProgress, Outcome, RoundRecord, State, TestRun};
use crate::stop::{self, StopDecision, StopRule};
use crate::{LoopError, git, ledger, lock, verdict};

/// What `loop round` needs.
#[derive(Debug, Clone)]
pub struct RoundOptions {
    /// State directory.
    pub dir: PathBuf,
    /// Candidate revision (default `HEAD` after the implementing command).
    pub candidate: Option<String>,
    /// Implementing command, run in the repository before the gates.
    pub implement: Option<String>,
    /// Reviewing command, run in the candidate's tree; its stdout follows the verdict grammar.
    pub review: Option<String>,
    /// Seconds the implementing and reviewing commands may run.
    pub command_timeout_s: f64,
    /// A torch-profiler trace of the candidate: digested with `trace triage` into
    /// `profile-digests/round-N.json` and the round's record.
    pub profile: Option<PathBuf>,
}

/// The result of `loop round`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RoundReport {
    /// State directory.
    pub dir: String,
    /// The finished round (absent when a stop rule refused to start one).
    pub round: Option<RoundRecord>,
    /// This invocation redid a round a crash had interrupted.
    pub resumed: bool,
    /// The best so far after the round: round, commit, median.
    pub best_round: u32,
    /// The best commit.
    pub best_commit: String,
    /// The best median.
    pub best_median: f64,
    /// Stalled rounds in a row.
    pub stall_count: u32,
    /// `normal` or `replan_required`.
    pub drift_status: String,
    /// The drift-recovery prompt written for the next round.
    pub drift_prompt: Option<String>,
    /// The stop decision, when one fired.
    pub stop: Option<StopDecision>,
}

impl Report for RoundReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.loop.round/1"
    }
    fn check_failed(&self) -> bool {
        match &self.round {
            Some(r) => matches!(r.outcome, Outcome::Rejected | Outcome::Regressed),
            None => self.stop.is_some(),
        }
    }
    fn document(&self) -> Document {
        let mut doc = Document::new("Loop round");
        if let Some(r) = &self.round {
            let mut facts = vec![
                ("round".to_string(), r.round.to_string()),
                ("candidate".into(), format!("{} {}", r.commit, r.subject)),
                ("outcome".into(), r.outcome.as_str().to_string()),
                ("drift recovery".into(), r.drift_recovery.to_string()),
            ];
            if let Some(m) = &r.measurement {
                facts.push(("median".into(), crate::init::spread_text(m.median, &m.spread)));
            }
            if let Some(c) = &r.vs_best {
                facts.push(("vs best".into(), comparison_text(c)));
            }
            if let Some(c) = &r.vs_baseline {
                facts.push(("vs baseline".into(), comparison_text(c)));
            }
            let mut sec = Section::new(format!("Round {}", r.round)).with_facts(facts);
            if !r.reasons.is_empty() {
                sec = sec.with_list(r.reasons.clone());
            }
            if !r.tests.is_empty() {
                let mut t = Table::new("tests", ["criterion", "kind", "command", "ok", "exit"]);
                for (i, tr) in r.tests.iter().enumerate() {
                    t.push_row(
                        format!("t{i}"),
                        [
                            tr.criterion.clone(),
                            tr.kind.clone(),
                            tr.command.clone(),
                            tr.ok.to_string(),
                            tr.exit.clone(),
                        ],
                    );
                }
                sec = sec.with_table(t);
            }
            doc.push(sec);
        }
        let mut facts = vec![
            (
                "best".to_string(),
                format!(
                    "round {} {} median {:.6}",
                    self.best_round, self.best_commit, self.best_median
                ),
            ),
            ("stall count".into(), self.stall_count.to_string()),
            ("drift status".into(), self.drift_status.clone()),
        ];
        if let Some(p) = &self.drift_prompt {
            facts.push(("drift-recovery prompt".into(), p.clone()));
        }
        if let Some(s) = &self.stop {
            facts.push(("stop".into(), format!("{:?}: {}", s.rule, s.reason)));
        }
        doc.push(Section::new("Loop").with_facts(facts));
        doc
    }
}

/// `RATIO [lo, hi] VERDICT (+x%)`.
pub fn comparison_text(c: &Comparison) -> String {
    format!(
        "{} {:+.2}% (ratio {:.4}, {:.0}% interval [{:.4}, {:.4}], {})",
        c.verdict,
        c.change_pct,
        c.ratio,
        c.confidence * 100.0,
        c.ci_low,
        c.ci_high,
        c.scope.label()
    )
}

/// Files outside the boundaries.
pub fn boundary_violations(b: &Boundaries, files: &[String]) -> Vec<String> {
    let under = |p: &str, prefix: &str| {
        let a = prefix.trim_start_matches("./").trim_end_matches('/');
        a.is_empty() || p == a || p.strip_prefix(a).is_some_and(|r| r.starts_with('/'))
    };
    files
        .iter()
        .filter(|f| {
            b.forbidden.iter().any(|x| under(f, x))
                || (!b.allowed.is_empty() && !b.allowed.iter().any(|a| under(f, a)))
        })
        .cloned()
        .collect()
}

fn rel_inside(repo: &Path, dir: &Path) -> Option<String> {
    let d = std::fs::canonicalize(dir).ok()?;
    let r = std::fs::canonicalize(repo).ok()?;
    d.strip_prefix(&r).ok().map(|p| p.display().to_string())
}

fn require_clean(repo: &Path, dir: &Path) -> Result<(), LoopError> {
    let dirty = git::dirty_paths(repo, rel_inside(repo, dir).as_deref())?;
    if dirty.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = dirty.iter().take(5).map(String::as_str).collect();
    Err(LoopError::Refused(format!(
        "{}: the working tree is not clean ({} path(s): {}): commit the candidate or stash the rest, then run the round again",
        repo.display(),
        dirty.len(),
        shown.join(", ")
    )))
}

fn compare(base: &Measurement, cand: &Measurement, plan: &Plan) -> Option<Comparison> {
    let policy = Policy { threshold: plan.benchmark.threshold, ..Policy::default() };
    compare_groups(&base.runs, &cand.runs, Statistic::Median, plan.target.better, &policy).ok()
}

/// Run one round.
pub fn run_round(o: &RoundOptions) -> Result<RoundReport, LoopError> {
    let dir = &o.dir;
    let lk = lock::acquire(dir)?;
    let mut st = State::load(dir)?;
    let plan = Plan::load(dir)?;
    let repo = PathBuf::from(&st.repo);
    if let Some(pid) = lk.took_over_from {
        state::journal(dir, "lock_taken_over", serde_json::json!({ "dead_pid": pid }))?;
    }
    let resumed = st.in_progress.is_some();
    let current = crate::init::plan_hash(&repo, dir)?;
    if current != st.plan_hash {
        return Err(LoopError::Refused(format!(
            "{}: the plan changed after it was frozen at round 0; record why with `perfpilot loop replan {} --why TEXT`",
            dir.join(crate::plan::PLAN_FILE).display(),
            dir.display()
        )));
    }
    if let Some(decision) = stop::before_round(&plan, &st, crate::now_unix()) {
        if decision.rule != StopRule::BlockingFinding && st.stopped.is_none() {
            st.stopped = Some(decision.clone());
            st.save(dir)?;
            state::journal(dir, "stop", serde_json::json!(decision))?;
        }
        return Ok(summary(dir, &st, None, resumed, None, Some(decision)));
    }
    require_clean(&repo, dir)?;
    let n = st
        .in_progress
        .as_ref()
        .map_or_else(|| st.rounds.last().map_or(1, |r| r.round + 1), |p| p.round);
    let drift = st.drift_status == "replan_required";
    // Bad input is refused before the round counts as started.
    let profile = match &o.profile {
        Some(p) => Some(crate::profile::digest(dir, n, p)?),
        None => None,
    };
    if resumed {
        state::journal(
            dir,
            "round_redo",
            serde_json::json!({ "round": n, "why": "interrupted before it finished" }),
        )?;
    }
    st.in_progress =
        Some(InProgress { round: n, started_at: crate::now_unix(), pid: std::process::id() });
    st.save(dir)?;
    state::journal(dir, "round_start", serde_json::json!({ "round": n, "drift_recovery": drift }))?;
    let prompt = if drift { dir.join(ledger::DRIFT_PROMPT) } else { dir.join(PLAN_MD) };
    let env = |extra: &[(&str, String)]| {
        let mut v = vec![
            ("PERFPILOT_LOOP_DIR".to_string(), dir.display().to_string()),
            ("PERFPILOT_LOOP_ROUND".to_string(), n.to_string()),
            ("PERFPILOT_LOOP_PROMPT".to_string(), prompt.display().to_string()),
            ("PERFPILOT_LOOP_DRIFT_RECOVERY".to_string(), (drift as u8).to_string()),
        ];
        v.extend(extra.iter().map(|(k, x)| (k.to_string(), x.clone())));
        v
    };
    let mut reasons = Vec::new();
    if let Some(cmd) = &o.implement {
        let (ok, exit, _) = bench::run_command(cmd, &repo, &env(&[]), o.command_timeout_s);
        state::journal(
            dir,
            "implement",
            serde_json::json!({ "round": n, "ok": ok, "exit": exit }),
        )?;
        if !ok {
            reasons.push(format!("the implementing command {exit}"));
        }
        require_clean(&repo, dir)?;
    }
    let commit = git::commit_of(&repo, o.candidate.as_deref().unwrap_or("HEAD"))?;
    if !git::is_ancestor(&repo, &st.baseline.commit, &commit)? {
        return Err(LoopError::Refused(format!(
            "candidate {commit} does not descend from the baseline {}: rebase it onto the baseline",
            st.baseline.commit
        )));
    }
    let files = git::changed_files(&repo, &st.baseline.commit, &commit)?;
    let violations = boundary_violations(&plan.boundaries, &files);
    if !violations.is_empty() {
        reasons.push(format!(
            "path boundaries: {} changed file(s) outside allowed {:?} / inside forbidden {:?}: {}",
            violations.len(),
            plan.boundaries.allowed,
            plan.boundaries.forbidden,
            violations.join(", ")
        ));
    }
    let bench_hash = bench::config_hash(&repo, &plan.benchmark, &commit)?;
    if bench_hash != st.bench_hash {
        reasons.push(format!(
            "benchmark alignment: the benchmark configuration hash is {bench_hash} at the candidate, pinned {} at the baseline (command or {:?} changed)",
            st.bench_hash, plan.benchmark.config_files
        ));
    }
    // A per-process tree: an interrupted round's orphaned benchmark may still be writing
    // into its own; leftovers are removed best-effort.
    let work = dir.join("work");
    clear_work(&work);
    let tree = work.join(format!("round-{n}-{}", std::process::id()));
    let mut tests = Vec::new();
    let mut measurement = None;
    if reasons.is_empty() {
        git::export_tree(&repo, &commit, &tree)?;
        state::journal(dir, "tests_start", serde_json::json!({ "round": n }))?;
        for ac in &plan.acceptance {
            let cases = ac
                .positive
                .iter()
                .filter(|c| **c != plan.benchmark.command)
                .map(|c| ("positive", c))
                .chain(ac.negative.iter().map(|c| ("negative", c)));
            for (kind, cmd) in cases {
                let (ok, exit, _) =
                    bench::run_command(cmd, &tree, &env(&[]), plan.benchmark.timeout_s);
                let ok = if kind == "positive" { ok } else { !ok };
                if !ok {
                    reasons.push(format!("{} {kind} test `{cmd}` {exit}", ac.id));
                }
                tests.push(TestRun {
                    criterion: ac.id.clone(),
                    kind: kind.into(),
                    command: cmd.clone(),
                    ok,
                    exit,
                });
            }
        }
    }
    if reasons.is_empty() {
        state::journal(dir, "bench_start", serde_json::json!({ "round": n }))?;
        let scratch = work.join(format!("round-{n}-{}.bench", std::process::id()));
        match bench::measure(&plan.benchmark, &plan.target.metric, &tree, &scratch, &env(&[])) {
            Ok(m) => measurement = Some(m),
            Err(e) => reasons.push(e),
        }
        let _ = std::fs::remove_dir_all(&scratch);
    }
    let vs_best = measurement.as_ref().and_then(|m| compare(&st.best.measurement, m, &plan));
    let vs_baseline =
        measurement.as_ref().and_then(|m| compare(&st.baseline.measurement, m, &plan));
    if measurement.is_some() && vs_best.is_none() {
        reasons.push("the comparison with the best could not be made".into());
    }
    let outcome = match (&vs_best, reasons.is_empty()) {
        (Some(c), true) => match c.verdict {
            Verdict::Faster => Outcome::Advanced,
            Verdict::Slower => Outcome::Regressed,
            Verdict::Same | Verdict::Noisy => Outcome::Stalled,
        },
        _ => Outcome::Rejected,
    };
    let mut review = None;
    if let Some(cmd) = &o.review {
        let review_tree = if tree.exists() { tree.clone() } else { repo.clone() };
        let extra = [
            ("PERFPILOT_LOOP_CANDIDATE", commit.clone()),
            ("PERFPILOT_LOOP_BASE", st.baseline.commit.clone()),
            ("PERFPILOT_LOOP_OUTCOME", outcome.as_str().to_string()),
        ];
        let (ok, exit, out) =
            bench::run_command(cmd, &review_tree, &env(&extra), o.command_timeout_s);
        let text = out.join("\n");
        let parsed = if ok {
            verdict::parse_review(&text)
        } else {
            Err(format!("the reviewing command {exit}"))
        };
        match parsed {
            Ok(p) => review = Some(p),
            Err(e) => {
                state::journal(
                    dir,
                    "review_invalid",
                    serde_json::json!({ "round": n, "error": e }),
                )?;
                return Err(LoopError::Refused(format!(
                    "round {n}: review rejected ({e}); a review is required, never skipped: run the round again (it is redone)"
                )));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&tree);
    let rec = RoundRecord {
        round: n,
        subject: git::subject(&repo, &commit),
        commit: commit.clone(),
        parent: st.best.commit.clone(),
        drift_recovery: drift,
        outcome,
        reasons,
        boundary_violations: violations,
        bench_hash,
        tests,
        vs_best,
        vs_baseline,
        review: review.clone(),
        profile,
        measurement: measurement.clone(),
        finished_at: crate::now_unix(),
    };
    if let Some(p) = &review {
        for (i, f) in p.findings.iter().enumerate() {
            st.findings.push(Finding {
                id: format!("R{n}-F{}", i + 1),
                round: n,
                blocking: f.severity <= plan.stop.blocking_severity,
                finding: f.clone(),
                answer: None,
            });
        }
    }
    if outcome == Outcome::Advanced
        && let Some(m) = measurement
    {
        st.best = state::Point { round: n, commit, measurement: m };
    }
    st.stall_count = stop::next_stall_count(st.stall_count, outcome);
    st.rounds.push(rec.clone());
    st.in_progress = None;
    let decision = stop::after_round(&plan, &st, &rec);
    let mut drift_prompt = None;
    st.drift_status = "normal".into();
    if decision.is_none() && st.stall_count >= plan.stop.replan_after_stalls {
        st.drift_status = "replan_required".into();
        drift_prompt = Some(ledger::write_drift_prompt(dir, &plan, &st)?.display().to_string());
    }
    st.stopped = decision.clone();
    st.save(dir)?;
    ledger::write_ledgers(dir, &st)?;
    state::journal(
        dir,
        "round_end",
        serde_json::json!({ "round": n, "outcome": outcome, "stall_count": st.stall_count, "stop": decision }),
    )?;
    Ok(summary(dir, &st, Some(rec), resumed, drift_prompt, decision))
}

fn clear_work(work: &Path) {
    if let Ok(rd) = std::fs::read_dir(work) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with("round-") {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

fn summary(
    dir: &Path,
    st: &State,
    round: Option<RoundRecord>,
    resumed: bool,
    drift_prompt: Option<String>,
    stop: Option<StopDecision>,
) -> RoundReport {
    RoundReport {
        dir: dir.display().to_string(),
        round,
        resumed,
        best_round: st.best.round,
        best_commit: st.best.commit.clone(),
        best_median: st.best.measurement.median,
        stall_count: st.stall_count,
        drift_status: st.drift_status.clone(),
        drift_prompt,
        stop,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_allowed_and_forbidden() {
        let b = Boundaries { allowed: vec!["src/".into()], forbidden: vec!["src/bench".into()] };
        let files: Vec<String> = ["src/k.c", "src/bench/cfg", "README", "srcx/a"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(boundary_violations(&b, &files), vec!["src/bench/cfg", "README", "srcx/a"]);
        let open = Boundaries { allowed: vec![], forbidden: vec![] };
        assert!(boundary_violations(&open, &files).is_empty());
    }
}
