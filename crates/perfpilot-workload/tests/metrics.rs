//! `summarize` on a hand-made set of records whose every aggregate was computed by hand
//! with the anchors' definitions (tests/fixtures/bench/records/hand.jsonl):
//!
//! * R0 sent 0.0: chunks at 0.1 0.2 0.3 0.5 (1 token each), [DONE] 0.52, 4 tokens.
//! * R1 sent 0.5: chunks at 0.2 0.4 0.6 (1, 2, 1 tokens), [DONE] 0.61, usage 4, recount 5.
//! * R2 sent 1.0: one chunk at 0.3, 1 token of 8 requested (early stop).
//! * R3 sent 1.5: stream cut at 0.5.   * a warmup record that must be ignored.

use std::path::Path;

use perfpilot_workload::*;

fn records() -> Vec<RequestRecord> {
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/bench/records/hand.jsonl");
    std::fs::read_to_string(p).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn aggregates_match_hand_computation() {
    let slo: Slo = "ttft=250,tpot=140".parse().unwrap();
    let s = summarize(&records(), &SummaryOptions { slo: Some(slo), window: None });
    assert_eq!((s.requests, s.completed, s.failed), (4, 3, 1));
    assert_eq!(s.failures.get("stream-cut"), Some(&1));
    // Window: run start → last end (R3 ends at 1.5 + 0.5).
    close(s.duration_s, 2.0);
    assert_eq!((s.total_input_tokens, s.total_input_tokens_client), (37, 35));
    assert_eq!(s.total_output_tokens, 9);
    assert_eq!(s.total_output_tokens_retokenized, Some(5));
    close(s.request_throughput.unwrap(), 1.5);
    close(s.input_throughput.unwrap(), 18.5);
    close(s.output_throughput.unwrap(), 4.5);
    close(s.total_throughput.unwrap(), 23.0);
    // Bucket [0,1): R0 4 tokens + R1 chunks at 0.7 and 0.9 (1 + 2) = 7.
    close(s.max_output_tokens_per_s.unwrap(), 7.0);
    assert_eq!(s.max_concurrency, 2);
    close(s.mean_concurrency.unwrap(), (0.52 + 0.61 + 0.3 + 0.5) / 2.0);

    let ttft = s.ttft_ms.unwrap();
    close(ttft.mean, 200.0);
    close(ttft.median, 200.0);
    close(ttft.std, (20000.0f64 / 3.0).sqrt()); // population std of 100, 200, 300
    close(ttft.p99, 298.0); // rank 1.98 → 200 + 0.98·100
    let tpot = s.tpot_ms.unwrap();
    assert_eq!(tpot.count, 2); // R2 has one token: no TPOT
    close(tpot.mean, 400.0 / 3.0);
    let itl = s.itl_ms.unwrap();
    assert_eq!(itl.count, 5); // per chunk: 100 100 200 | 200 200
    close(itl.mean, 160.0);
    close(itl.median, 200.0);
    close(itl.std, 2400f64.sqrt());
    close(itl.p90, 200.0);
    let e2e = s.e2e_ms.unwrap();
    close(e2e.mean, 1400.0 / 3.0);
    close(e2e.median, 500.0);
    close(s.e2e_incl_done_ms.unwrap().mean, (520.0 + 610.0 + 300.0) / 3.0);
    close(s.tokens_per_chunk.unwrap().mean, 9.0 / 8.0);

    let tc = &s.token_counts;
    assert_eq!(tc.by_source.get("usage"), Some(&3));
    assert_eq!(tc.early_stops, 1);
    assert_eq!(tc.requested_output_tokens, 16);
    assert_eq!(tc.recount_disagreements, 1);
    close(tc.max_recount_diff_pct.unwrap(), 25.0);

    let g = s.goodput.unwrap();
    assert_eq!(g.good_requests, 2); // R2 misses TTFT, R3 failed
    close(g.attainment, 0.5);
    close(g.request_goodput.unwrap(), 1.0);
    close(g.ttft_attainment.unwrap(), 0.5);
    close(g.tpot_attainment.unwrap(), 0.75); // one-token R2 passes TPOT
    assert!(!g.passed);
}

#[test]
fn slo_parsing() {
    let s: Slo = "ttft=200, e2e=5000, attainment=95%".parse().unwrap();
    assert_eq!((s.ttft_ms, s.tpot_ms, s.e2e_ms), (Some(200.0), None, Some(5000.0)));
    close(s.min_attainment, 0.95);
    assert!("ttft=x".parse::<Slo>().is_err());
    assert!("foo=1".parse::<Slo>().is_err());
    assert!("attainment=0.9".parse::<Slo>().is_err(), "no bound given");
}

#[test]
fn compat_keys_carry_the_same_numbers() {
    let recs = records();
    let summary = summarize(&recs, &SummaryOptions::default());
    let dataset = Dataset::from_requests(
        DatasetSpec::Jsonl(JsonlSpec { path: "hand.jsonl".into() }),
        0,
        None,
        Vec::new(),
        Vec::new(),
    );
    let result = BenchResult {
        status: RunStatus::Complete,
        started_unix_s: 0.0,
        settings: RunSettings {
            client: "test".into(),
            base_url: None,
            endpoint: Endpoint::Completions,
            model: Some("m".into()),
            server: None,
            dataset: dataset.info,
            arrival: ArrivalSpec::all_at_once(),
            seed: 0,
            num_prompts: 4,
            warmup_requests: 1,
            max_concurrency: None,
            sampling: SamplingSettings {
                ignore_eos: true,
                min_tokens: None,
                temperature: Some(0.0),
                extra_body: None,
                include_usage: true,
            },
            limits: RunLimits { duration_s: None, deadline_s: None, stall_timeout_s: None },
            connection_policy: None,
            request_headers: Vec::new(),
        },
        summary,
        client_overhead: None,
        records_file: None,
        notes: Vec::new(),
        samples: None,
        cache: None,
        failure_check: None,
        repeats: Vec::new(),
    };
    let v = compat_json(&result, CompatFormat::Vllm, Some(&recs));
    close(v["mean_ttft_ms"].as_f64().unwrap(), 200.0);
    close(v["median_e2el_ms"].as_f64().unwrap(), 500.0);
    assert_eq!(v["request_rate"], "inf");
    assert_eq!(v["failed"], 1);
    assert_eq!(v["ttfts"].as_array().unwrap().len(), 4);
    let s = compat_json(&result, CompatFormat::Sglang, None);
    // SGLang's E2E ends at the last line read ([DONE]).
    close(s["mean_e2e_latency_ms"].as_f64().unwrap(), 1430.0 / 3.0);
    close(s["p99_ttft_ms"].as_f64().unwrap(), 298.0);
    assert_eq!(s["completed"], 3);
    // The human view renders.
    let md = perfpilot_report::render_to_string(
        &perfpilot_report::Envelope::new("bench serve", result),
        perfpilot_report::Format::Md,
    )
    .unwrap();
    assert!(md.contains("TTFT (ms)") && md.contains("stream-cut"), "{md}");
}
