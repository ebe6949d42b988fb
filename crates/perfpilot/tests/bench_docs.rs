//! Every `perfpilot bench` command shown in `docs/bench.md` runs as written against two
//! `perfpilot sim serve` processes (issue 20, "Done when"): the commands are read from the
//! page's ```` ```sh ```` (or `bash`) blocks, so a flag renamed in the code and not in the page
//! fails here. Only addresses, the page's placeholder files and sizes are substituted:
//! the documented URLs point at the simulators, `ShareGPT_V3.json` and `./tokenizer.json`
//! at the test fixtures, and a run sends at most 8 prompts (`--num-prompts` lowered, or
//! added where the page gives none) so the page's examples take seconds. The result files
//! `bench compare` reads are the ones the page's earlier commands wrote (copied under the
//! names it uses). The llama.cpp example runs when PERFPILOT_LLAMA_URL is set (the usual
//! skip/fail rule of the llama tests).

mod common;
#[path = "../../../tests/support/llama.rs"]
mod llama;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The commands of the page's `sh`/`bash` blocks, continuation lines joined and
/// trailing comments dropped, in page order.
fn documented_commands(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_bash = false;
    let mut pending = String::new();
    for line in page.lines() {
        if line.starts_with("```") {
            in_bash = !in_bash && matches!(line.trim_start_matches('`').trim(), "bash" | "sh");
            continue;
        }
        if !in_bash {
            continue;
        }
        let code = match line.find(" #") {
            Some(i) if !line.trim_start().starts_with('#') => &line[..i],
            _ => line,
        };
        if code.trim_start().starts_with('#') {
            continue;
        }
        let (body, more) = match code.trim_end().strip_suffix('\\') {
            Some(b) => (b, true),
            None => (code.trim_end(), false),
        };
        pending.push_str(body.trim_start());
        pending.push(' ');
        if !more {
            let cmd = pending.split_whitespace().collect::<Vec<_>>().join(" ");
            if !cmd.is_empty() {
                out.push(cmd);
            }
            pending.clear();
        }
    }
    out
}

/// At most 8 prompts per run: lowers a larger `--num-prompts`, adds it where absent.
fn at_most_eight_prompts(cmd: &str) -> String {
    let mut words: Vec<String> = cmd.split(' ').map(str::to_string).collect();
    match words.iter().position(|w| w == "--num-prompts") {
        Some(i) => {
            if words.get(i + 1).and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| n > 8) {
                words[i + 1] = "8".into();
            }
        }
        None => words.extend(["--num-prompts".into(), "8".into()]),
    }
    words.join(" ")
}

fn fixture(rel: &str) -> PathBuf {
    common::repo_root().join("tests/fixtures/bench").join(rel)
}

/// Copy the result file `from` to `to` in `dir`.
fn copy_result(dir: &Path, from: &str, to: &str) {
    std::fs::copy(dir.join(from), dir.join(to))
        .unwrap_or_else(|e| panic!("{from} (written by an earlier command) → {to}: {e}"));
}

#[test]
fn every_bench_command_in_docs_bench_md_runs_as_written() {
    let page = std::fs::read_to_string(common::repo_root().join("docs/bench.md")).unwrap();
    let commands = documented_commands(&page);
    assert!(commands.len() >= 12, "{commands:#?}");
    let dir = tempfile::tempdir().unwrap();
    let scratch_a = dir.path().join("sim-a");
    let scratch_b = dir.path().join("sim-b");
    std::fs::create_dir_all(&scratch_a).unwrap();
    std::fs::create_dir_all(&scratch_b).unwrap();
    let (_a, url_a) = common::start_sim(&scratch_a).expect("sim serve A starts");
    let (_b, url_b) = common::start_sim(&scratch_b).expect("sim serve B starts");
    let port_a = url_a.rsplit(':').next().unwrap().trim_end_matches('/').to_string();
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let bin_dir = common::bin().parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let llama = commands.iter().any(|c| c.contains("\"$url\"")).then(llama::llama_url).flatten();
    let scripts = common::repo_root().join("scripts");
    let mut ran = 0;
    for cmd in &commands {
        if !cmd.starts_with("perfpilot ") {
            continue; // scripts/llama-server.sh start/stop and shell assignments
        }
        if cmd.contains("\"$url\"") && llama.is_none() {
            continue;
        }
        // The files `bench compare` reads, from the runs above (names as the page has them).
        if cmd.starts_with("perfpilot bench compare sglang.json vllm.json") {
            copy_result(&work, "run.json", "sglang.json");
            copy_result(&work, "run.json", "vllm.json");
        }
        if cmd.starts_with("perfpilot bench compare a.json b.json") {
            copy_result(&work, "a.json", "b.json");
        }
        if cmd.contains("--vs b1.json") {
            for i in 1..=3 {
                copy_result(&work, "a.json", &format!("a{i}.json"));
                copy_result(&work, "a.json", &format!("b{i}.json"));
            }
        }
        let mut real = cmd
            .replace("http://127.0.0.1:30001", &url_b)
            .replace("http://127.0.0.1:30000", &url_a)
            .replace("http://127.0.0.1:8000", &url_a)
            .replace("--url …", &format!("--url {url_a}"))
            .replace("--port 30000", &format!("--port {port_a}"))
            .replace(
                "ShareGPT_V3.json",
                fixture("datasets/sharegpt_v3_sample_200.json").to_str().unwrap(),
            )
            .replace(
                "./tokenizer.json",
                fixture("tokenizers/gpt2/tokenizer.json").to_str().unwrap(),
            )
            .replace("scripts/llama-server.sh", scripts.join("llama-server.sh").to_str().unwrap());
        if real.starts_with("perfpilot bench serve") || real.contains(" --run ") {
            real = at_most_eight_prompts(&real);
        }
        let out = Command::new("bash")
            .args(["-c", &real])
            .current_dir(&work)
            .env("PATH", &path)
            .env("url", llama.as_deref().unwrap_or(""))
            .output()
            .unwrap();
        let code = out.status.code();
        // The documented SLO check exits 1 when attainment is below 99 %: a result, not an
        // error. Everything else succeeds.
        let allowed: &[i32] = if cmd.contains("--slo") { &[0, 1] } else { &[0] };
        assert!(
            code.is_some_and(|c| allowed.contains(&c)),
            "`{cmd}` (run as `{real}`) exited {code:?}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        ran += 1;
    }
    // Every output file the page names was written.
    for f in ["run.json", "chat.json", "gsp.jsonl", "run.vllm.json", "run.sglang.jsonl", "a.json"] {
        assert!(work.join(f).exists(), "{f} was not written");
    }
    assert!(work.join("ab").join("b3.json").exists(), "--run writes aR/bR files");
    assert!(ran >= 12, "ran {ran} of {} commands", commands.len());
}

#[test]
fn commands_are_read_from_bash_blocks_only() {
    let page = "text\n```bash\n# c\nperfpilot bench serve --url u \\\n  --num-prompts 200 # note\nurl=$(x)\n```\n```json\nperfpilot no\n```\n";
    assert_eq!(
        documented_commands(page),
        vec!["perfpilot bench serve --url u --num-prompts 200".to_string(), "url=$(x)".into()]
    );
    assert_eq!(
        at_most_eight_prompts("perfpilot bench serve --num-prompts 200"),
        "perfpilot bench serve --num-prompts 8"
    );
    assert_eq!(
        at_most_eight_prompts("perfpilot bench serve"),
        "perfpilot bench serve --num-prompts 8"
    );
}
