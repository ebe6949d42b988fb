//! `perfpilot trace triage` end to end: formats, exit codes, error messages.

mod common;

use common::{perfpilot, perfpilot_json};

const SGLANG: &str = "tests/fixtures/trace/tl_mi300x_sglang_decode/sglang_Qwen3-8B_decode.json.gz";

#[test]
fn json_envelope_has_schema_inputs_and_rows() {
    let v = perfpilot_json(&["trace", "triage", SGLANG, "--format", "json"]);
    assert_eq!(v["schema_version"], "perfpilot.trace.triage/5");
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

const RANK0: &str = "tests/fixtures/trace/hta_sampled_rank0/sampled_rank-0.json.gz";
const RANK1: &str = "tests/fixtures/trace/hta_sampled_rank1/sampled_rank-1.json.gz";

#[test]
fn several_ranks_give_the_multi_rank_tables() {
    let v = perfpilot_json(&["trace", "triage", RANK0, RANK1, "--format", "json"]);
    assert_eq!(v["schema_version"], "perfpilot.trace.triage/5");
    let r = &v["result"];
    assert_eq!(r["ranks"], serde_json::json!([0, 1]));
    assert_eq!(r["rank_skew"].as_array().unwrap().len(), 2);
    assert_eq!(r["collectives"]["groups"][0]["instances"], 10);
    assert_eq!(v["inputs"].as_array().unwrap().len(), 2);
    // --rank narrows to one rank's full report.
    let one = perfpilot_json(&["trace", "triage", RANK0, RANK1, "--rank", "1", "--format", "json"]);
    assert_eq!(one["result"]["rank"], 1);
    assert!(one["result"].get("rank_skew").is_none());
}

#[test]
fn a_broken_rank_file_exits_2_with_the_other_ranks_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(common::repo_root().join(RANK0), d.join("sampled_rank-0.json.gz")).unwrap();
    let bytes = std::fs::read(common::repo_root().join(RANK1)).unwrap();
    std::fs::write(d.join("sampled_rank-1.json.gz"), &bytes[..bytes.len() / 2]).unwrap();
    let out_file = d.join("out.json");
    let out = perfpilot(&[
        "trace",
        "triage",
        d.to_str().unwrap(),
        "--format",
        "json",
        "--json-out",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    assert_eq!(v["result"], written["result"]);
    assert_eq!(v["result"]["ranks"], serde_json::json!([0]));
    let failure = &v["result"]["failures"][0];
    assert!(failure["paths"][0].as_str().unwrap().ends_with("sampled_rank-1.json.gz"));
    assert!(failure["reason"].as_str().unwrap().contains("gzip"), "{failure}");
}
