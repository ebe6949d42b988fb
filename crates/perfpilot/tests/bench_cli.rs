//! `perfpilot bench serve` as a process: Ctrl-C (SIGINT) mid-run stops it cleanly and
//! loses nothing — the result file says `interrupted`, and every request that started is
//! in the records file (finished ones as such, in-flight ones as `interrupted` failures).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path).map(|t| t.lines().count()).unwrap_or(0)
}

#[cfg(unix)]
#[test]
fn ctrl_c_mid_run_writes_the_result_and_every_started_request() {
    let scratch = tempfile::tempdir().unwrap();
    let output = scratch.path().join("run.json");
    let records = scratch.path().join("run.records.jsonl");
    // The in-process simulator with the H100 profile: 1000 requests at 20 req/s would take
    // about a minute, so the run is certainly in flight when the signal arrives.
    let child = Command::new(common::bin())
        .args(["bench", "serve", "--num-prompts", "1000", "--request-rate", "20"])
        .args(["--input-len", "512", "--output-len", "256", "--format", "json", "--output"])
        .arg(&output)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while lines(&records) < 5 {
        if Instant::now() > deadline {
            let mut child = child;
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("no records after 60 s: {}", String::from_utf8_lossy(&out.stderr));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let sent = Instant::now();
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert!(sent.elapsed() < Duration::from_secs(20), "Ctrl-C took {:?}", sent.elapsed());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "exit {:?}: {stderr}", out.status);

    // The result on stdout and in the file agree, and say how the run ended.
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&output).unwrap()).unwrap();
    assert_eq!(printed["result"]["status"], "interrupted");
    assert_eq!(saved["result"]["status"], "interrupted");
    assert_eq!(printed["result"]["summary"], saved["result"]["summary"]);
    let summary = &saved["result"]["summary"];
    let requests = summary["requests"].as_u64().unwrap();
    let completed = summary["completed"].as_u64().unwrap();
    assert!(completed >= 4 && requests < 1000, "{summary}");
    assert_eq!(requests, completed + summary["failed"].as_u64().unwrap());
    // In-flight requests were cancelled and recorded as such.
    let interrupted = summary["failures"]["interrupted"].as_u64().unwrap_or(0);
    assert_eq!(summary["failed"].as_u64().unwrap(), interrupted, "{summary}");
    // Every recorded request (plus the warmup one) is a complete JSON line.
    let text = std::fs::read_to_string(&records).unwrap();
    let parsed: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).expect("whole JSON line")).collect();
    let measured = parsed.iter().filter(|r| r["warmup"] != true).count() as u64;
    assert_eq!(measured, requests, "records file vs summary");
    common::assert_matches_schema(&saved, "bench serve interrupted by Ctrl-C");
}
