//! Hostile inputs, part B (issue 11 items 4-7): absurd numbers exit 2 with a message (never
//! a panic or abort), sums saturate with a warning, logs are read however they are encoded,
//! secrets never reach an output, and `sim serve` bounds slow or huge requests.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{perfpilot, repo_root};

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit 2 with a message naming `needle`, and no panic.
fn assert_bad_input(args: &[&str], needle: &str) {
    let out = perfpilot(args);
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    assert_eq!(code(&out), Some(2), "{args:?}: expected exit 2, stderr: {err}");
    assert!(err.contains(needle), "{args:?}: stderr does not name `{needle}`: {err}");
}

fn tmp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pp-hostile-b-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

const LLAMA: &str =
    "tests/fixtures/capacity/model-configs/meta-llama__Llama-3.1-8B-Instruct/config.json";

fn patched_config(dir: &Path, name: &str, key: &str, value: serde_json::Value) -> String {
    let mut c: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo_root().join(LLAMA)).unwrap()).unwrap();
    c[key] = value;
    let p = dir.join(format!("{name}.json"));
    std::fs::write(&p, c.to_string()).unwrap();
    p.display().to_string()
}

#[test]
fn every_float_seconds_flag_at_1e308_is_bad_input() {
    let cases: &[(&[&str], &str)] = &[
        (&["bench", "serve", "--num-prompts", "2", "--duration", "1e308"], "--duration"),
        (&["bench", "serve", "--num-prompts", "2", "--deadline", "1e308"], "--deadline"),
        (&["bench", "serve", "--num-prompts", "2", "--stall-timeout", "1e308"], "--stall-timeout"),
        (&["bench", "serve", "--num-prompts", "2", "--request-rate", "1e-300"], "--request-rate"),
        (&["sim", "run", "--num-prompts", "2", "--request-rate", "1e-300"], "--request-rate"),
        (&["sim", "serve", "--port", "0", "--fault-stall", "1e308"], "--fault-stall"),
        (&["sim", "serve", "--port", "0", "--fault-slow-ready", "1e308"], "--fault-slow-ready"),
        (&["triage", "bundle", "--url", "http://127.0.0.1:9", "--timeout", "1e308"], "timeout"),
    ];
    for (args, needle) in cases {
        let mut a = args.to_vec();
        a.extend(["--format", "json"]);
        assert_bad_input(&a, needle);
    }
}

#[test]
fn sizes_that_would_exhaust_memory_are_bad_input() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "bench",
                "serve",
                "--input-len",
                "4000000000",
                "--token-ids",
                "--vocab-size",
                "32000",
            ],
            "--input-len",
        ),
        (&["sim", "run", "--input-len", "4000000000"], "--input-len"),
        (&["sim", "run", "--num-prompts", "18446744073709551615"], "--num-prompts"),
        (
            &["trace", "layers", "tests/fixtures/trace", "--layers", "18446744073709551615"],
            "--layers",
        ),
        (&["trace", "layers", "tests/fixtures/trace", "--layers", "10000000"], "--layers"),
    ];
    for (args, needle) in cases {
        let mut a = args.to_vec();
        a.extend(["--format", "json"]);
        assert_bad_input(&a, needle);
    }
}

#[test]
fn capacity_plan_impossible_inputs_exit_2_and_refused_plans_exit_1() {
    let d = tmp("plan");
    for (name, key, value) in [
        ("heads0", "num_attention_heads", serde_json::json!(0)),
        ("kv7", "num_key_value_heads", serde_json::json!(7)),
        ("layers", "num_hidden_layers", serde_json::json!(1_000_000_000_000u64)),
        ("hidden", "hidden_size", serde_json::json!(1_000_000_000_000_000_000u64)),
    ] {
        let cfg = patched_config(&d, name, key, value);
        assert_bad_input(
            &["capacity", "plan", "--config", &cfg, "--gpu", "h100", "--format", "json"],
            key,
        );
    }
    let gpu0 = d.join("gpu0.toml");
    std::fs::write(
        &gpu0,
        "schema = 1\n[[gpu]]\nkey = \"z\"\nname = \"Z\"\nmemory_mib = 0\nsource = \"t\"\n",
    )
    .unwrap();
    let t = gpu0.display().to_string();
    assert_bad_input(
        &["capacity", "plan", "--config", LLAMA, "--gpu", "z", "--gpu-table", &t],
        "memory",
    );
    assert_bad_input(
        &["capacity", "plan", "--config", LLAMA, "--gpu", "h100", "--page-size", "0"],
        "page_size",
    );
    assert_bad_input(
        &["capacity", "plan", "--config", LLAMA, "--gpu", "h100", "--weights-gib=-5"],
        "weights_bytes",
    );
    let out = perfpilot(&[
        "capacity", "plan", "--config", LLAMA, "--gpu", "h100", "--tp", "3", "--format", "json",
    ]);
    assert_eq!(code(&out), Some(1), "--tp 3 with 8 KV heads: {}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = v["result"]["outcome"]["errors"].to_string();
    assert!(errors.contains("tensor parallel size (3)"), "{errors}");
    std::fs::remove_dir_all(&d).ok();
}

/// Every `*_ns` field below `v` that is negative.
fn negative_ns(v: &serde_json::Value, at: &str, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                if k.ends_with("_ns") && x.as_i64().is_some_and(|n| n < 0) {
                    out.push(format!("{at}.{k} = {x}"));
                }
                negative_ns(x, &format!("{at}.{k}"), out);
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                negative_ns(x, &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// A trace whose kernels each fit i64 nanoseconds but whose sum does not.
fn huge_kernel_trace(dir: &Path, dur_us: &str) -> PathBuf {
    let p = dir.join("rank0.trace.json");
    let mut ev = Vec::new();
    for i in 0..3 {
        ev.push(format!(
            r#"{{"ph":"X","cat":"kernel","name":"gemm_{i}","pid":0,"tid":7,"ts":{},"dur":{dur_us},"args":{{"stream":7,"device":0,"correlation":{i}}}}}"#,
            i * 10
        ));
    }
    std::fs::write(&p, format!(r#"{{"traceEvents":[{}]}}"#, ev.join(","))).unwrap();
    p
}

#[test]
fn kernel_time_sums_saturate_with_a_warning_and_an_out_of_range_dur_is_bad_input() {
    let d = tmp("trace-sum");
    // 4e15 µs = 4e18 ns each: three add up past i64::MAX (9.2e18).
    let p = huge_kernel_trace(&d, "4000000000000000");
    let out = perfpilot(&["trace", "triage", p.to_str().unwrap(), "--format", "json"]);
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(code(&out), Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["warnings"].to_string().contains("kernel-time-saturated"), "{}", v["warnings"]);
    let mut negative = Vec::new();
    negative_ns(&v, "", &mut negative);
    assert!(negative.is_empty(), "time sums wrapped negative: {negative:?}");
    // One value past the i64 range: exit 2 naming the field and the byte offset.
    let p = huge_kernel_trace(&d, "1e30");
    let out = perfpilot(&["trace", "triage", p.to_str().unwrap(), "--format", "json"]);
    let err = stderr(&out);
    assert_eq!(code(&out), Some(2), "{err}");
    assert!(err.contains("`dur`") && err.contains("byte"), "{err}");
    std::fs::remove_dir_all(&d).ok();
}

/// A real local HTTP server that leaks whatever it is sent: every answer echoes the request
/// head (with its `Authorization` header) and `extra`. `/v1/models` answers 200 with one
/// model; generation routes answer 401 "Incorrect API key provided: <header>", as some
/// gateways do. Runs until the test process ends.
fn echo_server(extra: &'static str) -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            std::thread::spawn(move || {
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut head = String::new();
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                    head.push_str(&line);
                }
                let mut body = vec![0u8; len.min(1 << 20)];
                let _ = reader.read_exact(&mut body);
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                let auth = head
                    .lines()
                    .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
                    .map(|l| l["authorization:".len()..].trim().to_string())
                    .unwrap_or_default();
                let (status, text) = if path.starts_with("/v1/models") {
                    (
                        "200 OK",
                        serde_json::json!({"object": "list", "data": [{"id": "m", "object": "model"}]}),
                    )
                } else if path.starts_with("/v1/") {
                    (
                        "401 Unauthorized",
                        serde_json::json!({"error": {"message": format!("Incorrect API key provided: {auth}. {extra}"), "type": "invalid_request_error"}}),
                    )
                } else {
                    (
                        "200 OK",
                        serde_json::json!({"echo": head, "note": extra, "version": "echo-1"}),
                    )
                };
                let text = text.to_string();
                let _ = write!(
                    conn,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                );
            });
        }
    });
    format!("127.0.0.1:{port}")
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(files_under(&p)) } else { out.push(p) }
    }
    out
}

fn assert_no_secret(what: &str, text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!text.contains(s), "{what} contains the secret `{s}`:\n{text}");
    }
}

const PLANTED: [&str; 4] = [
    "sk-planted-key-7f3a9c",
    "planted-pass-51e2",
    "hf_planted_env_token_88d1",
    "planted-bearer-0c4d",
];

fn planted_command(args: &[&str]) -> Output {
    std::process::Command::new(common::bin())
        .args(args)
        .current_dir(repo_root())
        .env("OPENAI_API_KEY", PLANTED[0])
        .env("PERFPILOT_HB_HF_TOKEN", PLANTED[2])
        .output()
        .unwrap()
}

#[test]
fn bench_serve_never_writes_the_key_a_server_echoes() {
    // The server echoes the key in every 401 body, plus an environment secret.
    let host = echo_server("also hf_planted_env_token_88d1");
    let d = tmp("secrets-bench");
    let out_path = d.join("r.json");
    let out = planted_command(&[
        "bench",
        "serve",
        "--url",
        &format!("http://{host}"),
        "--num-prompts",
        "3",
        "--warmup",
        "0",
        "--token-ids",
        "--vocab-size",
        "1000",
        "--input-len",
        "8",
        "--output-len",
        "4",
        "--output",
        out_path.to_str().unwrap(),
        "--compat",
        "vllm",
        "--format",
        "json",
    ]);
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    let files = files_under(&d);
    assert!(files.iter().any(|f| f.to_string_lossy().ends_with("records.jsonl")), "{files:?}");
    let mut seen_echo = false;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        seen_echo |= text.contains("Incorrect API key provided");
        assert_no_secret(&f.display().to_string(), &text, &PLANTED);
    }
    assert!(seen_echo, "the error body is recorded (redacted): {files:?}");
    assert_no_secret("stdout", &String::from_utf8_lossy(&out.stdout), &PLANTED);
    assert_no_secret("stderr", &err, &PLANTED);
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn triage_bundle_never_writes_url_credentials_tokens_or_echoed_secrets() {
    let host = echo_server("hf_planted_env_token_88d1");
    let d = tmp("secrets-bundle");
    let out = planted_command(&[
        "triage",
        "bundle",
        "--url",
        &format!("http://user:{}@{host}", PLANTED[1]),
        "--token",
        PLANTED[3],
        "--out",
        d.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    let files = files_under(&d);
    assert!(files.iter().any(|f| f.ends_with("metadata.json")), "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        assert_no_secret(&f.display().to_string(), &text, &PLANTED);
    }
    let meta = std::fs::read_to_string(d.join("metadata.json")).unwrap();
    assert!(meta.contains(&format!("http://***@{host}")), "{meta}");
    assert_no_secret("stdout", &String::from_utf8_lossy(&out.stdout), &PLANTED);
    assert_no_secret("stderr", &err, &PLANTED);
    // A failing run (nothing listening) names the URL without its credentials.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = planted_command(&[
        "triage",
        "bundle",
        "--url",
        &format!("http://user:{}@127.0.0.1:{port}", PLANTED[1]),
        "--timeout",
        "2",
        "--format",
        "md",
    ]);
    assert_no_secret("stdout", &String::from_utf8_lossy(&out.stdout), &PLANTED);
    assert_no_secret("stderr", &stderr(&out), &PLANTED);
    std::fs::remove_dir_all(&d).ok();
}
