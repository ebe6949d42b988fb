//! Every embedded data file is overridable by a flag (README, issue 12): a walk over the
//! crates' `data/`, `rules/` and `src/` folders that fails when a TOML file has no flag (or the
//! flag is missing from a command's `--help` or from the README), and one end-to-end
//! override per flag added for trace (`--fusions`, `--attribution`, `--stages`,
//! `--passes`), triage (`--evidence`) and the launch-log parser (`--launch-rules`) on real
//! fixtures, each changing a real output, and a malformed file failing with exit 2, the file
//! name and the line.

mod common;

use std::path::{Path, PathBuf};

use common::{perfpilot, perfpilot_json, repo_root};

/// Embedded data file (crate, path under the crate) → the commands that read it and the
/// flag that replaces it there.
const FLAGS: &[(&str, &str, &[&str], &str)] = &[
    ("perfpilot-capacity", "data/gpus.toml", &["capacity plan", "capacity explain"], "--gpu-table"),
    (
        "perfpilot-capacity",
        "data/frameworks.toml",
        &["capacity plan", "capacity explain"],
        "--frameworks",
    ),
    ("perfpilot-capacity", "data/limits.toml", &["capacity plan", "capacity explain"], "--limits"),
    ("perfpilot-kernel", "data/ncu_rules.toml", &["kernel ncu"], "--rules"),
    ("perfpilot-kernel", "data/flag_rules.toml", &["kernel flags"], "--rules"),
    ("perfpilot-kernel", "data/tolerances.toml", &["kernel check", "kernel ab"], "--tolerances"),
    ("perfpilot-loop", "data/checklist.toml", &["loop review", "loop report"], "--checklist"),
    (
        "perfpilot-modelconfig",
        "data/model_config.toml",
        &["capacity plan", "capacity explain", "trace layers", "trace diff"],
        "--model-rules",
    ),
    ("perfpilot-sim", "data/profiles/*.toml", &["sim run"], "--profile"),
    ("perfpilot-sweep", "rules/frameworks.toml", &["bench sweep"], "--rules"),
    (
        "perfpilot-trace",
        "data/taxonomy.toml",
        &["trace triage", "trace classify", "trace layers", "trace diff"],
        "--rules",
    ),
    ("perfpilot-trace", "data/fusions.toml", &["trace triage"], "--fusions"),
    ("perfpilot-trace", "data/attribution.toml", &["trace triage", "trace diff"], "--attribution"),
    (
        "perfpilot-trace",
        "data/stages.toml",
        &["trace triage", "trace layers", "trace diff"],
        "--stages",
    ),
    ("perfpilot-trace", "data/passes.toml", &["trace layers", "trace diff"], "--passes"),
    ("perfpilot-triage", "data/bundle.toml", &["triage bundle"], "--bundle-config"),
    ("perfpilot-triage", "data/signatures.toml", &["triage"], "--signatures"),
    ("perfpilot-triage", "data/engines.toml", &["triage"], "--signatures"),
    ("perfpilot-triage", "data/platform.toml", &["triage"], "--signatures"),
    ("perfpilot-triage", "data/messages.toml", &["triage"], "--signatures"),
    ("perfpilot-triage", "data/signatures_2.toml", &["triage"], "--signatures"),
    ("perfpilot-triage", "data/signatures_3.toml", &["triage"], "--signatures"),
    ("perfpilot-triage", "data/evidence.toml", &["triage"], "--evidence"),
    ("perfpilot-triage", "data/stall.toml", &["triage"], "--stall-rules"),
    ("perfpilot-launchlog", "src/rules.toml", &["capacity explain", "triage"], "--launch-rules"),
    // The prefilter's serving lines: `[[background]]` entries of the `--launch-rules` file.
    (
        "perfpilot-launchlog",
        "src/background.toml",
        &["capacity explain", "triage"],
        "--launch-rules",
    ),
];

/// Files without a flag yet, each named in the README as not yet overridable (none left:
/// the launch-log rules were the last, issue 12).
const PENDING: &[(&str, &str)] = &[];

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            toml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}

/// `rel` is `pattern` (or, for `dir/*.toml`, a file directly in `dir`).
fn covered(rel: &str, pattern: &str) -> bool {
    match pattern.strip_suffix("*.toml") {
        Some(prefix) => rel.starts_with(prefix) && !rel[prefix.len()..].contains('/'),
        None => rel == pattern,
    }
}

#[test]
fn every_embedded_data_file_has_a_flag() {
    let root = repo_root();
    let mut missing = Vec::new();
    let mut seen = 0;
    for krate in std::fs::read_dir(root.join("crates")).unwrap().flatten() {
        let name = krate.file_name().to_string_lossy().to_string();
        let mut files = Vec::new();
        for sub in ["data", "rules", "src"] {
            toml_files(&krate.path().join(sub), &mut files);
        }
        for f in files {
            let rel = f.strip_prefix(krate.path()).unwrap().to_string_lossy().replace('\\', "/");
            seen += 1;
            let flagged = FLAGS.iter().any(|(k, p, _, _)| *k == name && covered(&rel, p));
            let pending = PENDING.iter().any(|(k, p)| *k == name && *p == rel);
            if !flagged && !pending {
                missing.push(format!("crates/{name}/{rel}"));
            }
        }
    }
    assert!(seen >= 18, "walked only {seen} data files");
    assert!(missing.is_empty(), "embedded data files without a flag: {missing:?}");
}

#[test]
fn every_flag_is_in_its_commands_help_and_in_the_readme() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    for (krate, file, commands, flag) in FLAGS {
        for cmd in *commands {
            let mut args: Vec<&str> = cmd.split(' ').collect();
            args.push("--help");
            let out = perfpilot(&args);
            let help = String::from_utf8_lossy(&out.stdout);
            assert!(
                help.contains(&format!("{flag} <")),
                "`perfpilot {cmd} --help` has no {flag} (replaces {krate}/{file})"
            );
        }
        assert!(readme.contains(&format!("{flag}`")), "README does not name {flag} ({file})");
    }
}

const HF: &str = "tests/fixtures/trace/tl_h100_qwen15_hf/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz";
const DECODE: &str = "tests/fixtures/trace/tl_mi300x_sglang_decode/sglang_Qwen3-8B_decode.json.gz";
const GRAPH: &str = "tests/fixtures/trace/tl_mi300x_vllm_graph/graph_execution.json.gz";
const ZMQ_LOG: &str = "tests/fixtures/triage/failures/sglang-29547-zmq-port-race-sglang-port.log";

/// The embedded data file `rel` with `from` replaced by `to`, written to `dir/name`.
fn edited(rel: &str, from: &str, to: &str, dir: &Path, name: &str) -> String {
    let text = std::fs::read_to_string(repo_root().join(rel)).unwrap();
    assert!(text.contains(from), "{rel} no longer holds {from:?}");
    let path = dir.join(name);
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path.display().to_string()
}

fn has_input(v: &serde_json::Value, role: &str) -> bool {
    v["inputs"].as_array().unwrap().iter().any(|i| i["role"] == role)
}

/// `perfpilot ARGS` with a malformed rule file exits 2 naming the file and a line.
fn refused(args: &[&str], file: &str) {
    let out = perfpilot(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.contains(file) && err.contains("line "), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn fusions_file_replaces_the_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let titles = |v: &serde_json::Value| -> Vec<String> {
        v["result"]["stages"][0]["fusions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["pattern"].as_str().unwrap().to_string())
            .collect()
    };
    let base = perfpilot_json(&["trace", "triage", HF, "--format", "json"]);
    assert!(titles(&base).contains(&"QK RMSNorm + RoPE".to_string()), "{:?}", titles(&base));
    let f = edited(
        "crates/perfpilot-trace/data/fusions.toml",
        "title = \"QK RMSNorm + RoPE\"",
        "title = \"QK RMSNorm + RoPE (site catalogue)\"",
        dir.path(),
        "fusions.toml",
    );
    let over = perfpilot_json(&["trace", "triage", HF, "--fusions", &f, "--format", "json"]);
    assert!(titles(&over).contains(&"QK RMSNorm + RoPE (site catalogue)".to_string()));
    assert!(!titles(&over).contains(&"QK RMSNorm + RoPE".to_string()));
    assert!(has_input(&over, "fusions"));
    let bad = edited(
        "crates/perfpilot-trace/data/fusions.toml",
        "title = \"QK RMSNorm + RoPE\"",
        "title = \"QK RMSNorm + RoPE\"\ncolour = \"red\"",
        dir.path(),
        "bad-fusions.toml",
    );
    refused(&["trace", "triage", HF, "--fusions", &bad], "bad-fusions.toml");
}

#[test]
fn attribution_file_replaces_the_frame_rules() {
    let dir = tempfile::tempdir().unwrap();
    let top_site = |v: &serde_json::Value| -> String {
        v["result"]["stages"][0]["kernels"][0]["sites"][0]["site"].as_str().unwrap().to_string()
    };
    let base = perfpilot_json(&["trace", "triage", HF, "--format", "json"]);
    assert!(top_site(&base).ends_with(" forward"), "{}", top_site(&base));
    // `forward` becomes a wrapper frame that never locates a kernel.
    let f = edited(
        "crates/perfpilot-trace/data/attribution.toml",
        "\"inner\", \"wrapper\", \"_fn\",",
        "\"inner\", \"wrapper\", \"_fn\", \"forward\",",
        dir.path(),
        "attribution.toml",
    );
    let over = perfpilot_json(&["trace", "triage", HF, "--attribution", &f, "--format", "json"]);
    assert!(!top_site(&over).ends_with(" forward"), "{}", top_site(&over));
    assert!(has_input(&over, "attribution"));
    let bad = edited(
        "crates/perfpilot-trace/data/attribution.toml",
        "version = 1",
        "version = \"one\"",
        dir.path(),
        "bad-attribution.toml",
    );
    refused(&["trace", "triage", HF, "--attribution", &bad], "bad-attribution.toml");
    refused(&["trace", "diff", DECODE, DECODE, "--attribution", &bad], "bad-attribution.toml");
}

#[test]
fn stages_file_replaces_the_stage_rules() {
    let dir = tempfile::tempdir().unwrap();
    let base = perfpilot_json(&["trace", "triage", GRAPH, "--format", "json"]);
    assert_eq!(base["result"]["stages"][0]["stage"], "decode");
    // The vLLM rule for generation-only steps now says extend.
    let f = edited(
        "crates/perfpilot-trace/data/stages.toml",
        "stage = \"decode\"",
        "stage = \"extend\"",
        dir.path(),
        "stages.toml",
    );
    let over = perfpilot_json(&["trace", "triage", GRAPH, "--stages", &f, "--format", "json"]);
    assert_eq!(over["result"]["stages"][0]["stage"], "extend");
    assert!(has_input(&over, "stages"));
    let layers = perfpilot_json(&["trace", "layers", GRAPH, "--stages", &f, "--format", "json"]);
    assert_eq!(layers["result"]["passes"][0]["stage"], "extend");
    assert!(has_input(&layers, "stages"));
    let bad = edited(
        "crates/perfpilot-trace/data/stages.toml",
        "stage = \"decode\"",
        "stage = \"decoding\"",
        dir.path(),
        "bad-stages.toml",
    );
    refused(&["trace", "triage", GRAPH, "--stages", &bad], "bad-stages.toml");
    refused(&["trace", "layers", GRAPH, "--stages", &bad], "bad-stages.toml");
    refused(&["trace", "diff", GRAPH, GRAPH, "--stages", &bad], "bad-stages.toml");
}

#[test]
fn passes_file_replaces_the_step_rules() {
    let dir = tempfile::tempdir().unwrap();
    let base = perfpilot_json(&["trace", "layers", HF, "--format", "json"]);
    assert_eq!(base["result"]["passes"][0]["source"], "step_annotation");
    assert_eq!(base["result"]["passes"][0]["step"], "ProfilerStep#6");
    let f = edited(
        "crates/perfpilot-trace/data/passes.toml",
        "pattern = '^ProfilerStep#\\d+$'",
        "pattern = '^NoSuchStep#\\d+$'",
        dir.path(),
        "passes.toml",
    );
    let over = perfpilot_json(&["trace", "layers", HF, "--passes", &f, "--format", "json"]);
    assert_eq!(over["result"]["passes"][0]["source"], "idle_gap", "{}", over["result"]["passes"]);
    assert!(over["result"]["passes"][0]["step"].is_null());
    assert!(has_input(&over, "passes"));
    let diff =
        perfpilot_json(&["trace", "diff", DECODE, DECODE, "--passes", &f, "--format", "json"]);
    assert!(has_input(&diff, "passes"));
    let bad = edited(
        "crates/perfpilot-trace/data/passes.toml",
        "batch = '\\bbs=(\\d+)'",
        "batch = '\\bbs=\\d+'",
        dir.path(),
        "bad-passes.toml",
    );
    refused(&["trace", "layers", HF, "--passes", &bad], "bad-passes.toml");
    refused(&["trace", "diff", DECODE, DECODE, "--passes", &bad], "bad-passes.toml");
}

#[test]
fn evidence_file_replaces_the_evidence_rules() {
    let dir = tempfile::tempdir().unwrap();
    // A real ZMQ port race pasted without its exception line: only the innermost frame
    // (`self.local_socket.bind(...)`) is left to decide.
    let text = std::fs::read_to_string(repo_root().join(ZMQ_LOG)).unwrap();
    // The first traceback, without its exception line (the log's first line).
    let cut: String = text
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(cut.lines().count(), 4, "{cut}");
    let log = dir.path().join("cut.log");
    std::fs::write(&log, cut).unwrap();
    let log = log.display().to_string();
    let decided = |v: &serde_json::Value| -> Vec<(String, String)> {
        v["result"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| {
                let s = f["signature"].as_str()?.strip_prefix("evidence:")?.to_string();
                Some((s, f["class"].as_str().unwrap_or("").to_string()))
            })
            .collect()
    };
    let base = perfpilot_json(&["triage", &log, "--format", "json"]);
    assert!(
        decided(&base).contains(&("socket-bind".into(), "port-in-use".into())),
        "{:?}",
        decided(&base)
    );
    let f = edited(
        "crates/perfpilot-triage/data/evidence.toml",
        "id = \"socket-bind\"\nclass = \"port-in-use\"",
        "id = \"socket-bind-site\"\nclass = \"config-invalid\"",
        dir.path(),
        "evidence.toml",
    );
    let over = perfpilot_json(&["triage", &log, "--evidence", &f, "--format", "json"]);
    assert!(
        decided(&over).contains(&("socket-bind-site".into(), "config-invalid".into())),
        "{:?}",
        decided(&over)
    );
    assert!(has_input(&over, "evidence"));
    let bad = edited(
        "crates/perfpilot-triage/data/evidence.toml",
        "class = \"port-in-use\"",
        "class = \"port-in-use\"\nlaunch = \"blocks_gone\"",
        dir.path(),
        "bad-evidence.toml",
    );
    refused(&["triage", &log, "--evidence", &bad], "bad-evidence.toml");
    let out = perfpilot(&["triage", &log, "--evidence", "no/such/evidence.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/evidence.toml"));
}

#[test]
fn stall_rules_file_replaces_the_stall_rules() {
    let dir = tempfile::tempdir().unwrap();
    // torch's heartbeat monitor line as a paste hard-wrapped it (om-ai-lab/VLM-R1#257): a log
    // that ends with no error, read as a hang from how it ends.
    let log = dir.path().join("stuck.log");
    std::fs::write(
        &log,
        "[rank6]:[E429 13:55:49.384372190 ProcessGroupNCCL.cpp:1743] [PG ID 0 PG GUID \
         0(default_pg) Rank 6] ProcessGroupNCCL'\ns watchdog got stuck for 480 seconds without \
         making progress in monitoring enqueued collectives. This typically indi\n",
    )
    .unwrap();
    let log = log.display().to_string();
    let by = |v: &serde_json::Value| -> Vec<String> {
        v["result"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["signature"].as_str().map(str::to_string))
            .collect()
    };
    let base = perfpilot_json(&["triage", &log, "--format", "json"]);
    assert_eq!(base["result"]["class"], "hang", "{base}");
    assert!(by(&base).contains(&"stall:monitor-says-stuck".to_string()), "{:?}", by(&base));
    let f = edited(
        "crates/perfpilot-triage/data/stall.toml",
        "id = \"monitor-says-stuck\"",
        "id = \"heartbeat-monitor-stuck\"",
        dir.path(),
        "stall.toml",
    );
    let over = perfpilot_json(&["triage", &log, "--stall-rules", &f, "--format", "json"]);
    assert!(by(&over).contains(&"stall:heartbeat-monitor-stuck".to_string()), "{:?}", by(&over));
    assert!(has_input(&over, "stall"));
    let bad = edited(
        "crates/perfpilot-triage/data/stall.toml",
        "kind = \"stuck\"",
        "kind = \"stuck",
        dir.path(),
        "bad-stall.toml",
    );
    refused(&["triage", &log, "--stall-rules", &bad], "bad-stall.toml");
    let out = perfpilot(&["triage", &log, "--stall-rules", "no/such/stall.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/stall.toml"));
}

#[test]
fn launch_rules_file_replaces_the_value_rules() {
    let dir = tempfile::tempdir().unwrap();
    // A real llama-cpp-python start-up: only the data rules (framework `other`) read it.
    let log = "tests/fixtures/corpus/launch/llamacpp-python-89-cpu-ctx4096.log";
    let base = perfpilot_json(&["capacity", "explain", log, "--format", "json"]);
    assert_eq!(base["result"]["framework"], "unknown");
    // One rule edited: the model-buffer line now counts as a vLLM line.
    let f = edited(
        "crates/perfpilot-launchlog/src/rules.toml",
        "phrase = \" model buffer size =\"\nkey = \"model_buffer\"\nform = \"size\"\nframework = \"other\"",
        "phrase = \" model buffer size =\"\nkey = \"model_buffer\"\nform = \"size\"\nframework = \"vllm\"",
        dir.path(),
        "launch-rules.toml",
    );
    let over =
        perfpilot_json(&["capacity", "explain", log, "--launch-rules", &f, "--format", "json"]);
    assert_eq!(over["result"]["framework"], "vllm");
    assert!(has_input(&over, "launch_rules"));
    let triage = perfpilot_json(&["triage", ZMQ_LOG, "--launch-rules", &f, "--format", "json"]);
    assert!(has_input(&triage, "launch_rules"));
    let bad = edited(
        "crates/perfpilot-launchlog/src/rules.toml",
        "form = \"size_before\"",
        "form = \"size_after\"",
        dir.path(),
        "bad-launch-rules.toml",
    );
    refused(&["capacity", "explain", log, "--launch-rules", &bad], "bad-launch-rules.toml");
    refused(&["triage", ZMQ_LOG, "--launch-rules", &bad], "bad-launch-rules.toml");
    let out = perfpilot(&["capacity", "explain", log, "--launch-rules", "no/such/rules.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/rules.toml"));
}
