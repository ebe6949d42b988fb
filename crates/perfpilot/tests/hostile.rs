//! The hostile-input suite: the real binary against FIFOs (silent and endless), symlinks,
//! oversized files and gzip bombs, inputs named as outputs, device nodes (only inside a
//! private mount namespace), directory traversal and links out of an MCP root, malformed
//! and oversized MCP requests, and terminal-control characters in printed names.
//! Test names start with their kind; `docs/reliability.md` counts them by kind.
#![cfg(unix)]

mod common;
#[path = "hostile/gen.rs"]
mod generate;

use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::Duration;

use common::mcp_client::McpClient;
use generate::{EndlessFifo, fixture, gzip_bomb, is_fifo, mkfifo, run_bounded};
use serde_json::{Value, json};

const CFG: &str =
    "tests/fixtures/capacity/model-configs/meta-llama__Llama-3.1-8B-Instruct/config.json";
const TRACE: &str = "tests/fixtures/trace/tl_mi300x_sglang_decode/sglang_Qwen3-8B_decode.json.gz";
const QUICK: Duration = Duration::from_secs(20);
const SLOW: Duration = Duration::from_secs(180);

fn plan_args<'a>(config: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["capacity", "plan", "--config", config, "--gpu", "h100"];
    v.extend_from_slice(extra);
    v
}

#[test]
fn fifo_named_like_a_trace_in_a_directory_is_skipped_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("profile");
    std::fs::create_dir(&d).unwrap();
    std::fs::copy(fixture(TRACE), d.join("sglang_Qwen3-8B_decode.json.gz")).unwrap();
    mkfifo(&d.join("rank1.trace.json"));
    mkfifo(&d.join("zz.json"));
    let r = run_bounded(
        &["trace", "triage", d.to_str().unwrap(), "--format", "json"],
        dir.path(),
        &[],
        SLOW,
    );
    assert!(matches!(r.code, Some(0 | 1)), "exit {:?}: {}", r.code, r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["command"], "trace triage", "{v}");
}

#[test]
fn fifo_as_a_whole_file_input_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("in.json");
    mkfifo(&fifo);
    let f = fifo.to_str().unwrap();
    let cfg = fixture(CFG);
    let cfg = cfg.to_str().unwrap();
    let bundle = fixture("tests/fixtures/triage/bundles/sim-sglang-idle");
    let bundle = bundle.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        plan_args(f, &[]),
        plan_args(cfg, &["--gpu-table", f]),
        plan_args(cfg, &["--frameworks", f]),
        vec!["triage", "bundle", "--dir", bundle, "--bundle-config", f],
        vec!["trace", "classify", "--from", f],
        vec!["trace", "classify", "gemm", "--rules", f],
        vec!["bench", "compare", f, f],
    ];
    for args in cases {
        let r = run_bounded(&args, dir.path(), &[], QUICK);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("FIFO") && r.stderr.contains("in.json"),
            "{args:?}: {}",
            r.stderr
        );
    }
}

#[test]
fn unbounded_endless_fifo_inputs_are_refused_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    for (name, args) in [
        ("config.json", vec!["capacity", "plan", "--gpu", "h100", "--config"]),
        ("names.txt", vec!["trace", "classify", "--from"]),
        ("rules.toml", vec!["trace", "classify", "gemm", "--rules"]),
    ] {
        let endless = EndlessFifo::new(dir.path().join(name), b"{\"a\": 1,\n");
        let mut args = args.clone();
        args.push(endless.path.to_str().unwrap());
        let r = run_bounded(&args, dir.path(), &[], QUICK);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("expected a regular file"), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn oversized_whole_file_input_names_the_cap_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big-config.json");
    let mut text = std::fs::read_to_string(fixture(CFG)).unwrap();
    text.push_str(&" ".repeat(5000));
    std::fs::write(&big, text).unwrap();
    let r = run_bounded(
        &plan_args(big.to_str().unwrap(), &[]),
        dir.path(),
        &[("PERFPILOT_MAX_INPUT_BYTES", "4096")],
        QUICK,
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("big-config.json"), "{}", r.stderr);
    assert!(r.stderr.contains("4096 bytes") && r.stderr.contains("PERFPILOT_MAX_INPUT_BYTES"));
    // Under the default cap the same file is fine.
    let r = run_bounded(&plan_args(big.to_str().unwrap(), &[]), dir.path(), &[], QUICK);
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.stderr);
}

#[test]
fn oversized_gzip_bomb_stops_at_the_decompressed_budget() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.trace.json.gz");
    gzip_bomb(&bomb, 64 << 20);
    assert!(std::fs::metadata(&bomb).unwrap().len() < 1 << 20);
    let r = run_bounded(
        &["trace", "triage", bomb.to_str().unwrap()],
        dir.path(),
        &[("PERFPILOT_MAX_DECOMPRESSED_BYTES", "1000000")],
        SLOW,
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("decompresses to more than 1000000 bytes"), "{}", r.stderr);
    assert!(r.stderr.contains("PERFPILOT_MAX_DECOMPRESSED_BYTES"), "{}", r.stderr);
}

#[test]
fn symlink_json_out_keeps_the_link_and_replaces_its_target() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let real = dir.path().join("sub/real.json");
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("out.json");
    symlink("sub/real.json", &link).unwrap();
    let cfg = fixture(CFG);
    let r = run_bounded(
        &plan_args(cfg.to_str().unwrap(), &["--json-out", "out.json", "--format", "md"]),
        dir.path(),
        &[],
        QUICK,
    );
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.stderr);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&real).unwrap()).unwrap();
    assert_eq!(v["command"], "capacity plan");
}

#[test]
fn symlink_or_path_of_an_input_given_as_json_out_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("config.json");
    std::fs::copy(fixture(CFG), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    symlink("config.json", dir.path().join("alias.json")).unwrap();
    for out in ["config.json", "./config.json", "alias.json"] {
        let r =
            run_bounded(&plan_args("config.json", &["--json-out", out]), dir.path(), &[], QUICK);
        assert_eq!(r.code, Some(2), "{out}: {}", r.stderr);
        assert!(r.stderr.contains("input of this run"), "{out}: {}", r.stderr);
        assert_eq!(std::fs::read(&input).unwrap(), before, "{out} overwrote the input");
    }
}

#[test]
fn fifo_json_out_is_written_through_and_stays_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("out.fifo");
    mkfifo(&fifo);
    let (tx, rx) = std::sync::mpsc::channel();
    let p = fifo.clone();
    std::thread::spawn(move || {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        let _ = tx.send(text);
    });
    let cfg = fixture(CFG);
    let r = run_bounded(
        &plan_args(cfg.to_str().unwrap(), &["--json-out", fifo.to_str().unwrap()]),
        dir.path(),
        &[],
        QUICK,
    );
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.stderr);
    assert!(is_fifo(&fifo), "the FIFO was replaced");
    let text = rx.recv_timeout(QUICK).expect("nothing came through the FIFO");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["command"], "capacity plan");
}

#[test]
fn device_node_output_is_refused_inside_a_private_mount_namespace() {
    // Never against the real /dev: /dev/null is bind-mounted over a file of a temporary
    // directory inside a private mount namespace, and only that path is written.
    let probe = std::process::Command::new("unshare").args(["-rm", "true"]).status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("skipped: `unshare -rm` is not available here (no user/mount namespaces)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let node = dir.path().join("node.json");
    std::fs::write(&node, "").unwrap();
    let script = format!(
        "mount --bind /dev/null '{node}' || exit 99; '{bin}' capacity plan --config '{cfg}' \
         --gpu h100 --format md --json-out '{node}' >/dev/null; echo rc=$?; stat -c %F '{node}'",
        node = node.display(),
        bin = common::bin().display(),
        cfg = fixture(CFG).display(),
    );
    let out = std::process::Command::new("unshare").args(["-rm", "sh", "-c", &script]).output();
    let out = out.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(99) {
        eprintln!("skipped: bind mounts are not allowed in this namespace: {stderr}");
        return;
    }
    assert!(stdout.contains("rc=2"), "{stdout} {stderr}");
    assert!(stdout.contains("character special file"), "the node was replaced: {stdout}");
    assert!(stderr.contains("is a character device"), "{stderr}");
}

#[test]
fn printing_control_and_bidi_characters_in_kernel_names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let name = "gemm\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}lanrek\u{2067}x";
    for format in ["table", "md"] {
        let r =
            run_bounded(&["trace", "classify", name, "--format", format], dir.path(), &[], QUICK);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        for bad in ['\u{1b}', '\u{7}', '\u{202e}', '\u{2067}'] {
            assert!(!r.stdout.contains(bad), "{format} printed {bad:?} raw: {}", r.stdout);
        }
        assert!(r.stdout.contains("gemm\\x1b]0;pwned\\x07"), "{format}: {}", r.stdout);
    }
    let r = run_bounded(&["trace", "classify", name, "--format", "json"], dir.path(), &[], QUICK);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v.to_string().contains("\\u001b]0;pwned\\u0007"), "JSON keeps the raw value: {v}");
}

// ---- MCP: confinement at open time, protocol limits -------------------------------------

fn mcp_in(root: &Path) -> McpClient {
    let mut c = McpClient::start(&["--root", root.to_str().unwrap()], root);
    c.initialize();
    c
}

fn tool_error(result: &Value) -> String {
    assert_eq!(result["isError"], true, "expected a tool error: {result}");
    result["content"][0]["text"].as_str().unwrap_or_default().to_string()
}

/// String (or string-array) properties of a schema, with their JSON pointers.
fn string_properties(schema: &Value, prefix: &str, out: &mut Vec<(String, bool)>) {
    let Some(props) = schema["properties"].as_object() else { return };
    for (name, p) in props {
        let pointer = format!("{prefix}/{name}");
        let types: Vec<&str> = match &p["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let any_of = p["anyOf"].as_array().cloned().unwrap_or_default();
        let is_string = types.contains(&"string")
            || any_of.iter().any(|a| a["type"] == "string" || a["$ref"].is_string());
        if types.contains(&"array") && p["items"]["type"] == "string" {
            out.push((pointer.clone(), true));
        } else if is_string {
            out.push((pointer.clone(), false));
        }
        if types.contains(&"object") || p["properties"].is_object() {
            string_properties(p, &pointer, out);
        }
    }
}

/// String arguments that are not paths (names, URLs, enums); every other string argument
/// of every tool must be confined. A new tool's new argument fails this test until it is
/// either confined (a `PathArg` in the registry) or listed here.
const NOT_PATHS: &[(&str, &str)] = &[
    ("trace_classify", "launch_op"), // a cpu_op name, e.g. vllm::moe_forward
    ("trace_classify", "call_site"), // a Python module path, not a file to open
    ("bench_compare", "key_metrics"),
    ("bench_serve", "burstiness"),
    ("bench_serve", "compat"),
    ("bench_serve", "model"),
    ("bench_serve", "ramp_up"),
    ("bench_serve", "request_rate"),
    ("bench_serve", "slo"),
    ("bench_serve", "tokenizer"), // an enum; its `tokenizer/path` is a path and is checked
    ("bench_serve", "url"),
    ("bench_serve", "vllm_percentiles"),
    ("capacity_explain", "gpu"),
    ("capacity_explain", "rank"),
    ("capacity_explain", "what_if"),
    ("capacity_plan", "dtype"),
    ("capacity_plan", "gpu"),
    ("capacity_plan", "kv_dtype"),
    ("capacity_plan", "what_if"),
    ("kernel_check", "base"),   // a git revision
    ("kernel_dispatch", "dim"), // a dimension name
    ("kernel_wiki", "query"),   // search terms
    ("loop_review", "answers"), // ID=TEXT answers
    ("sim_fit", "name"),
    ("sim_run", "slo"),
    ("trace_classify", "names"),
    ("trace_layers", "anchor"),
    ("triage_bundle", "token"),
    ("triage_bundle", "url"),
];

#[test]
fn traversal_every_path_argument_of_every_tool_is_confined() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("canary.json"), "{\"canary\": \"CANARY-7f3e\"}").unwrap();
    symlink(outside.join("canary.json"), root.join("link.json")).unwrap();
    symlink(outside.join("made.jsonl"), root.join("dangling.jsonl")).unwrap();
    let mut c = mcp_in(&root);
    let tools = c.request("tools/list", json!({}), QUICK)["result"]["tools"].clone();
    let mut checked = 0;
    let mut unconfined = Vec::new();
    for tool in tools.as_array().unwrap() {
        let name = tool["name"].as_str().unwrap();
        let mut props = Vec::new();
        string_properties(&tool["inputSchema"], "", &mut props);
        for (pointer, array) in props {
            let key = pointer.trim_start_matches('/');
            if NOT_PATHS.contains(&(name, key)) {
                continue;
            }
            for value in ["link.json", "dangling.jsonl", "../outside/canary.json"] {
                let v = if array { json!([value]) } else { json!(value) };
                let mut args = json!({});
                let mut slot = &mut args;
                let parts: Vec<&str> = key.split('/').collect();
                for (i, part) in parts.iter().enumerate() {
                    if i + 1 == parts.len() {
                        slot[*part] = v.clone();
                    } else {
                        slot[*part] = json!({});
                        slot = &mut slot[*part];
                    }
                }
                let result = c.call_tool(name, args.clone(), None, SLOW);
                let err = if result["isError"] == true {
                    result["content"][0]["text"].as_str().unwrap_or_default().to_string()
                } else {
                    "the call succeeded".to_string()
                };
                // Only the confinement check names the argument this way; an argument the
                // registry forgot would reach the tool and fail with another message.
                if !err.contains(&format!("argument `{key}`")) {
                    unconfined.push(format!("{name} {args}: {err}"));
                }
                assert!(!result.to_string().contains("CANARY-7f3e"), "{name} leaked: {result}");
                checked += 1;
            }
        }
    }
    assert!(
        unconfined.is_empty(),
        "arguments not confined (or names: add them to NOT_PATHS):\n{}",
        unconfined.join("\n")
    );
    assert!(!outside.join("made.jsonl").exists(), "a dangling link created a file outside");
    eprintln!("{checked} path-argument cases checked");
    assert!(checked >= 60, "only {checked} path arguments found in the tool schemas");
}

#[test]
fn traversal_links_inside_a_directory_argument_do_not_lead_out_of_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir_all(root.join("d")).unwrap();
    // The trace lies outside the root (the repository); the link lies inside.
    symlink(fixture(TRACE), root.join("d/rank0.trace.json.gz")).unwrap();
    let mut c = mcp_in(&root);
    for (tool, args) in [
        ("trace_triage", json!({"input": "d"})),
        ("trace_triage", json!({"input": "."})),
        ("trace_layers", json!({"input": "d"})),
        ("trace_diff", json!({"before": "d", "after": "d"})),
    ] {
        let result = c.call_tool(tool, args.clone(), None, SLOW);
        let err = tool_error(&result);
        assert!(err.contains("outside the allowed roots"), "{tool} {args}: {err}");
        assert!(result.get("structuredContent").is_none_or(Value::is_null), "{result}");
    }
}

#[test]
fn mcp_protocol_an_oversized_request_is_answered_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = mcp_in(dir.path());
    // 20 MB: above the documented 8 MiB limit and above rmcp's own 16 MiB, which used to
    // drop such a line without a reply.
    let big = "x".repeat(20 << 20);
    let line = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":777,\"method\":\"tools/call\",\"params\":{{\"name\":\"trace_classify\",\"arguments\":{{\"names\":[\"{big}\"]}}}}}}\n"
    );
    c.send_raw(line.as_bytes());
    let reply = c.next_message(SLOW).expect("no reply to an oversized request");
    assert_eq!(reply["id"], 777, "{reply}");
    assert_eq!(reply["error"]["code"], -32600, "{reply}");
    assert!(reply["error"]["message"].as_str().unwrap().contains("8388608 bytes"), "{reply}");
    let list = c.request("tools/list", json!({}), QUICK);
    assert!(list["result"]["tools"].is_array(), "{list}");
}

#[test]
fn mcp_protocol_malformed_lines_get_parse_errors_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = mcp_in(dir.path());
    for (bad, code) in [
        (&b"{\"jsonrpc\": \"2.0\", \"id\": 5, \"method\"\n"[..], -32700),
        (b"\xff\xfe garbage\n", -32700),
        (b"[{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/list\"}]\n", -32600),
        (b"{\"id\": 9, \"hello\": 1}\n", -32600),
    ] {
        c.send_raw(bad);
        let reply = c.next_message(QUICK).expect("no reply to a malformed line");
        assert_eq!(reply["error"]["code"], code, "{}: {reply}", String::from_utf8_lossy(bad));
    }
    let list = c.request("tools/list", json!({}), QUICK);
    assert!(list["result"]["tools"].is_array(), "{list}");
}
