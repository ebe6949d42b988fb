//! One streamed JSON chunk of `/v1/completions` or `/v1/chat/completions`: only the
//! fields the client needs, borrowed from the payload where possible.

use std::borrow::Cow;

use serde::Deserialize;

#[derive(Deserialize)]
struct Raw<'a> {
    #[serde(borrow, default)]
    choices: Option<Vec<Choice<'a>>>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    timings: Option<Timings>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    delta: Option<Delta<'a>>,
    #[serde(borrow, default)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(borrow, default)]
    content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    reasoning_content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    reasoning: Option<Cow<'a, str>>,
}

/// `usage` of the final chunk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
pub struct Usage {
    /// Prompt tokens (with special tokens the server adds).
    #[serde(default)]
    pub prompt_tokens: Option<u32>,
    /// Generated tokens.
    #[serde(default)]
    pub completion_tokens: Option<u32>,
    /// Cached prompt tokens.
    #[serde(default)]
    pub prompt_tokens_details: Option<PromptDetails>,
}

/// `usage.prompt_tokens_details`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
pub struct PromptDetails {
    /// Prompt tokens served from the prefix cache.
    #[serde(default)]
    pub cached_tokens: Option<u32>,
}

/// llama.cpp `timings`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
pub struct Timings {
    /// Prompt tokens evaluated.
    #[serde(default)]
    pub prompt_n: Option<u32>,
    /// Prompt evaluation, ms.
    #[serde(default)]
    pub prompt_ms: Option<f64>,
    /// Tokens predicted.
    #[serde(default)]
    pub predicted_n: Option<u32>,
    /// Prediction, ms.
    #[serde(default)]
    pub predicted_ms: Option<f64>,
}

/// What the client takes from one chunk.
#[derive(Debug, Default, PartialEq)]
pub struct ChunkInfo<'a> {
    /// Content of the first choice (text, delta content, or reasoning content), if any
    /// non-empty content arrived.
    pub content: Option<Cow<'a, str>>,
    /// The chunk had a non-empty `choices` array (vLLM's TTFT condition).
    pub has_choices: bool,
    /// `finish_reason`, when set.
    pub finish_reason: Option<Cow<'a, str>>,
    /// `usage`, when present.
    pub usage: Option<Usage>,
    /// `timings`, when present.
    pub timings: Option<Timings>,
    /// An `error` object sent inside the stream.
    pub error: Option<String>,
}

/// Parse one `data:` payload. Errors are the JSON error (the caller classifies the
/// request as `malformed-chunk`).
pub fn parse_chunk(payload: &[u8]) -> Result<ChunkInfo<'_>, serde_json::Error> {
    let raw: Raw<'_> = serde_json::from_slice(payload)?;
    let mut info = ChunkInfo {
        usage: raw.usage,
        timings: raw.timings,
        error: raw.error.map(|e| e.to_string()),
        ..ChunkInfo::default()
    };
    if let Some(choices) = raw.choices {
        info.has_choices = !choices.is_empty();
        if let Some(c) = choices.into_iter().next() {
            let content = match (c.text, c.delta) {
                (Some(t), _) if !t.is_empty() => Some(t),
                (_, Some(d)) => [d.content, d.reasoning_content, d.reasoning]
                    .into_iter()
                    .flatten()
                    .find(|s| !s.is_empty()),
                _ => None,
            };
            info.content = content;
            info.finish_reason = c.finish_reason;
        }
    }
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Outside input never panics the chunk parser or the SSE framer.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse_chunk(&bytes);
            let mut p = crate::sse::SseParser::new();
            let _ = p.feed(&bytes, |e| if let crate::sse::SseEvent::Data(d) = e { let _ = parse_chunk(d); });
            p.finish(|_| {});
        }
    }

    #[test]
    fn llama_cpp_completion_chunks() {
        let c = parse_chunk(br#"{"choices":[{"text":" Paris","index":0,"logprobs":null,"finish_reason":null}],"created":1,"model":"m","object":"text_completion","id":"x"}"#).unwrap();
        assert_eq!(c.content.as_deref(), Some(" Paris"));
        let last = parse_chunk(br#"{"choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"length"}],"usage":{"completion_tokens":16,"prompt_tokens":6,"total_tokens":22,"prompt_tokens_details":{"cached_tokens":0}},"timings":{"prompt_n":6,"prompt_ms":40.1,"predicted_n":16,"predicted_ms":420.5}}"#).unwrap();
        assert_eq!(last.content, None);
        assert_eq!(last.finish_reason.as_deref(), Some("length"));
        assert_eq!(last.usage.unwrap().completion_tokens, Some(16));
        assert_eq!(last.timings.unwrap().predicted_n, Some(16));
    }

    #[test]
    fn chat_role_chunk_is_not_content() {
        let c = parse_chunk(
            br#"{"choices":[{"index":0,"delta":{"role":"assistant","content":null}}]}"#,
        )
        .unwrap();
        assert!(c.has_choices && c.content.is_none());
        let c = parse_chunk(br#"{"choices":[{"index":0,"delta":{"content":"Hi \"there\""}}]}"#)
            .unwrap();
        assert_eq!(c.content.as_deref(), Some("Hi \"there\""));
        let u = parse_chunk(br#"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}"#)
            .unwrap();
        assert!(!u.has_choices);
        assert_eq!(u.usage.unwrap().prompt_tokens, Some(3));
        let r = parse_chunk(br#"{"choices":[{"delta":{"reasoning_content":"think"}}]}"#).unwrap();
        assert_eq!(r.content.as_deref(), Some("think"));
    }

    #[test]
    fn malformed_and_error_chunks() {
        assert!(parse_chunk(b"{\"choices\": [").is_err());
        assert!(parse_chunk(b"not json").is_err());
        let e = parse_chunk(br#"{"error":{"message":"boom","code":500}}"#).unwrap();
        assert!(e.error.unwrap().contains("boom"));
    }
}
