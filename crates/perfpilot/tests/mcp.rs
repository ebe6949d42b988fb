//! Agent-level test: start `perfpilot mcp` as a child process and play the client
//! (initialize, list tools, call tools on real fixtures), checking the answers against the
//! CLI's `--format json` output and the committed schemas.

mod common;

use std::time::Duration;

use common::mcp_client::McpClient;
use common::{assert_matches_schema, perfpilot, perfpilot_json, repo_root, violations};
use serde_json::{Value, json};

const CALL: Duration = Duration::from_secs(120);

fn started() -> McpClient {
    let root = repo_root();
    let mut c = McpClient::start(&["--root", root.to_str().unwrap()], &root);
    let init = c.initialize();
    let result = &init["result"];
    assert_eq!(result["serverInfo"]["name"], "perfpilot", "{init}");
    assert!(result["capabilities"]["tools"].is_object(), "{init}");
    assert_eq!(result["protocolVersion"], "2025-06-18", "{init}");
    c
}

/// The tool result's envelope, after checking its shape: summary text first, the JSON
/// text second, the same JSON as structuredContent.
fn envelope_of(result: &Value) -> Value {
    assert_ne!(result["isError"], true, "tool error: {result}");
    let content = result["content"].as_array().expect("content");
    assert_eq!(content.len(), 2, "{result}");
    assert_eq!(content[0]["type"], "text");
    assert!(!content[0]["text"].as_str().unwrap().is_empty());
    let from_text: Value = serde_json::from_str(content[1]["text"].as_str().unwrap()).unwrap();
    assert_eq!(from_text, result["structuredContent"], "text and structured content differ");
    from_text
}

fn error_text(result: &Value) -> String {
    assert_eq!(result["isError"], true, "expected a tool error: {result}");
    result["content"][0]["text"].as_str().unwrap_or_default().to_string()
}

#[test]
fn tools_list_describes_every_tool_with_input_and_output_schemas() {
    let mut c = started();
    let resp = c.request("tools/list", json!({}), CALL);
    let tools = resp["result"]["tools"].as_array().expect("tools").clone();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"trace_classify"), "{names:?}");
    for t in &tools {
        let name = t["name"].as_str().unwrap();
        assert!(
            t["description"].as_str().is_some_and(|d| d.len() > 40),
            "{name}: short description"
        );
        assert_eq!(t["inputSchema"]["type"], "object", "{name}");
        assert_eq!(t["outputSchema"]["type"], "object", "{name}");
        // The output schema is the committed one for the command.
        let command = name.replace('_', " ");
        assert_eq!(t["outputSchema"], common::committed_schema(&command), "{name}");
        // And the input schema is what `perfpilot schema COMMAND --input` prints.
        let words: Vec<&str> = command.split(' ').collect();
        let mut args = vec!["schema"];
        args.extend(&words);
        args.push("--input");
        let out = perfpilot(&args);
        let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(t["inputSchema"], printed, "{name}");
    }
    assert_eq!(c.shutdown(), Some(0), "the server exits cleanly when stdin closes");
}

#[test]
fn trace_classify_over_mcp_equals_the_cli() {
    let fixture = "tests/fixtures/trace/kernel-names.tsv";
    let cli = perfpilot_json(&["trace", "classify", "--from", fixture, "--format", "json"]);
    let mut c = started();
    let result = c.call_tool("trace_classify", json!({"from": fixture}), None, CALL);
    let env = envelope_of(&result);
    assert_eq!(env["schema_version"], "perfpilot.trace.classify/3");
    assert_eq!(env["command"], "trace classify");
    assert_eq!(env["result"], cli["result"], "MCP and CLI results differ");
    assert_eq!(env["inputs"], cli["inputs"]);
    assert_matches_schema(&env, "trace_classify over MCP");
    let kernels = env["result"]["kernels"].as_array().unwrap();
    assert!(kernels.len() > 100, "the fixture lists hundreds of names");
    let summary = result["content"][0]["text"].as_str().unwrap();
    assert!(summary.contains("trace classify"), "{summary}");
}

#[test]
fn paths_outside_the_roots_are_refused_with_a_clear_error() {
    let mut c = started();
    let result = c.call_tool("trace_classify", json!({"from": "/etc/hostname"}), None, CALL);
    let msg = error_text(&result);
    assert!(msg.contains("argument `from`"), "{msg}");
    assert!(msg.contains("outside the allowed roots"), "{msg}");
    assert!(msg.contains("--root"), "{msg}");
    let result = c.call_tool("trace_classify", json!({"from": "../../etc/hostname"}), None, CALL);
    assert!(error_text(&result).contains("outside the allowed roots"));
}

#[test]
fn bad_arguments_and_unknown_tools_are_errors_not_crashes() {
    let mut c = started();
    // Wrong type: the capability's options reject it, naming the problem.
    let result = c.call_tool("trace_classify", json!({"names": "not-a-list"}), None, CALL);
    let msg = error_text(&result);
    assert!(msg.contains("invalid arguments for tool `trace_classify`"), "{msg}");
    // A missing file inside the root.
    let result =
        c.call_tool("trace_classify", json!({"from": "tests/fixtures/nope.tsv"}), None, CALL);
    assert!(error_text(&result).contains("cannot open"));
    // Unknown tool: a JSON-RPC error.
    let resp = c.request("tools/call", json!({"name": "no_such_tool", "arguments": {}}), CALL);
    assert!(resp["error"]["message"].as_str().unwrap().contains("unknown tool"), "{resp}");
    // The server is still alive and answering.
    let resp = c.request("tools/list", json!({}), CALL);
    assert!(resp["result"]["tools"].is_array());
}

#[test]
fn schema_validation_of_a_tool_result_is_strict() {
    let mut c = started();
    let result = c.call_tool("trace_classify", json!({"names": ["nccl_allreduce"]}), None, CALL);
    let mut env = envelope_of(&result);
    let schema = common::committed_schema("trace classify");
    assert!(violations(&schema, &env).is_empty());
    env["result"]["kernels"] = json!("nope");
    assert!(!violations(&schema, &env).is_empty());
}

#[test]
fn sim_run_over_mcp_equals_the_cli() {
    let cli = perfpilot_json(&[
        "sim",
        "run",
        "--num-prompts",
        "60",
        "--request-rate",
        "12",
        "--input-len",
        "512",
        "--output-len",
        "64",
        "--format",
        "json",
    ]);
    let mut c = started();
    let args = json!({
        "profile": "sglang-h100-llama3.1-8b",
        "dataset": {"kind": "random", "input_len": 512, "output_len": 64, "token_ids": true,
                    "vocab_size": 32000},
        "num_prompts": 60,
        "request_rate": 12.0,
    });
    let result = c.call_tool("sim_run", args, None, CALL);
    let env = envelope_of(&result);
    assert_matches_schema(&env, "sim_run over MCP");
    // Virtual time is deterministic: the engine and the summary are identical.
    assert_eq!(env["result"]["engine"], cli["result"]["engine"]);
    assert_eq!(env["result"]["result"]["summary"], cli["result"]["result"]["summary"]);
    assert_eq!(env["inputs"], cli["inputs"]);
    assert_eq!(env["warnings"], cli["warnings"]);
}

#[test]
fn docs_agents_md_lists_every_tool() {
    let docs = std::fs::read_to_string(repo_root().join("docs/agents.md")).unwrap();
    let mut c = started();
    let resp = c.request("tools/list", json!({}), CALL);
    for t in resp["result"]["tools"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        assert!(docs.contains(&format!("`{name}`")), "docs/agents.md does not list tool `{name}`");
    }
}

const SGLANG_DECODE: &str =
    "tests/fixtures/trace/tl_mi300x_sglang_decode/sglang_Qwen3-8B_decode.json.gz";
const GEMMA_LOG: &str = "tests/fixtures/capacity/launch/sglang-6160-gemma3-27b-tp4-fp16.log";

/// The kernel with the most GPU time in a triage stage, found by scanning (not by trusting
/// the row order).
fn top_kernel(stage: &Value) -> (String, String, i64) {
    let kernels = stage["kernels"].as_array().expect("kernels");
    let top = kernels
        .iter()
        .max_by_key(|k| k["gpu_time_ns"].as_i64().unwrap_or(0))
        .expect("at least one kernel");
    (
        top["id"].as_str().unwrap().to_string(),
        top["category"].as_str().unwrap().to_string(),
        top["gpu_time_ns"].as_i64().unwrap(),
    )
}

#[test]
fn trace_triage_over_mcp_names_the_same_top_kernel_as_the_cli_and_reports_progress() {
    let cli = perfpilot_json(&["trace", "triage", SGLANG_DECODE, "--format", "json"]);
    let mut c = started();
    let result = c.call_tool("trace_triage", json!({"input": SGLANG_DECODE}), Some(7), CALL);
    let env = envelope_of(&result);
    assert_matches_schema(&env, "trace_triage over MCP");
    assert_eq!(env["schema_version"], "perfpilot.trace.triage/5");
    assert_eq!(env["inputs"], cli["inputs"]);
    assert_eq!(env["warnings"], cli["warnings"]);
    let (mcp_stages, cli_stages) = (&env["result"]["stages"], &cli["result"]["stages"]);
    assert_eq!(mcp_stages.as_array().unwrap().len(), cli_stages.as_array().unwrap().len());
    for (m, k) in mcp_stages.as_array().unwrap().iter().zip(cli_stages.as_array().unwrap()) {
        assert_eq!(m["stage"], k["stage"]);
        let (mid, mcat, mns) = top_kernel(m);
        let (cid, ccat, cns) = top_kernel(k);
        assert_eq!((&mid, &mcat, mns), (&cid, &ccat, cns), "top kernel differs");
        // The table is sorted: its first row is the top kernel.
        assert_eq!(m["kernels"][0]["id"], json!(mid));
        assert_eq!(m["kernels"], k["kernels"], "kernel tables differ");
    }
    // This SGLang decode trace on MI300X is GEMM-bound (hipBLASLt Cijk_* kernels).
    assert_eq!(top_kernel(&mcp_stages[0]).1, "gemm");
    // Progress: the parser reports bytes read; the server forwards them for our token.
    let progress: Vec<&Value> =
        c.notifications.iter().filter(|n| n["method"] == "notifications/progress").collect();
    assert!(!progress.is_empty(), "no progress notifications: {:?}", c.notifications);
    let mut last = -1.0;
    for p in &progress {
        assert_eq!(p["params"]["progressToken"], 7);
        let v = p["params"]["progress"].as_f64().unwrap();
        assert!(v > last, "progress must increase: {progress:?}");
        last = v;
    }
    let summary = result["content"][0]["text"].as_str().unwrap();
    assert!(summary.contains("gemm"), "{summary}");
}

#[test]
fn capacity_explain_over_mcp_reports_the_logged_kv_tokens() {
    let cli =
        perfpilot_json(&["capacity", "explain", GEMMA_LOG, "--gpu", "h100", "--format", "json"]);
    let mut c = started();
    let result =
        c.call_tool("capacity_explain", json!({"log": GEMMA_LOG, "gpu": "h100"}), None, CALL);
    let env = envelope_of(&result);
    assert_matches_schema(&env, "capacity_explain over MCP");
    assert_eq!(env["result"], cli["result"]);
    assert_eq!(env["inputs"], cli["inputs"]);
    assert_eq!(env["warnings"], cli["warnings"]);
    // The KV token count is the one the log printed (`KV Cache is allocated. #tokens: N`).
    let log = std::fs::read_to_string(repo_root().join(GEMMA_LOG)).unwrap();
    let printed: i64 = log
        .split("#tokens: ")
        .nth(1)
        .and_then(|r| r.split(|ch: char| !ch.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .expect("the fixture prints #tokens");
    for rank in env["result"]["ranks"].as_array().unwrap() {
        let tokens = rank["kv"]["pools"][0]["tokens"].as_i64();
        assert_eq!(tokens, Some(printed), "rank {}", rank["rank"]);
    }
    // Missing evidence is a warning, not a guess.
    let codes: Vec<&str> =
        env["warnings"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"incomplete-log"), "{codes:?}");
}

#[test]
fn capacity_plan_over_mcp_equals_the_cli() {
    let config =
        "tests/fixtures/capacity/model-configs/meta-llama__Llama-3.1-8B-Instruct/config.json";
    let cli = perfpilot_json(&[
        "capacity", "plan", "--config", config, "--gpu", "h100", "--tp", "2", "--format", "json",
    ]);
    let mut c = started();
    let result =
        c.call_tool("capacity_plan", json!({"config": config, "gpu": "h100", "tp": 2}), None, CALL);
    let env = envelope_of(&result);
    assert_matches_schema(&env, "capacity_plan over MCP");
    assert_eq!(env["result"], cli["result"]);
    assert_eq!(env["inputs"], cli["inputs"]);
}

#[test]
fn bench_serve_over_mcp_runs_against_a_live_server_with_progress_and_compares() {
    let scratch = tempfile::tempdir().unwrap();
    let (_sim, url) = common::start_sim(scratch.path()).expect("perfpilot sim serve starts");
    // Results go to a second root: a scratch directory.
    let out_dir = tempfile::tempdir().unwrap();
    let root = repo_root();
    let mut c = McpClient::start(
        &["--root", root.to_str().unwrap(), "--root", out_dir.path().to_str().unwrap()],
        &root,
    );
    c.initialize();
    let mut files = Vec::new();
    // The same workload twice (a repeatability check): a fair comparison.
    for (i, rate) in [16.0, 16.0].iter().enumerate() {
        let output = out_dir.path().join(format!("run{i}.json"));
        let args = json!({
            "url": url,
            "dataset": {"kind": "random", "input_len": 256, "output_len": 32, "token_ids": true,
                        "vocab_size": 32000},
            "num_prompts": 24,
            "request_rate": rate,
            "output": output,
        });
        let result = c.call_tool("bench_serve", args, Some(100 + i as u64), CALL);
        let env = envelope_of(&result);
        assert_matches_schema(&env, "bench_serve over MCP");
        let summary = &env["result"]["summary"];
        assert_eq!(summary["completed"], 24, "{summary}");
        assert_eq!(summary["failed"], 0);
        assert_eq!(env["inputs"], json!([{"role": "url", "path": url}]));
        // The file the tool wrote is the same envelope.
        let written: Value =
            serde_json::from_str(&std::fs::read_to_string(&output).unwrap()).unwrap();
        assert_eq!(written["result"]["summary"], env["result"]["summary"]);
        files.push(output);
    }
    // Progress per request, for each call's own token.
    for token in [100, 101] {
        let n = c
            .notifications
            .iter()
            .filter(|n| {
                n["method"] == "notifications/progress" && n["params"]["progressToken"] == token
            })
            .count();
        assert!(n >= 1, "no progress for token {token}: {:?}", c.notifications);
    }
    let result = c.call_tool("bench_compare", json!({"inputs": files}), None, CALL);
    let env = envelope_of(&result);
    assert_matches_schema(&env, "bench_compare over MCP");
    assert_eq!(env["result"]["fair"], true, "{}", env["result"]);
    // A path outside the roots for an output is refused before anything runs.
    let result =
        c.call_tool("bench_serve", json!({"url": url, "output": "/tmp/outside.json"}), None, CALL);
    assert!(error_text(&result).contains("outside the allowed roots"));
    // An API-key variable the server was not told to allow is refused.
    let result = c.call_tool("bench_serve", json!({"url": url, "api_key_env": "HOME"}), None, CALL);
    assert!(error_text(&result).contains("--allow-env HOME"));
}

#[test]
fn a_call_past_the_time_limit_is_stopped_and_the_server_keeps_serving() {
    let scratch = tempfile::tempdir().unwrap();
    let (_sim, url) = common::start_sim(scratch.path()).expect("perfpilot sim serve starts");
    let root = repo_root();
    let mut c =
        McpClient::start(&["--root", root.to_str().unwrap(), "--call-timeout-s", "2"], &root);
    c.initialize();
    // About 60 s of traffic at 1 req/s: far past the 2 s limit.
    let args = json!({"url": url, "num_prompts": 60, "request_rate": 1.0,
                      "dataset": {"kind": "random", "input_len": 64, "output_len": 8,
                                  "token_ids": true, "vocab_size": 32000}});
    let t0 = std::time::Instant::now();
    let result = c.call_tool("bench_serve", args, None, CALL);
    let msg = error_text(&result);
    assert!(msg.contains("per-call limit of 2 s"), "{msg}");
    assert!(t0.elapsed() < Duration::from_secs(30), "took {:?}", t0.elapsed());
    let result = c.call_tool("trace_classify", json!({"names": ["nccl_allreduce"]}), None, CALL);
    assert_eq!(envelope_of(&result)["result"]["kernels"][0]["category"], "communication");
}

#[test]
fn trace_triage_over_mcp_takes_every_rank_like_the_cli() {
    let (r0, r1) = (
        "tests/fixtures/trace/hta_sampled_rank0/sampled_rank-0.json.gz",
        "tests/fixtures/trace/hta_sampled_rank1/sampled_rank-1.json.gz",
    );
    let cli =
        perfpilot_json(&["trace", "triage", r0, r1, "--cv-threshold", "0.2", "--format", "json"]);
    let mut c = started();
    let args = json!({"input": r0, "more_inputs": [r1], "cv_threshold": 0.2});
    let result = c.call_tool("trace_triage", args, None, CALL);
    let env = envelope_of(&result);
    assert_matches_schema(&env, "multi-rank trace_triage over MCP");
    assert_matches_schema(&cli, "multi-rank trace triage");
    assert_eq!(env["result"], cli["result"]);
    assert_eq!(env["inputs"], cli["inputs"]);
    assert_eq!(env["result"]["ranks"], json!([0, 1]));
    assert_eq!(env["result"]["cv_threshold"], 0.2);
}

#[test]
fn trace_layers_and_diff_over_mcp_equal_the_cli() {
    let gptoss = "tests/fixtures/trace/tl_b200_vllm_gptoss_tp8/eager_trace.json.gz";
    let config = "tests/fixtures/layers/openai__gpt-oss-120b/config.json";
    let mut c = started();

    let cli = perfpilot_json(&["trace", "layers", gptoss, "--config", config, "--format", "json"]);
    let result =
        c.call_tool("trace_layers", json!({"input": gptoss, "config": config}), None, CALL);
    let env = envelope_of(&result);
    assert_matches_schema(&env, "trace_layers over MCP");
    assert_eq!(env["result"], cli["result"]);
    assert_eq!(env["inputs"], cli["inputs"]);
    assert_eq!(env["warnings"], cli["warnings"]);

    let (r0, r1) = (
        "tests/fixtures/trace/hta_sampled_rank0/sampled_rank-0.json.gz",
        "tests/fixtures/trace/hta_sampled_rank1/sampled_rank-1.json.gz",
    );
    let cli = perfpilot_json(&["trace", "diff", r0, r1, "--format", "json"]);
    let result = c.call_tool("trace_diff", json!({"before": r0, "after": r1}), None, CALL);
    let env = envelope_of(&result);
    assert_matches_schema(&env, "trace_diff over MCP");
    assert_eq!(env["result"], cli["result"]);
    assert_eq!(env["inputs"], cli["inputs"]);
    assert_eq!(env["warnings"], cli["warnings"]);
}

#[test]
fn triage_over_mcp_names_the_same_problem_as_the_cli() {
    let logs = [
        "tests/fixtures/triage/constructed/c12-node0-tp0-runtime-oom.log",
        "tests/fixtures/triage/constructed/c12-node1-rank8-nccl-timeout.log",
    ];
    let mut args = vec!["triage"];
    args.extend(logs);
    args.extend(["--format", "json"]);
    let cli = perfpilot_json(&args);
    let mut c = started();
    let result = c.call_tool("triage", json!({"logs": logs}), None, CALL);
    let env = envelope_of(&result);
    assert_matches_schema(&env, "triage over MCP");
    assert_eq!(env["result"], cli["result"]);
    assert_eq!(env["inputs"], cli["inputs"]);
    assert_eq!(env["warnings"], cli["warnings"]);
    // The OOM on node 0 is the cause; the NCCL timeout on node 1 is its consequence.
    assert_eq!(env["result"]["findings"][0]["class"], "oom-runtime", "{}", env["result"]);
    let summary = result["content"][0]["text"].as_str().unwrap();
    assert!(summary.contains("oom-runtime"), "{summary}");
    assert!(summary.contains("CHECK FAILED"), "a fatal finding fails the check: {summary}");
}

#[test]
fn triage_bundle_over_mcp_snapshots_a_live_server() {
    let scratch = tempfile::tempdir().unwrap();
    let (_sim, url) = common::start_sim(scratch.path()).expect("perfpilot sim serve starts");
    let mut c = started();
    let result = c.call_tool("triage_bundle", json!({"url": url}), Some(9), CALL);
    let env = envelope_of(&result);
    assert_matches_schema(&env, "triage_bundle over MCP");
    assert_eq!(env["inputs"], json!([{"role": "url", "path": url}]));
    let cli = perfpilot_json(&["triage", "bundle", "--url", &url, "--format", "json"]);
    assert_eq!(env["warnings"], cli["warnings"], "the same endpoints answered the same way");
}

#[test]
fn sim_fit_over_mcp_equals_the_cli() {
    // Two `bench serve`-format results made by the simulator (as perfpilot-sim's own fit
    // test does), in a scratch directory given to the server as a second root.
    let tmp = tempfile::tempdir().unwrap();
    let results = common::simulated_bench_results(tmp.path(), &["1", "4"]);
    let profile = "tests/fixtures/sim/tiny-costs.toml";
    let cli = perfpilot_json(&[
        "sim",
        "fit",
        &results[0],
        &results[1],
        "--profile",
        profile,
        "--format",
        "json",
    ]);
    let root = repo_root();
    let mut c = McpClient::start(
        &["--root", root.to_str().unwrap(), "--root", tmp.path().to_str().unwrap()],
        &root,
    );
    c.initialize();
    let result =
        c.call_tool("sim_fit", json!({"profile": profile, "results": results}), None, CALL);
    let env = envelope_of(&result);
    assert_matches_schema(&env, "sim_fit over MCP");
    assert_eq!(env["result"], cli["result"]);
    assert_eq!(env["inputs"], cli["inputs"]);
    assert_eq!(env["warnings"], cli["warnings"]);
}
