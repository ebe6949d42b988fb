//! `perfpilot capacity explain|plan` end to end: output contract, exit codes, bad input.

mod common;

use common::perfpilot as run;

const LOG: &str = "tests/fixtures/capacity/launch/sglang-4257-qwen2-tp2-max-total-tokens-10240.log";
const CFG: &str = "tests/fixtures/capacity/model-configs/Qwen__Qwen2.5-14B/config.json";

#[test]
fn explain_json_contract() {
    let out = run(&[
        "capacity", "explain", LOG, "--config", CFG, "--gpu", "a100-40g", "--format", "json",
        "--rank", "1",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema_version"], "perfpilot.capacity.explain/2");
    assert_eq!(v["command"], "capacity explain");
    assert_eq!(v["result"]["selected_rank"], "TP1");
    assert_eq!(v["inputs"][0]["role"], "log");
    let ranks = v["result"]["ranks"].as_array().unwrap();
    assert_eq!(ranks.len(), 2);
    // weights 14.00 GiB printed -> exact bytes
    assert_eq!(ranks[1]["weights_bytes"], 15_032_385_536i64);
    assert!(v["warnings"].as_array().unwrap().iter().any(|w| w["code"] == "incomplete-log"));
}

/// Every stated value reaches the JSON under its key, launch and line: a real paste of two
/// llama.cpp (SYCL) runs, a command with `-c 22528` and then KV lines of a run with 23552 cells
/// (intel/ipex-llm#13130; its hand-written expectations are the `.expected` file beside it).
#[test]
fn explain_json_lists_stated_values_per_launch() {
    let log =
        "tests/fixtures/corpus/launch/llamacpp-ipexllm13130-sycl-3-arc-command-then-kv23552.log";
    // Not listed unless asked for.
    let out = run(&["capacity", "explain", log, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["result"]["stated"], serde_json::json!([]));
    let out = run(&["capacity", "explain", log, "--stated", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stated = v["result"]["stated"].as_array().unwrap();
    let get = |launch: u64, key: &str| -> Vec<serde_json::Value> {
        stated
            .iter()
            .filter(|s| s["launch"] == launch && s["key"] == key)
            .map(|s| s["value"].clone())
            .collect()
    };
    assert_eq!(get(1, "n_ctx"), [serde_json::json!(22528.0)]);
    assert_eq!(get(2, "kv_tokens"), [serde_json::json!(23552.0)]);
    // 1104.00 MiB printed -> GiB.
    assert_eq!(get(2, "k_size"), [serde_json::json!(1104.0 / 1024.0)]);
    assert_eq!(get(2, "kv_device_size").len(), 3, "one per SYCL device: {stated:?}");
    assert!(stated.iter().all(|s| s["line"].as_u64().is_some_and(|l| (1..=6).contains(&l))));
    // The human view groups and shows the same values.
    let out = run(&["capacity", "explain", log, "--stated", "--format", "md"]);
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("## Stated values (10 lines, 2 launches)"), "{md}");
    assert!(md.contains("| 2 | kv_tokens | 23552 | tokens | L2 |"), "{md}");
}

#[test]
fn explain_markdown_has_breakdown_with_lines() {
    let out = run(&["capacity", "explain", LOG, "--format", "md"]);
    assert_eq!(out.status.code(), Some(0));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("## Memory breakdown — TP0"), "{md}");
    assert!(md.contains("L13: [2025-03-10 16:21:31 TP0] Capture cuda graph end."));
    assert!(md.contains("Unknown: the device total"));
}

#[test]
fn plan_json_and_what_if() {
    let out = run(&[
        "capacity",
        "plan",
        "--config",
        CFG,
        "--gpu",
        "h100",
        "--tp",
        "2",
        "--what-if",
        "kv_dtype=fp8_e4m3",
        "--request-tokens",
        "4096,32k",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema_version"], "perfpilot.capacity.plan/1");
    assert_eq!(v["result"]["kv"]["full_bytes_per_token"], 98_304);
    let rows = v["result"]["what_if"]["rows"].as_array().unwrap();
    let bpt = rows.iter().find(|r| r["id"] == "bytes_per_token").unwrap();
    assert_eq!(bpt["before"], "98,304");
    assert_eq!(bpt["after"], "49,152");
    let conc = v["result"]["outcome"]["concurrency"].as_array().unwrap();
    assert_eq!(conc[1]["request_tokens"], 32_768);
}

#[test]
fn plan_that_cannot_start_exits_1() {
    // DeepSeek-V3 (FP8) does not fit on one H100: SGLang would refuse to start.
    let out = run(&[
        "capacity",
        "plan",
        "--config",
        "tests/fixtures/capacity/model-configs/deepseek-ai__DeepSeek-V3/config.json",
        "--gpu",
        "h100",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["result"]["outcome"]["errors"][0].as_str().unwrap().contains("Not enough memory"));
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let out = run(&["capacity", "explain", "tests/fixtures/capacity/SOURCES.md"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("SOURCES.md") && err.contains("no SGLang or vLLM launch line"), "{err}");
    let out = run(&["capacity", "explain", "no/such/file.log"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/file.log"));
    let out = run(&["capacity", "plan", "--config", CFG, "--gpu", "h100", "--what-if", "tp"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("KEY=VALUE"));
    let out = run(&["capacity", "explain", LOG, "--rank", "7"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ranks: TP0, TP1"));
}
