//! Drive the real-time server with a real HTTP client through every endpoint and every
//! fault flag.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use perfpilot_sim::{Faults, LogSink, Profile, SimServerConfig, SimServerHandle, spawn_server};
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    format!("{}/../../tests/fixtures/sim/{name}", env!("CARGO_MANIFEST_DIR"))
}

struct Server {
    handle: SimServerHandle,
    log: Arc<Mutex<Vec<String>>>,
    client: reqwest::Client,
}

impl Server {
    fn start(profile: &str, faults: Faults) -> Server {
        Server::start_with(profile, |c| c.faults = faults)
    }

    fn start_with(profile: &str, f: impl FnOnce(&mut SimServerConfig)) -> Server {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut cfg = SimServerConfig::new(Profile::load(profile).unwrap());
        cfg.log = LogSink::Memory(log.clone());
        f(&mut cfg);
        let handle = spawn_server(cfg).unwrap();
        Server { handle, log, client: reqwest::Client::new() }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.url())
    }

    fn log_has(&self, needle: &str) -> bool {
        self.log.lock().unwrap().iter().any(|l| l.contains(needle))
    }

    async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.client.post(self.url(path)).json(&body).send().await.unwrap()
    }

    /// Send now, concurrently with other requests.
    fn spawn_post(&self, path: &str, body: Value) -> tokio::task::JoinHandle<reqwest::Response> {
        let (client, url) = (self.client.clone(), self.url(path));
        tokio::spawn(async move { client.post(url).json(&body).send().await.unwrap() })
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }
}

/// Read an SSE response: the `data:` payloads, and whether the stream ended cleanly.
async fn sse(mut resp: reqwest::Response) -> (Vec<String>, bool) {
    let mut buf = String::new();
    let clean = loop {
        match resp.chunk().await {
            Ok(Some(b)) => buf.push_str(&String::from_utf8_lossy(&b)),
            Ok(None) => break true,
            Err(_) => break false,
        }
    };
    let data =
        buf.split("\n\n").filter_map(|e| e.strip_prefix("data: ")).map(str::to_string).collect();
    (data, clean)
}

fn completion(max_tokens: u32) -> Value {
    json!({"model": "m", "prompt": "The capital of France is", "max_tokens": max_tokens,
           "stream": true, "ignore_eos": true, "stream_options": {"include_usage": true}})
}

#[tokio::test]
async fn completions_stream_tokens_usage_and_done() {
    let s = Server::start("zero-cost", Faults::default());
    let (data, clean) = sse(s.post("/v1/completions", completion(12)).await).await;
    assert!(clean);
    assert_eq!(data.last().unwrap(), "[DONE]");
    let chunks: Vec<Value> =
        data[..data.len() - 1].iter().map(|d| serde_json::from_str(d).unwrap()).collect();
    let text: Vec<&Value> =
        chunks.iter().filter(|c| !c["choices"].as_array().unwrap().is_empty()).collect();
    assert_eq!(text.len(), 12);
    assert!(text.iter().all(|c| !c["choices"][0]["text"].as_str().unwrap().is_empty()));
    assert_eq!(text[11]["choices"][0]["finish_reason"], "length");
    assert!(text[10]["choices"][0]["finish_reason"].is_null());
    let usage = &chunks.last().unwrap()["usage"];
    assert_eq!(usage["completion_tokens"], 12);
    assert_eq!(usage["prompt_tokens"], 5);
    assert_eq!(usage["total_tokens"], 17);
}

#[tokio::test]
async fn chat_streams_a_role_chunk_then_content() {
    let s = Server::start("zero-cost", Faults::default());
    let body = json!({"messages": [{"role": "user", "content": "Hi there"}], "max_completion_tokens": 5,
                      "stream": true, "ignore_eos": true});
    let (data, _) = sse(s.post("/v1/chat/completions", body).await).await;
    let first: Value = serde_json::from_str(&data[0]).unwrap();
    assert_eq!(first["object"], "chat.completion.chunk");
    assert_eq!(first["choices"][0]["delta"]["role"], "assistant");
    let content = data.iter().filter(|d| d.contains("\"content\":\" ")).count();
    assert_eq!(content, 5);
    assert!(!data.iter().any(|d| d.contains("\"usage\"")), "no usage without include_usage");
}

#[tokio::test]
async fn non_streaming_responses_and_simulated_eos() {
    let s = Server::start("zero-cost", Faults::default());
    let v: Value = s
        .post("/v1/completions", json!({"prompt": [1, 2, 3], "max_tokens": 7, "ignore_eos": true}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["usage"]["completion_tokens"], 7);
    assert_eq!(v["choices"][0]["finish_reason"], "length");
    assert_eq!(v["usage"]["prompt_tokens"], 3);
    // Without ignore_eos the simulated EOS (mean 256 tokens) ends most of 30 requests
    // with 2000 allowed before the limit; min_tokens holds it off.
    let mut stops = 0;
    for i in 0..30 {
        let v: Value = s
            .post("/v1/completions", json!({"prompt": format!("question {i}"), "max_tokens": 2000}))
            .await
            .json()
            .await
            .unwrap();
        if v["choices"][0]["finish_reason"] == "stop" {
            stops += 1;
            assert!(v["usage"]["completion_tokens"].as_u64().unwrap() < 2000);
        }
        let v: Value = s
            .post(
                "/v1/completions",
                json!({"prompt": format!("question {i}"), "max_tokens": 2000, "min_tokens": 1500}),
            )
            .await
            .json()
            .await
            .unwrap();
        assert!(v["usage"]["completion_tokens"].as_u64().unwrap() >= 1500);
    }
    assert!(stops >= 25, "{stops}");
    let v: Value = s.post("/v1/chat/completions", json!({"messages": [{"role": "user", "content": "x"}], "max_tokens": 3, "ignore_eos": true}))
        .await.json().await.unwrap();
    assert_eq!(v["object"], "chat.completion");
    assert_eq!(v["choices"][0]["message"]["role"], "assistant");
}

#[tokio::test]
async fn operational_endpoints() {
    let s = Server::start("sglang-h100-llama3.1-8b", Faults::default());
    let cap = Profile::load("sglang-h100-llama3.1-8b").unwrap().capacity();
    assert_eq!(s.get("/health").await.status(), 200);
    assert_eq!(s.get("/health_generate").await.status(), 200);
    let models: Value = s.get("/v1/models").await.json().await.unwrap();
    assert_eq!(models["data"][0]["id"], "meta-llama/Llama-3.1-8B-Instruct");
    for path in ["/server_info", "/get_server_info"] {
        let info: Value = s.get(path).await.json().await.unwrap();
        assert_eq!(info["internal_states"][0]["max_total_num_tokens"], cap.max_total_num_tokens);
        assert_eq!(info["internal_states"][0]["max_running_requests"], cap.max_running_requests);
        assert_eq!(info["chunked_prefill_size"], 8192);
    }
    let tok: Value =
        s.post("/tokenize", json!({"prompt": "Hello world"})).await.json().await.unwrap();
    assert_eq!(tok["count"], 2);
    assert_eq!(tok["tokens"].as_array().unwrap().len(), 2);
    let tok: Value =
        s.post("/tokenize", json!({"content": "Hello world"})).await.json().await.unwrap();
    assert_eq!(tok["count"], 2);
    let info: Value = s.get("/get_model_info").await.json().await.unwrap();
    assert_eq!(info["is_generation"], true);
    assert_eq!(s.post("/flush_cache", json!({})).await.status(), 200);
    // vLLM's spelling flushes the same cache.
    assert_eq!(s.post("/reset_prefix_cache", json!({})).await.status(), 200);
    assert_eq!(s.get("/reset_prefix_cache").await.status(), 405);
    assert_eq!(s.get("/nope").await.status(), 404);
    assert_eq!(s.get("/v1/completions").await.status(), 405);
    // Traffic, then the Prometheus page.
    for _ in 0..3 {
        sse(s.post("/v1/completions", completion(4)).await).await;
    }
    let m = s.get("/metrics").await.text().await.unwrap();
    for name in [
        "sglang:num_running_reqs{",
        "sglang:num_queue_reqs{",
        "sglang:token_usage{",
        "sglang:gen_throughput{",
        "sglang:prompt_tokens_total{",
        "sglang:generation_tokens_total{",
        "sglang:e2e_request_latency_seconds_bucket{",
        "sglang:queue_time_seconds_count{",
    ] {
        assert!(m.contains(name), "{name} missing");
    }
    // 3 requests + the health_generate probe.
    assert!(m.contains("sglang:time_to_first_token_seconds_count{model_name=\"meta-llama/Llama-3.1-8B-Instruct\"} 4.0"), "{m}");
    assert!(m.contains(
        "sglang:generation_tokens_total{model_name=\"meta-llama/Llama-3.1-8B-Instruct\"} 13.0"
    ));
    assert!(s.log_has("\"GET /health HTTP/1.1\" 200 OK"));
}

#[tokio::test]
async fn bad_requests_get_400_with_a_reason() {
    let s = Server::start(&fixture("tiny-costs.toml"), Faults::default());
    let r = s.client.post(s.url("/v1/completions")).body("{not json").send().await.unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(v["message"].as_str().unwrap().contains("invalid JSON"));
    let long = "word ".repeat(600);
    let r = s.post("/v1/completions", json!({"prompt": long, "max_tokens": 4})).await;
    assert_eq!(r.status(), 400);
    let r = s.post("/v1/completions", json!({"prompt": "hi", "max_tokens": 600})).await;
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(v["message"].as_str().unwrap().contains("maximum context length of 512 tokens"));
}

#[tokio::test]
async fn startup_log_has_sglang_lines_that_capacity_can_read() {
    let s = Server::start("sglang-h100-llama3.1-8b", Faults::default());
    let cap = Profile::load("sglang-h100-llama3.1-8b").unwrap().capacity();
    let log = s.log.lock().unwrap().clone();
    let real = std::fs::read_to_string(fixture("sglang-startup-lines.log")).unwrap();
    for prefix in [
        "KV Cache is allocated.",
        "max_total_num_tokens=",
        "Memory pool end.",
        "Load weight end.",
        "Capture cuda graph end.",
        "Capture cuda graph begin.",
        "INFO:     Uvicorn running on",
    ] {
        let ours =
            log.iter().find(|l| l.contains(prefix)).unwrap_or_else(|| panic!("no `{prefix}` line"));
        let theirs = real.lines().find(|l| l.contains(prefix)).unwrap();
        assert_eq!(shape(ours), shape(theirs), "\nours:   {ours}\ntheirs: {theirs}");
    }
    let line = log.iter().find(|l| l.contains("max_total_num_tokens=")).unwrap();
    assert!(line.contains(&format!("max_total_num_tokens={},", cap.max_total_num_tokens)));
    assert!(line.contains(&format!("max_running_requests={},", cap.max_running_requests)));
    assert!(log.iter().any(|l| l.ends_with("The server is fired up and ready to roll!")));
}

/// A line with its timestamp/rank prefix, numbers and names masked.
fn shape(line: &str) -> String {
    let body = line.split_once("] ").map(|(_, b)| b).unwrap_or(line);
    let re = regex::Regex::new(r"(type=|dtype=torch\.|http://)[^,\s]+|\d+(\.\d+)?").unwrap();
    re.replace_all(body, "$1#").into_owned()
}

#[tokio::test]
async fn kv_pressure_retraction_is_logged_like_sglang() {
    // 4 running requests x (50 prompt + 400 output) overflow a 1024-token pool.
    let s = Server::start_with(&fixture("tiny-costs.toml"), |c| {
        c.overrides.schedule_conservativeness = Some(0.05);
        c.overrides.cost_scale = Some(0.1);
    });
    let body = |i: u32| {
        json!({"prompt": (0..50).map(|t| t + i * 100).collect::<Vec<u32>>(), "max_tokens": 400,
                               "ignore_eos": true, "stream": true})
    };
    let reqs: Vec<_> = (0..4).map(|i| s.spawn_post("/v1/completions", body(i))).collect();
    let mut total = 0;
    for r in reqs {
        let (data, clean) = sse(r.await.unwrap()).await;
        assert!(clean);
        total += data.iter().filter(|d| d.contains("\"text\"")).count();
    }
    assert_eq!(total, 1600, "retracted requests still deliver every token");
    let log = s.log.lock().unwrap().clone();
    let retract =
        log.iter().find(|l| l.contains("KV cache pool is full. Retract requests.")).unwrap_or_else(
            || panic!("no retraction line in {:#?}", &log[log.len().saturating_sub(40)..]),
        );
    let real = std::fs::read_to_string(fixture("sglang-startup-lines.log")).unwrap();
    let real = real.lines().find(|l| l.contains("#retracted_reqs")).unwrap();
    let tail = |l: &str| shape(&l[l.find("#retracted_reqs").unwrap()..]);
    assert_eq!(tail(retract), tail(real));
}

#[tokio::test]
async fn fault_error_rate_answers_with_the_status() {
    let s = Server::start(
        "zero-cost",
        Faults { error_rate: 1.0, error_status: Some(503), ..Faults::default() },
    );
    let r = s.post("/v1/completions", completion(3)).await;
    assert_eq!(r.status(), 503);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], 503);
    assert!(s.log_has("[sim-fault] error-rate"));
    assert!(s.log_has("\"POST /v1/completions HTTP/1.1\" 503 Service Unavailable"));
}

#[tokio::test]
async fn fault_disconnect_cuts_the_stream() {
    let s = Server::start(
        "zero-cost",
        Faults { disconnect_after_tokens: Some(3), ..Faults::default() },
    );
    let (data, clean) = sse(s.post("/v1/completions", completion(20)).await).await;
    assert!(!clean, "the stream must end with an error, not a clean close");
    assert_eq!(data.iter().filter(|d| d.contains("\"text\"")).count(), 3);
    assert!(!data.iter().any(|d| d == "[DONE]"));
    assert!(s.log_has("ERROR:    Exception in ASGI application"));
}

#[tokio::test]
async fn fault_stall_freezes_the_scheduler_and_fails_health_generate() {
    let s = Server::start_with("zero-cost", |c| {
        c.faults =
            Faults { stall_s: Some(1.0), stall_after_requests: Some(1), ..Faults::default() };
        c.health_check_timeout_s = 0.3;
    });
    let t = Instant::now();
    let req = s.post("/v1/completions", completion(2));
    let health = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        s.get("/health_generate").await.status()
    };
    let (r, h) = tokio::join!(req, health);
    let (data, _) = sse(r).await;
    assert!(t.elapsed() >= Duration::from_millis(950), "{:?}", t.elapsed());
    assert!(data.iter().any(|d| d == "[DONE]"));
    assert_eq!(h, 503);
    assert!(s.log_has(
        "Health check failed. Server couldn't get a response from detokenizer for last 0 seconds."
    ));
    assert!(s.log_has("[sim-fault] stall"));
}

#[tokio::test]
async fn fault_malformed_chunk_sends_invalid_json_once() {
    let s = Server::start(
        "zero-cost",
        Faults { malformed_chunk_at_token: Some(2), ..Faults::default() },
    );
    let (data, clean) = sse(s.post("/v1/completions", completion(5)).await).await;
    assert!(clean);
    let bad: Vec<&String> = data
        .iter()
        .filter(|d| *d != "[DONE]" && serde_json::from_str::<Value>(d).is_err())
        .collect();
    assert_eq!(bad.len(), 1);
    assert!(s.log_has("[sim-fault] malformed-chunk"));
}

#[tokio::test]
async fn fault_slow_ready_answers_503_until_ready() {
    let s = Server::start(
        "sglang-h100-llama3.1-8b",
        Faults { slow_ready_s: Some(0.8), ..Faults::default() },
    );
    assert_eq!(s.get("/health").await.status(), 503);
    assert_eq!(s.post("/v1/completions", completion(2)).await.status(), 503);
    assert!(!s.log_has("The server is fired up"));
    let t = Instant::now();
    while s.get("/health").await.status() != 200 {
        assert!(t.elapsed() < Duration::from_secs(5), "never became ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(s.log_has("The server is fired up and ready to roll!"));
    assert!(s.log_has("KV Cache is allocated."));
}

#[tokio::test]
async fn fault_crash_after_requests_kills_the_server() {
    let s =
        Server::start("zero-cost", Faults { crash_after_requests: Some(2), ..Faults::default() });
    let (data, _) = sse(s.post("/v1/completions", completion(2)).await).await;
    assert!(data.iter().any(|d| d == "[DONE]"));
    let second = s.client.post(s.url("/v1/completions")).json(&completion(2)).send().await;
    assert!(second.map(|r| r.status() != 200).unwrap_or(true));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(s.handle.has_crashed());
    assert!(s.client.get(s.url("/health")).send().await.is_err(), "listener must be closed");
    assert!(s.log_has("Scheduler hit an exception: Traceback (most recent call last):"));
    assert!(s.log_has("Received sigquit from a child process. It usually means the child failed."));
    let report = s.handle.shutdown();
    assert!(report.crashed);
}

#[tokio::test]
async fn fault_kv_exhaustion_retracts_or_aborts() {
    let s = Server::start_with(&fixture("tiny-costs.toml"), |c| {
        c.faults = Faults {
            kv_exhaust_after_requests: Some(1),
            kv_exhaust_fraction: Some(0.95),
            ..Faults::default()
        };
        c.overrides.cost_scale = Some(0.01);
    });
    // The pool keeps 51 of 1024 tokens: 3 requests of 40 + 30 tokens cannot all fit.
    let body = |i: u32| {
        json!({"prompt": (0..40).map(|t| t + i * 100).collect::<Vec<u32>>(), "max_tokens": 30,
                               "ignore_eos": true, "stream": true})
    };
    let reqs: Vec<_> = (0..3).map(|i| s.spawn_post("/v1/completions", body(i))).collect();
    for r in reqs {
        sse(r.await.unwrap()).await;
    }
    assert!(s.log_has("[sim-fault] kv-exhaust"));
    assert!(
        s.log_has("KV cache pool is full. Retract requests.") || s.log_has("No space left"),
        "{:#?}",
        s.log.lock().unwrap()
    );
}

/// A request that arrives while a zero-cost engine is busy joins the running batch at the next
/// step (a zero-cost chain of steps never advances its nominal start, and admission once used
/// that start as its cutoff: the second request waited for the first to finish, and
/// `sim_throughput` fell to a quarter).
#[tokio::test]
async fn a_request_arriving_at_a_busy_zero_cost_engine_joins_the_next_step() {
    let s = Server::start("zero-cost", Faults::default());
    let mut long = s.post("/v1/completions", completion(60_000)).await;
    // The long stream has started: its first chunk is here. Read the rest beside the short one.
    assert!(long.chunk().await.unwrap().is_some());
    let reader = tokio::spawn(async move {
        while let Ok(Some(_)) = long.chunk().await {}
        Instant::now()
    });
    let (short, clean) = sse(s.post("/v1/completions", completion(4)).await).await;
    let short_done = Instant::now();
    assert!(clean && short.last().is_some_and(|d| d == "[DONE]"));
    let long_done = reader.await.unwrap();
    assert!(short_done < long_done, "the short request waited for the long one to finish");
}
