//! `loop init --from-sweep`: a real `perfpilot bench sweep` over `perfpilot sim serve`
//! candidates, run in a temporary git repository whose committed simulator profile is what
//! the loop's candidates change; its winner pinned as the benchmark (the server started in
//! each candidate's tree, the winner probe's workload re-run with repeats), then rounds.

mod common;

use std::path::Path;
use std::process::Command;

use common::{assert_matches_schema, bin, repo_root};
use serde_json::Value;

fn git(repo: &Path, args: &[&str]) {
    let out = Command::new("git").arg("-C").arg(repo).args(args).output().expect("git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn commit(repo: &Path, msg: &str) {
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", msg]);
}

/// The shipped SGLang H100 profile with its per-step overhead set to `step_s`.
fn profile(step_s: f64) -> String {
    let p = repo_root().join("crates/perfpilot-sim/data/profiles/sglang-h100-llama3.1-8b.toml");
    let text = std::fs::read_to_string(p).unwrap();
    assert!(text.contains("step_overhead_s = 0.0064\n"), "the shipped profile changed");
    text.replace("step_overhead_s = 0.0064\n", &format!("step_overhead_s = {step_s}\n"))
}

/// Two candidates of the repository's own profile: cost_scale 4.0 and 0.25, a 16× gap, so
/// the winner does not hang on the p99 of 16 requests on a loaded machine (1.0 against 0.25
/// flipped once with a load average of 8).
fn sweep_plan() -> String {
    format!(
        "schema_version: 1
source: {{kind: llm_serving_cookbook}}
model: {{name: sim-model}}
dataset:
  kind: random
  num_prompts: 16
  scenario_names: [chat]
  input_len: [128]
  output_len: [32]
benchmark:
  endpoint: /v1/completions
  max_concurrency: [null]
  qps: {{lower: 8, upper: 128, tolerance: 16, max_rounds: 3}}
  sla: {{max_p99_ttft_ms: 150, min_success_rate: 0.99}}
search: {{max_candidates_per_framework: 2}}
frameworks:
  sim:
    server_command: [{bin}, sim, serve]
    ready_timeout_s: 10
    base_server_flags:
      profile: profile.toml
      no_access_log: true
      port: 30000
      set: cost_scale=4.0
    search_space:
      set: [cost_scale=0.25]
",
        bin = bin().display()
    )
}

fn perfpilot(cwd: &Path, args: &[&str], codes: &[i32]) -> Value {
    let mut full = args.to_vec();
    full.extend(["--format", "json"]);
    let out = Command::new(bin()).args(&full).current_dir(cwd).output().expect("run perfpilot");
    assert!(
        out.status.code().is_some_and(|c| codes.contains(&c)),
        "perfpilot {full:?}: exit {:?}: {}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout).chars().take(3000).collect::<String>()
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_matches_schema(&v, &format!("perfpilot {}", args.join(" ")));
    v
}

#[test]
fn a_sweep_winner_is_pinned_measured_with_repeats_and_judged_by_rounds() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join("bench")).unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["config", "user.email", "t@example.com"]);
    git(&repo, &["config", "user.name", "t"]);
    std::fs::write(repo.join("profile.toml"), profile(0.0064)).unwrap();
    std::fs::write(repo.join("bench/sweep.yaml"), sweep_plan()).unwrap();
    // The same sweep under an SLA nothing meets (p99 TTFT of a microsecond).
    let strict = sweep_plan().replace("max_p99_ttft_ms: 150", "max_p99_ttft_ms: 0.001");
    std::fs::write(repo.join("bench/strict.yaml"), strict).unwrap();
    std::fs::write(repo.join(".gitignore"), "sweep-out/\nstrict-out/\n").unwrap();
    commit(&repo, "baseline: the shipped profile");

    // The sweep, run in the repository as a person would: its winner is cost_scale=0.25.
    let sweep =
        perfpilot(&repo, &["bench", "sweep", "bench/sweep.yaml", "--out", "sweep-out"], &[0]);
    let best = &sweep["result"]["best"][0];
    assert_eq!(best["winner"]["candidate"], "set=cost_scale=0.25", "{best}");
    let summary = repo.join("sweep-out/summary.json");

    // A sweep without a winner is refused (exit 2) with the SLA nothing met.
    perfpilot(&repo, &["bench", "sweep", "bench/strict.yaml", "--out", "strict-out"], &[1]);
    let none = Command::new(bin())
        .args(["loop", "init", tmp.path().join("none").to_str().unwrap(), "--repo"])
        .arg(&repo)
        .args(["--goal", "g", "--target", "e2e_ms.median=1", "--from-sweep"])
        .arg(repo.join("strict-out/summary.json"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&none.stderr);
    assert_eq!(none.status.code(), Some(2), "{err}");
    assert!(
        err.contains("strict-out/summary.json")
            && err.contains("no winner: no candidate met the SLA (p99 TTFT <= 0.001 ms"),
        "{err}"
    );

    // Pinned from outside the repository: the plan is found relative to where the sweep ran.
    let dir = tmp.path().join("state");
    let init = perfpilot(
        tmp.path(),
        &[
            "loop",
            "init",
            dir.to_str().unwrap(),
            "--repo",
            repo.to_str().unwrap(),
            "--goal",
            "lower the winner's end-to-end latency",
            "--target",
            "e2e_ms.median=1",
            "--from-sweep",
            summary.to_str().unwrap(),
            "--bench-config",
            "bench/sweep.yaml",
            "--repeats",
            "3",
            "--threshold",
            "0.05",
            "--allow",
            "profile.toml",
        ],
        &[0],
    );
    let r = &init["result"];
    let b = &r["plan"]["benchmark"];
    assert_eq!(b["kind"], "sweep_winner");
    assert_eq!(b["repeats"], 3);
    let cmd = b["command"].as_str().unwrap();
    for want in [
        "sim serve --profile profile.toml --no-access-log --set cost_scale=0.25",
        "--port PORT",
        "perfpilot bench serve --url http://127.0.0.1:PORT",
        "--input-len 128 --output-len 32",
        "--num-prompts 16 --request-rate 128",
        "--repeats 3",
    ] {
        assert!(cmd.contains(want), "{want} not in {cmd}");
    }
    assert!(b["source"].as_str().unwrap().contains("sim/set=cost_scale=0.25/chat/cinf"));
    // The baseline was measured at init: 3 repeats of 16 requests, its noise recorded.
    let base = &r["baseline"];
    let runs = base["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    assert!(runs.iter().all(|x| x.as_array().unwrap().len() == 16), "{runs:?}");
    assert_eq!(base["spread"]["runs"], 3);
    let base_median = base["median"].as_f64().unwrap();
    assert!(base_median > 0.0);

    let d = dir.to_str().unwrap();
    // A candidate whose profile has a quarter of the step overhead: the server started in
    // its tree reads it, and the round is ADVANCED beyond noise.
    std::fs::write(repo.join("profile.toml"), profile(0.0016)).unwrap();
    commit(&repo, "a quarter of the step overhead");
    let r1 = perfpilot(tmp.path(), &["loop", "round", d], &[0]);
    let rec = &r1["result"]["round"];
    assert_eq!(rec["outcome"], "ADVANCED", "{rec}");
    assert_eq!(rec["vs_best"]["verdict"], "FASTER");
    assert_eq!(rec["measurement"]["runs"].as_array().unwrap().len(), 3);
    let best_median = r1["result"]["best_median"].as_f64().unwrap();
    assert!(best_median < base_median * 0.8, "{best_median} vs {base_median}");

    // Back to the shipped overhead: slower than the best, REGRESSED (exit 1).
    std::fs::write(repo.join("profile.toml"), profile(0.0064)).unwrap();
    commit(&repo, "restore the step overhead");
    let r2 = perfpilot(tmp.path(), &["loop", "round", d], &[1]);
    assert_eq!(r2["result"]["round"]["outcome"], "REGRESSED", "{}", r2["result"]);

    // The sweep plan is pinned: changing it is benchmark misalignment.
    let plan = std::fs::read_to_string(repo.join("bench/sweep.yaml")).unwrap();
    std::fs::write(
        repo.join("bench/sweep.yaml"),
        plan.replace("num_prompts: 16", "num_prompts: 8"),
    )
    .unwrap();
    commit(&repo, "fewer prompts");
    let r3 = perfpilot(tmp.path(), &["loop", "round", d], &[1]);
    let reasons = r3["result"]["round"]["reasons"].to_string();
    assert!(reasons.contains("benchmark alignment"), "{reasons}");

    // The report carries the pinned winner's numbers.
    let rep = perfpilot(tmp.path(), &["loop", "report", d], &[0]);
    let body = rep["result"]["body"].as_str().unwrap();
    assert!(body.contains(&format!("{best_median:.6}")), "{body}");
    assert!(body.contains("a quarter of the step overhead"), "{body}");
    assert!(body.contains("restore the step overhead: REGRESSED"), "{body}");
    assert!(body.contains("No review checklist item is touched"), "{body}");
}
