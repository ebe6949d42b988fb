//! `perfpilot trace triage` end to end: formats, exit codes, error messages.

mod common;

use common::{perfpilot, perfpilot_json};

const SGLANG: &str = "tests/fixtures/trace/tl_mi300x_sglang_decode/sglang_Qwen3-8B_decode.json.gz";

#[test]
fn json_envelope_has_schema_inputs_and_rows() {
    let v = perfpilot_json(&["trace", "triage", SGLANG, "--format", "json"]);
    assert_eq!(v["schema_version"], "perfpilot.trace.triage/2");
    assert_eq!(v["command"], "trace triage");
    assert_eq!(v["inputs"][0]["role"], "trace");
    let stage = &v["result"]["stages"][0];
    assert_eq!(stage["stage"], "decode");
    let kernels = stage["kernels"].as_array().unwrap();
    // JSON keeps every row, also those under --min-share.
    assert!(kernels.iter().any(|k| k["share_pct"].as_f64().unwrap() < 1.0));
    assert!(kernels.iter().all(|k| k["id"].as_str().unwrap().starts_with("k-")));
}

#[test]
fn markdown_hides_small_rows_and_states_links() {
    let out = perfpilot(&["trace", "triage", SGLANG, "--format", "md", "--min-share", "5"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("## Kernels — decode"));
    assert!(md.contains("rows under 5.0% hidden"));
    assert!(md.contains("**kernel → launch**: correlation 100.0%"));
    assert!(md.contains("cuda-graph replay"));
}

#[test]
fn bad_input_exits_2_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, "{\"traceEvents\": [{\"ph\": \"X\" \"ts\": 1}]}").unwrap();
    let out = perfpilot(&["trace", "triage", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.json") && err.contains("invalid JSON at byte 28"), "{err}");

    let out = perfpilot(&["trace", "triage", SGLANG, "--min-share", "300"]);
    assert_eq!(out.status.code(), Some(2));
    let out = perfpilot(&["trace", "triage", SGLANG, "--stage", "sideways"]);
    assert_eq!(out.status.code(), Some(2));
}
