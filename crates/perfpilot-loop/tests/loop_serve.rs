//! `loop init --from-bench`: a real `bench serve` result (llama.cpp, gemma-3-270m; see
//! tests/fixtures/bench-serve/SOURCES.md) pinned as the baseline, and, against a live
//! server (PERFPILOT_LLAMA_URL), a result made now, pinned and re-run by a round.

mod common;

use std::path::{Path, PathBuf};

use common::{commit, init_options, write};
use perfpilot_bench::{CompareOptions, ServeOptions, TokenizerChoice};
use perfpilot_loop::plan::{BenchKind, Plan};
use perfpilot_loop::state::Outcome;
use perfpilot_loop::sweep_bench::SweepSource;
use perfpilot_loop::{InitOptions, RoundOptions, init_loop, run_round};
use perfpilot_stats::{Better, Statistic};
use perfpilot_workload::{DatasetSpec, RandomSpec, RangeMode};

fn fixture_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bench-serve").join(name)
}

fn from_bench(f: &common::Fixture, file: &Path, target: &str) -> InitOptions {
    let mut o = init_options(f);
    o.bench = None;
    o.better = None;
    o.from_bench = Some(file.to_path_buf());
    o.target = target.into();
    o.bench_config = vec![];
    o
}

/// Per-repeat TTFT samples read straight from the JSON (not through the loop's code).
fn ttft_runs(file: &Path) -> Vec<Vec<f64>> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    let r = v.get("result").unwrap_or(&v);
    r["repeats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            x["samples"]["ttft_ms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_f64().unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn a_result_with_repeats_is_pinned_with_bench_compares_figures() {
    let f = common::fixture(10);
    let file = fixture_file("llama-repeats3.json");
    let init = init_loop(&from_bench(&f, &file, "ttft_ms.median=1")).unwrap();
    let plan = Plan::load(&f.dir).unwrap();
    assert_eq!(plan.benchmark.kind, BenchKind::BenchServe);
    assert_eq!(plan.target.better, Better::Lower);
    assert_eq!(plan.benchmark.repeats, 3);
    let cmd = &plan.benchmark.command;
    for want in [
        "perfpilot bench serve --url http://127.0.0.1:18080",
        "--num-prompts 6",
        "--repeats 3",
        "--max-concurrency 1",
        "--input-len 32 --output-len 8",
    ] {
        assert!(cmd.contains(want), "{want} not in {cmd}");
    }
    let spec: ServeOptions = serde_json::from_str(plan.benchmark.spec.as_deref().unwrap()).unwrap();
    assert_eq!((spec.num_prompts, spec.repeats, spec.max_concurrency), (Some(6), 3, Some(1)));
    assert_eq!(spec.tokenizer, Some(TokenizerChoice::Server));
    assert!(cmd.contains("--tokenizer server"), "{cmd}");
    // The baseline is the file's repeats, nothing re-run.
    let runs = ttft_runs(&file);
    assert_eq!(init.baseline.runs, runs);
    let pooled: Vec<f64> = runs.iter().flatten().copied().collect();
    assert_eq!(init.baseline.median, Statistic::Median.of(&pooled).unwrap());
    assert_eq!(init.baseline.spread.runs, 3);
    // The figure `bench compare` uses for the same metric.
    let cmp = perfpilot_bench::compare(&CompareOptions {
        vs: vec![file.clone()],
        ..CompareOptions::new(vec![file.clone()])
    })
    .unwrap();
    let v = cmp.verdicts.iter().find(|v| v.metric == "ttft_ms.median").unwrap();
    let theirs = v.comparison.as_ref().unwrap();
    let ours = perfpilot_stats::compare_groups(
        &init.baseline.runs,
        &init.baseline.runs,
        Statistic::Median,
        Better::Lower,
        &perfpilot_stats::Policy::default(),
    )
    .unwrap();
    assert_eq!((ours.baseline, ours.runs), (theirs.baseline, theirs.runs));
    // Throughput: one value per repeat, higher is better.
    let f2 = common::fixture(10);
    let init2 = init_loop(&from_bench(&f2, &file, "output_throughput=1000")).unwrap();
    assert_eq!(init2.plan.target.better, Better::Higher);
    assert!(init2.baseline.runs.iter().all(|r| r.len() == 1));
}

#[test]
fn a_single_run_a_p99_or_a_contradicting_better_is_refused() {
    let f = common::fixture(10);
    let single = fixture_file("llama-single.json");
    let e = init_loop(&from_bench(&f, &single, "ttft_ms.median=1")).unwrap_err().to_string();
    assert!(e.contains("llama-single.json") && e.contains("--repeats 3"), "{e}");
    let file = fixture_file("llama-repeats3.json");
    let e = init_loop(&from_bench(&f, &file, "ttft_ms.p99=1")).unwrap_err().to_string();
    assert!(e.contains("ttft_ms.median"), "{e}");
    let mut o = from_bench(&f, &file, "output_throughput=1");
    o.better = Some(Better::Lower);
    let e = init_loop(&o).unwrap_err().to_string();
    assert!(e.contains("contradicts"), "{e}");
    let e = init_loop(&from_bench(&f, &f.repo.join("README"), "ttft_ms.median=1"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("README") && e.contains("not JSON"), "{e}");
}

#[path = "../../../tests/support/llama.rs"]
mod llama;

fn serve_options(url: &str, dir: &Path, repeats: u32, name: &str) -> ServeOptions {
    let mut o = ServeOptions::new(url);
    o.dataset = DatasetSpec::Random(RandomSpec {
        input_len: 32,
        output_len: 8,
        range_ratio: 0.0,
        range_mode: RangeMode::Vllm,
        token_ids: false,
        vocab_size: None,
    });
    o.num_prompts = Some(6);
    o.max_concurrency = Some(1);
    o.tokenizer = Some(TokenizerChoice::Server);
    o.deadline_s = Some(300.0);
    o.repeats = repeats;
    o.output = Some(dir.join(name));
    o
}

#[test]
fn against_llama_a_pinned_result_is_rerun_by_a_round() {
    let Some(url) = llama::llama_url() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let nop = perfpilot_report::NoProgress;
    perfpilot_bench::serve(&serve_options(&url, tmp.path(), 3, "llama-repeats3.json"), &nop)
        .unwrap();
    // PERFPILOT_LOOP_WRITE_FIXTURES=DIR refreshes the committed fixtures (and makes the
    // single-run one too).
    if let Some(out) = std::env::var_os("PERFPILOT_LOOP_WRITE_FIXTURES") {
        perfpilot_bench::serve(&serve_options(&url, tmp.path(), 1, "llama-single.json"), &nop)
            .unwrap();
        for n in ["llama-repeats3.json", "llama-single.json"] {
            std::fs::copy(tmp.path().join(n), Path::new(&out).join(n)).unwrap();
        }
    }
    let f = common::fixture(10);
    let file = tmp.path().join("llama-repeats3.json");
    let init = init_loop(&from_bench(&f, &file, "ttft_ms.median=1")).unwrap();
    assert_eq!(init.baseline.runs.len(), 3);
    write(&f.repo, "src/notes.txt", "the server is the candidate; nothing else changes\n");
    let c = commit(&f.repo, "a candidate that changes nothing the server runs");
    let r = run_round(&RoundOptions {
        dir: f.dir.clone(),
        candidate: None,
        implement: None,
        review: None,
        command_timeout_s: 120.0,
        profile: None,
    })
    .unwrap();
    let rec = r.round.unwrap();
    assert_eq!(rec.commit, c);
    assert_ne!(rec.outcome, Outcome::Rejected, "{:?}", rec.reasons);
    let m = rec.measurement.unwrap();
    assert_eq!(m.runs.len(), 3, "the round re-ran bench serve with the pinned repeats");
    let c = rec.vs_best.unwrap();
    assert_eq!(c.runs, [3, 3]);
}

#[test]
fn a_sweep_summary_is_not_a_bench_result_it_is_pinned_with_from_sweep() {
    let f = common::fixture(10);
    let file = fixture_file("sweep-summary.json");
    let e = init_loop(&from_bench(&f, &file, "ttft_ms.median=1")).unwrap_err().to_string();
    for want in ["sweep-summary.json", "a sweep summary", "--from-sweep"] {
        assert!(e.contains(want), "{want} not in {e}");
    }
}

fn from_sweep(f: &common::Fixture, src: SweepSource, target: &str) -> InitOptions {
    let mut o = from_bench(f, Path::new("-"), target);
    o.from_bench = None;
    o.from_sweep = Some(src);
    o
}

#[test]
fn from_sweep_refuses_a_summary_without_a_winner_and_one_it_cannot_start() {
    let f = common::fixture(10);
    let real = fixture_file("sweep-summary.json");
    // The real summary as it is: its plan (`plan.yaml`, relative to where it ran) is not
    // beside this copy.
    let src = SweepSource { summary: real.clone(), plan: None, winner: None };
    let e = init_loop(&from_sweep(&f, src, "e2e_ms.median=10")).unwrap_err().to_string();
    assert!(
        e.contains("the sweep plan it names is not found") && e.contains("--sweep-plan"),
        "{e}"
    );
    // With its plan: the winner probe's raw result (the workload) is not beside this copy.
    let plan = fixture_file("sweep-plan.yaml");
    let src = SweepSource { summary: real.clone(), plan: Some(plan.clone()), winner: None };
    let e = init_loop(&from_sweep(&f, src, "e2e_ms.median=10")).unwrap_err().to_string();
    assert!(e.contains("sim__set=cost_scale=0.25__chat__cinf__r128.json is missing"), "{e}");
    // A metric a bench serve workload does not have.
    let src = SweepSource { summary: real.clone(), plan: Some(plan.clone()), winner: None };
    let e = init_loop(&from_sweep(&f, src, "time_ms=1")).unwrap_err().to_string();
    assert!(e.contains("not one a sweep's winner can pin"), "{e}");
    // Two winners: one must be chosen, by an id the summary has.
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&real).unwrap()).unwrap();
    let mut long = v["result"]["best"][0].clone();
    long["id"] = "sim/long".into();
    v["result"]["best"].as_array_mut().unwrap().push(long);
    let two = f.tmp.path().join("two-winners.json");
    std::fs::write(&two, serde_json::to_vec(&v).unwrap()).unwrap();
    let src = SweepSource { summary: two.clone(), plan: Some(plan.clone()), winner: None };
    let e = init_loop(&from_sweep(&f, src, "e2e_ms.median=10")).unwrap_err().to_string();
    assert!(e.contains("(sim/chat, sim/long): choose one with --winner ID"), "{e}");
    let src = SweepSource { summary: two, plan: Some(plan.clone()), winner: Some("sim/x".into()) };
    let e = init_loop(&from_sweep(&f, src, "e2e_ms.median=10")).unwrap_err().to_string();
    assert!(e.contains("--winner sim/x: no such best row"), "{e}");
    // An interrupted sweep's best is not its winner.
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&real).unwrap()).unwrap();
    v["result"]["interrupted"] = true.into();
    let cut = f.tmp.path().join("interrupted.json");
    std::fs::write(&cut, serde_json::to_vec(&v).unwrap()).unwrap();
    let src = SweepSource { summary: cut, plan: Some(plan.clone()), winner: None };
    let e = init_loop(&from_sweep(&f, src, "e2e_ms.median=10")).unwrap_err().to_string();
    assert!(e.contains("the sweep was interrupted") && e.contains("--resume"), "{e}");
    // The same summary where no candidate met the SLA.
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&real).unwrap()).unwrap();
    for b in v["result"]["best"].as_array_mut().unwrap() {
        b["winner"] = serde_json::Value::Null;
        b["passing"] = 0.into();
    }
    v["result"]["winner_meets_sla"] = false.into();
    let none = f.tmp.path().join("no-winner.json");
    std::fs::write(&none, serde_json::to_vec(&v).unwrap()).unwrap();
    let src = SweepSource { summary: none, plan: Some(plan), winner: None };
    let e = init_loop(&from_sweep(&f, src, "e2e_ms.median=10")).unwrap_err().to_string();
    assert!(
        e.contains("no winner: no candidate met the SLA (p99 TTFT <= 150 ms, success >= 0.99)"),
        "{e}"
    );
    assert!(!f.dir.join("state.json").exists(), "a refused init leaves no loop");
}
