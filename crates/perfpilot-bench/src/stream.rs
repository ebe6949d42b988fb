//! One streamed request: send, read the SSE stream under a stall timeout, fill the
//! record. The hot path: one JSON parse per chunk, no per-chunk allocation beyond the
//! optional generated text.

use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use perfpilot_workload::{ErrorKind, RequestError, RequestRecord, ServerTimings};

use crate::chunk::{ChunkInfo, parse_chunk};
use crate::http::{MAX_STREAM_BODY, Pool, Prepared};
use crate::sse::{SseEvent, SseParser};

/// What the request task hands back besides the record.
#[derive(Debug, Default)]
pub struct StreamText {
    /// Generated text (kept when a tokenizer recounts or text is kept).
    pub text: String,
    /// Byte offset in `text` where each content chunk ends.
    pub chunk_ends: Vec<usize>,
}

/// Shared, read-only state for every request of a run.
pub struct RequestContext {
    /// Connections.
    pub pool: Arc<Pool>,
    /// Stall timeout.
    pub stall: Duration,
    /// Keep the generated text.
    pub keep_text: bool,
    /// Removes the API key and other secrets from error messages before they are recorded
    /// (a server may echo the key in an error body).
    pub redactor: perfpilot_report::Redactor,
}

fn fail(rec: &mut RequestRecord, kind: ErrorKind, message: impl Into<String>) {
    if rec.error.is_none() {
        rec.error = Some(RequestError { kind, message: message.into() });
    }
}

fn excerpt(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(&b[..b.len().min(200)]).into_owned();
    if b.len() > 200 { format!("{s}…") } else { s }
}

/// Send `req` and stream the answer into `rec` (whose `sent_s` is already set; `sent`
/// is the same moment as an `Instant`).
pub async fn run_request(
    ctx: &RequestContext,
    req: &Prepared,
    rec: &mut RequestRecord,
    out: &mut StreamText,
    sent: Instant,
) {
    let since = |t: Instant| t.duration_since(sent).as_secs_f64();
    // Connect and send, with the retry policy of `crate::http`.
    let resp = loop {
        let conn = match tokio::time::timeout(ctx.stall, ctx.pool.get()).await {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => return end(rec, sent, ErrorKind::Connect, e),
            Err(_) => {
                return end(
                    rec,
                    sent,
                    ErrorKind::Timeout,
                    "no connection within the stall timeout",
                );
            }
        };
        if let Some(c) = conn.connect {
            rec.connect_s = Some(rec.connect_s.unwrap_or(0.0) + c.as_secs_f64());
        }
        let mut sender = conn.sender;
        match tokio::time::timeout(ctx.stall, sender.send_request(req.clone_for_retry())).await {
            Err(_) => {
                return end(
                    rec,
                    sent,
                    ErrorKind::Timeout,
                    format!("no response head within {:?}", ctx.stall),
                );
            }
            Ok(Ok(resp)) => break (resp, sender),
            Ok(Err(e)) if conn.reused && rec.retries == 0 => {
                rec.retries += 1;
                let _ = e;
                continue;
            }
            Ok(Err(e)) => {
                return end(
                    rec,
                    sent,
                    ErrorKind::Connect,
                    format!("request failed before any response byte: {e}"),
                );
            }
        }
    };
    let (resp, sender) = resp;
    let status = resp.status().as_u16();
    rec.http_status = Some(status);
    let mut body = resp.into_body();
    if !(200..300).contains(&status) {
        let mut buf = Vec::new();
        while buf.len() < 1024 {
            match tokio::time::timeout(ctx.stall, body.frame()).await {
                Ok(Some(Ok(f))) => {
                    if let Ok(d) = f.into_data() {
                        buf.extend_from_slice(&d);
                    }
                }
                _ => break,
            }
        }
        return end(rec, sent, ErrorKind::HttpStatus, format!("HTTP {status}: {}", excerpt(&buf)));
    }

    let mut parser = SseParser::new();
    let mut state = StreamState::default();
    let mut clean_end = false;
    let mut received: u64 = 0;
    loop {
        match tokio::time::timeout(ctx.stall, body.frame()).await {
            Err(_) => {
                fail(
                    rec,
                    ErrorKind::Timeout,
                    format!("no byte for {:?} (stall timeout)", ctx.stall),
                );
                break;
            }
            Ok(None) => {
                clean_end = true;
                break;
            }
            Ok(Some(Err(e))) => {
                fail(rec, ErrorKind::StreamCut, format!("connection error mid-stream: {e}"));
                break;
            }
            Ok(Some(Ok(frame))) => {
                let Ok(data) = frame.into_data() else { continue };
                received += data.len() as u64;
                if received > MAX_STREAM_BODY {
                    fail(
                        rec,
                        ErrorKind::MalformedChunk,
                        format!(
                            "response larger than the {} MiB cap on one stream (read no further)",
                            MAX_STREAM_BODY >> 20
                        ),
                    );
                    break;
                }
                let t = since(Instant::now());
                let r = parser.feed(&data, |ev| state.on_event(ev, t, rec, out, ctx.keep_text));
                if r.is_err() {
                    fail(rec, ErrorKind::MalformedChunk, "SSE line longer than 16 MiB");
                }
                if rec.error.is_some() {
                    break;
                }
            }
        }
    }
    if clean_end && rec.error.is_none() {
        let t = since(Instant::now());
        parser.finish(|ev| state.on_event(ev, t, rec, out, ctx.keep_text));
    }
    rec.end_s = since(Instant::now());
    if rec.error.is_none() {
        if !(state.done || state.finished) {
            fail(rec, ErrorKind::StreamCut, "stream ended before finish_reason or [DONE]");
        } else if rec.chunk_times_s.is_empty() {
            fail(rec, ErrorKind::EmptyResponse, "stream finished without any content");
        }
    }
    if clean_end && rec.error.is_none() {
        ctx.pool.put(sender);
    }
}

fn end(rec: &mut RequestRecord, sent: Instant, kind: ErrorKind, msg: impl Into<String>) {
    fail(rec, kind, msg);
    rec.end_s = sent.elapsed().as_secs_f64();
}

#[derive(Default)]
struct StreamState {
    done: bool,
    finished: bool,
}

impl StreamState {
    fn on_event(
        &mut self,
        ev: SseEvent<'_>,
        t: f64,
        rec: &mut RequestRecord,
        out: &mut StreamText,
        keep_text: bool,
    ) {
        if rec.error.is_some() {
            return;
        }
        match ev {
            SseEvent::Done => {
                self.done = true;
                rec.done_s = Some(t);
            }
            SseEvent::Data(payload) => match parse_chunk(payload) {
                Err(e) => fail(
                    rec,
                    ErrorKind::MalformedChunk,
                    format!(
                        "chunk {} is not valid JSON ({e}): {}",
                        rec.chunk_times_s.len() + 1,
                        excerpt(payload)
                    ),
                ),
                Ok(info) => self.on_chunk(info, t, rec, out, keep_text),
            },
        }
    }

    fn on_chunk(
        &mut self,
        info: ChunkInfo<'_>,
        t: f64,
        rec: &mut RequestRecord,
        out: &mut StreamText,
        keep_text: bool,
    ) {
        if let Some(e) = info.error {
            fail(
                rec,
                ErrorKind::HttpStatus,
                format!("error event in stream: {}", &e[..e.len().min(300)]),
            );
            return;
        }
        if let Some(c) = info.content {
            if rec.ttft_s.is_none() {
                rec.ttft_s = Some(t);
            }
            rec.chunk_times_s.push(t);
            rec.e2e_s = Some(t);
            if keep_text {
                out.text.push_str(&c);
                out.chunk_ends.push(out.text.len());
            }
        }
        if let Some(f) = info.finish_reason {
            self.finished = true;
            rec.finish_reason = Some(f.into_owned());
        }
        if let Some(u) = info.usage {
            rec.prompt_tokens = u.prompt_tokens.or(rec.prompt_tokens);
            rec.usage_output_tokens = u.completion_tokens.or(rec.usage_output_tokens);
            if let Some(c) = u.prompt_tokens_details.and_then(|d| d.cached_tokens) {
                rec.cached_tokens = Some(c);
            }
        }
        if let Some(tm) = info.timings {
            rec.server_timings = Some(ServerTimings {
                prompt_n: tm.prompt_n,
                prompt_ms: tm.prompt_ms,
                predicted_n: tm.predicted_n,
                predicted_ms: tm.predicted_ms,
            });
        }
    }
}
