//! `perfpilot trace export` end to end: the JSON envelope against its committed schema,
//! exit 2 with the path on bad input and no dataset left, and the MCP tool writing inside
//! its root only.
#![cfg(feature = "parquet")]

mod common;

use std::time::Duration;

use common::mcp_client::McpClient;
use common::{assert_matches_schema, perfpilot, perfpilot_json, repo_root};
use serde_json::json;

const RANK0: &str = "tests/fixtures/trace/hta_sampled_rank0";
const RANK1: &str = "tests/fixtures/trace/hta_sampled_rank1";

#[test]
fn json_envelope_lists_files_rows_per_rank_and_the_dataset_version() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("ds");
    let v = perfpilot_json(&[
        "trace",
        "export",
        RANK0,
        RANK1,
        "--parquet",
        ds.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_matches_schema(&v, "trace export");
    assert_eq!(v["schema_version"], "perfpilot.trace.export/1");
    let r = &v["result"];
    assert_eq!(r["dataset_schema_version"], "perfpilot.trace.export/1");
    let ranks: Vec<u64> =
        r["ranks"].as_array().unwrap().iter().map(|x| x["rank"].as_u64().unwrap()).collect();
    assert_eq!(ranks, [0, 1]);
    let files: Vec<&str> =
        r["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(
        files,
        ["kernels/rank=0/part-0.parquet", "kernels/rank=1/part-0.parquet", "names/part-0.parquet"]
    );
    for f in r["files"].as_array().unwrap() {
        let on_disk = std::fs::metadata(ds.join(f["path"].as_str().unwrap())).unwrap().len();
        assert_eq!(f["bytes"].as_u64(), Some(on_disk), "{f}");
        // Parquet files start and end with the magic `PAR1`.
        let bytes = std::fs::read(ds.join(f["path"].as_str().unwrap())).unwrap();
        assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
    }
    for rank in r["ranks"].as_array().unwrap() {
        let stage_rows: u64 =
            rank["stages"].as_array().unwrap().iter().map(|s| s["rows"].as_u64().unwrap()).sum();
        assert_eq!(rank["rows"].as_u64(), Some(stage_rows));
        assert!(rank["rows"].as_u64().unwrap() > 0);
    }
}

#[test]
fn bad_input_exits_2_with_the_path_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("rank3.trace.json");
    std::fs::write(&bad, "{\"traceEvents\": [{\"ph\": \"X\" \"ts\": 1}]}").unwrap();
    let ds = dir.path().join("ds");
    let out = perfpilot(&[
        "trace",
        "export",
        RANK0,
        bad.to_str().unwrap(),
        "--parquet",
        ds.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("rank3.trace.json") && err.contains("invalid JSON at byte"), "{err}");
    assert!(!ds.exists(), "a failed export left {}", ds.display());
}

#[test]
fn mcp_tool_writes_the_dataset_inside_its_root_and_refuses_outside() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir_all(root.join("trace")).unwrap();
    std::fs::copy(
        repo_root().join(RANK0).join("sampled_rank-0.json.gz"),
        root.join("trace/sampled_rank-0.json.gz"),
    )
    .unwrap();
    let mut c = McpClient::start(&["--root", root.to_str().unwrap()], &root);
    c.initialize();
    let slow = Duration::from_secs(180);
    let ok = c.call_tool("trace_export", json!({"inputs": ["trace"], "parquet": "ds"}), None, slow);
    assert_ne!(ok["isError"], true, "{ok}");
    assert!(root.join("ds/kernels/rank=0/part-0.parquet").is_file());
    assert!(root.join("ds/names/part-0.parquet").is_file());
    let out = c.call_tool(
        "trace_export",
        json!({"inputs": ["trace"], "parquet": "../outside-ds"}),
        None,
        slow,
    );
    assert_eq!(out["isError"], true, "{out}");
    let text = out["content"][0]["text"].as_str().unwrap_or_default();
    assert!(text.contains("argument `parquet`"), "{text}");
    assert!(!dir.path().join("outside-ds").exists());
}
