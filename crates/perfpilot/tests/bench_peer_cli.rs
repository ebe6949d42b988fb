//! `bench serve` as users of vLLM and SGLang type it, against the real simulator process
//! (`perfpilot sim serve`): the documented quick-start with `--tokenizer server` (the
//! simulator has no /detokenize), the peer spellings recording the native settings,
//! SGLang's appended lines, vLLM's result file, a tokenizer from the Hugging Face cache,
//! and typo hints that only point at flags of the same meaning.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `perfpilot sim serve` process on a free port; killed when dropped.
struct Sim {
    child: Child,
    port: u16,
}

impl Sim {
    fn start(dir: &Path) -> Sim {
        let log = dir.join("sim.log");
        let child = Command::new(common::bin())
            .args(["sim", "serve", "--port", "0", "--no-access-log", "--format", "json"])
            .arg("--log-file")
            .arg(&log)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Owned at once, so a failed start still kills and reaps the process (Drop).
        let mut sim = Sim { child, port: 0 };
        let t = Instant::now();
        loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(port) = text
                .lines()
                .find_map(|l| l.split("Uvicorn running on http://127.0.0.1:").nth(1))
                .and_then(|rest| rest.split(' ').next())
                .and_then(|p| p.parse::<u16>().ok())
            {
                sim.port = port;
                return sim;
            }
            assert!(t.elapsed() < Duration::from_secs(30), "sim serve did not start: {text}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn bench(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(common::bin())
        .args(["bench", "serve", "--format", "json"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn ok_json(out: &std::process::Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn quick_start_and_peer_spellings_against_sim_serve() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(dir.path());
    let url = sim.url();
    let port = sim.port.to_string();

    // docs/bench.md quick start: random text with the server's tokenizer.
    let native = ok_json(&bench(
        &[
            "--url",
            &url,
            "--tokenizer",
            "server",
            "--num-prompts",
            "4",
            "--input-len",
            "64",
            "--output-len",
            "8",
            "--warmup",
            "1",
            "--compat",
            "sglang",
            "--compat-output",
            "runs.jsonl",
            "--output",
            "run.json",
        ],
        dir.path(),
    ));
    let r = &native["result"];
    assert_eq!(r["summary"]["completed"], 4, "{}", r["summary"]);
    // Exact lengths: the simulator's own count of every prompt is the requested 64.
    let records = std::fs::read_to_string(dir.path().join("run.records.jsonl")).unwrap();
    for line in records.lines() {
        let rec: serde_json::Value = serde_json::from_str(line).unwrap();
        if rec["warmup"] != true {
            assert_eq!(rec["prompt_tokens"], 64, "{rec}");
        }
    }

    // The same run in vLLM/SGLang spelling records the same settings.
    let peer = ok_json(&bench(
        &[
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--tokenizer",
            "server",
            "--dataset-name",
            "random",
            "--num-prompts",
            "4",
            "--random-input-len",
            "64",
            "--random-output-len",
            "8",
            "--warmup-requests",
            "1",
            "--ignore-eos",
            "--output-file",
            "runs.jsonl",
        ],
        dir.path(),
    ));
    assert_eq!(peer["result"]["settings"], native["result"]["settings"]);

    // SGLang's --output-file: one JSON line appended per run.
    let text = std::fs::read_to_string(dir.path().join("runs.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(rows.iter().all(|r| r["completed"] == 4 && r["random_input_len"] == 64));

    // vLLM's --save-result --result-dir: vLLM's file name in that directory.
    ok_json(&bench(
        &[
            "--base-url",
            &url,
            "--token-ids",
            "--vocab-size",
            "1000",
            "--num-prompts",
            "2",
            "--input-len",
            "16",
            "--output-len",
            "4",
            "--save-result",
            "--result-dir",
            "vllm",
        ],
        dir.path(),
    ));
    let names: Vec<String> = std::fs::read_dir(dir.path().join("vllm"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() == 1 && names[0].starts_with("perfpilot-infqps-"), "{names:?}");

    // The shared-prefix example with the server's tokenizer works too.
    let gsp = ok_json(&bench(
        &[
            "--url",
            &url,
            "--dataset",
            "shared-prefix",
            "--gsp-num-groups",
            "2",
            "--gsp-system-prompt-len",
            "128",
            "--gsp-question-len",
            "16",
            "--output-len",
            "4",
            "--tokenizer",
            "server",
            "--num-prompts",
            "4",
        ],
        dir.path(),
    ));
    assert_eq!(gsp["result"]["summary"]["completed"], 4);

    // --profile against a server without a profiler: a clear error, exit 2.
    let out = bench(
        &["--url", &url, "--token-ids", "--vocab-size", "100", "--num-prompts", "1", "--profile"],
        dir.path(),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("/start_profile"), "{err}");
}

#[test]
fn tokenizer_from_the_hugging_face_cache() {
    let home = tempfile::tempdir().unwrap();
    let snap = home.path().join("hub/models--openai-community--gpt2/snapshots/abc123");
    std::fs::create_dir_all(&snap).unwrap();
    std::fs::copy(
        common::repo_root().join("tests/fixtures/bench/tokenizers/gpt2/tokenizer.json"),
        snap.join("tokenizer.json"),
    )
    .unwrap();
    std::fs::create_dir_all(home.path().join("hub/models--openai-community--gpt2/refs")).unwrap();
    std::fs::write(home.path().join("hub/models--openai-community--gpt2/refs/main"), "abc123")
        .unwrap();
    let run = |tok: &str| {
        Command::new(common::bin())
            .args(["bench", "serve", "--format", "json", "--num-prompts", "2", "--input-len"])
            .args(["16", "--output-len", "4", "--tokenizer", tok])
            .env("HF_HOME", home.path())
            .env_remove("HF_HUB_CACHE")
            .output()
            .unwrap()
    };
    let v = ok_json(&run("openai-community/gpt2"));
    let tok = v["result"]["settings"]["dataset"]["tokenizer"].as_str().unwrap_or("").to_string();
    assert!(tok.ends_with("snapshots/abc123/tokenizer.json"), "{tok}");
    assert_eq!(v["result"]["summary"]["completed"], 2);
    // Absent: exit 2, saying where it looked.
    let out = run("openai-community/missing");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("models--openai-community--missing/snapshots"), "{err}");
}

#[test]
fn typo_hints_stay_within_one_meaning() {
    let out = common::perfpilot(&["bench", "serve", "--backend", "sglang"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--endpoint completions|chat"), "{err}");
    assert!(!err.contains("similar argument"), "{err}");
    let out = common::perfpilot(&["bench", "serve", "--num-prompt", "3"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--num-prompts"), "a plain typo keeps its hint: {err}");
}

#[test]
fn bench_compare_takes_sim_run_results() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.json", "b.json"] {
        let out = Command::new(common::bin())
            .args(["sim", "run", "--num-prompts", "16", "--request-rate", "8", "--format", "json"])
            .args(["--json-out", name])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let out = Command::new(common::bin())
        .args(["bench", "compare", "a.json", "b.json", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["command"], "bench compare", "{v}");
}
