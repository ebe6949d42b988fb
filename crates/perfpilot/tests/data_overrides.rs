//! Every data file is overridable by a flag (README): one end-to-end override per file
//! added in issue 12 — `--frameworks` (capacity `data/frameworks.toml`), `--limits`
//! (capacity `data/limits.toml`) and `--bundle-config` (triage `data/bundle.toml`) — each
//! changing a real output, and a bad file failing with exit 2 and its name.

mod common;

use std::path::Path;

use common::{perfpilot, perfpilot_json, repo_root};

const CFG: &str = "tests/fixtures/capacity/model-configs/Qwen__Qwen2.5-14B/config.json";
const MAXLEN_LOG: &str = "tests/fixtures/capacity/launch/vllm-10517-maxlen-exceeds-kv.log";
const BUNDLE: &str = "tests/fixtures/triage/bundles/sim-sglang-idle";

/// The embedded data file `rel` with `from` replaced by `to`, written to `dir/name`.
fn edited(rel: &str, from: &str, to: &str, dir: &Path, name: &str) -> String {
    let text = std::fs::read_to_string(repo_root().join(rel)).unwrap();
    assert!(text.contains(from), "{rel} no longer holds {from:?}");
    let path = dir.join(name);
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path.display().to_string()
}

fn setting<'a>(v: &'a serde_json::Value, key: &str) -> &'a str {
    v["result"]["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == key)
        .and_then(|s| s["value"].as_str())
        .unwrap_or_else(|| panic!("no setting {key}"))
}

#[test]
fn frameworks_file_replaces_the_plan_rules() {
    let dir = tempfile::tempdir().unwrap();
    let plan = ["capacity", "plan", "--config", CFG, "--gpu", "h100", "--framework", "vllm"];
    let base = perfpilot_json(&[&plan[..], &["--format", "json"]].concat());
    // An H100 (80 GB, not an A100) takes vLLM's large usage-context defaults.
    assert_eq!(setting(&base, "max_num_seqs"), "1024");
    assert_eq!(setting(&base, "max_num_batched_tokens"), "8192");
    let f = edited(
        "crates/perfpilot-capacity/data/frameworks.toml",
        r#"small_gpu_names = ["a100"]"#,
        r#"small_gpu_names = ["a100", "h100"]"#,
        dir.path(),
        "frameworks.toml",
    );
    let over = perfpilot_json(&[&plan[..], &["--frameworks", &f, "--format", "json"]].concat());
    assert_eq!(setting(&over, "max_num_seqs"), "256");
    assert_eq!(setting(&over, "max_num_batched_tokens"), "2048");
    assert!(over["inputs"].as_array().unwrap().iter().any(|i| i["role"] == "frameworks"));
}

#[test]
fn frameworks_file_replaces_the_startup_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let notes = |v: &serde_json::Value| -> Vec<String> {
        v["result"]["notes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["id"] == "startup-error")
            .map(|n| n["text"].as_str().unwrap().to_string())
            .collect()
    };
    let base = perfpilot_json(&["capacity", "explain", MAXLEN_LOG, "--format", "json"]);
    assert!(notes(&base).iter().any(|t| t.contains("Fix: lower --max-model-len")), "{base}");
    let f = edited(
        "crates/perfpilot-capacity/data/frameworks.toml",
        "fix = \"lower --max-model-len to the largest length that fits",
        "fix = \"site runbook 7: lower --max-model-len to the largest length that fits",
        dir.path(),
        "frameworks.toml",
    );
    let over = perfpilot_json(&[
        "capacity",
        "explain",
        MAXLEN_LOG,
        "--frameworks",
        &f,
        "--format",
        "json",
    ]);
    assert!(notes(&over).iter().any(|t| t.contains("Fix: site runbook 7:")), "{over}");
}

#[test]
fn limits_file_replaces_the_parallel_rule() {
    let dir = tempfile::tempdir().unwrap();
    // Qwen2.5-14B has 40 attention heads: TP 16 does not divide them (8 KV heads do).
    let plan = ["capacity", "plan", "--config", CFG, "--gpu", "h100", "--tp", "16"];
    let out = perfpilot(&[&plan[..], &["--format", "json"]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let base: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = |v: &serde_json::Value| v["result"]["outcome"]["errors"].as_array().cloned();
    let base_errors = errors(&base).unwrap_or_else(|| panic!("no outcome.errors: {base}"));
    assert!(
        base_errors.iter().any(|e| e.as_str().unwrap().contains("attention heads (40)")),
        "{base_errors:?}"
    );
    let f = edited(
        "crates/perfpilot-capacity/data/limits.toml",
        "heads_divisible_by_tp = true",
        "heads_divisible_by_tp = false",
        dir.path(),
        "limits.toml",
    );
    let out = perfpilot(&[&plan[..], &["--limits", &f, "--format", "json"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let over: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(errors(&over), Some(Vec::new()), "{over}");
    assert!(over["inputs"].as_array().unwrap().iter().any(|i| i["role"] == "limits"));
}

#[test]
fn limits_file_replaces_the_field_bounds() {
    let dir = tempfile::tempdir().unwrap();
    // Qwen2.5-14B has 48 layers; a site bound of 40 refuses it in both commands.
    let f = edited(
        "crates/perfpilot-capacity/data/limits.toml",
        "max = 100_000",
        "max = 40",
        dir.path(),
        "limits.toml",
    );
    for args in [
        vec!["capacity", "plan", "--config", CFG, "--gpu", "h100", "--limits", &f],
        vec!["capacity", "explain", MAXLEN_LOG, "--config", CFG, "--limits", &f],
    ] {
        let out = perfpilot(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("num_hidden_layers") && err.contains("1 to 40"), "{err}");
    }
    let ok =
        perfpilot_json(&["capacity", "explain", MAXLEN_LOG, "--config", CFG, "--format", "json"]);
    assert!(ok["inputs"].as_array().unwrap().iter().all(|i| i["role"] != "limits"), "{ok}");
}

#[test]
fn bundle_config_replaces_the_fact_keys() {
    let dir = tempfile::tempdir().unwrap();
    let keys = |v: &serde_json::Value| -> Vec<String> {
        v["result"]["topology"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["key"].as_str().unwrap().to_string())
            .collect()
    };
    let base = perfpilot_json(&["triage", "bundle", "--dir", BUNDLE, "--format", "json"]);
    assert!(keys(&base).len() > 1, "{base}");
    assert!(keys(&base).contains(&"tp_size".to_string()));
    let f = edited(
        "crates/perfpilot-triage/data/bundle.toml",
        "topology = [\"tp_size\", ",
        "topology = [\"tp_size\"]\nunused_topology = [",
        dir.path(),
        "bundle.toml",
    );
    // `deny_unknown_fields`: the edit above must be refused, naming the file.
    let out = perfpilot(&["triage", "bundle", "--dir", BUNDLE, "--bundle-config", &f]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bundle.toml"));
    let f = edited(
        "crates/perfpilot-triage/data/bundle.toml",
        "topology = [\"tp_size\", ",
        "topology = [\"tp_size\"]\n# was: [",
        dir.path(),
        "bundle.toml",
    );
    let over = perfpilot_json(&[
        "triage",
        "bundle",
        "--dir",
        BUNDLE,
        "--bundle-config",
        &f,
        "--format",
        "json",
    ]);
    assert_eq!(keys(&over), ["tp_size"]);
}

#[test]
fn bad_data_files_are_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.toml");
    std::fs::write(&bad, "[sglang]\nsource = 3\n").unwrap();
    let bad = bad.display().to_string();
    let limits = dir.path().join("limits.toml");
    std::fs::write(&limits, "schema = 1\nmax_total_params = 10\n[parallel]\nsource = [\n").unwrap();
    let limits = limits.display().to_string();
    for args in [
        vec!["capacity", "plan", "--config", CFG, "--gpu", "h100", "--limits", &limits],
        vec!["capacity", "explain", MAXLEN_LOG, "--limits", &limits],
    ] {
        let out = perfpilot(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("limits.toml") && err.contains("line 4"), "{err}");
    }
    for args in [
        vec!["capacity", "plan", "--config", CFG, "--gpu", "h100", "--frameworks", &bad],
        vec!["capacity", "explain", MAXLEN_LOG, "--frameworks", &bad],
        vec!["triage", "bundle", "--dir", BUNDLE, "--bundle-config", &bad],
        vec!["capacity", "explain", MAXLEN_LOG, "--frameworks", "no/such/frameworks.toml"],
    ] {
        let out = perfpilot(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("broken.toml") || err.contains("no/such/frameworks.toml"), "{err}");
    }
}
