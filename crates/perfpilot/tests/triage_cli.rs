//! `perfpilot triage …` end to end: exit statuses (0 none/degraded, 1 fatal, 2 bad input),
//! the JSON envelope, the human formats, and `triage bundle --dir` on saved snapshots.

mod common;

use common::{perfpilot, perfpilot_json};

const FIX: &str = "tests/fixtures/triage";

#[test]
fn fatal_log_exits_1_with_the_json_contract() {
    let path = format!("{FIX}/failures/vllm-19186-cudagraph-capture-oom-high-util.log");
    let out = perfpilot(&["triage", &path, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema_version"], "perfpilot.triage/1");
    assert_eq!(v["command"], "triage");
    assert_eq!(v["inputs"][0]["role"], "log");
    assert_eq!(v["result"]["class"], "oom-graph-capture");
    assert_eq!(v["result"]["findings"][0]["first"]["rank"], "rank=3");
}

#[test]
fn launch_log_exits_0_and_degraded_exits_0() {
    let out = perfpilot(&[
        "triage",
        &format!("{FIX}/launch/sglang-11830-cuda-graph-end-max-total-tokens.log"),
        "--format",
        "md",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("**class**: none") && md.contains("No failure found"), "{md}");
    let v = perfpilot_json(&[
        "triage",
        &format!("{FIX}/failures/sglang-4184-dsr1-decode-out-of-memory-retract.log"),
        "--format",
        "json",
    ]);
    assert_eq!(v["result"]["class"], "kv-pool-full-retraction");
    assert_eq!(v["result"]["fatal"], false);
}

#[test]
fn several_files_and_table_output() {
    let out = perfpilot(&[
        "triage",
        &format!("{FIX}/constructed/c12-node1-rank8-nccl-timeout.log"),
        &format!("{FIX}/constructed/c12-node0-tp0-runtime-oom.log"),
        "--format",
        "table",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("oom-runtime") && text.contains("Consequences"), "{text}");
}

#[test]
fn bad_input_exits_2_naming_the_file() {
    let out = perfpilot(&["triage", "no/such/server.log"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/server.log"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[signature]]\nid = \"x\"\nclass = \"nope\"\n").unwrap();
    let out = perfpilot(&[
        "triage",
        &format!("{FIX}/failures/vllm-29849-dsv32-missing-chat-template.log"),
        "--signatures",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml"), "{err}");
    let out = perfpilot(&["triage"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn saved_bundles_summarise() {
    let v = perfpilot_json(&[
        "triage",
        "bundle",
        "--dir",
        &format!("{FIX}/bundles/sim-sglang-idle"),
        "--format",
        "json",
    ]);
    assert_eq!(v["schema_version"], "perfpilot.triage.bundle/1");
    let r = &v["result"];
    assert_eq!(r["framework"], "sglang");
    assert_eq!(r["fatal"], false);
    let ids: Vec<&str> =
        r["signals"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"idle-capture"), "{ids:?}");
    let metrics: Vec<&str> =
        r["metrics"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert!(
        metrics.contains(&"ttft_avg")
            && metrics.contains(&"e2e_avg")
            && metrics.contains(&"queue_avg"),
        "{metrics:?}"
    );
    let v = perfpilot_json(&[
        "triage",
        "bundle",
        "--dir",
        &format!("{FIX}/bundles/llamacpp-idle"),
        "--format",
        "json",
    ]);
    let r = &v["result"];
    assert_eq!(r["framework"], "llamacpp");
    let ids: Vec<&str> =
        r["signals"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert!(!ids.contains(&"scheduler-path"), "llama.cpp has no /health_generate: {ids:?}");
    // A missing folder is bad input.
    let out = perfpilot(&["triage", "bundle", "--dir", "no/such/bundle"]);
    assert_eq!(out.status.code(), Some(2));
    // --url and --dir exclude each other.
    let out = perfpilot(&["triage", "bundle", "--dir", "x", "--url", "http://127.0.0.1:1"]);
    assert_eq!(out.status.code(), Some(2));
}
