//! The per-request record: what happened to one request, as raw timings. Written to the
//! per-request JSONL as the run goes, and the only input of [`crate::summarize`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Why a request failed. Failed requests are excluded from latency statistics (as in
/// both anchors) but counted by kind.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// The TCP connection could not be opened (or the request could not be written).
    Connect,
    /// The server answered with a non-2xx status.
    HttpStatus,
    /// No byte arrived for longer than the stall timeout.
    Timeout,
    /// The connection closed before the stream finished (no `finish_reason`/`[DONE]`).
    StreamCut,
    /// An SSE `data:` line that is not the JSON the endpoint defines.
    MalformedChunk,
    /// The stream finished without any content (no token to time).
    EmptyResponse,
    /// Cancelled by the overall deadline.
    Deadline,
    /// Cancelled by Ctrl-C.
    Interrupted,
}

impl ErrorKind {
    /// Kebab-case name, as in JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorKind::Connect => "connect",
            ErrorKind::HttpStatus => "http-status",
            ErrorKind::Timeout => "timeout",
            ErrorKind::StreamCut => "stream-cut",
            ErrorKind::MalformedChunk => "malformed-chunk",
            ErrorKind::EmptyResponse => "empty-response",
            ErrorKind::Deadline => "deadline",
            ErrorKind::Interrupted => "interrupted",
        }
    }
}

/// A failure with its detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequestError {
    /// The kind.
    pub kind: ErrorKind,
    /// Detail (status line and body excerpt, I/O error, offending chunk excerpt).
    pub message: String,
}

/// Where the output token count of a request came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TokenCountSource {
    /// The server's `usage.completion_tokens`.
    Usage,
    /// Re-encoding the generated text with the client's tokenizer (no usage sent).
    Retokenized,
    /// The number of content chunks (no usage and no tokenizer: exact only for servers
    /// that send one token per chunk).
    Chunks,
    /// Known exactly by construction (the simulator).
    Exact,
    /// Unknown (failed request).
    None,
}

/// Server-reported timings (llama.cpp's `timings` object on the last chunk), used to
/// separate server time from client and network time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ServerTimings {
    /// Prompt tokens processed (not served from cache).
    pub prompt_n: Option<u32>,
    /// Prompt processing time, ms.
    pub prompt_ms: Option<f64>,
    /// Tokens generated.
    pub predicted_n: Option<u32>,
    /// Generation time, ms.
    pub predicted_ms: Option<f64>,
}

/// What happened to one request. All times are seconds; `*_s` fields without "from
/// send" in their doc are measured from the run start (the schedule origin), the others
/// from [`RequestRecord::sent_s`] (the moment the request was handed to the connection,
/// just before writing it). Successful requests have `error == None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequestRecord {
    /// The request's id in the workload.
    pub id: u64,
    /// Warmup requests are recorded but never summarised.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub warmup: bool,
    /// Scheduled send time (from run start).
    pub scheduled_s: f64,
    /// Time spent waiting for a concurrency slot after the scheduled time.
    pub slot_wait_s: f64,
    /// Actual send time (from run start). `sent_s − scheduled_s − slot_wait_s` is the
    /// dispatch lag of the client itself.
    pub sent_s: f64,
    /// Time to open a new TCP connection for this request (from send; it is inside
    /// TTFT). `None` when an idle connection was reused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_s: Option<f64>,
    /// Requests retried because a reused connection failed before any response byte.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub retries: u32,
    /// HTTP status, when a response arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Time to first token (from send): arrival of the first chunk with non-empty
    /// content (text, delta content or reasoning content).
    pub ttft_s: Option<f64>,
    /// Arrival of each content chunk (from send); the first equals `ttft_s`.
    pub chunk_times_s: Vec<f64>,
    /// Tokens in each content chunk (1 for one-token-per-chunk servers; more under
    /// speculative decoding). Same length as `chunk_times_s`.
    pub chunk_tokens: Vec<u32>,
    /// End-to-end latency (from send) to the last content chunk (vLLM's definition).
    pub e2e_s: Option<f64>,
    /// Time (from send) the `[DONE]` line arrived (SGLang's end of request).
    pub done_s: Option<f64>,
    /// Time (from send) the request ended for any reason: last byte read or failure.
    pub end_s: f64,
    /// Client-side prompt length (the dataset's count).
    pub input_len: u32,
    /// The server's `usage.prompt_tokens` (includes special tokens it adds).
    pub prompt_tokens: Option<u32>,
    /// `usage.prompt_tokens_details.cached_tokens`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_tokens: Option<u32>,
    /// The requested output length (`max_tokens`).
    pub requested_output_len: u32,
    /// Output tokens used in every metric (see `output_tokens_source`).
    pub output_tokens: Option<u32>,
    /// Where `output_tokens` came from.
    pub output_tokens_source: TokenCountSource,
    /// The server's `usage.completion_tokens`, when sent.
    pub usage_output_tokens: Option<u32>,
    /// The client tokenizer's count of the generated text (cross-check), when a
    /// tokenizer was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retokenized_output_tokens: Option<u32>,
    /// `finish_reason` of the last choice (`length`, `stop`, …).
    pub finish_reason: Option<String>,
    /// The server stopped before the requested length.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub early_stop: bool,
    /// Server-side timings when the server reports them (llama.cpp).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_timings: Option<ServerTimings>,
    /// The failure, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RequestError>,
    /// The generated text (only kept when asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_text: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl RequestRecord {
    /// A record for request `id` sent at `sent_s` with nothing received yet (the
    /// simulator and the client fill in the rest).
    pub fn new(
        id: u64,
        scheduled_s: f64,
        slot_wait_s: f64,
        sent_s: f64,
        input_len: u32,
        requested_output_len: u32,
    ) -> RequestRecord {
        RequestRecord {
            id,
            warmup: false,
            scheduled_s,
            slot_wait_s,
            sent_s,
            connect_s: None,
            retries: 0,
            http_status: None,
            ttft_s: None,
            chunk_times_s: Vec::new(),
            chunk_tokens: Vec::new(),
            e2e_s: None,
            done_s: None,
            end_s: 0.0,
            input_len,
            prompt_tokens: None,
            cached_tokens: None,
            requested_output_len,
            output_tokens: None,
            output_tokens_source: TokenCountSource::None,
            usage_output_tokens: None,
            retokenized_output_tokens: None,
            finish_reason: None,
            early_stop: false,
            server_timings: None,
            error: None,
            generated_text: None,
        }
    }

    /// True when the request succeeded.
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }

    /// Client dispatch lag: actual send − scheduled send − slot wait (never negative).
    pub fn dispatch_lag_s(&self) -> f64 {
        (self.sent_s - self.scheduled_s - self.slot_wait_s).max(0.0)
    }

    /// TPOT excluding the first token: `(e2e − ttft) / (output_tokens − 1)`, defined
    /// when at least two tokens were produced (both anchors' formula).
    pub fn tpot_s(&self) -> Option<f64> {
        let (e2e, ttft, n) = (self.e2e_s?, self.ttft_s?, self.output_tokens?);
        (n > 1).then(|| (e2e - ttft) / f64::from(n - 1))
    }

    /// Gaps between consecutive content chunks (one entry per chunk after the first).
    pub fn itl_s(&self) -> impl Iterator<Item = f64> + '_ {
        self.chunk_times_s.windows(2).map(|w| w[1] - w[0])
    }

    /// Absolute end time (from run start).
    pub fn end_abs_s(&self) -> f64 {
        self.sent_s + self.end_s
    }

    /// Output-token disagreement between the server's usage and the client recount.
    pub fn token_count_disagrees(&self) -> bool {
        matches!((self.usage_output_tokens, self.retokenized_output_tokens),
            (Some(u), Some(r)) if u != r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_quantities() {
        let mut r = RequestRecord::new(0, 1.0, 0.5, 1.6, 10, 4);
        r.ttft_s = Some(0.2);
        r.chunk_times_s = vec![0.2, 0.3, 0.45, 0.5];
        r.chunk_tokens = vec![1; 4];
        r.e2e_s = Some(0.5);
        r.output_tokens = Some(4);
        assert!((r.dispatch_lag_s() - 0.1).abs() < 1e-12);
        assert!((r.tpot_s().unwrap() - 0.1).abs() < 1e-12);
        let itl: Vec<f64> = r.itl_s().collect();
        assert_eq!(itl.len(), 3);
        assert!((itl[1] - 0.15).abs() < 1e-12);
        let json = serde_json::to_string(&r).unwrap();
        assert!(!json.contains("warmup") && !json.contains("connect_s"));
        let back: RequestRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
    }
}
