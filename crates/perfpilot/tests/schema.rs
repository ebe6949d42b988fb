//! `perfpilot schema` and `docs/schemas/`: the committed schemas are exactly what the code
//! generates, and a real output of every command (run on the in-repo fixtures) validates
//! against its committed schema.

mod common;

use common::{assert_matches_schema, perfpilot, perfpilot_json, repo_root, violations};

/// One real invocation per command with a schema (arguments split on whitespace;
/// `--format json` is added). A command missing here fails
/// `every_command_has_a_validated_sample`.
const SAMPLES: &[(&str, &str)] = &[
    ("skills list", "skills list"),
    ("trace classify", "trace classify --from tests/fixtures/trace/kernel-names.tsv"),
    (
        "trace triage",
        "trace triage tests/fixtures/trace/tl_mi300x_sglang_decode/sglang_Qwen3-8B_decode.json.gz",
    ),
    (
        "trace triage",
        "trace triage tests/fixtures/trace/tl_b200_vllm_gptoss_tp8/eager_trace.json.gz",
    ),
    (
        "trace layers",
        "trace layers tests/fixtures/trace/tl_b200_vllm_gptoss_tp8/eager_trace.json.gz \
         --config tests/fixtures/layers/openai__gpt-oss-120b/config.json",
    ),
    (
        "trace layers",
        "trace layers tests/fixtures/trace/tl_h100_qwen15_hf/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz \
         --layers 24",
    ),
    (
        "trace diff",
        "trace diff tests/fixtures/trace/hta_sampled_rank0/sampled_rank-0.json.gz \
         tests/fixtures/trace/hta_sampled_rank1/sampled_rank-1.json.gz",
    ),
    (
        "capacity explain",
        "capacity explain tests/fixtures/capacity/launch/sglang-6160-gemma3-27b-tp4-fp16.log --gpu h100",
    ),
    (
        "capacity explain",
        "capacity explain tests/fixtures/capacity/launch/vllm-23278-gpt-oss-120b-h100-negative-kv.log",
    ),
    (
        "capacity plan",
        "capacity plan --config \
         tests/fixtures/capacity/model-configs/meta-llama__Llama-3.1-8B-Instruct/config.json --gpu h100",
    ),
    (
        "capacity plan",
        "capacity plan --config tests/fixtures/capacity/model-configs/deepseek-ai__DeepSeek-V3/config.json \
         --gpu h200 --tp 8 --framework vllm",
    ),
    (
        "triage",
        "triage tests/fixtures/triage/failures/vllm-19186-cudagraph-capture-oom-high-util.log",
    ),
    (
        "triage",
        "triage tests/fixtures/triage/constructed/c12-node0-tp0-runtime-oom.log \
         tests/fixtures/triage/constructed/c12-node1-rank8-nccl-timeout.log",
    ),
    (
        "triage",
        "triage tests/fixtures/triage/launch/sglang-11830-cuda-graph-end-max-total-tokens.log",
    ),
    (
        "bench serve",
        "bench serve --num-prompts 20 --request-rate 20 --input-len 256 --output-len 32",
    ),
    ("sim run", "sim run --num-prompts 50 --request-rate 10"),
    ("sim run", "sim run --num-prompts 30 --sweep max_running_requests=4,64"),
    (
        "bench sweep validate",
        "bench sweep validate crates/perfpilot-sweep/tests/fixtures/cookbook-deepseek-v3.yaml",
    ),
    (
        "bench sweep render",
        "bench sweep render crates/perfpilot-sweep/tests/fixtures/cookbook-deepseek-v3.yaml",
    ),
    (
        "bench sweep plan",
        "bench sweep plan crates/perfpilot-sweep/tests/fixtures/cookbook-deepseek-v3.yaml --repeats 3",
    ),
];

/// Commands whose outputs are validated by their own tests below (they need a scratch
/// directory, a live server or several steps).
const OWN_TESTS: &[&str] = &[
    "skills install",
    "sim fit",
    "sim serve",
    "bench compare",
    "triage bundle",
    // kernel_cli.rs: they need a task directory made by `kernel init`.
    "kernel init",
    "kernel check",
    "kernel calibrate",
    "kernel ab",
    "kernel results",
    "kernel ncu",
    "kernel flags",
    "kernel dispatch",
    "kernel note",
    "kernel wiki",
    // sweep_cli.rs: they start simulator candidates.
    "bench sweep",
    "bench sweep status",
    // loop_cli.rs: they need a git repository and a loop state directory.
    "loop init",
    "loop round",
    "loop replan",
    "loop status",
    "loop review",
    "loop report",
    // trace_export_cli.rs: it writes a dataset into a scratch directory.
    "trace export",
];

/// Committed schemas that `perfpilot schema` does not print, each kept by its own crate's
/// drift test: the rows of a sweep's `live_results.jsonl` (`perfpilot-sweep`'s `row_schema`).
const CRATE_SCHEMAS: &[&str] = &["bench-sweep-row.json"];

fn listed_commands() -> Vec<String> {
    let out = perfpilot(&["schema", "--list"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn committed_schemas_are_what_the_code_generates() {
    let tmp = tempfile::tempdir().unwrap();
    let out = perfpilot(&["schema", "--write-dir", tmp.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let committed_dir = repo_root().join("docs/schemas");
    let names = |dir: &std::path::Path| -> std::collections::BTreeSet<String> {
        std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".json"))
                    .collect()
            })
            .unwrap_or_default()
    };
    let generated = names(tmp.path());
    let mut committed = names(&committed_dir);
    committed.retain(|n| !CRATE_SCHEMAS.contains(&n.as_str()));
    let fix = "regenerate with `cargo run -p perfpilot -- schema --write-dir docs/schemas`";
    assert_eq!(generated, committed, "docs/schemas has other files than the code generates; {fix}");
    for name in &generated {
        let a = std::fs::read_to_string(tmp.path().join(name)).unwrap();
        let b = std::fs::read_to_string(committed_dir.join(name)).unwrap();
        assert!(a == b, "docs/schemas/{name} differs from the generated schema; {fix}");
    }
}

#[test]
fn every_command_has_a_validated_sample() {
    let sampled: Vec<&str> = SAMPLES.iter().map(|(c, _)| *c).collect();
    for command in listed_commands() {
        if OWN_TESTS.contains(&command.as_str()) {
            continue;
        }
        assert!(sampled.contains(&command.as_str()), "no sample output for `{command}` in SAMPLES");
    }
}

#[test]
fn real_outputs_match_their_committed_schemas() {
    for (command, args) in SAMPLES {
        let mut full: Vec<&str> = args.split_whitespace().collect();
        full.extend(["--format", "json"]);
        let env = perfpilot_json(&full);
        assert_eq!(env["command"], *command, "{full:?}");
        assert_matches_schema(&env, &format!("perfpilot {}", full.join(" ")));
    }
}

#[test]
fn skills_install_output_matches_its_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let env = perfpilot_json(&["skills", "install", "--dir", dir, "--format", "json"]);
    assert_matches_schema(&env, "perfpilot skills install");
}

#[test]
fn a_changed_output_is_caught() {
    // The check is real: a renamed field or a wrong type in an output fails validation.
    let (_, args) = SAMPLES.iter().find(|(c, _)| *c == "trace classify").unwrap();
    let mut full: Vec<&str> = args.split_whitespace().collect();
    full.extend(["--format", "json"]);
    let mut env = perfpilot_json(&full);
    let schema = common::committed_schema("trace classify");
    env["result"]["kernels"][0]["category"] = serde_json::json!(42);
    assert!(!violations(&schema, &env).is_empty(), "a wrong type must not validate");
    let mut env = perfpilot_json(&full);
    env.as_object_mut().unwrap().remove("schema_version");
    assert!(!violations(&schema, &env).is_empty(), "a missing field must not validate");
}

#[test]
fn schema_command_prints_output_and_input_schemas_and_rejects_unknown_commands() {
    let out = perfpilot(&["schema", "trace", "classify"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert!(v["properties"]["result"].is_object());
    let out = perfpilot(&["schema", "trace-classify", "--input"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["properties"]["names"].is_object());
    let out = perfpilot(&["schema", "no", "such"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no schema for `no such`"));
    let out = perfpilot(&["schema", "skills", "list", "--input"]);
    assert_eq!(out.status.code(), Some(2));
}

/// `sim fit` on `bench serve`-format results: produced here by the simulator with a known
/// profile (as `perfpilot-sim`'s own fit test does), then fitted from another profile.
#[test]
fn sim_fit_output_matches_its_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let results = common::simulated_bench_results(tmp.path(), &["1", "4", "2"]);
    let out = perfpilot(&[
        "sim",
        "fit",
        &results[0],
        &results[1],
        "--predict",
        &results[2],
        "--profile",
        "tests/fixtures/sim/tiny-costs.toml",
        "--format",
        "json",
    ]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "sim fit: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let env: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_matches_schema(&env, "perfpilot sim fit");
}

/// `bench compare` on two real `bench serve` results: the same workload twice against the
/// in-process simulator (a repeatability check; runs at different arrival rates would be
/// refused as unfair).
#[test]
fn bench_compare_output_matches_its_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for rate in ["10", "10"] {
        let path = tmp.path().join(format!("run{}.json", files.len()));
        let out = perfpilot(&[
            "bench",
            "serve",
            "--num-prompts",
            "20",
            "--request-rate",
            rate,
            "--input-len",
            "256",
            "--output-len",
            "32",
            "--output",
            path.to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        files.push(path.to_str().unwrap().to_string());
    }
    let env = perfpilot_json(&["bench", "compare", &files[0], &files[1], "--format", "json"]);
    assert_matches_schema(&env, "perfpilot bench compare");
}

/// `triage bundle` against a live server (`perfpilot sim serve`), saved with `--out`, then
/// summarised from the saved folder with `--dir`: both outputs match the schema.
#[test]
fn triage_bundle_outputs_match_their_schema() {
    let scratch = tempfile::tempdir().unwrap();
    let (_sim, url) = common::start_sim(scratch.path()).expect("perfpilot sim serve starts");
    let snap = scratch.path().join("snap");
    let snap_s = snap.to_str().unwrap();
    let live =
        perfpilot_json(&["triage", "bundle", "--url", &url, "--out", snap_s, "--format", "json"]);
    assert_matches_schema(&live, "perfpilot triage bundle --url");
    let saved = perfpilot_json(&["triage", "bundle", "--dir", snap_s, "--format", "json"]);
    assert_matches_schema(&saved, "perfpilot triage bundle --dir");
}

/// `sim serve --format json` prints its report when stopped with Ctrl-C (SIGINT).
#[cfg(unix)]
#[test]
fn sim_serve_report_matches_its_schema() {
    let scratch = tempfile::tempdir().unwrap();
    let log = scratch.path().join("sim.log");
    let child = std::process::Command::new(common::bin())
        .args(["sim", "serve", "--port", "0", "--no-access-log", "--format", "json", "--log-file"])
        .arg(&log)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("Uvicorn running on") {
            break;
        }
        if std::time::Instant::now() > deadline {
            let mut child = child;
            let _ = child.kill();
            let _ = child.wait();
            panic!("sim serve did not start: {text}");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let env: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert_matches_schema(&env, "perfpilot sim serve (stopped with SIGINT)");
}
