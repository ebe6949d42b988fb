//! Golden outputs: every deterministic command's `--format json` output on every in-repo
//! fixture is byte-identical to the file committed under `tests/golden/`.
//!
//! This pins the output contract through refactors: a change that moves a value shows up
//! here as a diff naming the case. The only masked field is the tool's own version
//! (`tool.version`), so a release bump does not rewrite every golden.
//!
//! A deliberate output change regenerates the goldens:
//! `PERFPILOT_BLESS=1 cargo test -p perfpilot --test golden`, committed with a message that
//! says which values changed and why.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{bin, repo_root};

/// One golden case: a file-name slug and the arguments (`--format json` is added).
struct Case {
    slug: String,
    args: Vec<String>,
}

/// Files under `dir` (relative to the repository root) whose names end in one of `exts`,
/// sorted, as repository-relative paths.
fn fixtures(dir: &str, exts: &[&str]) -> Vec<String> {
    let root = repo_root();
    let mut out = Vec::new();
    let mut stack = vec![root.join(dir)];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if exts.iter().any(|x| p.to_string_lossy().ends_with(x)) {
                let rel = p.strip_prefix(&root).expect("under root").to_string_lossy().to_string();
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

/// A slug from a command and a fixture path (relative to `tests/fixtures/`, extensions
/// dropped): lowercase, `[a-z0-9.-]` only.
fn slug(command: &str, path: &str) -> String {
    let rel = path.trim_start_matches("tests/fixtures/");
    let mut rel = rel.to_string();
    for ext in [".gz", ".json", ".log", ".tsv"] {
        if let Some(s) = rel.strip_suffix(ext) {
            rel = s.to_string();
        }
    }
    let raw = format!("{command}--{rel}");
    raw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

fn case(slug: String, args: &[&str]) -> Case {
    Case { slug, args: args.iter().map(|s| s.to_string()).collect() }
}

/// Every case: the deterministic commands over every fixture they read.
fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for t in fixtures("tests/fixtures/trace", &[".json.gz"]) {
        if t.contains("/hta_reference/") {
            continue;
        }
        cases.push(case(slug("trace-triage", &t), &["trace", "triage", &t]));
        cases.push(case(slug("trace-layers", &t), &["trace", "layers", &t]));
    }
    for n in fixtures("tests/fixtures/trace", &[".tsv"]) {
        // kernel-seq holds sequences, in-context-labels.tsv hand labels: not name lists.
        if n.contains("/kernel-seq/") || n.ends_with("in-context-labels.tsv") {
            continue;
        }
        cases.push(case(slug("trace-classify", &n), &["trace", "classify", "--from", &n]));
    }
    cases.push(case(
        "trace-layers-config--gpt-oss-120b".into(),
        &[
            "trace",
            "layers",
            "tests/fixtures/trace/tl_b200_vllm_gptoss_tp8/eager_trace.json.gz",
            "--config",
            "tests/fixtures/layers/openai__gpt-oss-120b/config.json",
        ],
    ));
    cases.push(case(
        "trace-layers-config--qwen3-8b".into(),
        &[
            "trace",
            "layers",
            "tests/fixtures/trace/tl_mi300x_sglang_decode/sglang_Qwen3-8B_decode.json.gz",
            "--config",
            "tests/fixtures/layers/Qwen__Qwen3-8B/config.json",
        ],
    ));
    cases.push(case(
        "trace-diff--sampled-rank0-rank1".into(),
        &[
            "trace",
            "diff",
            "tests/fixtures/trace/hta_sampled_rank0/sampled_rank-0.json.gz",
            "tests/fixtures/trace/hta_sampled_rank1/sampled_rank-1.json.gz",
        ],
    ));
    for l in fixtures("tests/fixtures/capacity/launch", &[".log"]) {
        cases.push(case(slug("capacity-explain", &l), &["capacity", "explain", &l]));
    }
    let mut configs = fixtures("tests/fixtures/capacity/model-configs", &["config.json"]);
    configs.extend(fixtures("tests/fixtures/layers", &["config.json"]));
    for c in &configs {
        cases.push(case(
            slug("capacity-plan-h100", c),
            &["capacity", "plan", "--config", c, "--gpu", "h100"],
        ));
        cases.push(case(
            slug("capacity-plan-h200-tp8-vllm", c),
            &[
                "capacity",
                "plan",
                "--config",
                c,
                "--gpu",
                "h200",
                "--tp",
                "8",
                "--framework",
                "vllm",
            ],
        ));
    }
    for l in fixtures("tests/fixtures/triage", &[".log"]) {
        cases.push(case(slug("triage", &l), &["triage", &l]));
    }
    for n in fixtures("crates/perfpilot-kernel/tests/fixtures/ncu", &[".csv"]) {
        let name = n.rsplit('/').next().unwrap_or(&n).to_string();
        // The RTX 5090 details pages have neither a waves metric nor the SM count (170).
        let mut args = vec!["kernel", "ncu", &n];
        if name.starts_with("llm-perf-opt-") {
            args.extend(["--sm-count", "170"]);
        }
        cases.push(case(slug("kernel-ncu", &name), &args));
    }
    let flags = "crates/perfpilot-kernel/tests/fixtures/flags";
    for f in ["compile_commands.json", "build.ninja", "triton_rope.json"] {
        let p = format!("{flags}/{f}");
        cases.push(case(slug("kernel-flags-same", f), &["kernel", "flags", &p, &p]));
    }
    cases.push(case(
        "kernel-flags--ninja-vs-command-line".into(),
        &["kernel", "flags", &format!("{flags}/build.ninja"), "nvcc -O3 -std=c++17 -c rope.cu"],
    ));
    cases.push(case(
        "triage--c12-two-nodes".into(),
        &[
            "triage",
            "tests/fixtures/triage/constructed/c12-node0-tp0-runtime-oom.log",
            "tests/fixtures/triage/constructed/c12-node1-rank8-nccl-timeout.log",
        ],
    ));
    cases
}

/// Run one case; the output with the tool's version masked, or the failure text.
fn run(case: &Case) -> Result<String, String> {
    let mut args = case.args.clone();
    args.extend(["--format".to_string(), "json".to_string()]);
    let out = std::process::Command::new(bin())
        .args(&args)
        .current_dir(repo_root())
        .output()
        .map_err(|e| format!("run: {e}"))?;
    // Exit 1 is a finding (a failed check), which still writes its document.
    if !matches!(out.status.code(), Some(0) | Some(1)) {
        return Err(format!(
            "exited {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut v: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("stdout is not JSON: {e}"))?;
    if let Some(tool) = v.get_mut("tool").and_then(|t| t.as_object_mut())
        && tool.contains_key("version")
    {
        tool.insert("version".into(), serde_json::Value::String("<masked>".into()));
    }
    let mut text = serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(text)
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The first differing line of two texts, for a readable failure.
fn first_difference(want: &str, got: &str) -> String {
    for (i, (a, b)) in want.lines().zip(got.lines()).enumerate() {
        if a != b {
            return format!("line {}:\n  golden: {a}\n  now:    {b}", i + 1);
        }
    }
    format!(
        "lengths differ: golden {} lines, now {} lines",
        want.lines().count(),
        got.lines().count()
    )
}

#[test]
fn every_command_output_matches_its_golden() {
    let bless = std::env::var_os("PERFPILOT_BLESS").is_some();
    let dir = golden_dir();
    let cases = cases();
    assert!(cases.len() > 50, "the fixture walk found only {} cases", cases.len());
    let mut seen = BTreeMap::new();
    for c in &cases {
        assert!(seen.insert(c.slug.clone(), ()).is_none(), "two cases share the slug {}", c.slug);
    }
    if bless {
        fs::create_dir_all(&dir).expect("golden dir");
    }
    let mut failures = Vec::new();
    for c in &cases {
        let path = dir.join(format!("{}.json", c.slug));
        let got = match run(c) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{}: perfpilot {}: {e}", c.slug, c.args.join(" ")));
                continue;
            }
        };
        if bless {
            fs::write(&path, &got).expect("write golden");
            continue;
        }
        match fs::read_to_string(&path) {
            Ok(want) if want == got => {}
            Ok(want) => failures.push(format!(
                "{} (perfpilot {}) differs from {}: {}",
                c.slug,
                c.args.join(" "),
                path.display(),
                first_difference(&want, &got)
            )),
            Err(_) => failures.push(format!(
                "{}: no golden at {} (PERFPILOT_BLESS=1 writes it)",
                c.slug,
                path.display()
            )),
        }
    }
    // A golden without a case is stale (its fixture or command went away).
    if let Ok(entries) = fs::read_dir(&dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if let Some(s) = name.strip_suffix(".json")
                && !seen.contains_key(s)
            {
                if bless {
                    let _ = fs::remove_file(e.path());
                } else {
                    failures.push(format!("{name}: golden without a case (stale)"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
