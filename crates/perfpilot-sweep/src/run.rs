//! The sweep itself: per framework, baseline and stage 1, then stage 2; per candidate a
//! fresh server, per scenario × concurrency a rate search driven by `perfpilot-bench`;
//! optional repeats; every row appended to `live_results.jsonl` as it is made.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use perfpilot_bench::{NumberOrInf, ServeOptions, TokenizerChoice};
use perfpilot_report::Progress;
use perfpilot_stats::{Better, Policy, Statistic, compare_samples};
use perfpilot_workload::{DatasetSpec, RandomSpec, RangeMode, RequestRecord};

use crate::candidates::{Candidate, Significant, Stage, argv, stage1, stage2};
use crate::plan::{Framework, Plan, Scenario};
use crate::process::{
    Health, PidFile, Server, capture_version, free_port, http, interrupted, spawn, tail,
};
use crate::rows::{
    FailureRow, Metrics, ProbeRow, Row, RowLog, SearchRow, VersionRow, check_sla, read_rows,
};
use crate::rules::Rules;
use crate::search::{round_rate, search};
use crate::summary::{Timing, summarize};
use crate::validate::check_plan;
use crate::{SweepError, SweepReport};

mod repeat;

/// What to run.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    /// The plan file.
    pub plan: PathBuf,
    /// Output folder (default: the plan's `benchmark.output_dir`, else `sweep-out`).
    pub out: Option<PathBuf>,
    /// Continue from `live_results.jsonl` (also when the plan says `search.resume`).
    pub resume: bool,
    /// Rerun the top two candidates per framework × scenario this many times.
    pub repeats: u32,
    /// Framework rules.
    pub rules: Rules,
}

/// Files of a sweep in `out`.
pub fn results_path(out: &Path) -> PathBuf {
    out.join("live_results.jsonl")
}

struct Ctx<'a> {
    plan: &'a Plan,
    out: PathBuf,
    log: RowLog,
    done: HashMap<String, Row>,
    pids: PidFile,
    timing: Timing,
    progress: &'a dyn Progress,
    /// Progress units counted so far (see `crate::meter`).
    units: u64,
}

/// Count `n` progress units as done.
fn tick(cx: &mut Ctx, n: u64) {
    cx.units += n;
    cx.progress.advance(n);
}

/// Count every planned unit up to `target` as done (what did not run).
fn catch_up(cx: &mut Ctx, target: u64) {
    if target > cx.units {
        tick(cx, target - cx.units);
    }
}

enum Measured {
    Ok,
    Failed,
    Interrupted,
}

/// Run a sweep. `Err(BadPlan)` when the plan has errors (nothing is started).
pub fn run_sweep(opts: &SweepOptions, progress: &dyn Progress) -> Result<SweepReport, SweepError> {
    let started = Instant::now();
    let (loaded, report) = check_plan(&opts.plan, &opts.rules, false)?;
    let Some(plan) = loaded.plan else {
        let errors: Vec<_> =
            report.problems.iter().filter(|p| p.severity == crate::Severity::Error).collect();
        return Err(SweepError::BadPlan {
            path: opts.plan.clone(),
            count: errors.len(),
            first: errors.first().map(|p| p.to_string()).unwrap_or_default(),
        });
    };
    let out = opts
        .out
        .clone()
        .or_else(|| plan.benchmark.output_dir.clone())
        .unwrap_or_else(|| PathBuf::from("sweep-out"));
    std::fs::create_dir_all(out.join("logs")).map_err(|e| SweepError::io(&out, e))?;
    std::fs::create_dir_all(out.join("raw")).map_err(|e| SweepError::io(&out, e))?;
    let results = results_path(&out);
    let resume = opts.resume || plan.search.resume;
    let pids = PidFile::new(&out);
    let mut notes = Vec::new();
    let prior = if resume {
        let killed = pids.kill_leftovers()?;
        if !killed.is_empty() {
            notes.push(format!(
                "resume: killed {} leftover server(s) of the previous run: {killed:?}",
                killed.len()
            ));
        }
        read_rows(&results)?
    } else {
        if std::fs::metadata(&results).is_ok_and(|m| m.len() > 0) {
            return Err(SweepError::Other(format!(
                "{} already holds results: pass --resume to continue it, or choose another --out",
                results.display()
            )));
        }
        Vec::new()
    };
    let resumed = prior.len();
    let mut cx = Ctx {
        plan: &plan,
        log: RowLog::open(&results)?,
        done: prior.into_iter().map(|r| (r.id().to_string(), r)).collect(),
        out: out.clone(),
        pids,
        timing: Timing::default(),
        progress,
        units: 0,
    };
    let (per_fw, repeat_units) = crate::meter::planned(&plan, opts.repeats);
    progress.set_total(per_fw.iter().sum::<u64>() + repeat_units);
    let mut target = 0;
    if resumed > 0 {
        notes.push(format!("resume: {resumed} finished row(s) reused from {}", results.display()));
    }
    'fw: for (fw_index, fw) in plan.frameworks.iter().filter(|f| f.enabled).enumerate() {
        // Units of the previous framework that did not run are done now.
        catch_up(&mut cx, target);
        target += per_fw.get(fw_index).copied().unwrap_or(0);
        version(&mut cx, fw)?;
        let budget = plan.search.max_candidates_per_framework;
        let (cands, dropped) = stage1(fw, budget);
        if !dropped.is_empty() {
            notes.push(format!(
                "{}: budget left out stage-1 changes {}",
                fw.name,
                dropped.join(", ")
            ));
        }
        let mut failed = 0;
        for (i, c) in cands.iter().enumerate() {
            match measure(&mut cx, fw, c)? {
                Measured::Ok => {}
                Measured::Failed => failed += 1,
                Measured::Interrupted => {
                    notes.push("interrupted (Ctrl-C): servers stopped; rerun with --resume".into());
                    break 'fw;
                }
            }
            if failed == i + 1 && failed >= 2.min(cands.len()) && i + 1 < cands.len() {
                notes.push(format!(
                    "{}: stopped early: the first {failed} candidates all failed (baseline included); {} not started",
                    fw.name,
                    cands.len() - i - 1
                ));
                continue 'fw;
            }
        }
        let sig = significant(&cx, fw, &cands);
        let ids: Vec<String> = cands.iter().map(|c| c.id.clone()).collect();
        for c in stage2(fw, &sig, &ids, budget.saturating_sub(cands.len())) {
            if let Measured::Interrupted = measure(&mut cx, fw, &c)? {
                notes.push("interrupted (Ctrl-C): servers stopped; rerun with --resume".into());
                break 'fw;
            }
        }
    }
    if !interrupted() {
        catch_up(&mut cx, target);
    }
    let rows: Vec<Row> = read_rows(&results)?;
    if opts.repeats > 0 && !interrupted() {
        repeat::repeats(&mut cx, &rows, opts.repeats)?;
    }
    let rows = read_rows(&results)?;
    cx.timing.total_s = started.elapsed().as_secs_f64();
    let mut report = summarize(&plan, &out, &rows, &cx.timing, opts.repeats);
    report.notes.splice(0..0, notes);
    report.interrupted = interrupted();
    crate::summary::write_summary(&report, &out)?;
    Ok(report)
}

fn version(cx: &mut Ctx, fw: &Framework) -> Result<(), SweepError> {
    let id = format!("{}/version", fw.name);
    if cx.done.contains_key(&id) || fw.rules.version_args.is_empty() {
        return Ok(());
    }
    let mut command = fw.command.clone();
    command.extend(fw.rules.version_args.iter().cloned());
    let v = capture_version(&command, &fw.env, Duration::from_secs(20));
    let command = redact_argv(&command);
    record(cx, Row::Version(VersionRow { id, framework: fw.name.clone(), version: v, command }))
}

fn record(cx: &mut Ctx, row: Row) -> Result<(), SweepError> {
    cx.log.append(&row)?;
    cx.done.insert(row.id().to_string(), row);
    Ok(())
}

fn conc_label(c: Option<u32>) -> String {
    c.map(|c| format!("c{c}")).unwrap_or_else(|| "cinf".into())
}

fn search_id(fw: &str, cand: &str, sc: &str, c: Option<u32>) -> String {
    format!("{fw}/{cand}/{sc}/{}", conc_label(c))
}

struct Running {
    server: Server,
    argv: Vec<String>,
}

fn start(
    cx: &mut Ctx,
    fw: &Framework,
    c: &Candidate,
) -> Result<Result<Running, FailureRow>, SweepError> {
    let port = free_port()?;
    let argv = argv(fw, &cx.plan.model, &c.flags, "127.0.0.1", port);
    let dir = cx.out.join("logs").join(&fw.name);
    std::fs::create_dir_all(&dir).map_err(|e| SweepError::io(&dir, e))?;
    let log = dir.join(format!("{}.log", c.id));
    let t0 = Instant::now();
    cx.progress.message(&format!("{}/{}: starting", fw.name, c.id));
    let mut server = match spawn(&argv, &fw.env, &log, port) {
        Ok(s) => s,
        Err(e) => return Ok(Err(failure(fw, c, &argv, &log, "start_failed", e))),
    };
    cx.pids.add(server.pid, &argv[0])?;
    let health = server.wait_healthy(&fw.rules.health_path, fw.rules.ready_timeout_s);
    let result = match health {
        Health::Ready(_) => Ok(Running { server, argv }),
        other => {
            let (status, why) = match other {
                Health::Exited(e) => ("exited", format!("exited before becoming healthy ({e})")),
                Health::Timeout(t) => (
                    "never_healthy",
                    format!(
                        "GET {} never answered 200 within ready_timeout_s = {t} s",
                        fw.rules.health_path
                    ),
                ),
                _ => ("interrupted", "interrupted (Ctrl-C) while starting".to_string()),
            };
            server.stop(Duration::from_secs(3));
            cx.pids.remove(server.pid)?;
            Err(failure(fw, c, &argv, &log, status, why))
        }
    };
    cx.timing.server_s += t0.elapsed().as_secs_f64();
    Ok(result)
}

fn stop(cx: &mut Ctx, mut r: Running) -> Result<(), SweepError> {
    let t0 = Instant::now();
    r.server.stop(Duration::from_secs(5));
    cx.pids.remove(r.server.pid)?;
    cx.timing.server_s += t0.elapsed().as_secs_f64();
    Ok(())
}

fn failure(
    fw: &Framework,
    c: &Candidate,
    argv: &[String],
    log: &Path,
    status: &str,
    why: String,
) -> FailureRow {
    let class = fw.rules.triage.as_ref().and_then(|_| triage_class(log));
    let failure_reason = match &class {
        Some(cl) => format!("{why}; triage: {cl}"),
        None => why,
    };
    FailureRow {
        id: format!("{}/{}", fw.name, c.id),
        framework: fw.name.clone(),
        candidate: c.id.clone(),
        stage: c.stage,
        status: status.into(),
        failure_reason,
        triage_class: class,
        log_tail: tail(log, 15),
        log: log.to_path_buf(),
        server_command: redact_argv(argv),
    }
}

fn triage_class(log: &Path) -> Option<String> {
    let cat = perfpilot_triage::Catalogue::builtin().ok()?;
    let mut t = perfpilot_triage::LogTriage::new(&cat).ok()?;
    let text = std::fs::read_to_string(log).ok()?;
    t.read_text(&log.display().to_string(), &text);
    let r = t.finish(10);
    let class = r.class.as_str();
    (class != "none").then(|| {
        let title = r.findings.first().map(|f| f.title.clone()).unwrap_or_default();
        if title.is_empty() { class.to_string() } else { format!("{class} ({title})") }
    })
}

fn measure(cx: &mut Ctx, fw: &Framework, c: &Candidate) -> Result<Measured, SweepError> {
    if interrupted() {
        return Ok(Measured::Interrupted);
    }
    let fid = format!("{}/{}", fw.name, c.id);
    if cx.done.contains_key(&fid) {
        return Ok(Measured::Failed);
    }
    let plan = cx.plan;
    let todo: Vec<(&Scenario, Option<u32>)> = plan
        .scenarios
        .iter()
        .flat_map(|s| plan.benchmark.max_concurrency.iter().map(move |c| (s, *c)))
        .filter(|(s, k)| !cx.done.contains_key(&search_id(&fw.name, &c.id, &s.name, *k)))
        .collect();
    if todo.is_empty() {
        return Ok(Measured::Ok);
    }
    let mut running = match start(cx, fw, c)? {
        Ok(r) => r,
        Err(f) => {
            let interrupted = f.status == "interrupted";
            if !interrupted {
                record(cx, Row::Failure(f))?;
            }
            return Ok(if interrupted { Measured::Interrupted } else { Measured::Failed });
        }
    };
    let mut last_scenario: Option<String> = None;
    for (sc, conc) in todo {
        if interrupted() {
            stop(cx, running)?;
            return Ok(Measured::Interrupted);
        }
        if fw.rules.flush_path.is_none() && last_scenario.as_deref().is_some_and(|l| l != sc.name) {
            // No cache flush endpoint: a fresh server per scenario.
            stop(cx, running)?;
            running = match start(cx, fw, c)? {
                Ok(r) => r,
                Err(f) => {
                    record(cx, Row::Failure(f))?;
                    return Ok(Measured::Failed);
                }
            };
        }
        last_scenario = Some(sc.name.clone());
        let sid = search_id(&fw.name, &c.id, &sc.name, conc);
        let mut crash: Option<FailureRow> = None;
        let found =
            search(&plan.benchmark.qps, &plan.sla, |rate| -> Result<ProbeRow, SweepError> {
                let pid = format!("{sid}/r{rate}");
                if let Some(Row::Probe(p)) = cx.done.get(&pid) {
                    return Ok(p.clone());
                }
                match probe(cx, fw, &mut running, sc, conc, rate, &pid, 0) {
                    Ok(p) => {
                        record(cx, Row::Probe(p.clone()))?;
                        Ok(p)
                    }
                    Err(f) => {
                        crash = Some(*f);
                        Err(SweepError::Other("probe failed".into()))
                    }
                }
            });
        let found = match found {
            Ok(f) => f,
            Err(e) => match crash {
                Some(mut f) => {
                    f.id = format!("{}/{}", fw.name, c.id);
                    record(cx, Row::Failure(f))?;
                    stop(cx, running)?;
                    return Ok(Measured::Failed);
                }
                None => {
                    stop(cx, running)?;
                    return Err(e);
                }
            },
        };
        let (vs, gain) = vs_baseline(cx, fw, c, sc, conc);
        let row = SearchRow {
            id: sid,
            framework: fw.name.clone(),
            candidate: c.id.clone(),
            stage: c.stage,
            reason: c.reason.clone(),
            scenario: sc.name.clone(),
            max_concurrency: conc,
            outcome: found.outcome,
            best_rate: found.best.as_ref().map(|b| b.request_rate),
            failed_rate: found.failed_rate,
            probes: found.probes,
            rounds: found.rounds,
            best_metrics: found.best.map(|b| b.metrics),
            server_command: redact_argv(&running.argv),
            vs_baseline: vs,
            vs_baseline_gain: gain,
        };
        record(cx, Row::Search(row))?;
        tick(cx, 1);
    }
    stop(cx, running)?;
    Ok(Measured::Ok)
}

/// The argv as written to results: values of flags whose name looks secret (token,
/// key, secret, password) are replaced.
pub fn redact_argv(argv: &[String]) -> Vec<String> {
    let secret = |f: &str| {
        let f = f.to_ascii_lowercase();
        f.starts_with('-')
            && ["token", "key", "secret", "password", "passwd"].iter().any(|w| f.contains(w))
    };
    let mut out = Vec::with_capacity(argv.len());
    let mut hide_next = false;
    for a in argv {
        if hide_next && !a.starts_with("--") {
            out.push("<redacted>".to_string());
            hide_next = false;
            continue;
        }
        hide_next = false;
        match a.split_once('=') {
            Some((f, _)) if secret(f) => out.push(format!("{f}=<redacted>")),
            _ => {
                hide_next = secret(a);
                out.push(a.clone());
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn probe(
    cx: &mut Ctx,
    fw: &Framework,
    running: &mut Running,
    sc: &Scenario,
    conc: Option<u32>,
    rate: f64,
    id: &str,
    repeat: u32,
) -> Result<ProbeRow, Box<FailureRow>> {
    let plan = cx.plan;
    let port = running.server.port;
    let crashed = |cx: &Ctx, running: &mut Running, why: String| {
        let c = Candidate {
            framework: fw.name.clone(),
            id: id.split('/').nth(1).unwrap_or_default().to_string(),
            stage: Stage::Baseline,
            changes: vec![],
            reason: String::new(),
            flags: vec![],
        };
        let _ = cx;
        let status = if running.server.exited().is_some() { "crashed" } else { "bench_failed" };
        Box::new(failure(fw, &c, &running.argv, &running.server.log, status, why))
    };
    if let Some(path) = &fw.rules.flush_path {
        let _ = http("POST", port, path, Duration::from_secs(10));
    }
    if let Some(e) = running.server.exited() {
        return Err(crashed(cx, running, format!("the server died during the sweep ({e})")));
    }
    let mut o = ServeOptions::new(format!("http://127.0.0.1:{port}"));
    o.endpoint = plan.benchmark.endpoint;
    o.tokenizer = plan
        .benchmark
        .tokenizer
        .as_deref()
        .or(plan.model_tokenizer.as_deref())
        .filter(|t| *t == "server" || Path::new(t).exists())
        .map(|t| t.parse::<TokenizerChoice>().unwrap_or(TokenizerChoice::Server));
    o.dataset = DatasetSpec::Random(RandomSpec {
        input_len: sc.input_len,
        output_len: sc.output_len,
        range_ratio: 0.0,
        range_mode: RangeMode::Vllm,
        token_ids: o.tokenizer.is_none(),
        vocab_size: Some(plan.vocab_size),
    });
    o.num_prompts = Some(plan.num_prompts);
    o.request_rate = Some(NumberOrInf::Number(rate));
    o.max_concurrency = conc;
    o.warmup = plan.benchmark.warmup_requests;
    o.seed = plan.benchmark.seed;
    o.extra_body = plan.benchmark.extra_request_body.clone();
    o.stall_timeout_s = 60.0;
    o.deadline_s = Some(plan.num_prompts as f64 / rate * 4.0 + 120.0);
    let file = id.replace('/', "__");
    o.output = Some(cx.out.join("raw").join(format!("{file}.json")));
    cx.progress.message(id);
    let t0 = Instant::now();
    let result = perfpilot_bench::serve(&o, &perfpilot_report::NoProgress);
    let wall = t0.elapsed().as_secs_f64();
    cx.timing.measure_s += wall;
    let result = match result {
        Ok(r) => r,
        Err(e) => return Err(crashed(cx, running, format!("benchmark failed: {e}"))),
    };
    if running.server.exited().is_some() {
        return Err(crashed(cx, running, "the server died during a probe".into()));
    }
    let metrics = Metrics::of(&result);
    let e2e_ms = perfpilot_bench::records_path(&o).map(|p| e2e_samples(&p)).unwrap_or_default();
    Ok(ProbeRow {
        id: id.to_string(),
        framework: fw.name.clone(),
        candidate: id.split('/').nth(1).unwrap_or_default().to_string(),
        scenario: sc.name.clone(),
        max_concurrency: conc,
        request_rate: rate,
        sla: check_sla(&plan.sla, &metrics),
        metrics,
        e2e_ms,
        wall_s: wall,
        repeat,
    })
}

fn e2e_samples(records: &Path) -> Vec<f64> {
    let text = std::fs::read_to_string(records).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<RequestRecord>(l).ok())
        .filter(|r| !r.warmup && r.ok())
        .filter_map(|r| r.e2e_s.map(|s| s * 1000.0))
        .collect()
}

fn upper_probe<'a>(
    cx: &'a Ctx,
    fw: &str,
    cand: &str,
    sc: &str,
    conc: Option<u32>,
) -> Option<&'a ProbeRow> {
    let id =
        format!("{}/r{}", search_id(fw, cand, sc, conc), round_rate(cx.plan.benchmark.qps.upper));
    match cx.done.get(&id) {
        Some(Row::Probe(p)) => Some(p),
        _ => None,
    }
}

/// Verdict of the candidate's per-request E2E latency at `upper` against the baseline's.
fn vs_baseline(
    cx: &Ctx,
    fw: &Framework,
    c: &Candidate,
    sc: &Scenario,
    conc: Option<u32>,
) -> (Option<perfpilot_stats::Verdict>, Option<f64>) {
    if c.stage == Stage::Baseline {
        return (None, None);
    }
    let (Some(b), Some(p)) = (
        upper_probe(cx, &fw.name, "baseline", &sc.name, conc),
        upper_probe(cx, &fw.name, &c.id, &sc.name, conc),
    ) else {
        return (None, None);
    };
    match compare_samples(
        &b.e2e_ms,
        &p.e2e_ms,
        Statistic::Median,
        Better::Lower,
        &Policy::default(),
    ) {
        Ok(cmp) => (Some(cmp.verdict), (cmp.ratio > 0.0).then(|| 1.0 / cmp.ratio)),
        Err(_) => (None, None),
    }
}

fn significant(cx: &Ctx, fw: &Framework, cands: &[Candidate]) -> Vec<Significant> {
    let mut best: Vec<Significant> = Vec::new();
    for c in cands.iter().filter(|c| c.stage == Stage::OneAtATime) {
        let gains: Vec<f64> = cx
            .done
            .values()
            .filter_map(|r| match r {
                Row::Search(s) if s.framework == fw.name && s.candidate == c.id => Some(s),
                _ => None,
            })
            .filter(|s| s.vs_baseline == Some(perfpilot_stats::Verdict::Faster))
            .filter_map(|s| s.vs_baseline_gain)
            .collect();
        let Some(g) = gains.iter().copied().reduce(f64::max) else { continue };
        let Some((key, value)) = c.changes.first() else { continue };
        match best.iter_mut().find(|s| &s.key == key) {
            Some(s) if s.gain >= g => {}
            Some(s) => {
                s.value = value.clone();
                s.gain = g;
            }
            None => best.push(Significant { key: key.clone(), value: value.clone(), gain: g }),
        }
    }
    best.sort_by(|a, b| b.gain.total_cmp(&a.gain).then(a.key.cmp(&b.key)));
    best
}

/// Rebuild a candidate (stage 1 or 2) from its id.
fn candidate_of(fw: &Framework, plan: &Plan, id: &str) -> Option<Candidate> {
    let (s1, _) = stage1(fw, usize::MAX);
    if let Some(c) = s1.into_iter().find(|c| c.id == id) {
        return Some(c);
    }
    // Stage 2: each part `key=value` is a stage-1 change.
    let mut changes = Vec::new();
    for part in id.split('+') {
        let (key, _) = part.split_once('=')?;
        let (_, vals) = fw.search_space.iter().find(|(k, _)| k == key)?;
        let v = vals.iter().find(|v| crate::candidates::stage1_id(key, v) == part)?;
        changes.push(Significant { key: key.to_string(), value: v.clone(), gain: 1.0 });
    }
    let _ = plan;
    stage2(fw, &changes, &[], usize::MAX).into_iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::redact_argv;

    #[test]
    fn secret_looking_flag_values_are_redacted() {
        let a: Vec<String> =
            ["srv", "--api-key", "sk-123", "--hf-token=abc", "--port", "1", "--tp", "2"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        assert_eq!(
            redact_argv(&a),
            ["srv", "--api-key", "<redacted>", "--hf-token=<redacted>", "--port", "1", "--tp", "2"]
        );
    }
}
