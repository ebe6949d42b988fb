//! `trace triage` across every rank: the rank files of a directory (or a list of files)
//! are analysed in parallel, one worker per core. Each worker parses one rank, builds
//! that rank's tables and drops its events before taking the next rank, so memory holds
//! at most one trace per worker plus the per-rank tables. The tables are then merged
//! (sum and per-rank mean), and compared across ranks: step time, GPU busy, exposed
//! communication and time inside collectives per rank, the spread of each kernel's time
//! across ranks, and per collective the rank that arrived last.

mod checks;
mod collectives;
mod document;
mod merge;
mod plan;
pub mod report;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use perfpilot_report::{NoProgress, Progress, Report};
use schemars::JsonSchema;
use serde::Serialize;

pub use plan::{Plan, RankJob, plan};
pub use report::RanksReport;

use crate::error::TraceError;
use crate::input::discover::Selection;
use crate::triage::{Rules, TriageOptions, TriageReport, triage, triage_selection};
use merge::{RankData, StageFacts};
use report::RankFailure;

/// What `trace triage` returns: one rank's tables, or the multi-rank report.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum TriageOutput {
    /// One rank (a single file, a directory of one rank, or `--rank N`).
    Rank(Box<TriageReport>),
    /// Every rank of a multi-rank input.
    Ranks(Box<RanksReport>),
}

impl TriageOutput {
    /// The warnings of either report, moved out (for the envelope).
    pub fn take_warnings(&mut self) -> Vec<perfpilot_report::Warning> {
        match self {
            TriageOutput::Rank(r) => std::mem::take(&mut r.warnings),
            TriageOutput::Ranks(r) => std::mem::take(&mut r.warnings),
        }
    }

    /// Trace files analysed (role, path).
    pub fn input_paths(&self) -> Vec<(String, String)> {
        let inputs = match self {
            TriageOutput::Rank(r) => &r.inputs,
            TriageOutput::Ranks(r) => &r.inputs,
        };
        inputs.iter().map(|i| (i.role.clone(), i.path.clone())).collect()
    }

    /// True when a rank file failed while others produced tables (exit status 2).
    pub fn partial(&self) -> bool {
        matches!(self, TriageOutput::Ranks(r) if !r.failures.is_empty())
    }
}

impl Report for TriageOutput {
    fn schema_version(&self) -> &'static str {
        crate::triage::SCHEMA_VERSION
    }

    fn document(&self) -> perfpilot_report::Document {
        match self {
            TriageOutput::Rank(r) => r.document(),
            TriageOutput::Ranks(r) => r.document(),
        }
    }
}

/// Triage one rank or every rank: a multi-rank input (more than one rank found, or more
/// than one input given) without `rank` gives the multi-rank report.
pub fn triage_any(
    opts: &TriageOptions,
    progress: &dyn Progress,
) -> Result<TriageOutput, TraceError> {
    opts.validate()?;
    if opts.more_inputs.is_empty() {
        let p = plan(opts)?;
        if p.jobs.len() <= 1 || opts.rank.is_some() {
            return Ok(TriageOutput::Rank(Box::new(triage(opts, progress)?)));
        }
        return Ok(TriageOutput::Ranks(Box::new(triage_ranks(opts, p, progress)?)));
    }
    let mut p = plan(opts)?;
    if let Some(r) = opts.rank {
        let job = p.jobs.into_iter().find(|j| j.rank == Some(r)).ok_or_else(|| {
            TraceError::Selection {
                path: opts.input.clone(),
                message: format!("rank {r} not found; ranks present: {:?}", p.ranks),
            }
        })?;
        let rules = Rules::load(opts)?;
        let args_dir = job.args_dir();
        let sel = Selection {
            files: job.files,
            ranks: p.ranks.clone(),
            rank: Some(r),
            dropped: std::mem::take(&mut p.dropped),
        };
        let report =
            triage_selection(opts, &rules, sel, &args_dir, progress, &mut |_, _, _, _| {})?;
        return Ok(TriageOutput::Rank(Box::new(report)));
    }
    Ok(TriageOutput::Ranks(Box::new(triage_ranks(opts, p, progress)?)))
}

/// Analyse every job of a plan in parallel and merge.
pub fn triage_ranks(
    opts: &TriageOptions,
    plan: Plan,
    progress: &dyn Progress,
) -> Result<RanksReport, TraceError> {
    opts.validate()?;
    if opts.mapping.is_some() {
        return Err(TraceError::Options(
            "--mapping works on one rank: add --rank N to a multi-rank input".into(),
        ));
    }
    if !plan.duplicates.is_empty() {
        return Err(TraceError::Selection {
            path: opts.input.clone(),
            message: format!(
                "duplicate rank ids: {}. Remove the extra files, give --rank N, or pass --force \
                 to keep the first file of each rank and stage",
                plan.duplicates.join("; ")
            ),
        });
    }
    let rules = Rules::load(opts)?;
    let n = plan.jobs.len();
    let workers = std::thread::available_parallelism().map_or(1, |c| c.get()).min(n).max(1);
    // Progress in bytes (the unit of single-rank triage): a rank's files count when the
    // rank is done.
    let sizes: Vec<u64> = plan
        .jobs
        .iter()
        .map(|j| {
            j.files.iter().filter_map(|f| std::fs::metadata(&f.path).ok()).map(|m| m.len()).sum()
        })
        .collect();
    progress.set_total(sizes.iter().sum());
    progress.message(&format!("{n} ranks on {workers} workers"));
    let mut done = 0usize;
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<Result<RankData, RankFailure>>> = (0..n).map(|_| None).collect();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, jobs, rules) = (&next, &plan.jobs, &rules);
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    if tx.send((i, run_job(opts, rules, job))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (i, out) in rx {
            done += 1;
            progress.advance(sizes[i]);
            progress.message(&format!("{done}/{n} ranks done ({workers} workers)"));
            results[i] = Some(out);
        }
    });
    progress.finish();
    let mut ok = Vec::new();
    let mut failures = Vec::new();
    for r in results.into_iter().flatten() {
        match r {
            Ok(d) => ok.push(d),
            Err(f) => failures.push(f),
        }
    }
    let forced = checks::consistency(&mut ok);
    if !forced.is_empty() && !opts.force {
        return Err(TraceError::Selection {
            path: opts.input.clone(),
            message: format!(
                "these rank files do not look like one run: {}. Pass --force to analyse them \
                 together anyway",
                forced.join("; ")
            ),
        });
    }
    let mut report = merge::merge(ok, failures, opts);
    report.forced = forced;
    checks::note_dropped(&mut report.warnings, &plan.dropped);
    Ok(report)
}

fn run_job(opts: &TriageOptions, rules: &Rules, job: &RankJob) -> Result<RankData, RankFailure> {
    let sel = Selection {
        files: job.files.clone(),
        ranks: job.rank.into_iter().collect(),
        rank: job.rank,
        dropped: Vec::new(),
    };
    let mut facts: Vec<StageFacts> = Vec::new();
    let mut hook = |trace: &crate::Trace,
                    stage: crate::analysis::stage::Stage,
                    ops: &[crate::analysis::kernels::OpFacts],
                    rows: &crate::analysis::kernels::RowIndex<'_>| {
        facts.push(StageFacts::of(trace, stage, ops, rows));
    };
    let args_dir: PathBuf = job.args_dir();
    match triage_selection(opts, rules, sel, &args_dir, &NoProgress, &mut hook) {
        Ok(report) => Ok(RankData::new(job.rank, report, facts)),
        Err(e) => Err(RankFailure {
            rank: job.rank,
            paths: job.files.iter().map(|f| f.path.display().to_string()).collect(),
            reason: e.to_string(),
        }),
    }
}
