//! `loop init` (plan, pinned benchmark, baseline measurement, state) and `loop replan`.

use std::path::{Path, PathBuf};

use perfpilot_report::{Document, Report, Section};
use perfpilot_stats::{Better, Spread};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::bench::{self, Measurement};
use crate::plan::{
    BenchKind, Benchmark, Boundaries, Criterion, Milestone, PLAN_FILE, PLAN_MD, PLAN_SCHEMA, Plan,
    StopSettings,
};
use crate::state::{self, Point, Replan, STATE_FILE, STATE_SCHEMA, State};
use crate::{LoopError, git, kernel_bench, ledger, lock, serve_bench, sweep_bench};

/// What `loop init` needs.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// State directory (created).
    pub dir: PathBuf,
    /// A directory inside the git repository.
    pub repo: PathBuf,
    /// The goal statement.
    pub goal: String,
    /// `METRIC=VALUE`.
    pub target: String,
    /// Lower or higher is better (default: lower; a `bench serve` or kernel metric
    /// decides it, and a contradicting value is refused).
    pub better: Option<Better>,
    /// The benchmark command (exactly one of `bench`, `from_bench`, `kernel_task`,
    /// `from_sweep`).
    pub bench: Option<String>,
    /// A `bench serve` result with repeats to pin (its settings are re-run each round).
    pub from_bench: Option<PathBuf>,
    /// A `kernel ab` task directory inside the repository.
    pub kernel_task: Option<PathBuf>,
    /// A sweep's `summary.json`: its winner's server and workload are pinned.
    pub from_sweep: Option<crate::sweep_bench::SweepSource>,
    /// Benchmark configuration files (relative to the repository).
    pub bench_config: Vec<String>,
    /// Runs per measurement.
    pub repeats: u32,
    /// Practical threshold (fraction).
    pub threshold: f64,
    /// Seconds per benchmark run at most.
    pub timeout_s: f64,
    /// Positive acceptance test commands.
    pub tests: Vec<String>,
    /// Negative acceptance test commands (expected to fail).
    pub negative_tests: Vec<String>,
    /// Allowed path prefixes.
    pub allowed: Vec<String>,
    /// Forbidden path prefixes.
    pub forbidden: Vec<String>,
    /// Baseline revision.
    pub baseline: String,
    /// Stop-rule settings.
    pub stop: StopSettings,
}

/// The result of `loop init`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct InitReport {
    /// State directory.
    pub dir: String,
    /// Repository top level.
    pub repo: String,
    /// The plan as written.
    pub plan: Plan,
    /// Baseline commit.
    pub baseline_commit: String,
    /// The baseline's measurement.
    pub baseline: Measurement,
    /// The pinned benchmark configuration hash.
    pub bench_hash: String,
    /// The frozen plan's hash.
    pub plan_hash: String,
}

impl Report for InitReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.loop.init/3"
    }
    fn document(&self) -> Document {
        let m = &self.baseline;
        Document::new("Loop initialised").with_section(
            Section::new("Baseline (round 0)").with_facts([
                ("state", self.dir.clone()),
                ("baseline commit", self.baseline_commit.clone()),
                ("benchmark", self.plan.benchmark.command.clone()),
                ("benchmark hash", self.bench_hash.clone()),
                ("plan hash (frozen)", self.plan_hash.clone()),
                (self.plan.target.metric.as_str(), spread_text(m.median, &m.spread)),
                ("target", format!("{}", self.plan.target.value)),
            ]),
        )
    }
}

/// `median (min..max over N runs, cv X%)`.
pub fn spread_text(median: f64, s: &Spread) -> String {
    format!(
        "{median:.6} (run medians {:.6}..{:.6} over {} runs, cv {:.2}%)",
        s.min,
        s.max,
        s.runs,
        s.cv * 100.0
    )
}

/// Hash of the plan file's bytes.
pub fn plan_hash(repo: &Path, dir: &Path) -> Result<String, LoopError> {
    let file = dir.join(PLAN_FILE);
    let text = perfpilot_io::read_to_string_bounded(&file).map_err(|e| LoopError::io(&file, e))?;
    git::hash_text(repo, &text)
}

/// The host the numbers come from (CPU model, cores, OS).
pub fn host_line() -> String {
    let cpu = perfpilot_io::read_regular("/proc/cpuinfo")
        .ok()
        .and_then(|b| {
            String::from_utf8_lossy(&b)
                .lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} cores, {} {}", std::env::consts::OS, std::env::consts::ARCH)
}

/// The benchmark a new loop pins, before it is measured.
enum Pinned {
    /// Measured at init in the baseline's tree (a shell command, a sweep's winner).
    Command,
    /// A `bench serve` result: its runs are the baseline.
    Serve { runs: Vec<Vec<f64>> },
    /// A kernel task (measured in the baseline's tree).
    Kernel,
}

fn benchmark_of(o: &InitOptions, repo: &Path) -> Result<(Benchmark, Better, Pinned), LoopError> {
    let given = [
        o.bench.is_some(),
        o.from_bench.is_some(),
        o.kernel_task.is_some(),
        o.from_sweep.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(LoopError::Invalid(
            "give exactly one of --bench CMD, --from-bench RESULT.json, --kernel-task DIR, --from-sweep SUMMARY.json".into(),
        ));
    }
    let metric = o.target.split_once('=').map_or("", |(m, _)| m.trim());
    let fixed = |b: Better, why: &str| match o.better {
        Some(x) if x != b => Err(LoopError::Invalid(format!(
            "--better {} contradicts {why}",
            if x == Better::Lower { "lower" } else { "higher" }
        ))),
        _ => Ok(b),
    };
    let mut bench = Benchmark {
        kind: BenchKind::Command,
        command: String::new(),
        spec: None,
        source: None,
        config_files: o.bench_config.clone(),
        repeats: o.repeats,
        threshold: o.threshold,
        timeout_s: o.timeout_s,
    };
    if let Some(cmd) = &o.bench {
        bench.command = cmd.clone();
        return Ok((bench, o.better.unwrap_or(Better::Lower), Pinned::Command));
    }
    if let Some(file) = &o.from_bench {
        let r = serve_bench::load_result(file)?;
        serve_bench::check_pinnable(&r, metric, file)?;
        let better = fixed(
            serve_bench::better_of(metric).unwrap_or(Better::Lower),
            &format!("`{metric}` of a bench serve result"),
        )?;
        let runs = serve_bench::runs_of(&r, metric)
            .map_err(|e| LoopError::Invalid(format!("{}: {e}", file.display())))?;
        let opts = serve_bench::options_of(&r)
            .map_err(|e| LoopError::Invalid(format!("{}: {e}", file.display())))?;
        bench.kind = BenchKind::BenchServe;
        bench.command = serve_bench::command_of(&opts);
        bench.spec = Some(serde_json::to_string(&opts).map_err(|e| {
            LoopError::Invalid(format!("{}: cannot pin its options: {e}", file.display()))
        })?);
        bench.source = Some(file.display().to_string());
        bench.repeats = opts.repeats;
        return Ok((bench, better, Pinned::Serve { runs }));
    }
    if let Some(src) = &o.from_sweep {
        let better = match serve_bench::better_of(metric) {
            Some(b) => fixed(b, &format!("`{metric}` of a bench serve workload"))?,
            None => {
                return Err(LoopError::Invalid(format!(
                    "--target metric `{metric}` is not one a sweep's winner can pin (its workload runs as `bench serve`); expected one of {}",
                    serve_bench::METRICS.join(", ")
                )));
            }
        };
        let spec = sweep_bench::pin(src, o.repeats)?;
        bench.kind = BenchKind::SweepWinner;
        bench.command = sweep_bench::command_of(&spec);
        bench.repeats = spec.serve.repeats;
        bench.spec = Some(serde_json::to_string(&spec).map_err(|e| {
            LoopError::Invalid(format!("{}: cannot pin the winner: {e}", src.summary.display()))
        })?);
        bench.source = Some(format!("{} ({})", src.summary.display(), spec.search));
        return Ok((bench, better, Pinned::Command));
    }
    let dir = o.kernel_task.as_deref().unwrap_or(Path::new("."));
    if metric != kernel_bench::METRIC {
        return Err(LoopError::Invalid(format!(
            "--target `{}`: a kernel task's metric is `{}` (candidate / baseline time, geomean over shapes), e.g. --target {}=0.8",
            o.target,
            kernel_bench::METRIC,
            kernel_bench::METRIC
        )));
    }
    let better = fixed(Better::Lower, "`kernel_time_ratio` (lower is better)")?;
    let rel = rel_in_repo(repo, dir)?;
    if !dir.join(kernel_bench::TASK_FILE).is_file() {
        return Err(LoopError::Invalid(format!(
            "--kernel-task {}: no {} there (a `perfpilot kernel ab` task directory)",
            dir.display(),
            kernel_bench::TASK_FILE
        )));
    }
    bench.kind = BenchKind::KernelAb;
    bench.command = kernel_bench::command_of(&rel);
    bench.spec = Some(rel.clone());
    bench.repeats = 1;
    let task_file = if rel.is_empty() || rel == "." {
        kernel_bench::TASK_FILE.to_string()
    } else {
        format!("{rel}/{}", kernel_bench::TASK_FILE)
    };
    if !bench.config_files.contains(&task_file) {
        bench.config_files.push(task_file);
    }
    Ok((bench, better, Pinned::Kernel))
}

/// `dir` relative to the repository's top level (it must be inside it).
fn rel_in_repo(repo: &Path, dir: &Path) -> Result<String, LoopError> {
    let d = std::fs::canonicalize(dir).map_err(|e| LoopError::io(dir, e))?;
    let r = std::fs::canonicalize(repo).map_err(|e| LoopError::io(repo, e))?;
    let rel = d.strip_prefix(&r).map_err(|_| {
        LoopError::Invalid(format!(
            "--kernel-task {}: not inside the repository {} (the task must be versioned with the candidates)",
            dir.display(),
            repo.display()
        ))
    })?;
    let s = rel.display().to_string();
    Ok(if s.is_empty() { ".".into() } else { s })
}

fn build_plan(o: &InitOptions, bench: Benchmark, better: Better) -> Result<Plan, LoopError> {
    let target = crate::plan::parse_target(&o.target, better)?;
    let op = if better == Better::Lower { "<=" } else { ">=" };
    let runs = match bench.kind {
        BenchKind::Command => format!("median of {} runs", bench.repeats),
        BenchKind::BenchServe => format!("median over {} bench serve repeats", bench.repeats),
        BenchKind::SweepWinner => format!(
            "median over {} bench serve repeats against the sweep winner's server",
            bench.repeats
        ),
        BenchKind::KernelAb => "median over the kernel ab trials".to_string(),
    };
    let mut acceptance = vec![Criterion {
        id: "AC-1".into(),
        description: "the pinned benchmark reaches the target and is never changed to look faster"
            .to_string(),
        positive: vec![bench.command.clone()],
        negative: Vec::new(),
        threshold: Some(format!("{} {op} {} ({runs})", target.metric, target.value)),
    }];
    let n = o.tests.len().max(o.negative_tests.len());
    for i in 0..n {
        acceptance.push(Criterion {
            id: format!("AC-{}", i + 2),
            description: "correctness is preserved".into(),
            positive: o.tests.get(i).cloned().into_iter().collect(),
            negative: o.negative_tests.get(i).cloned().into_iter().collect(),
            threshold: None,
        });
    }
    let plan = Plan {
        schema_version: PLAN_SCHEMA.into(),
        title: format!("Reach {} {op} {}", target.metric, target.value),
        goal: o.goal.clone(),
        benchmark: bench,
        target,
        acceptance,
        boundaries: Boundaries { allowed: o.allowed.clone(), forbidden: o.forbidden.clone() },
        milestones: vec![
            Milestone {
                id: "M-1".into(),
                description: "baseline pinned and measured (round 0)".into(),
            },
            Milestone { id: "M-2".into(), description: "a candidate ADVANCED beyond noise".into() },
            Milestone {
                id: "M-3".into(),
                description: "target met, review answered, report written".into(),
            },
        ],
        stop: o.stop.clone(),
    };
    plan.validate(Path::new("--flags"))?;
    Ok(plan)
}

/// Write the plan, measure the baseline, freeze the plan and start the state.
pub fn init_loop(o: &InitOptions) -> Result<InitReport, LoopError> {
    let repo = PathBuf::from(git::toplevel(&o.repo)?);
    let (bench, better, pinned) = benchmark_of(o, &repo)?;
    let plan = build_plan(o, bench, better)?;
    let commit = git::commit_of(&repo, &o.baseline)?;
    std::fs::create_dir_all(&o.dir).map_err(|e| LoopError::io(&o.dir, e))?;
    let _lock = lock::acquire(&o.dir)?;
    if o.dir.join(STATE_FILE).exists() {
        return Err(LoopError::Refused(format!(
            "{}: a loop is already initialised here; use another directory",
            o.dir.join(STATE_FILE).display()
        )));
    }
    let file = o.dir.join(PLAN_FILE);
    perfpilot_io::write_output(&file, plan.to_toml().as_bytes())
        .map_err(|e| LoopError::io(&file, e))?;
    let md = o.dir.join(PLAN_MD);
    perfpilot_io::write_output(&md, plan.to_markdown().as_bytes())
        .map_err(|e| LoopError::io(&md, e))?;
    state::journal(&o.dir, "init", serde_json::json!({ "baseline": commit, "repo": repo }))?;
    let tree = o.dir.join("work").join("baseline");
    git::export_tree(&repo, &commit, &tree)?;
    let env = vec![("PERFPILOT_LOOP_ROUND".to_string(), "0".to_string())];
    let scratch = o.dir.join("work").join("baseline.bench");
    let measured = match pinned {
        Pinned::Serve { runs } => bench::measurement(runs, 0.0),
        Pinned::Command | Pinned::Kernel => {
            bench::measure(&plan.benchmark, &plan.target.metric, &tree, &scratch, &env)
        }
    };
    let _ = std::fs::remove_dir_all(&tree);
    let _ = std::fs::remove_dir_all(&scratch);
    let measurement =
        measured.map_err(|e| LoopError::Invalid(format!("baseline {commit}: {e}")))?;
    let bench_hash = bench::config_hash(&repo, &plan.benchmark, &commit)?;
    let plan_hash = plan_hash(&repo, &o.dir)?;
    let baseline = Point { round: 0, commit: commit.clone(), measurement: measurement.clone() };
    let st = State {
        schema_version: STATE_SCHEMA.into(),
        repo: repo.display().to_string(),
        started_at: crate::now_unix(),
        best: baseline.clone(),
        baseline,
        bench_hash: bench_hash.clone(),
        plan_hash: plan_hash.clone(),
        rounds: Vec::new(),
        stall_count: 0,
        drift_status: "normal".into(),
        stopped: None,
        in_progress: None,
        findings: Vec::new(),
        answers: Vec::new(),
        replans: Vec::new(),
        host: host_line(),
    };
    st.save(&o.dir)?;
    ledger::write_ledgers(&o.dir, &st)?;
    state::journal(
        &o.dir,
        "baseline",
        serde_json::json!({ "commit": commit, "median": measurement.median, "cv": measurement.spread.cv, "bench_hash": bench_hash }),
    )?;
    Ok(InitReport {
        dir: o.dir.display().to_string(),
        repo: st.repo,
        plan,
        baseline_commit: commit,
        baseline: measurement,
        bench_hash,
        plan_hash,
    })
}

/// `loop replan --why`: accept the edited plan (its benchmark must stay pinned), record
/// why, re-render `plan.md`, clear the drift status.
pub fn replan(dir: &Path, why: &str) -> Result<Replan, LoopError> {
    if why.trim().is_empty() {
        return Err(LoopError::Invalid("--why is empty: say why the plan changes".into()));
    }
    let _lock = lock::acquire(dir)?;
    let mut st = State::load(dir)?;
    let plan = Plan::load(dir)?;
    let repo = PathBuf::from(&st.repo);
    let hash = bench::config_hash(&repo, &plan.benchmark, &st.baseline.commit)?;
    if hash != st.bench_hash {
        return Err(LoopError::Refused(format!(
            "{}: the edited plan changes the pinned benchmark (benchmark alignment): every result so far would be void; start a new loop instead",
            dir.join(PLAN_FILE).display()
        )));
    }
    let new_hash = plan_hash(&repo, dir)?;
    let rec = Replan {
        after_round: st.rounds.last().map_or(0, |r| r.round),
        why: why.trim().to_string(),
        plan_hash: new_hash.clone(),
    };
    st.plan_hash = new_hash;
    st.drift_status = "normal".into();
    st.replans.push(rec.clone());
    let md = dir.join(PLAN_MD);
    perfpilot_io::write_output(&md, plan.to_markdown().as_bytes())
        .map_err(|e| LoopError::io(&md, e))?;
    st.save(dir)?;
    state::journal(dir, "replan", serde_json::json!(rec))?;
    Ok(rec)
}

impl Report for Replan {
    fn schema_version(&self) -> &'static str {
        "perfpilot.loop.replan/1"
    }
    fn document(&self) -> Document {
        Document::new("Plan replanned").with_section(Section::new("Replan").with_facts([
            ("after round", self.after_round.to_string()),
            ("why", self.why.clone()),
            ("plan hash", self.plan_hash.clone()),
        ]))
    }
}
