//! `trace diff` compares like with like (issue 19 item 6) on real traces: a prefill pass is
//! never compared with a decode pass in the layer-type table, `--stage` applies to every
//! table, and passes of the same stage and batch size are matched.

mod common;

use common::perfpilot_json;

/// vLLM gpt-oss on B200: one prefill (extend) step, 36 layers.
const PREFILL: &str = "tests/fixtures/trace/tl_b200_vllm_gptoss_tp8/eager_trace.json.gz";
/// SGLang Qwen3-8B on MI300X: one decode step of batch 32, 36 layers.
const DECODE: &str = "tests/fixtures/trace/tl_mi300x_sglang_decode/sglang_Qwen3-8B_decode.json.gz";
/// vLLM gpt-oss-20b on MI300X: one decode step of batch 32, 24 layers.
const DECODE_VLLM: &str = "tests/fixtures/trace/tl_mi300x_vllm_graph/graph_execution.json.gz";

fn diff(before: &str, after: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["trace", "diff", before, after, "--format", "json"];
    args.extend_from_slice(extra);
    let v = perfpilot_json(&args);
    assert_eq!(v["schema_version"], "perfpilot.trace.diff/2");
    v
}

fn has_warning(v: &serde_json::Value, code: &str) -> bool {
    v["warnings"].as_array().unwrap().iter().any(|w| w["code"] == code)
}

#[test]
fn a_prefill_pass_is_not_compared_with_a_decode_pass() {
    let v = diff(PREFILL, DECODE, &[]);
    let r = &v["result"];
    // Both sides slice into 36 layers; before the fix their steady passes (prefill vs
    // decode) were compared per layer.
    assert_eq!(r["before"]["passes_with_layers"], 1);
    assert_eq!(r["after"]["passes_with_layers"], 1);
    assert_eq!(r["layer_types"].as_array().unwrap().len(), 0, "{}", r["layer_types"]);
    let m = &r["layer_match"];
    assert!(m["stage"].is_null() && m["before_pass"].is_null(), "{m}");
    let note = m["note"].as_str().unwrap();
    assert!(note.contains("BEFORE: 1 extend (1 with layers)"), "{note}");
    assert!(note.contains("AFTER: 1 decode (1 with layers)"), "{note}");
    assert!(has_warning(&v, "layer-stage-mismatch"), "{}", v["warnings"]);
    let verdict = r["verdict"].as_str().unwrap();
    assert!(verdict.contains("layer types not compared"), "{verdict}");
}

#[test]
fn stage_applies_to_every_table() {
    let v = diff(PREFILL, DECODE, &["--stage", "decode"]);
    let r = &v["result"];
    assert_eq!(r["stage"], "decode");
    // The prefill trace has no decode kernels and no decode pass.
    assert_eq!(r["before"]["kernels"], 0);
    assert_eq!(r["before"]["compared_passes"], 0);
    assert_eq!(r["after"]["compared_passes"], 1);
    assert_eq!(r["layer_types"].as_array().unwrap().len(), 0);
    let note = r["layer_match"]["note"].as_str().unwrap();
    assert!(note.starts_with("no decode pass"), "{note}");
    let v = diff(PREFILL, DECODE, &["--stage", "extend"]);
    assert_eq!(v["result"]["after"]["kernels"], 0);
    assert!(v["result"]["layer_match"]["note"].as_str().unwrap().starts_with("no extend pass"));
}

#[test]
fn decode_passes_of_the_same_batch_are_compared() {
    let v = diff(DECODE_VLLM, DECODE, &[]);
    let r = &v["result"];
    let m = &r["layer_match"];
    assert_eq!(m["stage"], "decode", "{m}");
    assert_eq!((m["before_pass"].as_u64(), m["after_pass"].as_u64()), (Some(0), Some(0)));
    assert_eq!((m["before_batch"].as_u64(), m["after_batch"].as_u64()), (Some(32), Some(32)));
    assert!(m["note"].as_str().unwrap().contains("batch 32 on both"), "{m}");
    let types = r["layer_types"].as_array().unwrap();
    assert_eq!(types.len(), 1, "{types:?}");
    assert!(types[0]["before_ns"].as_f64().unwrap() > 0.0);
    assert!(types[0]["after_ns"].as_f64().unwrap() > 0.0);
    assert!(!has_warning(&v, "layer-stage-mismatch"));
    // The same with `--stage decode`: one decode pass each, the same match.
    let d = diff(DECODE_VLLM, DECODE, &["--stage", "decode"]);
    assert_eq!(d["result"]["layer_match"], *m);
    assert_eq!(d["result"]["layer_types"], r["layer_types"]);
}
