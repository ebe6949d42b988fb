//! `sim fit` recovers a known cost model: "observed" runs are produced by the simulator
//! with hidden costs and written as `bench serve` writes them (envelope + records JSONL);
//! the fit starts from a profile with different costs, fits on concurrency 1 and 4 and
//! must predict concurrency 2 and 8.

use std::path::{Path, PathBuf};

use perfpilot_report::{Envelope, Report};
use perfpilot_sim::{FitOptions, SimRunOptions, fit, run_virtual_with_records};
use perfpilot_workload::{DatasetSpec, RandomSpec, RangeMode};

fn fixture(name: &str) -> String {
    format!("{}/../../tests/fixtures/sim/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A "real" run at concurrency `c`, saved like `bench serve --output FILE`.
fn observed_run(dir: &Path, c: u32) -> PathBuf {
    let spec = DatasetSpec::Random(RandomSpec {
        input_len: 128,
        output_len: 48,
        range_ratio: 0.5,
        range_mode: RangeMode::Vllm,
        token_ids: true,
        vocab_size: Some(32000),
    });
    let mut o = SimRunOptions::new(&fixture("tiny-costs.toml"), spec, Some(24));
    // The hidden truth: 3x the overhead, 2x decode, 5x prefill of the tiny profile.
    o.overrides.cost_scale = Some(1.0);
    o.max_concurrency = Some(c);
    o.seed = u64::from(c);
    let truth = std::fs::read_to_string(fixture("tiny-costs.toml"))
        .unwrap()
        .replace("step_overhead_s = 0.004", "step_overhead_s = 0.012")
        .replace("decode_seq_s = 0.0005", "decode_seq_s = 0.001")
        .replace("prefill_token_s = 0.00002", "prefill_token_s = 0.0001");
    let truth_path = dir.join("truth.toml");
    std::fs::write(&truth_path, truth).unwrap();
    o.profile = truth_path.display().to_string();
    let (report, records) = run_virtual_with_records(&o).unwrap();
    let records_path = dir.join(format!("c{c}.records.jsonl"));
    let lines: Vec<String> = records.iter().map(|r| serde_json::to_string(r).unwrap()).collect();
    std::fs::write(&records_path, lines.join("\n") + "\n").unwrap();
    let mut result = report.result;
    result.records_file = Some(records_path.display().to_string());
    let path = dir.join(format!("c{c}.json"));
    let env = Envelope::new("bench serve", result);
    std::fs::write(&path, serde_json::to_string_pretty(&env).unwrap()).unwrap();
    path
}

#[test]
fn fit_recovers_hidden_costs_and_predicts_other_concurrencies() {
    let dir = tempfile::tempdir().unwrap();
    let runs: Vec<PathBuf> = [1, 4, 2, 8].iter().map(|&c| observed_run(dir.path(), c)).collect();
    let opts = FitOptions {
        profile: fixture("tiny-costs.toml"),
        overrides: Default::default(),
        results: runs[..2].to_vec(),
        predict: runs[2..].to_vec(),
        tolerance: 0.05,
        name: Some("tiny-fitted".into()),
    };
    let r = fit(&opts).unwrap();
    assert_eq!(r.schema_version(), "perfpilot.sim.fit/1");
    assert_eq!(r.runs.len(), 4);
    let worst = r.max_prediction_error.unwrap();
    assert!(worst < 0.05, "prediction error {worst}: {:#?}", r.runs);
    assert!(!r.check_failed());
    // The dominant parameters come back close to the truth.
    assert!((r.cost.step_overhead_s / 0.012 - 1.0).abs() < 0.25, "{:?}", r.cost);
    assert!(r.profile_toml.contains("name = \"tiny-fitted\""));
    // The written profile loads.
    let p = perfpilot_sim::Profile::from_toml(&r.profile_toml, "fitted").unwrap();
    assert_eq!(p.cost, r.cost);
}

#[test]
fn bad_result_files_are_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("broken.json");
    std::fs::write(&p, "{\"result\": {\"status\": 3}}").unwrap();
    let opts = FitOptions {
        profile: "zero-cost".into(),
        overrides: Default::default(),
        results: vec![p.clone()],
        predict: vec![],
        tolerance: 0.15,
        name: None,
    };
    let err = fit(&opts).unwrap_err().to_string();
    assert!(err.contains("broken.json") && err.contains("not a bench serve result"), "{err}");
    std::fs::write(&p, "not json").unwrap();
    let err = fit(&opts).unwrap_err().to_string();
    assert!(err.contains("line 1"), "{err}");
}

/// The check of docs/sim.md §5.1 on the saved real runs: fit on the llama.cpp server's
/// concurrency 1 and 4, predict 2 and 8 within 15 %. The base profile's costs are scaled
/// 2.5× away from the shipped (fitted) ones, so the prior does not hand the fit its answer.
#[test]
fn real_llama_cpp_runs_are_predicted_within_15_percent() {
    let run = |c: u32| PathBuf::from(fixture(&format!("llama-fit-2026-11-28/c{c}.json")));
    let overrides = perfpilot_sim::Overrides { cost_scale: Some(2.5), ..Default::default() };
    let opts = FitOptions {
        profile: "llamacpp-cpu-gemma3-270m".into(),
        overrides,
        results: vec![run(1), run(4)],
        predict: vec![run(2), run(8)],
        tolerance: 0.15,
        name: None,
    };
    let r = fit(&opts).unwrap();
    let worst = r.max_prediction_error.unwrap();
    assert!(worst < 0.15, "prediction error {worst}: {:#?}", r.runs);
    // Every replayed request of the saved runs was used.
    let reqs: Vec<usize> = r.runs.iter().map(|x| x.requests).collect();
    assert_eq!(reqs, vec![12, 24, 12, 48]);
    // A decode step of one sequence lands near the measured single-stream TPOT (23.4 ms).
    let step = r.cost.step_overhead_s + r.cost.decode_seq_s;
    assert!((0.018..0.03).contains(&step), "{:?}", r.cost);
}
