//! A sweep's winner as the pinned benchmark (`loop init --from-sweep SUMMARY.json`).
//!
//! A sweep summary keeps one aggregate row per probe (no per-request samples, no repeats),
//! so it is not a baseline by itself. What it does name is the winner: the server launch
//! command of the candidate that met the SLA at the highest rate, and the exact workload of
//! that probe (its `bench serve` result under the sweep's `raw/`). Pinning it means: every
//! measurement (the baseline at init, then each round) starts that server command in the
//! candidate's exported tree on a free port, waits for its health endpoint (the sweep
//! plan's launch rules), runs the same `bench serve` workload at the winner's rate with
//! `repeats` (at least 3) through the `perfpilot-bench` library, and stops the server. The
//! runs fed to the statistics engine are those of a `bench_serve` benchmark.

use std::path::{Path, PathBuf};
use std::time::Duration;

use perfpilot_bench::ServeOptions;
use perfpilot_sweep::process::{Health, free_port, spawn_in, tail};
use perfpilot_sweep::search::round_rate;
use perfpilot_sweep::{Rules, SweepReport};
use serde::{Deserialize, Serialize};

use crate::LoopError;
use crate::serve_bench::{self, MIN_REPEATS};

/// Placeholder of the listen port in the pinned server command and URL: a fresh free port
/// replaces it at every measurement (the sweep's own port is not kept).
pub const PORT: &str = "{port}";

/// The pinned winner: what a measurement starts and runs (stored as JSON in the plan's
/// `[benchmark] spec`, so it is part of the configuration hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WinnerSpec {
    /// The sweep's `best` row: `framework/scenario`.
    pub best: String,
    /// The winning search: `framework/candidate/scenario/cN`.
    pub search: String,
    /// The winner's server argv; the port value is [`PORT`].
    pub server: Vec<String>,
    /// Health endpoint polled until 200 (from the sweep plan's launch rules).
    pub health_path: String,
    /// Seconds to wait for health.
    pub ready_timeout_s: f64,
    /// Names of the environment variables the sweep plan sets for the framework: they
    /// must be set when a measurement runs (values are never written to the plan).
    pub env: Vec<String>,
    /// The winner probe's `bench serve` workload with `repeats`; the URL's port is [`PORT`].
    pub serve: ServeOptions,
}

/// Where the winner comes from.
#[derive(Debug, Clone, Default)]
pub struct SweepSource {
    /// The sweep's `summary.json`.
    pub summary: PathBuf,
    /// The sweep plan (default: the summary's `plan`, as written or relative to the folder
    /// the sweep ran in).
    pub plan: Option<PathBuf>,
    /// Which `best` row (`framework/scenario`) when the sweep has several winners.
    pub winner: Option<String>,
}

/// Read the summary, pick the winner, rebuild its server command and workload.
pub fn pin(src: &SweepSource, repeats: u32) -> Result<WinnerSpec, LoopError> {
    let file = &src.summary;
    let bad = |what: String| LoopError::Invalid(format!("{}: {what}", file.display()));
    let bytes = perfpilot_io::read_bounded(file).map_err(|e| LoopError::io(file, e))?;
    let v: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| bad(format!("line {} column {}: not JSON: {e}", e.line(), e.column())))?;
    match v.get("schema_version").and_then(|s| s.as_str()) {
        Some(s) if s.starts_with("perfpilot.bench.sweep/") && !s.contains(".row/") => {}
        Some(s) if s.starts_with("perfpilot.bench.serve/") => {
            return Err(bad(
                "a `bench serve` result, not a sweep summary: pin it with --from-bench".into(),
            ));
        }
        other => {
            return Err(bad(format!(
                "schema_version {other:?}, expected `perfpilot.bench.sweep/N` (the summary.json of `perfpilot bench sweep`)"
            )));
        }
    }
    let sweep: SweepReport = serde_json::from_value(v.get("result").cloned().unwrap_or_default())
        .map_err(|e| bad(format!("not a sweep summary: {e}")))?;
    if sweep.interrupted {
        return Err(bad(
            "the sweep was interrupted: its winner is only the best of the rows so far; finish it with `perfpilot bench sweep PLAN --resume` and pin that summary".into(),
        ));
    }
    let winners: Vec<_> = sweep.best.iter().filter(|b| b.winner.is_some()).collect();
    if winners.is_empty() {
        return Err(bad(format!(
            "no winner: no candidate met the SLA ({}) in any framework × scenario, so there is no server command to pin; relax the SLA or fix the candidates and sweep again",
            sla_text(&sweep)
        )));
    }
    let best = match &src.winner {
        Some(id) => sweep.best.iter().find(|b| &b.id == id).ok_or_else(|| {
            bad(format!(
                "--winner {id}: no such best row; the sweep's rows are {}",
                sweep.best.iter().map(|b| b.id.as_str()).collect::<Vec<_>>().join(", ")
            ))
        })?,
        None if winners.len() == 1 => winners[0],
        None => {
            return Err(bad(format!(
                "{} framework × scenario rows have a winner ({}): choose one with --winner ID",
                winners.len(),
                winners.iter().map(|b| b.id.as_str()).collect::<Vec<_>>().join(", ")
            )));
        }
    };
    let w = best.winner.as_ref().ok_or_else(|| {
        bad(format!("{}: no candidate met the SLA ({}): nothing to pin", best.id, sla_text(&sweep)))
    })?;
    let rate = w.best_rate.ok_or_else(|| bad(format!("{}: the winner has no best rate", w.id)))?;
    if let Some(a) = w.server_command.iter().find(|a| a.contains("<redacted>")) {
        return Err(bad(format!(
            "the winner's server command has a redacted secret (`{a}`): the loop cannot start it; pass secrets through the plan's `env` instead of flags"
        )));
    }
    let plan_file = find_plan(src, &sweep)?;
    let rules = Rules::builtin().map_err(|e| LoopError::Invalid(e.to_string()))?;
    let loaded = perfpilot_sweep::plan::load(&plan_file, &rules)
        .map_err(|e| LoopError::Invalid(format!("{}: {e}", plan_file.display())))?;
    let plan = loaded.plan.ok_or_else(|| {
        let first = loaded.problems.first().map(|p| p.to_string()).unwrap_or_default();
        LoopError::Invalid(format!(
            "{}: the sweep plan has errors ({first}); check it with `perfpilot bench sweep validate`",
            plan_file.display()
        ))
    })?;
    let fw = plan.frameworks.iter().find(|f| f.name == w.framework).ok_or_else(|| {
        LoopError::Invalid(format!(
            "{}: no framework `{}` (the winner's); is it the plan this sweep ran?",
            plan_file.display(),
            w.framework
        ))
    })?;
    let server = with_port_placeholder(&w.server_command, &fw.rules.flag_style.flag(&fw.rules.port_flag))
        .ok_or_else(|| {
            bad(format!(
                "the winner's server command `{}` has no `{}` flag: the loop cannot give it a free port",
                w.server_command.join(" "),
                fw.rules.flag_style.flag(&fw.rules.port_flag)
            ))
        })?;
    let dir = file.parent().unwrap_or(Path::new("."));
    let probe = format!("{}/r{}", w.id, round_rate(rate)).replace('/', "__");
    let raw = dir.join("raw").join(format!("{probe}.json"));
    if !raw.is_file() {
        return Err(bad(format!(
            "the winner's probe result {} is missing (the sweep writes each probe's `bench serve` result under raw/ beside summary.json): it holds the exact workload to pin",
            raw.display()
        )));
    }
    let r = serve_bench::load_result(&raw)?;
    let mut serve = serve_bench::options_of(&r)
        .map_err(|e| LoopError::Invalid(format!("{}: {e}", raw.display())))?;
    serve.url = format!("http://127.0.0.1:{PORT}");
    serve.repeats = repeats.max(MIN_REPEATS as u32);
    serve.same_prompts = false;
    Ok(WinnerSpec {
        best: best.id.clone(),
        search: w.id.clone(),
        server,
        health_path: fw.rules.health_path.clone(),
        ready_timeout_s: fw.rules.ready_timeout_s,
        env: fw.env.iter().map(|(k, _)| k.clone()).collect(),
        serve,
    })
}

fn sla_text(s: &SweepReport) -> String {
    let mut parts = Vec::new();
    for (name, b) in [
        ("p99 TTFT", s.sla.max_p99_ttft_ms),
        ("p99 TPOT", s.sla.max_p99_tpot_ms),
        ("p99 E2E", s.sla.max_p99_e2e_ms),
    ] {
        if let Some(b) = b {
            parts.push(format!("{name} <= {b} ms"));
        }
    }
    parts.push(format!("success >= {}", s.sla.min_success_rate));
    parts.join(", ")
}

/// The sweep plan: `--sweep-plan`, else the summary's `plan` as written (absolute, or
/// relative to this process's directory), else relative to the folder the sweep ran in
/// (the summary's folder less its `out_dir`).
fn find_plan(src: &SweepSource, sweep: &SweepReport) -> Result<PathBuf, LoopError> {
    if let Some(p) = &src.plan {
        return if p.is_file() {
            Ok(p.clone())
        } else {
            Err(LoopError::Invalid(format!("--sweep-plan {}: no such file", p.display())))
        };
    }
    let mut tried = vec![sweep.plan.clone()];
    if sweep.plan.is_relative() && sweep.out_dir.is_relative() {
        let dir = src.summary.parent().unwrap_or(Path::new("."));
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mut root = Some(dir.as_path());
        for _ in sweep.out_dir.components() {
            root = root.and_then(Path::parent);
        }
        if let Some(r) = root.filter(|_| dir.ends_with(&sweep.out_dir)) {
            tried.push(r.join(&sweep.plan));
        }
    }
    tried.iter().find(|p| p.is_file()).cloned().ok_or_else(|| {
        LoopError::Invalid(format!(
            "{}: the sweep plan it names is not found (tried {}): give it with --sweep-plan FILE (its launch rules say how to start and health-check the winner)",
            src.summary.display(),
            tried.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ))
    })
}

/// `argv` with the value of `flag` (`--port 123` or `--port=123`) replaced by [`PORT`].
pub fn with_port_placeholder(argv: &[String], flag: &str) -> Option<Vec<String>> {
    let mut out = argv.to_vec();
    let eq = format!("{flag}=");
    let mut found = false;
    let mut i = 0;
    while i < out.len() {
        if out[i] == flag && i + 1 < out.len() {
            out[i + 1] = PORT.into();
            found = true;
            i += 1;
        } else if out[i].starts_with(&eq) {
            out[i] = format!("{eq}{PORT}");
            found = true;
        }
        i += 1;
    }
    found.then_some(out)
}

fn q(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=,@+{}".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The command line that reproduces one measurement by hand (PORT: any free port).
pub fn command_of(s: &WinnerSpec) -> String {
    let server: Vec<String> = s.server.iter().map(|a| q(&a.replace(PORT, "PORT"))).collect();
    let mut o = s.serve.clone();
    o.url = o.url.replace(PORT, "PORT");
    format!(
        "{} & (wait for GET {} = 200) && {}",
        server.join(" "),
        s.health_path,
        serve_bench::command_of(&o)
    )
}

/// One measurement in `tree`: start the winner's server there on a free port, wait for
/// its health, run the pinned workload (scratch files and the server log under `work`),
/// stop the server; the runs of `metric` and the wall time.
pub fn run(
    spec: &str,
    metric: &str,
    tree: &Path,
    work: &Path,
) -> Result<(Vec<Vec<f64>>, f64), String> {
    let s: WinnerSpec = serde_json::from_str(spec)
        .map_err(|e| format!("the plan's sweep-winner spec is not valid: {e}"))?;
    if let Some(name) = s.env.iter().find(|n| std::env::var_os(n).is_none()) {
        return Err(format!(
            "the sweep plan sets `{name}` for the winner's server: export it before the round (values are never stored in the plan)"
        ));
    }
    std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    let port_n = free_port().map_err(|e| e.to_string())?;
    let port = port_n.to_string();
    let argv: Vec<String> = s.server.iter().map(|a| a.replace(PORT, &port)).collect();
    let log = work.join("server.log");
    let t0 = std::time::Instant::now();
    let mut server = spawn_in(&argv, &[], &log, port_n, Some(tree))?;
    let why = match server.wait_healthy(&s.health_path, s.ready_timeout_s) {
        Health::Ready(_) => None,
        Health::Exited(e) => Some(format!("exited before becoming healthy ({e})")),
        Health::Timeout(t) => {
            Some(format!("GET {} never answered 200 within {t} s", s.health_path))
        }
        Health::Interrupted => Some("interrupted while starting".into()),
    };
    if let Some(why) = why {
        server.stop(Duration::from_secs(3));
        return Err(format!(
            "the winner's server `{}` {why}; its log ends: {}",
            argv.join(" "),
            tail(&log, 5).join(" | ")
        ));
    }
    let mut o = s.serve.clone();
    o.url = o.url.replace(PORT, &port);
    let measured = serve_bench::run_options(o, metric, work);
    let died = server.exited();
    server.stop(Duration::from_secs(5));
    if let Some(e) = died {
        return Err(format!(
            "the winner's server died during the benchmark ({e}); its log ends: {}",
            tail(&log, 5).join(" | ")
        ));
    }
    let (runs, _) = measured?;
    Ok((runs, t0.elapsed().as_secs_f64()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_port_value_becomes_the_placeholder() {
        let a = v(&["srv", "--host", "127.0.0.1", "--port", "35521", "--x", "1"]);
        assert_eq!(
            with_port_placeholder(&a, "--port").unwrap(),
            v(&["srv", "--host", "127.0.0.1", "--port", PORT, "--x", "1"])
        );
        let b = v(&["srv", "--port=8000"]);
        assert_eq!(with_port_placeholder(&b, "--port").unwrap(), v(&["srv", "--port={port}"]));
        assert!(with_port_placeholder(&v(&["srv", "--portx", "1"]), "--port").is_none());
    }
}
