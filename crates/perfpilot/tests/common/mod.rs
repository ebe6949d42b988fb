//! Helpers shared by the agent-surface integration tests: the repository root, the built
//! binary, running it, and validating JSON against a committed schema.
#![allow(dead_code)]

pub mod mcp_client;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (two levels above this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repo root")
}

/// The `perfpilot` binary cargo built for these tests (`PERFPILOT_TEST_BIN` runs the
/// suites against another build, e.g. an older one, to show a test fails there).
pub fn bin() -> PathBuf {
    match std::env::var_os("PERFPILOT_TEST_BIN") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_BIN_EXE_perfpilot")),
    }
}

/// Run `perfpilot ARGS…` in the repository root.
pub fn perfpilot(args: &[&str]) -> Output {
    Command::new(bin()).args(args).current_dir(repo_root()).output().expect("run perfpilot")
}

/// Run and parse stdout as JSON, failing with stderr when the run fails.
pub fn perfpilot_json(args: &[&str]) -> serde_json::Value {
    let out = perfpilot(args);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "perfpilot {args:?} exited {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "perfpilot {args:?}: stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The committed output schema of a command (`docs/schemas/<command>.json`).
pub fn committed_schema(command: &str) -> serde_json::Value {
    let stem = command.split_whitespace().collect::<Vec<_>>().join("-");
    let path = repo_root().join("docs/schemas").join(format!("{stem}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (regenerate with `perfpilot schema --write-dir docs/schemas`)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every violation of `schema` by `instance`, as `path: message` lines (empty = valid).
pub fn violations(schema: &serde_json::Value, instance: &serde_json::Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("schema compiles");
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {}", e.instance_path(), e))
        .take(20)
        .collect()
}

/// Assert that `envelope` (a command's `--format json` output) matches the committed
/// schema of its `command` field.
pub fn assert_matches_schema(envelope: &serde_json::Value, context: &str) {
    let command =
        envelope["command"].as_str().unwrap_or_else(|| panic!("{context}: no `command` in output"));
    let schema = committed_schema(command);
    let errors = violations(&schema, envelope);
    assert!(
        errors.is_empty(),
        "{context}: output of `{command}` does not match docs/schemas:\n{}",
        errors.join("\n")
    );
}

/// Start `perfpilot sim serve` on a free port for `live-sim` blocks; returns the child and
/// its base URL once `/health` answers 200.
pub fn start_sim(scratch: &Path) -> Option<(SimServer, String)> {
    let log = scratch.join("sim.log");
    let child = Command::new(bin())
        .args(["sim", "serve", "--port", "0", "--no-access-log", "--log-file"])
        .arg(&log)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let mut child = child;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return None;
        }
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(rest) = text.split("Uvicorn running on ").nth(1) {
            let url = rest.split_whitespace().next().unwrap_or_default().to_string();
            let addr = url.trim_start_matches("http://").to_string();
            if http_status(&addr, "/health") == Some(200) {
                return Some((SimServer(child), url));
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    None
}

/// A running `perfpilot sim serve`, stopped when dropped (also when a test panics).
pub struct SimServer(std::process::Child);

impl Drop for SimServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The status code of `GET path` on `addr`, if the server answers.
pub fn http_status(addr: &str, path: &str) -> Option<u16> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").ok()?;
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).ok()?;
    let head = String::from_utf8_lossy(&buf[..n]);
    head.split_whitespace().nth(1)?.parse().ok()
}

/// `bench serve`-format result files (envelope + records) made by the simulator in virtual
/// time on the tiny test profile, one per concurrency in `concurrencies`, under `dir`
/// (`cC.json` beside `cC.records.jsonl`): inputs for `sim fit` tests.
pub fn simulated_bench_results(dir: &Path, concurrencies: &[&str]) -> Vec<String> {
    let mut results = Vec::new();
    for c in concurrencies {
        let records = dir.join(format!("c{c}.records.jsonl"));
        let env = perfpilot_json(&[
            "sim",
            "run",
            "--profile",
            "tests/fixtures/sim/tiny-costs.toml",
            "--num-prompts",
            "24",
            "--input-len",
            "128",
            "--output-len",
            "48",
            "--range-ratio",
            "0.5",
            "--max-concurrency",
            c,
            "--seed",
            c,
            "--records",
            records.to_str().unwrap(),
            "--format",
            "json",
        ]);
        let bench = serde_json::json!({
            "schema_version": "perfpilot.bench.serve/1",
            "tool": env["tool"],
            "command": "bench serve",
            "inputs": [],
            "warnings": [],
            "result": env["result"]["result"],
        });
        let path = dir.join(format!("c{c}.json"));
        std::fs::write(&path, serde_json::to_string_pretty(&bench).unwrap()).unwrap();
        results.push(path.to_str().unwrap().to_string());
    }
    results
}
