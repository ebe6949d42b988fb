//! A real, in-process OpenAI-compatible streaming HTTP server for tests and benches. It
//! speaks `/v1/completions`, `/v1/chat/completions` (SSE with `usage` and `[DONE]`),
//! `/v1/models`, `/tokenize` and `/detokenize` (words ↔ ids), and misbehaves on demand
//! per request: 5xx, stalls, cut connections, malformed chunks, error events, early
//! stops, missing usage, several tokens per chunk. Requests are told apart by the
//! number at the end of their `x-request-id` header (`perfpilot-42-7` → request 7).

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::channel::Channel;
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

/// A misbehaviour for one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// Answer with this HTTP status and a JSON error body.
    Status(u16),
    /// Send this many tokens, then nothing (connection kept open).
    StallAfter(u32),
    /// Send this many tokens, then drop the connection mid-body.
    CutAfter(u32),
    /// Send invalid JSON as chunk number `n` (0-based).
    MalformedAt(u32),
    /// Send an `{"error": …}` event after `n` tokens.
    ErrorEventAfter(u32),
    /// Stop with `finish_reason: stop` after `n` tokens (usage says `n`).
    EarlyStop(u32),
    /// Omit `usage`.
    NoUsage,
    /// Put `k` tokens in every chunk (speculative decoding).
    TokensPerChunk(u32),
}

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct TestServerConfig {
    /// Delay before the first token.
    pub ttft: Duration,
    /// Delay between chunks.
    pub itl: Duration,
    /// Close the connection after every response (as llama.cpp does after a stream,
    /// while still sending `Connection: keep-alive`).
    pub close_after_stream: bool,
    /// Faults by request number.
    pub faults: HashMap<u64, Fault>,
    /// Model id reported.
    pub model: String,
    /// Answer 401 unless `Authorization: Bearer <key>` carries this key.
    pub api_key: Option<String>,
}

impl Default for TestServerConfig {
    fn default() -> Self {
        TestServerConfig {
            ttft: Duration::ZERO,
            itl: Duration::ZERO,
            close_after_stream: false,
            faults: HashMap::new(),
            model: "test-model".into(),
            api_key: None,
        }
    }
}

/// A running server; stops when dropped.
pub struct TestServer {
    /// Base URL, e.g. `http://127.0.0.1:40123`.
    pub url: String,
    /// Requests answered on the streaming routes.
    pub requests: Arc<AtomicU64>,
    /// TCP connections accepted.
    pub connections: Arc<AtomicU64>,
    /// What the server saw besides streams, in order: `POST /start_profile`,
    /// `POST /stop_profile`, and `header NAME=VALUE` for each `x-bench-*` header of a
    /// streaming request.
    pub log: Arc<Mutex<Vec<String>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    /// Start on 127.0.0.1 (random port) on its own thread and runtime. The listen
    /// backlog is 4096 so thousands of clients can connect at once.
    pub fn start(config: TestServerConfig) -> std::io::Result<TestServer> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let listener = rt.block_on(async {
            let socket = tokio::net::TcpSocket::new_v4()?;
            socket.bind("127.0.0.1:0".parse().map_err(std::io::Error::other)?)?;
            socket.listen(4096)
        })?;
        let addr: SocketAddr = listener.local_addr()?;
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let requests = Arc::new(AtomicU64::new(0));
        let connections = Arc::new(AtomicU64::new(0));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (rq, cn, lg) = (requests.clone(), connections.clone(), log.clone());
        let config = Arc::new(config);
        let thread = std::thread::spawn(move || {
            rt.block_on(async move {
                let mut stop_rx = stop_rx;
                loop {
                    tokio::select! {
                        _ = &mut stop_rx => break,
                        acc = listener.accept() => {
                            let Ok((stream, _)) = acc else {
                                // Out of descriptors: back off instead of spinning.
                                tokio::time::sleep(Duration::from_millis(1)).await;
                                continue;
                            };
                            let _ = stream.set_nodelay(true);
                            cn.fetch_add(1, Ordering::Relaxed);
                            let (config, rq, lg) = (config.clone(), rq.clone(), lg.clone());
                            tokio::spawn(async move {
                                let keep = !config.close_after_stream;
                                let svc = service_fn(move |req| {
                                    handle(req, config.clone(), rq.clone(), lg.clone())
                                });
                                let _ = hyper::server::conn::http1::Builder::new()
                                    .keep_alive(keep)
                                    .serve_connection(TokioIo::new(stream), svc)
                                    .await;
                            });
                        }
                    }
                }
            });
        });
        Ok(TestServer {
            url: format!("http://{addr}"),
            requests,
            connections,
            log,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

type Body = BoxBody<Bytes, std::io::Error>;

fn full(status: u16, v: Value) -> Response<Body> {
    let mut r = Response::new(
        Full::new(Bytes::from(v.to_string())).map_err(|e: Infallible| match e {}).boxed(),
    );
    *r.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut()
        .insert("content-type", hyper::header::HeaderValue::from_static("application/json"));
    r
}

fn request_number(req: &Request<hyper::body::Incoming>) -> Option<u64> {
    let id = req.headers().get("x-request-id")?.to_str().ok()?;
    id.rsplit('-').next()?.parse().ok()
}

async fn handle(
    req: Request<hyper::body::Incoming>,
    config: Arc<TestServerConfig>,
    counter: Arc<AtomicU64>,
    log: Arc<Mutex<Vec<String>>>,
) -> Result<Response<Body>, Infallible> {
    let path = req.uri().path().to_string();
    let note = |line: String| {
        if let Ok(mut l) = log.lock() {
            l.push(line);
        }
    };
    if path.starts_with("/v1/") {
        for (k, v) in req.headers() {
            if k.as_str().starts_with("x-bench-") {
                note(format!("header {}={}", k, v.to_str().unwrap_or("")));
            }
        }
    }
    let number = request_number(&req);
    if let Some(key) = &config.api_key {
        let want = format!("Bearer {key}");
        if req.headers().get("authorization").and_then(|v| v.to_str().ok()) != Some(want.as_str()) {
            return Ok(full(401, json!({"error": "missing or wrong API key"})));
        }
    }
    let bytes = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Ok(full(400, json!({"error": "bad body"}))),
    };
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Ok(match path.as_str() {
        "/v1/models" => full(
            200,
            json!({"object": "list", "data": [{"id": config.model, "object": "model", "meta": {"n_vocab": 50000}}]}),
        ),
        "/tokenize" => {
            let text = body["content"].as_str().or(body["prompt"].as_str()).unwrap_or("");
            let ids: Vec<u64> = text.split_whitespace().map(word_id).collect();
            full(200, json!({ "tokens": ids }))
        }
        "/detokenize" => {
            let ids = body["tokens"].as_array().cloned().unwrap_or_default();
            let words: Vec<String> =
                ids.iter().map(|i| format!("w{}", i.as_u64().unwrap_or(0))).collect();
            full(200, json!({ "content": words.join(" ") }))
        }
        "/start_profile" | "/stop_profile" => {
            note(format!("POST {path}"));
            full(200, json!({}))
        }
        "/v1/completions" | "/v1/chat/completions" => {
            counter.fetch_add(1, Ordering::Relaxed);
            let fault = number.and_then(|n| config.faults.get(&n).copied());
            if let Some(Fault::Status(s)) = fault {
                return Ok(full(s, json!({"error": {"message": "injected failure", "code": s}})));
            }
            stream(path == "/v1/chat/completions", &body, fault, &config)
        }
        _ => full(404, json!({"error": "not found"})),
    })
}

fn word_id(w: &str) -> u64 {
    w.strip_prefix('w').and_then(|n| n.parse().ok()).unwrap_or_else(|| {
        w.bytes().fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b))) % 50000
    })
}

fn prompt_tokens(body: &Value) -> u64 {
    match &body["prompt"] {
        Value::String(s) => s.split_whitespace().count() as u64,
        Value::Array(a) => a.len() as u64,
        _ => body["messages"]
            .as_array()
            .map(|m| {
                m.iter()
                    .map(|x| x["content"].as_str().unwrap_or("").split_whitespace().count() as u64)
                    .sum()
            })
            .unwrap_or(0),
    }
}

fn stream(
    chat: bool,
    body: &Value,
    fault: Option<Fault>,
    config: &TestServerConfig,
) -> Response<Body> {
    let max =
        body["max_completion_tokens"].as_u64().or(body["max_tokens"].as_u64()).unwrap_or(16) as u32;
    let prompt = prompt_tokens(body);
    let (mut tx, chan) = Channel::<Bytes, std::io::Error>::new(64);
    let (ttft, itl) = (config.ttft, config.itl);
    tokio::spawn(async move {
        let event = |v: Value| Bytes::from(format!("data: {v}\n\n"));
        let chunk = |text: &str, finish: Option<&str>| {
            if chat {
                json!({"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}]})
            } else {
                json!({"object": "text_completion", "choices": [{"index": 0, "text": text, "finish_reason": finish}]})
            }
        };
        if chat && tx
            .send_data(event(
                json!({"choices": [{"index": 0, "delta": {"role": "assistant", "content": null}}]}),
            ))
            .await
            .is_err()
        {
            return;
        }
        if !ttft.is_zero() {
            tokio::time::sleep(ttft).await;
        }
        let per_chunk = match fault {
            Some(Fault::TokensPerChunk(k)) => k.max(1),
            _ => 1,
        };
        let limit = match fault {
            Some(Fault::EarlyStop(n)) => n.min(max),
            _ => max,
        };
        let mut sent = 0u32;
        let mut index = 0u32;
        while sent < limit {
            match fault {
                Some(Fault::StallAfter(n)) if sent >= n => {
                    std::future::pending::<()>().await;
                }
                Some(Fault::CutAfter(n)) if sent >= n => {
                    tx.abort(std::io::Error::other("injected cut"));
                    return;
                }
                Some(Fault::MalformedAt(n)) if index == n => {
                    let _ = tx
                        .send_data(Bytes::from_static(
                            b"data: {\"choices\": [{\"text\": \"oops\"\n\n",
                        ))
                        .await;
                    return;
                }
                Some(Fault::ErrorEventAfter(n)) if sent >= n => {
                    let _ = tx
                        .send_data(event(
                            json!({"error": {"message": "injected error event", "code": 500}}),
                        ))
                        .await;
                    return;
                }
                _ => {}
            }
            let k = per_chunk.min(limit - sent);
            let text: String = (0..k).map(|i| format!(" tok{}", sent + i)).collect();
            if index > 0 && !itl.is_zero() {
                tokio::time::sleep(itl).await;
            }
            if tx.send_data(event(chunk(&text, None))).await.is_err() {
                return;
            }
            sent += k;
            index += 1;
        }
        let finish = if matches!(fault, Some(Fault::EarlyStop(_))) { "stop" } else { "length" };
        let usage = json!({"prompt_tokens": prompt + 1, "completion_tokens": sent, "total_tokens": prompt + 1 + u64::from(sent)});
        let mut last = chunk("", Some(finish));
        if !matches!(fault, Some(Fault::NoUsage)) {
            if chat {
                let _ = tx.send_data(event(last)).await;
                last = json!({"choices": [], "usage": usage});
            } else {
                last["usage"] = usage;
            }
        }
        let _ = tx.send_data(event(last)).await;
        let _ = tx.send_data(Bytes::from_static(b"data: [DONE]\n\n")).await;
    });
    let mut r = Response::new(chan.boxed());
    r.headers_mut()
        .insert("content-type", hyper::header::HeaderValue::from_static("text/event-stream"));
    r.headers_mut().insert("connection", hyper::header::HeaderValue::from_static("keep-alive"));
    r
}
