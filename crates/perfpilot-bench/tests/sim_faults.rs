//! Error paths against the simulator's real-time HTTP server (`perfpilot-sim`), with its
//! own fault injection: 5xx, disconnects, stalls, malformed chunks. Each failure is
//! classified by kind and the run stays bounded.

use std::time::{Duration, Instant};

use perfpilot_bench::{ServeOptions, serve};
use perfpilot_report::NoProgress;
use perfpilot_sim::{Faults, SimServerConfig, spawn_server};
use perfpilot_workload::*;

fn run(faults: Faults, n: usize, stall_timeout_s: f64) -> (BenchResult, Duration) {
    let mut cfg = SimServerConfig::with_profile("zero-cost").unwrap();
    cfg.faults = faults;
    cfg.access_log = false;
    let sim = spawn_server(cfg).unwrap();
    let mut o = ServeOptions::new(sim.url());
    o.dataset = DatasetSpec::Random(RandomSpec {
        input_len: 16,
        output_len: 8,
        range_ratio: 0.0,
        range_mode: RangeMode::Vllm,
        token_ids: true,
        vocab_size: Some(32000),
    });
    o.num_prompts = Some(n);
    o.warmup = 0;
    o.stall_timeout_s = stall_timeout_s;
    let t = Instant::now();
    let r = serve(&o, &NoProgress).unwrap();
    let took = t.elapsed();
    // (A frozen scheduler makes the shutdown wait for the end of the freeze.)
    sim.shutdown();
    (r, took)
}

#[test]
fn sim_5xx_are_http_status_failures() {
    let (r, _) =
        run(Faults { error_rate: 1.0, error_status: Some(503), ..Faults::default() }, 4, 10.0);
    assert_eq!(r.summary.failures.get("http-status"), Some(&4), "{:?}", r.summary.failures);
    assert_eq!(r.summary.completed, 0);
    assert!(r.summary.ttft_ms.is_none(), "no latency from failed requests");
}

#[test]
fn sim_disconnects_are_stream_cuts() {
    let (r, _) = run(Faults { disconnect_after_tokens: Some(3), ..Faults::default() }, 4, 10.0);
    assert_eq!(r.summary.failures.get("stream-cut"), Some(&4), "{:?}", r.summary.failures);
}

#[test]
fn sim_malformed_chunks_are_classified() {
    let (r, _) = run(Faults { malformed_chunk_at_token: Some(2), ..Faults::default() }, 3, 10.0);
    assert_eq!(r.summary.failures.get("malformed-chunk"), Some(&3), "{:?}", r.summary.failures);
}

#[test]
fn sim_stall_is_bounded_by_the_stall_timeout() {
    let (r, took) = run(
        Faults { stall_s: Some(5.0), stall_after_requests: Some(1), ..Faults::default() },
        2,
        1.0,
    );
    assert!(took < Duration::from_secs(4), "took {took:?}");
    assert!(
        r.summary.failures.get("timeout").copied().unwrap_or(0) >= 1,
        "{:?}",
        r.summary.failures
    );
}
