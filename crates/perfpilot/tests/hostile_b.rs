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
