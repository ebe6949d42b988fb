//! `perfpilot kernel …` end to end through the binary: the README flow (init, check,
//! calibrate, ab, results) on the example `kernel init` writes, every JSON output checked
//! against its committed schema, and the exit statuses (0 / 1 / 2).

mod common;

use std::path::Path;
use std::process::Command;

use common::{assert_matches_schema, perfpilot};

/// A scratch data directory for every run of this test binary: `kernel ab` appends its
/// claims to `$XDG_DATA_HOME/perfpilot/kernel-ledger.jsonl`, never the tester's own.
fn data_home() -> std::path::PathBuf {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path().to_path_buf()
}

fn run(args: &[&str]) -> std::process::Output {
    Command::new(common::bin())
        .args(args)
        .current_dir(common::repo_root())
        .env("XDG_DATA_HOME", data_home())
        .output()
        .unwrap()
}

fn json(args: &[&str], code: i32) -> serde_json::Value {
    let mut full = args.to_vec();
    full.extend(["--format", "json"]);
    let out = run(&full);
    assert_eq!(
        out.status.code(),
        Some(code),
        "perfpilot {full:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_matches_schema(&v, &format!("perfpilot {}", args.join(" ")));
    v
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn readme_flow_from_kernel_init() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kab");
    let d = dir.to_str().unwrap();
    let quick = ["--warmups", "3", "--iterations", "40", "--trials", "3"];
    let init = json(&["kernel", "init", d], 0);
    assert_eq!(init["result"]["files"].as_array().unwrap().len(), 4);
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "baseline"]);
    let check = json(&["kernel", "check", d], 0);
    assert_eq!(check["result"]["passed"], true);
    // The calibration stores or refuses (a too-noisy machine); either is a valid outcome.
    let mut cal_args = vec!["kernel", "calibrate", d];
    cal_args.extend(quick);
    let out = run(&[&cal_args[..], &["--format", "json"]].concat());
    assert!(matches!(out.status.code(), Some(0 | 1)));
    // A candidate doing 2x the work: correct, SLOWER, exit 1.
    let cand = dir.join("candidate.c");
    let src = std::fs::read_to_string(&cand).unwrap();
    std::fs::write(&cand, format!("#define EXTRA_PASS\n{src}")).unwrap();
    let mut ab_args = vec!["kernel", "ab", d];
    ab_args.extend(quick);
    let ab = json(&ab_args, 1);
    let r = &ab["result"];
    assert_eq!(r["gate_passed"], true);
    assert_eq!(r["outcome"]["verdict"], "SLOWER", "{}", r["outcome"]);
    assert_eq!(r["shapes"][0]["comparison"]["runs"], serde_json::json!([3, 3]));
    let back = json(&["kernel", "results", d], 1);
    assert_eq!(back["result"], ab["result"]);
    // The candidate edit stays inside allowed_paths; a baseline edit does not.
    std::fs::write(dir.join("baseline.c"), "/* edited */\n").unwrap();
    let check = json(&["kernel", "check", d], 1);
    assert_eq!(check["result"]["boundary"]["violations"], 1);
}

#[test]
fn bad_task_is_exit_2_naming_file_line_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("task.toml"),
        "protocol = \"perfpilot.kernel.protocol/1\"\nname = \"x\"\nshapes = 3\n",
    )
    .unwrap();
    let out = perfpilot(&["kernel", "ab", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("task.toml:3: shapes:"), "{err}");
    let out = perfpilot(&["kernel", "results", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("results.jsonl"));
}

/// The MCP tools run the same library calls: `kernel_ab` on a 2x-slower candidate says
/// SLOWER (a check failure, not a tool error), `kernel_results` reads it back, and
/// `kernel_check` reports the boundary.
#[test]
fn kernel_tools_over_mcp() {
    use common::mcp_client::McpClient;
    use serde_json::json;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kab");
    let d = dir.to_str().unwrap().to_string();
    json(&["kernel", "init", &d], 0);
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "baseline"]);
    let cand = dir.join("candidate.c");
    let src = std::fs::read_to_string(&cand).unwrap();
    std::fs::write(&cand, format!("#define EXTRA_PASS\n{src}")).unwrap();
    let mut c = McpClient::start(&["--root", tmp.path().to_str().unwrap()], tmp.path());
    c.initialize();
    let call = std::time::Duration::from_secs(120);
    let envelope = |r: &serde_json::Value| -> serde_json::Value {
        assert_ne!(r["isError"], true, "{r}");
        r["structuredContent"].clone()
    };
    let check = envelope(&c.call_tool("kernel_check", json!({"dir": d}), None, call));
    assert_matches_schema(&check, "kernel_check over MCP");
    assert_eq!(check["result"]["boundary"]["changed"][0]["path"], "candidate.c");
    let ledger = tmp.path().join("ledger.jsonl");
    let args = json!({"dir": d, "warmups": 3, "iterations": 40, "trials": 3, "ledger": ledger});
    let ab = envelope(&c.call_tool("kernel_ab", args, Some(7), call));
    assert_matches_schema(&ab, "kernel_ab over MCP");
    assert_eq!(ab["result"]["outcome"]["verdict"], "SLOWER");
    let back = envelope(&c.call_tool("kernel_results", json!({"dir": d}), None, call));
    assert_eq!(back["result"], ab["result"]);
    // Its claims are in the ledger it was given, found by kernel_wiki.
    let q = json!({"query": ["metric:speedup"], "ledger": ledger});
    let wiki = envelope(&c.call_tool("kernel_wiki", q, None, call));
    assert_matches_schema(&wiki, "kernel_wiki over MCP");
    let claims = wiki["result"]["claims"].as_array().unwrap();
    let shapes = ab["result"]["shapes"].as_array().unwrap();
    assert_eq!(claims.len(), shapes.len(), "one speedup claim per shape: {wiki}");
    for s in shapes {
        let id = s["id"].as_str().unwrap();
        let c = claims.iter().find(|c| c["shape"].as_str().unwrap().starts_with(&format!("{id}[")));
        assert_eq!(c.unwrap()["value"], s["speedup"], "{id}");
    }
}

fn ncu_fixture(n: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../perfpilot-kernel/tests/fixtures/ncu");
    root.join(format!("llm-perf-opt-kernel_{n}.details.csv")).display().to_string()
}

/// `kernel ncu` through the binary: a real export digests (schema-valid JSON, NCU's own
/// rule agrees), two reports compare, a malformed export is exit 2 naming file and line.
#[test]
fn kernel_ncu_digests_compares_and_rejects_malformed() {
    let (a, b) = (ncu_fixture("0009"), ncu_fixture("0016"));
    let v = json(&["kernel", "ncu", &a, &b, "--sm-count", "170"], 0);
    let r = &v["result"];
    assert_eq!(r["kernels"][0]["bound"], "latency");
    assert_eq!(r["kernels"][0]["agrees_with_ncu"], true);
    assert_eq!(r["comparison"][0]["id"], "pair/0");
    for fmt in ["md", "table"] {
        let out = perfpilot(&["kernel", "ncu", &a, "--format", fmt]);
        assert_eq!(out.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&out.stdout).contains("fmha_cutlassF_bf16_aligned"));
    }
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.csv");
    let text = std::fs::read_to_string(&a).unwrap();
    std::fs::write(&bad, &text[..text.len() / 2]).unwrap();
    let out = perfpilot(&["kernel", "ncu", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.csv:") && err.contains("expected"), "{err}");
}

/// `kernel flags` through the binary: identical builds exit 0, a one-sided
/// `--use_fast_math` exits 1 naming it (schema-valid JSON), a missing file exits 2.
#[test]
fn kernel_flags_exit_statuses() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../perfpilot-kernel/tests/fixtures/flags");
    let a = root.join("compile_commands.json").display().to_string();
    let v = json(&["kernel", "flags", &a, &a], 0);
    assert_eq!(v["result"]["passed"], true);
    let tmp = tempfile::tempdir().unwrap();
    let b = tmp.path().join("compile_commands.json");
    let text = std::fs::read_to_string(&a).unwrap();
    std::fs::write(&b, text.replacen("-lineinfo", "-lineinfo --use_fast_math", 1)).unwrap();
    let v = json(&["kernel", "flags", &a, b.to_str().unwrap()], 1);
    assert_eq!(v["result"]["findings"][0]["key"], "use_fast_math");
    let out = perfpilot(&["kernel", "flags", &a, "/nonexistent/compile_commands.json"]);
    assert_eq!(out.status.code(), Some(2));
}

/// `kernel ab` through the binary records its claims in the global ledger under
/// `$XDG_DATA_HOME`; `kernel note` adds one; `kernel wiki` finds them by kernel, GPU,
/// dtype and shape.
#[test]
fn kernel_ab_claims_reach_the_global_ledger_and_the_wiki() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kab");
    let d = dir.to_str().unwrap();
    json(&["kernel", "init", d], 0);
    let data = tmp.path().join("data");
    let with_data = |args: &[&str]| {
        let mut full = args.to_vec();
        full.extend(["--format", "json"]);
        let out =
            Command::new(common::bin()).args(&full).env("XDG_DATA_HOME", &data).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{full:?}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
        assert_matches_schema(&v, &full.join(" "));
        (out.status.code(), v)
    };
    let (code, ab) =
        with_data(&["kernel", "ab", d, "--warmups", "2", "--iterations", "20", "--trials", "3"]);
    assert!(matches!(code, Some(0 | 1)));
    let global = data.join("perfpilot/kernel-ledger.jsonl");
    assert_eq!(ab["result"]["ledger"][1], global.display().to_string());
    let shape = ab["result"]["shapes"][0]["id"].as_str().unwrap().to_string();
    let (code, v) = with_data(&["kernel", "wiki", "metric:speedup", &format!("shape:{shape}")]);
    assert_eq!(code, Some(0));
    assert_eq!(v["result"]["claims"].as_array().unwrap().len(), 1, "{v}");
    let (code, _) = with_data(&[
        "kernel",
        "note",
        "--kernel",
        "rmsnorm",
        "--gpu",
        "H100",
        "--dtype",
        "bf16",
        "--shape",
        "tokens=4096,hidden=5120",
        "--metric",
        "dram_pct",
        "--value",
        "82.5",
        "--source",
        "ncu run 7",
        "--date",
        "2026-06-01",
    ]);
    assert_eq!(code, Some(0));
    let (_, v) = with_data(&["kernel", "wiki", "gpu:h100", "shape:tokens=4096"]);
    assert_eq!(v["result"]["claims"][0]["value"], 82.5);
    let out = Command::new(common::bin())
        .args(["kernel", "note", "--kernel", "k", "--gpu", "g", "--dtype", "d", "--shape", "s"])
        .args(["--metric", "m", "--value", "1", "--source", "x", "--date", "June"])
        .env("XDG_DATA_HOME", &data)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected YYYY-MM-DD"));
}
