//! Virtual-time runs: determinism, the shared result record, and agreement with the
//! real-time server driven over HTTP.

use std::sync::Arc;
use std::time::Instant;

use perfpilot_report::Report;
use perfpilot_sim::{Profile, SimRunOptions, SimServerConfig, run_virtual, spawn_server};
use perfpilot_workload::{
    ArrivalSpec, DatasetSpec, Prompt, RandomSpec, RangeMode, Schedule, ShareGptSpec,
    SharedPrefixSpec, generate,
};
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    format!("{}/../../tests/fixtures/sim/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn random(input: u32, output: u32) -> DatasetSpec {
    DatasetSpec::Random(RandomSpec {
        input_len: input,
        output_len: output,
        range_ratio: 0.5,
        range_mode: RangeMode::Vllm,
        token_ids: true,
        vocab_size: Some(32000),
    })
}

#[test]
fn same_seed_gives_identical_results_and_another_seed_does_not() {
    let mut o = SimRunOptions::new("sglang-h100-llama3.1-8b", random(512, 128), Some(200));
    o.request_rate = Some(20.0);
    let a = serde_json::to_string(&run_virtual(&o).unwrap()).unwrap();
    let b = serde_json::to_string(&run_virtual(&o).unwrap()).unwrap();
    assert_eq!(a, b);
    o.seed = 7;
    let c = serde_json::to_string(&run_virtual(&o).unwrap()).unwrap();
    assert_ne!(a, c);
}

#[test]
fn result_is_the_bench_record_with_sane_numbers() {
    let mut o = SimRunOptions::new("sglang-h100-llama3.1-8b", random(1024, 256), Some(100));
    o.max_concurrency = Some(8);
    let r = run_virtual(&o).unwrap();
    assert_eq!(r.schema_version(), "perfpilot.sim.run/1");
    let s = &r.result.summary;
    assert_eq!((s.completed, s.failed), (100, 0));
    assert!(s.max_concurrency <= 8);
    let tpot = s.tpot_ms.as_ref().unwrap().mean;
    // 8 running x ~1.3k context: 6.4 ms + 8 x 27 us + ~10k x 49 ns ~= 7.1 ms.
    assert!((6.5..8.0).contains(&tpot), "tpot {tpot}");
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["result"]["settings"]["client"], "perfpilot sim run (virtual time)");
    let md = perfpilot_report::render_to_string(
        &perfpilot_report::Envelope::new("sim run", r),
        perfpilot_report::Format::Md,
    )
    .unwrap();
    assert!(md.contains("Simulated engine"));
}

#[test]
fn shared_prefix_workload_hits_the_cache_and_sharegpt_runs() {
    let spec = DatasetSpec::SharedPrefix(SharedPrefixSpec {
        num_groups: 4,
        system_prompt_len: 1024,
        question_len: 64,
        output_len: 32,
        token_ids: true,
        vocab_size: Some(32000),
    });
    let r = run_virtual(&SimRunOptions::new("sglang-h100-llama3.1-8b", spec, Some(64))).unwrap();
    // Each group's system prompt is computed once per batch: most of the 64 prompts hit.
    // Requests of a group admitted in the same prefill batch as its first one miss.
    assert!(r.engine.cached_tokens >= 50 * 1024, "{:?}", r.engine);
    // ShareGPT and its tokenizer are committed fixtures (tests/fixtures/bench/SOURCES.md).
    let bench = format!("{}/../../tests/fixtures/bench", env!("CARGO_MANIFEST_DIR"));
    let spec = DatasetSpec::Sharegpt(ShareGptSpec {
        path: format!("{bench}/datasets/sharegpt_v3_sample_200.json").into(),
        output_len: Some(64),
        context_len: None,
    });
    let mut o = SimRunOptions::new("sglang-h100-llama3.1-8b", spec, Some(50));
    o.tokenizer = Some(format!("{bench}/tokenizers/gpt2/tokenizer.json").into());
    let r = run_virtual(&o).unwrap();
    assert_eq!(r.result.summary.completed, 50);
    // Prompt counts come from the same tokenizer file the dataset used.
    assert_eq!(r.result.summary.total_input_tokens, r.result.summary.total_input_tokens_client);
}

#[test]
fn kv_pressure_what_if_shows_retractions() {
    let mut o = SimRunOptions::new(&fixture("tiny-costs.toml"), random(200, 200), Some(40));
    o.overrides.schedule_conservativeness = Some(0.05);
    o.overrides.context_len = Some(1024);
    let r = run_virtual(&o).unwrap();
    assert!(r.engine.retracted_requests > 0);
    assert_eq!(r.result.summary.completed, 40, "{:?} {:?}", r.result.summary.failures, r.engine);
    o.overrides.max_total_tokens = Some(1 << 20);
    o.overrides.max_running_requests = Some(4);
    let r2 = run_virtual(&o).unwrap();
    assert_eq!(r2.engine.retracted_requests, 0);
}

/// Drive the real-time server with the same workload and client model; the means of
/// TTFT and TPOT must agree with the virtual run within 5 %.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn virtual_and_real_time_agree_within_5_percent() {
    let profile = fixture("tiny-costs.toml");
    // Steps of 25-40 ms and TTFTs near 100 ms, so that the HTTP path's fixed cost
    // (about 1-2 ms on this 2-core machine) stays small against what is modelled.
    let spec = random(384, 16);
    let (n, cap, rate, seed) = (16usize, 4u32, 10.0, 11u64);
    let mut opts = SimRunOptions::new(&profile, spec.clone(), Some(n));
    opts.overrides.cost_scale = Some(6.0);
    opts.overrides.context_len = Some(1024);
    opts.max_concurrency = Some(cap);
    opts.request_rate = Some(rate);
    opts.seed = seed;
    let v = run_virtual(&opts).unwrap().result.summary;

    let mut cfg = SimServerConfig::new(Profile::load(&profile).unwrap());
    cfg.overrides = opts.overrides.clone();
    cfg.seed = seed;
    let server = spawn_server(cfg).unwrap();
    let url = format!("{}/v1/completions", server.url());
    let data = generate(&spec, Some(n), seed, None).unwrap();
    let sched = Schedule::generate(&ArrivalSpec::new(Some(rate), 1.0).unwrap(), n, seed).unwrap();
    let client = reqwest::Client::new();
    let sem = Arc::new(tokio::sync::Semaphore::new(cap as usize));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (r, at) in data.requests.iter().zip(sched.send_at_s) {
        let Prompt::TokenIds(ids) = &r.prompt else { panic!("token-id prompts expected") };
        let body =
            json!({"prompt": ids, "max_tokens": r.output_len, "ignore_eos": true, "stream": true});
        let wait = start + std::time::Duration::from_secs_f64(at);
        tokio::time::sleep_until(wait.into()).await;
        let permit = sem.clone().acquire_owned().await.unwrap();
        let (client, url) = (client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let sent = Instant::now();
            let mut resp = client.post(url).json(&body).send().await.unwrap();
            let (mut first, mut last, mut tokens) = (None, 0.0, 0u32);
            let mut buf = String::new();
            while let Some(chunk) = resp.chunk().await.unwrap() {
                buf.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(pos) = buf.find("\n\n") {
                    let ev: String = buf.drain(..pos + 2).collect();
                    let Some(d) = ev.trim().strip_prefix("data: ") else { continue };
                    if d == "[DONE]" {
                        continue;
                    }
                    let v: Value = serde_json::from_str(d).unwrap();
                    if v["choices"][0]["text"].as_str().is_some_and(|t| !t.is_empty()) {
                        let el = sent.elapsed().as_secs_f64();
                        first.get_or_insert(el);
                        last = el;
                        tokens += 1;
                    }
                }
            }
            drop(permit);
            let ttft = first.unwrap();
            (ttft, (last - ttft) / f64::from(tokens - 1))
        }));
    }
    let mut res = Vec::new();
    for t in tasks {
        res.push(t.await.unwrap());
    }
    server.shutdown();
    let mean =
        |f: fn(&(f64, f64)) -> f64| res.iter().map(f).sum::<f64>() / res.len() as f64 * 1000.0;
    let (rt_ttft, rt_tpot) = (mean(|x| x.0), mean(|x| x.1));
    let (v_ttft, v_tpot) = (v.ttft_ms.unwrap().mean, v.tpot_ms.unwrap().mean);
    let err = |a: f64, b: f64| (a - b).abs() / b;
    eprintln!(
        "TTFT real {rt_ttft:.2} ms vs virtual {v_ttft:.2} ms; TPOT real {rt_tpot:.2} vs virtual {v_tpot:.2}"
    );
    assert!(err(rt_ttft, v_ttft) < 0.05, "TTFT real {rt_ttft:.2} ms vs virtual {v_ttft:.2} ms");
    assert!(err(rt_tpot, v_tpot) < 0.05, "TPOT real {rt_tpot:.2} ms vs virtual {v_tpot:.2} ms");
}
