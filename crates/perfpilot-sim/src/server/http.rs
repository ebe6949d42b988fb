//! HTTP routes: the OpenAI API, SGLang's operational endpoints, and the faults that act
//! at request level.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Value, json};

use super::State;
use super::body::{AbortGuard, BoxError, SseBody, StreamFaults};
use super::log::{clock, reason_phrase};
use super::openai::{self, ChunkWriter, Usage, error_body};
use super::realtime::{Cmd, Event};
use crate::request::{SimRequest, natural_output_len, splitmix64};

pub(crate) type RespBody = http_body_util::combinators::BoxBody<Bytes, BoxError>;

const MAX_BODY: usize = 64 * 1024 * 1024;
const KNOWN: &[&str] = &[
    "/health",
    "/health_generate",
    "/v1/models",
    "/metrics",
    "/server_info",
    "/get_server_info",
    "/get_model_info",
    "/model_info",
    "/flush_cache",
    "/reset_prefix_cache",
    "/tokenize",
    "/v1/completions",
    "/v1/chat/completions",
];

/// The service function.
pub(crate) async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
    peer: SocketAddr,
) -> Result<Response<RespBody>, Infallible> {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let resp = route(&state, req).await;
    if state.access_log {
        let code = resp.status().as_u16();
        state.log.line(&format!(
            "INFO:     {peer} - \"{method} {path} HTTP/1.1\" {code} {}",
            reason_phrase(code)
        ));
    }
    Ok(resp)
}

async fn route(state: &Arc<State>, req: Request<Incoming>) -> Response<RespBody> {
    let path = req.uri().path().to_string();
    match (req.method(), path.as_str()) {
        (&Method::GET, "/health") => {
            if state.ready() {
                empty(StatusCode::OK)
            } else {
                empty(StatusCode::SERVICE_UNAVAILABLE)
            }
        }
        (&Method::GET, "/health_generate") => health_generate(state).await,
        (&Method::GET, "/v1/models") => json_resp(StatusCode::OK, models(state)),
        (&Method::GET, "/metrics") => metrics(state),
        (&Method::GET, "/server_info" | "/get_server_info") => {
            json_resp(StatusCode::OK, server_info(state))
        }
        (&Method::GET, "/get_model_info" | "/model_info") => json_resp(
            StatusCode::OK,
            json!({"model_path": state.model, "tokenizer_path": state.model, "is_generation": true}),
        ),
        (&Method::GET | &Method::POST, "/flush_cache") => {
            let _ = state.cmd.send(Cmd::Flush);
            text(
                StatusCode::OK,
                "Cache flushed.\nPlease check backend logs for more details. (When there are running or waiting requests, the operation will not be performed.)\n",
            )
        }
        // vLLM's spelling: flushes the same prefix cache, answers 200 with no body.
        (&Method::POST, "/reset_prefix_cache") => {
            let _ = state.cmd.send(Cmd::Flush);
            empty(StatusCode::OK)
        }
        (&Method::POST, "/tokenize") => match read_body(req).await {
            Ok(b) => tokenize(state, &b),
            Err(r) => r,
        },
        (&Method::POST, "/v1/completions") => generate(state, req, false).await,
        (&Method::POST, "/v1/chat/completions") => generate(state, req, true).await,
        (_, p) if KNOWN.contains(&p) => {
            detail(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
        }
        _ => detail(StatusCode::NOT_FOUND, "Not Found"),
    }
}

async fn generate(state: &Arc<State>, req: Request<Incoming>, chat: bool) -> Response<RespBody> {
    if state.crashed.load(Ordering::SeqCst) || !state.ready() {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "The server is not ready to accept requests.",
        );
    }
    let body = match read_body(req).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let arrived = Instant::now();
    let n = state.gen_count.fetch_add(1, Ordering::SeqCst) + 1;
    let f = &state.faults;
    if f.crash_after_requests == Some(n) {
        state.crash(n);
        return error(StatusCode::INTERNAL_SERVER_ERROR, "The scheduler crashed.");
    }
    if f.stall_s.is_some() && f.stall_after_requests.unwrap_or(1) == n {
        let secs = f.stall_s.unwrap_or(0.0);
        state.log.line(&format!("[sim-fault] stall: the scheduler freezes for {secs} s"));
        let _ = state.cmd.send(Cmd::Stall(Duration::from_secs_f64(secs)));
    }
    if f.kv_exhaust_after_requests == Some(n) {
        let frac = f.kv_exhaust_fraction.unwrap_or(0.9);
        state.log.line(&format!(
            "[sim-fault] kv-exhaust: {:.0}% of the KV pool ({} tokens) taken out of service",
            frac * 100.0,
            (state.max_total_tokens as f64 * frac) as u64
        ));
        let _ = state.cmd.send(Cmd::LeakKv(frac));
    }
    if f.errors_on(state.seed, n) {
        let status = f.status();
        state.log.line(&format!("[sim-fault] error-rate: answering request {n} with {status}"));
        if status >= 500 {
            state.log.line("ERROR:    Exception in ASGI application");
        }
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return error(code, &format!("Simulated failure (fault injection, status {status})."));
    }
    let g = match openai::parse(&body, chat, state.tokenizer.as_ref()) {
        Ok(g) => g,
        Err(msg) => return error(StatusCode::BAD_REQUEST, &msg),
    };
    let input = g.prompt_ids.len() as u64;
    let ctx = u64::from(state.context_len);
    let max_tokens = match g.max_tokens {
        Some(m) => m,
        None if chat => ctx.saturating_sub(input).clamp(1, u64::from(u32::MAX)) as u32,
        None => 16,
    };
    let sim = SimRequest {
        id: state.next_id.fetch_add(1, Ordering::SeqCst),
        max_new_tokens: max_tokens,
        min_new_tokens: g.min_tokens,
        eos_after: (!g.ignore_eos).then(|| {
            let key = crate::kv::block_hashes(&g.prompt_ids, 1).last().copied().unwrap_or(0);
            natural_output_len(g.seed.unwrap_or(state.seed), key, state.eos_mean)
        }),
        prompt: g.prompt_ids,
    };
    if input > state.max_req_input_len || input + u64::from(max_tokens) > ctx {
        let r = if input > state.max_req_input_len {
            crate::request::Reject::InputTooLong { input, limit: state.max_req_input_len }
        } else {
            crate::request::Reject::ContextExceeded {
                input,
                output: u64::from(max_tokens),
                context_len: ctx,
            }
        };
        return error(StatusCode::BAD_REQUEST, &r.to_string());
    }
    let id = sim.id;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    if state.cmd.send(Cmd::Add { req: sim, arrived, sink: tx }).is_err() {
        return error(StatusCode::SERVICE_UNAVAILABLE, "The scheduler is not running.");
    }
    let created = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let writer = ChunkWriter::new(chat, splitmix64(id ^ state.seed), created, &state.model);
    let guard = AbortGuard { cmd: state.cmd.clone(), id, done: false };
    if g.stream {
        let body = SseBody {
            rx,
            writer,
            guard,
            prompt_tokens: input,
            include_usage: g.include_usage,
            faults: StreamFaults {
                disconnect_after_tokens: f.disconnect_after_tokens,
                malformed_at_token: f.malformed_chunk_at_token,
            },
            log: state.log.clone(),
            sent: 0,
            finished: false,
            cut: None,
        };
        return Response::builder()
            .status(StatusCode::OK)
            .header("content-type", "text/event-stream; charset=utf-8")
            .header("cache-control", "no-cache")
            .body(body.boxed())
            .unwrap_or_else(|_| empty(StatusCode::INTERNAL_SERVER_ERROR));
    }
    let mut guard = guard;
    let mut tokens = 0u32;
    while let Some(ev) = rx.recv().await {
        match ev {
            Event::Token { finish, cached_tokens, .. } => {
                tokens += 1;
                if let Some(reason) = finish {
                    guard.done = true;
                    let u = Usage {
                        prompt: input,
                        completion: u64::from(tokens),
                        cached: cached_tokens,
                    };
                    return json_text(
                        StatusCode::OK,
                        writer.full_response(tokens, reason.as_openai(), &u),
                    );
                }
            }
            Event::Failed { message, status } => {
                guard.done = true;
                let code =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                return error(code, &message);
            }
        }
    }
    guard.done = true;
    error(StatusCode::SERVICE_UNAVAILABLE, "The scheduler stopped before the request finished.")
}

async fn health_generate(state: &Arc<State>) -> Response<RespBody> {
    if !state.ready() {
        return empty(StatusCode::SERVICE_UNAVAILABLE);
    }
    let id = state.next_id.fetch_add(1, Ordering::SeqCst);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let req = SimRequest {
        id,
        prompt: vec![1, 2, 3, 4],
        max_new_tokens: 1,
        min_new_tokens: 0,
        eos_after: None,
    };
    let tic = SystemTime::now();
    if state.cmd.send(Cmd::Add { req, arrived: Instant::now(), sink: tx }).is_err() {
        return empty(StatusCode::SERVICE_UNAVAILABLE);
    }
    let timeout = Duration::from_secs_f64(state.health_timeout_s);
    match tokio::time::timeout(timeout, rx.recv()).await {
        Ok(Some(Event::Token { .. })) => empty(StatusCode::OK),
        Ok(_) => empty(StatusCode::SERVICE_UNAVAILABLE),
        Err(_) => {
            let _ = state.cmd.send(Cmd::Abort(id));
            let last = state.shared.heartbeat.lock().map(|t| *t).unwrap_or(tic);
            state.log.line(&format!(
                "Health check failed. Server couldn't get a response from detokenizer for last {} seconds. tic start time: {}. last_heartbeat time: {}",
                state.health_timeout_s.round() as u64,
                clock(tic),
                clock(last)
            ));
            empty(StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}

fn tokenize(state: &Arc<State>, body: &[u8]) -> Response<RespBody> {
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return error(StatusCode::BAD_REQUEST, &format!("invalid JSON body: {e}")),
    };
    let ids = if let Some(m) = v.get("messages") {
        openai::chat_template(m).map(|t| state.tokenizer.encode(&t))
    } else if let Some(p) = v.get("prompt").or_else(|| v.get("content")).or_else(|| v.get("text")) {
        openai::prompt_ids(p, state.tokenizer.as_ref())
    } else {
        Err("expected `prompt`, `content` or `messages`".to_string())
    };
    match ids {
        Ok(ids) => json_resp(
            StatusCode::OK,
            json!({"count": ids.len(), "max_model_len": state.context_len, "tokens": ids}),
        ),
        Err(msg) => error(StatusCode::BAD_REQUEST, &msg),
    }
}

fn models(state: &State) -> Value {
    json!({"object": "list", "data": [{
        "id": state.model, "object": "model", "created": state.created_unix,
        "owned_by": "perfpilot-sim", "root": state.model, "max_model_len": state.context_len,
    }]})
}

fn metrics(state: &State) -> Response<RespBody> {
    let m = state.shared.metrics.lock().map(|m| m.clone());
    let Ok(m) = m else { return empty(StatusCode::INTERNAL_SERVER_ERROR) };
    let body = m.render(&state.model, state.max_total_tokens, state.max_running, state.context_len);
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .body(Full::new(Bytes::from(body)).map_err(|e| match e {}).boxed())
        .unwrap_or_else(|_| empty(StatusCode::INTERNAL_SERVER_ERROR))
}

fn server_info(state: &State) -> Value {
    let mut v = state.server_args.clone();
    let snap = state.shared.metrics.lock().map(|m| (m.snapshot, m.gen_throughput)).ok();
    if let (Some(obj), Some((s, thr))) = (v.as_object_mut(), snap) {
        obj.insert(
            "internal_states".into(),
            json!([{
                "max_total_num_tokens": state.max_total_tokens,
                "max_running_requests": state.max_running,
                "max_req_input_len": state.max_req_input_len,
                "effective_max_running_requests_per_dp": state.max_running,
                "last_gen_throughput": thr,
                "num_running_reqs": s.running,
                "num_waiting_reqs": s.queued,
                "token_usage": s.token_usage,
                "memory_usage": state.memory_usage,
            }]),
        );
    }
    v
}

/// Time a client has to send its request head; then the connection is closed.
pub(crate) const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a client has to send its whole request body; then 408.
pub(crate) const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// The request body: at most [`MAX_BODY`] bytes (else 413) within [`BODY_TIMEOUT`] (else 408).
async fn read_body(req: Request<Incoming>) -> Result<Bytes, Response<RespBody>> {
    let declared = req
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        // Refused before a byte of it is read.
        return Err(error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("request body over {MAX_BODY} bytes"),
        ));
    }
    let read = Limited::new(req.into_body(), MAX_BODY).collect();
    match tokio::time::timeout(BODY_TIMEOUT, read).await {
        Ok(Ok(c)) => Ok(c.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("request body over {MAX_BODY} bytes"),
        )),
        Ok(Err(e)) => {
            Err(error(StatusCode::BAD_REQUEST, &format!("cannot read the request body: {e}")))
        }
        Err(_) => Err(error(
            StatusCode::REQUEST_TIMEOUT,
            &format!("request body not received within {} s", BODY_TIMEOUT.as_secs()),
        )),
    }
}

fn full(status: StatusCode, ctype: Option<&str>, body: Bytes) -> Response<RespBody> {
    let mut b = Response::builder().status(status);
    if let Some(ct) = ctype {
        b = b.header("content-type", ct);
    }
    b.body(Full::new(body).map_err(|e| match e {}).boxed()).unwrap_or_else(|_| {
        let mut r = Response::new(Full::new(Bytes::new()).map_err(|e| match e {}).boxed());
        *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        r
    })
}

fn empty(status: StatusCode) -> Response<RespBody> {
    full(status, None, Bytes::new())
}

fn text(status: StatusCode, t: &str) -> Response<RespBody> {
    full(status, Some("text/plain; charset=utf-8"), Bytes::from(t.to_string()))
}

fn json_text(status: StatusCode, t: String) -> Response<RespBody> {
    full(status, Some("application/json"), Bytes::from(t))
}

fn json_resp(status: StatusCode, v: Value) -> Response<RespBody> {
    json_text(status, v.to_string())
}

fn error(status: StatusCode, message: &str) -> Response<RespBody> {
    json_text(status, error_body(message, status.as_u16()))
}

fn detail(status: StatusCode, message: &str) -> Response<RespBody> {
    json_resp(status, json!({"detail": message}))
}
