//! `serve` against the in-process test server (a real HTTP server that misbehaves on
//! demand): every failure kind is classified, counted and bounded; results are written
//! on every path.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use perfpilot_bench::test_server::{Fault, TestServer, TestServerConfig};
use perfpilot_bench::{NumberOrInf, ServeOptions, TokenizerChoice, serve};
use perfpilot_report::NoProgress;
use perfpilot_workload::*;

fn ids_dataset(input_len: u32, output_len: u32) -> DatasetSpec {
    DatasetSpec::Random(RandomSpec {
        input_len,
        output_len,
        range_ratio: 0.0,
        range_mode: RangeMode::Vllm,
        token_ids: true,
        vocab_size: Some(1000),
    })
}

fn opts(url: &str, n: usize) -> ServeOptions {
    let mut o = ServeOptions::new(url);
    o.dataset = ids_dataset(8, 6);
    o.num_prompts = Some(n);
    o.warmup = 0;
    o
}

fn measured(path: &std::path::Path) -> Vec<RequestRecord> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<RequestRecord>(l).unwrap())
        .filter(|r| !r.warmup)
        .collect()
}

#[test]
fn clean_run_counts_every_token() {
    let srv = TestServer::start(TestServerConfig {
        ttft: Duration::from_millis(20),
        itl: Duration::from_millis(2),
        ..Default::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut o = opts(&srv.url, 24);
    o.max_concurrency = Some(4);
    o.warmup = 2;
    o.output = Some(dir.path().join("run.json"));
    let r = serve(&o, &NoProgress).unwrap();
    let s = &r.summary;
    assert_eq!((s.completed, s.failed), (24, 0));
    assert_eq!(s.total_output_tokens, 24 * 6);
    assert_eq!(s.token_counts.by_source.get("usage"), Some(&24));
    assert_eq!(s.token_counts.early_stops, 0);
    // The server adds one "BOS" to prompt_tokens: the server's count is used.
    assert_eq!(s.total_input_tokens, 24 * 9);
    assert_eq!(s.total_input_tokens_client, 24 * 8);
    assert!(s.ttft_ms.unwrap().min >= 20.0, "{:?}", s.ttft_ms);
    assert_eq!(s.itl_ms.unwrap().count, 24 * 5);
    assert!(s.max_concurrency <= 4);
    // Under the cap, waiting for a slot is slot wait, not client dispatch lag.
    assert!(s.slot_wait_ms.unwrap().max > 20.0, "{:?}", s.slot_wait_ms);
    assert!(s.dispatch_lag_ms.unwrap().p99 < 20.0, "{:?}", s.dispatch_lag_ms);
    assert_eq!(r.settings.model.as_deref(), Some("test-model"));
    assert_eq!(r.status, RunStatus::Complete);
    // Files: result envelope and per-request records (warmup included, flagged).
    let env: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("run.json")).unwrap()).unwrap();
    assert_eq!(env["schema_version"], "perfpilot.bench.serve/2");
    let recs_text = std::fs::read_to_string(dir.path().join("run.records.jsonl")).unwrap();
    assert_eq!(recs_text.lines().count(), 26);
    let recs = measured(&dir.path().join("run.records.jsonl"));
    assert!(recs.iter().all(|r| r.chunk_tokens == vec![1; 6] && r.done_s.is_some()));
    // Keep-alive server: connections were reused.
    assert!(srv.connections.load(std::sync::atomic::Ordering::Relaxed) < 26);
}

#[test]
fn every_fault_is_classified() {
    let faults: HashMap<u64, Fault> = [
        (1, Fault::Status(503)),
        (2, Fault::StallAfter(2)),
        (3, Fault::CutAfter(2)),
        (4, Fault::MalformedAt(1)),
        (5, Fault::ErrorEventAfter(1)),
        (6, Fault::EarlyStop(3)),
        (7, Fault::NoUsage),
        (8, Fault::TokensPerChunk(3)),
    ]
    .into_iter()
    .collect();
    let srv = TestServer::start(TestServerConfig { faults, ..Default::default() }).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut o = opts(&srv.url, 10);
    o.stall_timeout_s = 0.5;
    o.records = Some(dir.path().join("recs.jsonl"));
    let t = Instant::now();
    let r = serve(&o, &NoProgress).unwrap();
    assert!(t.elapsed() < Duration::from_secs(5), "bounded by the stall timeout");
    let s = &r.summary;
    assert_eq!((s.completed, s.failed), (5, 5), "{:?}", s.failures);
    for kind in ["http-status", "timeout", "stream-cut", "malformed-chunk"] {
        assert!(s.failures.contains_key(kind), "{kind} missing: {:?}", s.failures);
    }
    assert_eq!(s.failures.get("http-status"), Some(&2)); // 503 and the in-stream error event
    let recs = measured(&dir.path().join("recs.jsonl"));
    let by_id = |id: u64| recs.iter().find(|r| r.id == id).unwrap();
    assert_eq!(by_id(1).http_status, Some(503));
    assert!(by_id(1).error.as_ref().unwrap().message.contains("503"));
    // Early stop: counted from usage, flagged, never credited with the requested max.
    let early = by_id(6);
    assert_eq!((early.output_tokens, early.early_stop), (Some(3), true));
    assert_eq!(early.finish_reason.as_deref(), Some("stop"));
    // No usage and no tokenizer: the chunk count, and the source says so.
    assert_eq!(by_id(7).output_tokens_source, TokenCountSource::Chunks);
    assert_eq!(by_id(7).output_tokens, Some(6));
    // Three tokens per chunk: 2 chunks of 3 tokens, usage 6.
    let spec = by_id(8);
    assert_eq!((spec.chunk_times_s.len(), spec.chunk_tokens.clone()), (2, vec![3, 3]));
    assert_eq!(s.token_counts.early_stops, 1);
    assert!(r.notes.iter().any(|n| n.contains("ignore_eos")), "{:?}", r.notes);
}

#[test]
fn server_that_closes_after_each_stream_is_retried_not_failed() {
    let srv =
        TestServer::start(TestServerConfig { close_after_stream: true, ..Default::default() })
            .unwrap();
    let mut o = opts(&srv.url, 30);
    o.max_concurrency = Some(2);
    let r = serve(&o, &NoProgress).unwrap();
    assert_eq!((r.summary.completed, r.summary.failed), (30, 0), "{:?}", r.summary.failures);
    // A new connection per request: setup time recorded for (almost) every request.
    assert!(r.summary.connect_ms.unwrap().count >= 28);
}

#[test]
fn chat_ttft_skips_the_role_chunk() {
    let srv = TestServer::start(TestServerConfig {
        ttft: Duration::from_millis(60),
        ..Default::default()
    })
    .unwrap();
    let mut o = opts(&srv.url, 4);
    o.endpoint = Endpoint::Chat;
    o.tokenizer = Some(TokenizerChoice::Server);
    o.dataset = DatasetSpec::Random(RandomSpec {
        input_len: 12,
        output_len: 5,
        range_ratio: 0.0,
        range_mode: RangeMode::Vllm,
        token_ids: false,
        vocab_size: None,
    });
    let r = serve(&o, &NoProgress).unwrap();
    assert_eq!(r.summary.completed, 4);
    assert!(r.summary.ttft_ms.unwrap().min >= 60.0, "{:?}", r.summary.ttft_ms);
    assert_eq!(r.summary.total_output_tokens, 20);
    // The server tokenizer recounted the output: " tok0 tok1 …" is 5 words.
    assert_eq!(r.summary.total_output_tokens_retokenized, Some(20));
    assert_eq!(r.settings.dataset.input_len.unwrap().min, 12);
}

#[test]
fn deadline_cancels_and_still_writes_the_result() {
    let faults = (0..6).map(|i| (i, Fault::StallAfter(1))).collect();
    let srv = TestServer::start(TestServerConfig { faults, ..Default::default() }).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut o = opts(&srv.url, 6);
    o.deadline_s = Some(0.7);
    o.output = Some(dir.path().join("d.json"));
    let t = Instant::now();
    let r = serve(&o, &NoProgress).unwrap();
    assert!(t.elapsed() < Duration::from_secs(4));
    assert_eq!(r.status, RunStatus::DeadlineReached);
    assert_eq!(r.summary.failures.get("deadline"), Some(&6));
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("d.json")).unwrap()).unwrap();
    assert_eq!(written["result"]["status"], "deadline-reached");
}

#[test]
fn duration_stops_dispatch_and_schedule_is_followed() {
    let srv = TestServer::start(TestServerConfig::default()).unwrap();
    let mut o = opts(&srv.url, 200);
    o.request_rate = Some(NumberOrInf::Number(40.0));
    o.burstiness = Some(NumberOrInf::Text("inf".into()));
    o.duration_s = Some(0.5);
    let dir = tempfile::tempdir().unwrap();
    o.records = Some(dir.path().join("r.jsonl"));
    let r = serve(&o, &NoProgress).unwrap();
    assert_eq!(r.status, RunStatus::DurationReached);
    // Constant 40 req/s: sends at 0.025, 0.05, … ≤ 0.5 s → 20 requests.
    assert_eq!(r.summary.requests, 20);
    assert!(r.notes.iter().any(|n| n.contains("180 of 200")), "{:?}", r.notes);
    let recs = measured(&dir.path().join("r.jsonl"));
    for rec in &recs {
        assert!((rec.scheduled_s - 0.025 * (rec.id + 1) as f64).abs() < 1e-9);
        assert!(rec.dispatch_lag_s() < 0.02, "lag {}", rec.dispatch_lag_s());
    }
}

#[test]
fn unreachable_server_is_a_clear_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let e =
        serve(&opts(&format!("http://127.0.0.1:{port}"), 1), &NoProgress).unwrap_err().to_string();
    assert!(e.contains("/v1/models") && e.contains(&port.to_string()), "{e}");
}

#[test]
fn api_key_is_sent_but_never_written() {
    let key = "sk-test-5f2e9c0d";
    let srv =
        TestServer::start(TestServerConfig { api_key: Some(key.into()), ..Default::default() })
            .unwrap();
    // SAFETY: a variable name only this test uses.
    #[allow(unsafe_code)]
    unsafe {
        std::env::set_var("PERFPILOT_TEST_KEY_1", key)
    };
    let dir = tempfile::tempdir().unwrap();
    let mut o = opts(&srv.url, 3);
    o.api_key_env = Some("PERFPILOT_TEST_KEY_1".into());
    o.output = Some(dir.path().join("k.json"));
    o.compat = Some(CompatFormat::Vllm);
    let r = serve(&o, &NoProgress).unwrap();
    assert_eq!(r.summary.completed, 3);
    for f in std::fs::read_dir(dir.path()).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        assert!(!text.contains(key));
    }
    let compat: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("k.vllm.json")).unwrap()).unwrap();
    assert_eq!(compat["completed"], 3);
    // Without the key the server refuses: preflight fails clearly.
    let mut o = opts(&srv.url, 1);
    o.api_key_env = Some("PERFPILOT_TEST_KEY_UNSET".into());
    assert!(serve(&o, &NoProgress).unwrap_err().to_string().contains("PERFPILOT_TEST_KEY_UNSET"));
}

#[test]
fn all_warmups_failing_aborts() {
    let srv = TestServer::start(TestServerConfig {
        faults: [(0, Fault::Status(500))].into_iter().collect(),
        ..Default::default()
    })
    .unwrap();
    let mut o = opts(&srv.url, 2);
    o.warmup = 1;
    let e = serve(&o, &NoProgress).unwrap_err().to_string();
    assert!(e.contains("warmup") && e.contains("500"), "{e}");
}
