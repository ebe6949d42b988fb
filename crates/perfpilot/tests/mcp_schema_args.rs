//! Every MCP call valid by a tool's input schema runs: minimal arguments are generated
//! from each tool's `inputSchema` (required properties only, the first alternative of
//! each choice) and every tool is called through the real MCP server. A tool either
//! answers, or fails on the made-up file it was given — never with "invalid arguments"
//! nor naming a CLI flag the tool does not have.

mod common;

use std::time::Duration;

use common::mcp_client::McpClient;
use common::repo_root;
use serde_json::{Map, Value, json};

/// Resolve a local `$ref` (`#/$defs/X`).
fn resolve<'a>(root: &'a Value, s: &'a Value) -> &'a Value {
    match s.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix("#/")
            .map(|p| p.split('/').fold(root, |v, k| &v[k]))
            .map_or(s, |t| resolve(root, t)),
        None => s,
    }
}

/// Minimal valid value of schema `s`. Strings get `fill(name)`.
fn minimal(root: &Value, s: &Value, name: &str, fill: &dyn Fn(&str) -> Value) -> Value {
    let s = resolve(root, s);
    if let Some(c) = s.get("const") {
        return c.clone();
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array).and_then(|a| a.first()) {
        return e.clone();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(first) = s.get(key).and_then(Value::as_array).and_then(|a| {
            // Prefer a non-null alternative.
            a.iter().find(|x| resolve(root, x)["type"] != "null").or(a.first())
        }) {
            let mut v = minimal(root, first, name, fill);
            // Sibling properties next to the choice (tagged enums put them there).
            if let (Some(o), Value::Object(m)) = (s.get("properties"), &mut v) {
                add_required(root, s, o, m, fill);
            }
            return v;
        }
    }
    let ty = match &s["type"] {
        Value::Array(a) => a.iter().find(|t| *t != "null").cloned().unwrap_or(Value::Null),
        t => t.clone(),
    };
    let min = s.get("minimum").and_then(Value::as_f64).unwrap_or(1.0).max(1.0);
    match ty.as_str() {
        Some("object") => {
            let mut m = Map::new();
            if let Some(props) = s.get("properties") {
                add_required(root, s, props, &mut m, fill);
            }
            Value::Object(m)
        }
        Some("array") => {
            let n = s.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let item = s.get("items").cloned().unwrap_or(json!({"type": "string"}));
            Value::Array((0..n).map(|_| minimal(root, &item, name, fill)).collect())
        }
        Some("integer") => json!(min as i64),
        Some("number") => json!(min),
        Some("boolean") => json!(false),
        Some("string") => fill(name),
        _ => Value::Null,
    }
}

fn add_required(
    root: &Value,
    s: &Value,
    props: &Value,
    m: &mut Map<String, Value>,
    fill: &dyn Fn(&str) -> Value,
) {
    for r in s.get("required").and_then(Value::as_array).into_iter().flatten() {
        let k = r.as_str().unwrap_or_default();
        if !m.contains_key(k) {
            m.insert(k.to_string(), minimal(root, &props[k], k, fill));
        }
    }
}

#[test]
fn every_tool_runs_on_minimal_schema_valid_arguments() {
    let sim = perfpilot_sim::spawn_server(
        perfpilot_sim::SimServerConfig::with_profile("sglang-h100-llama3.1-8b").unwrap(),
    )
    .unwrap();
    let url = sim.url();
    let root = repo_root();
    let mut c = McpClient::start(&["--root", root.to_str().unwrap()], &root);
    c.initialize();
    let tools = c.request("tools/list", json!({}), Duration::from_secs(30));
    let tools = tools["result"]["tools"].as_array().cloned().unwrap_or_default();
    assert!(tools.len() >= 10, "{tools:?}");
    let fill = |name: &str| -> Value {
        match name {
            "url" => json!(url),
            // A simulator profile by name (a made-up one fails as a missing file).
            "profile" => json!("sglang-h100-llama3.1-8b"),
            _ => json!("no-such-input-file"),
        }
    };
    let mut ran = Vec::new();
    let mut failures = Vec::new();
    for tool in &tools {
        let name = tool["name"].as_str().unwrap();
        let schema = &tool["inputSchema"];
        let mut args = minimal(schema, schema, "", &fill);
        if name == "bench_serve" {
            // Keep the live run short; still only schema-valid keys.
            args["num_prompts"] = json!(4);
        }
        if name == "sim_run" {
            // The case: a random dataset without token-id fields.
            args["dataset"] = json!({"kind": "random", "input_len": 64, "output_len": 8});
            args["num_prompts"] = json!(8);
        }
        let result = c.call_tool(name, args.clone(), None, Duration::from_secs(300));
        let text = result["content"][0]["text"].as_str().unwrap_or_default().to_string();
        if result["isError"] == true {
            if text.contains("invalid arguments") || text.contains(" --") {
                failures.push(format!("{name}({args}): schema-valid arguments refused: {text}"));
            } else if !text.contains("no-such-input-file") {
                failures.push(format!(
                    "{name}({args}) failed for another reason than its made-up file: {text}"
                ));
            }
        } else {
            ran.push(name.to_string());
        }
    }
    sim.shutdown();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for must in ["sim_run", "bench_serve"] {
        assert!(ran.iter().any(|r| r == must), "{must} did not run; ran {ran:?}");
    }
}
