//! `perfpilot sim` end to end: output contract and exit codes of `run`, `profiles` and
//! `serve` (with the crash fault), and `perfpilot capacity` reading the simulator's log.

use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::perfpilot as run;

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {} / {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn run_returns_the_bench_record_in_the_sim_envelope() {
    let out = run(&[
        "sim",
        "run",
        "--num-prompts",
        "50",
        "--input-len",
        "512",
        "--output-len",
        "64",
        "--request-rate",
        "10",
        "--max-concurrency",
        "16",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(v["schema_version"], "perfpilot.sim.run/1");
    assert_eq!(v["command"], "sim run");
    assert_eq!(v["result"]["result"]["summary"]["completed"], 50);
    assert_eq!(v["result"]["result"]["settings"]["max_concurrency"], 16);
}

#[test]
fn sweep_tabulates_one_run_per_value() {
    let out = run(&[
        "sim",
        "run",
        "--num-prompts",
        "40",
        "--input-len",
        "256",
        "--output-len",
        "32",
        "--sweep",
        "max_running_requests=4,16",
        "--format",
        "md",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("| max_running_requests |"), "{md}");
    assert!(md.contains("| 4 |") && md.contains("| 16 |"), "{md}");
}

#[test]
fn bad_options_exit_2_with_a_reason() {
    let out = run(&["sim", "run", "--set", "nope=1", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown knob"));
    let out = run(&["sim", "run", "--profile", "no-such-profile"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("zero-cost"));
    let out = run(&["sim", "fit", "missing.json", "--profile", "zero-cost"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.json"));
}

#[test]
fn profiles_lists_the_shipped_ones() {
    let out = run(&["sim", "profiles", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    let names: Vec<&str> = v["result"]["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["profile"]["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"zero-cost") && names.contains(&"sglang-h100-llama3.1-8b"));
}

/// `sim serve` with the crash fault: the log is SGLang's, the process exits 1 after the
/// crash, and `perfpilot capacity explain` reads the simulator's start-up log.
#[test]
fn serve_crashes_on_demand_and_capacity_reads_its_log() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("sim.log");
    let child = Command::new(env!("CARGO_BIN_EXE_perfpilot"))
        .args([
            "sim",
            "serve",
            "--port",
            "0",
            "--fault-crash-after-requests",
            "1",
            "--format",
            "json",
            "--log-file",
        ])
        .arg(&log)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t = Instant::now();
    let port = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(p) = text
            .lines()
            .find_map(|l| l.split("Uvicorn running on http://127.0.0.1:").nth(1))
            .and_then(|rest| rest.split(' ').next())
            .and_then(|p| p.parse::<u16>().ok())
        {
            break p;
        }
        assert!(t.elapsed() < Duration::from_secs(20), "no start-up log: {text}");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let body = r#"{"prompt":"hi","max_tokens":4}"#;
    write!(s, "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    let mut sink = Vec::new();
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = s.read_to_end(&mut sink);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a crash fails the check: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["schema_version"], "perfpilot.sim.serve/1");
    assert_eq!(v["result"]["crashed"], true);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("Received sigquit from a child process. It usually means the child failed.")
    );

    let cap = run(&["capacity", "explain", log.to_str().unwrap(), "--format", "json"]);
    assert_eq!(cap.status.code(), Some(0), "{}", String::from_utf8_lossy(&cap.stderr));
    let c = json(&cap);
    assert_eq!(c["result"]["framework"], "sglang");
    let expected = perfpilot_sim::Profile::load("sglang-h100-llama3.1-8b").unwrap().capacity();
    let found = serde_json::to_string(&c["result"]).unwrap();
    assert!(found.contains(&expected.max_total_num_tokens.to_string()), "{found}");
}
