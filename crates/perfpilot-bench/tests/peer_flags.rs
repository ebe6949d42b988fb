//! The peers' options end to end against the in-process test server (a real HTTP
//! server): the profiler started and stopped around the measured run, extra headers on
//! every request, a ramped schedule recorded, SGLang lines appended, vLLM's file name
//! chosen in a directory.

use std::collections::BTreeMap;

use perfpilot_bench::test_server::{TestServer, TestServerConfig};
use perfpilot_bench::{ServeOptions, serve};
use perfpilot_report::NoProgress;
use perfpilot_workload::*;

fn opts(url: &str, n: usize) -> ServeOptions {
    let mut o = ServeOptions::new(url);
    o.dataset = DatasetSpec::Random(RandomSpec {
        input_len: 8,
        output_len: 4,
        range_ratio: 0.0,
        range_mode: RangeMode::Vllm,
        token_ids: true,
        vocab_size: Some(1000),
    });
    o.num_prompts = Some(n);
    o
}

#[test]
fn profile_wraps_the_measured_run_and_headers_reach_the_server() {
    let srv = TestServer::start(TestServerConfig::default()).unwrap();
    let mut o = opts(&srv.url, 3);
    o.warmup = 1;
    o.profile = true;
    o.headers = BTreeMap::from([("x-bench-tenant".to_string(), "a=b".to_string())]);
    let r = serve(&o, &NoProgress).unwrap();
    assert_eq!(r.summary.completed, 3);
    let log = srv.log.lock().unwrap().clone();
    let header = "header x-bench-tenant=a=b";
    // Warmup first (not profiled), then start, the 3 measured requests, stop.
    assert_eq!(
        log,
        vec![header, "POST /start_profile", header, header, header, "POST /stop_profile"],
        "{log:?}"
    );
    assert_eq!(r.settings.request_headers, vec!["x-bench-tenant"]);
    assert!(r.notes.iter().any(|n| n.contains("--profile")), "{:?}", r.notes);
}

#[test]
fn profile_against_a_server_without_a_profiler_fails_clearly() {
    // The simulator has no /start_profile.
    let sim = perfpilot_sim::spawn_server(
        perfpilot_sim::SimServerConfig::with_profile("sglang-h100-llama3.1-8b").unwrap(),
    )
    .unwrap();
    let mut o = opts(&sim.url(), 2);
    o.profile = true;
    let err = serve(&o, &NoProgress).unwrap_err().to_string();
    sim.shutdown();
    assert!(err.contains("/start_profile") && err.contains("HTTP 404"), "{err}");
}

#[test]
fn ramp_up_is_recorded_and_needs_rate_inf() {
    let srv = TestServer::start(TestServerConfig::default()).unwrap();
    let mut o = opts(&srv.url, 6);
    o.ramp_up = Some(RampUp { strategy: RampUpStrategy::Linear, start_rps: 50.0, end_rps: 200.0 });
    let r = serve(&o, &NoProgress).unwrap();
    assert_eq!(r.summary.completed, 6);
    assert_eq!(r.settings.arrival.ramp_up, o.ramp_up);
    assert!(r.settings.arrival.describe().contains("ramp-up 50 → 200"));
    o.request_rate = Some(perfpilot_bench::NumberOrInf::Number(5.0));
    let err = serve(&o, &NoProgress).unwrap_err().to_string();
    assert!(err.contains("--request-rate at inf"), "{err}");
}

#[test]
fn sglang_lines_append_and_vllm_names_its_file() {
    let srv = TestServer::start(TestServerConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let lines = dir.path().join("runs.jsonl");
    let mut o = opts(&srv.url, 4);
    o.compat = Some(CompatFormat::Sglang);
    o.compat_output = Some(lines.clone());
    serve(&o, &NoProgress).unwrap();
    o.max_concurrency = Some(2);
    serve(&o, &NoProgress).unwrap();
    let text = std::fs::read_to_string(&lines).unwrap();
    let rows: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert_eq!(rows[1]["max_concurrency"], 2);
    for row in &rows {
        assert_eq!(row["completed"], 4);
        // SGLang's total_input_tokens is the dataset's count (8 × 4), not usage.
        assert_eq!(row["total_input_tokens"], 32);
        assert!(row["max_concurrent_requests"].as_u64().unwrap() >= 1);
        assert!(row["perfpilot_max_concurrent_requests_exact"].is_u64());
    }
    // vLLM --save-result --result-dir: vLLM's file name inside the directory.
    let out = dir.path().join("vllm");
    o.compat = Some(CompatFormat::Vllm);
    o.compat_output = Some(out.join(""));
    o.vllm_percentiles = Some(VllmPercentiles::parse("ttft,e2el", "50,99").unwrap());
    serve(&o, &NoProgress).unwrap();
    let files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].starts_with("perfpilot-infqps-concurrency2-test-model-"), "{files:?}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join(&files[0])).unwrap()).unwrap();
    assert!(v["p50_ttft_ms"].is_number() && v["p99_e2el_ms"].is_number(), "{v}");
    assert!(v.get("p99_itl_ms").is_none());
}
