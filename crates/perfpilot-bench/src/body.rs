//! Request bodies, serialised once before the run (off the hot path).

use bytes::Bytes;
use perfpilot_workload::{ChatMessage, Endpoint, Prompt, RequestSpec, SamplingSettings};
use serde_json::{Map, Value, json};

use crate::BenchError;

/// The JSON body of `req` for `endpoint`. Order of precedence: our defaults, then the
/// run's sampling settings and extra body, then the request's own extra body.
pub fn request_body(
    req: &RequestSpec,
    endpoint: Endpoint,
    model: &str,
    sampling: &SamplingSettings,
) -> Result<Value, BenchError> {
    let mut m = Map::new();
    m.insert("model".into(), json!(model));
    match endpoint {
        Endpoint::Completions => {
            let prompt = match &req.prompt {
                Prompt::Text(t) => json!(t),
                Prompt::TokenIds(ids) => json!(ids),
                Prompt::Messages(msgs) => {
                    return Err(BenchError::option(
                        "--endpoint",
                        format!(
                            "request {} has chat messages ({} of them); use --endpoint chat",
                            req.id,
                            msgs.len()
                        ),
                    ));
                }
            };
            m.insert("prompt".into(), prompt);
            m.insert("max_tokens".into(), json!(req.output_len));
        }
        Endpoint::Chat => {
            let messages: Vec<ChatMessage> = match &req.prompt {
                Prompt::Text(t) => vec![ChatMessage { role: "user".into(), content: t.clone() }],
                Prompt::Messages(m) => m.clone(),
                Prompt::TokenIds(_) => {
                    return Err(BenchError::option(
                        "--endpoint",
                        format!(
                            "request {} is token ids, which the chat endpoint cannot take; use \
                             --endpoint completions or text prompts",
                            req.id
                        ),
                    ));
                }
            };
            m.insert("messages".into(), json!(messages));
            // Both spellings: OpenAI's current field and the one older servers read.
            m.insert("max_completion_tokens".into(), json!(req.output_len));
            m.insert("max_tokens".into(), json!(req.output_len));
        }
    }
    m.insert("stream".into(), json!(true));
    m.insert("stream_options".into(), json!({ "include_usage": true }));
    if let Some(t) = sampling.temperature {
        m.insert("temperature".into(), json!(t));
    }
    if sampling.ignore_eos {
        m.insert("ignore_eos".into(), json!(true));
    }
    if let Some(n) = sampling.min_tokens {
        m.insert("min_tokens".into(), json!(n));
    }
    for extra in [&sampling.extra_body, &req.extra_body].into_iter().flatten() {
        for (k, v) in extra {
            m.insert(k.clone(), v.clone());
        }
    }
    // include_usage cannot be switched off: token counts depend on it.
    if let Some(Value::Object(so)) = m.get_mut("stream_options") {
        so.insert("include_usage".into(), json!(true));
    }
    Ok(Value::Object(m))
}

/// Serialised body bytes.
pub fn body_bytes(v: &Value) -> Bytes {
    Bytes::from(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sampling() -> SamplingSettings {
        SamplingSettings {
            ignore_eos: true,
            min_tokens: Some(3),
            temperature: Some(0.0),
            extra_body: Some(
                serde_json::from_str(r#"{"top_k": 1, "stream_options": {}}"#).unwrap(),
            ),
            include_usage: true,
        }
    }

    #[test]
    fn completions_and_chat_bodies() {
        let mut r = RequestSpec {
            id: 0,
            prompt: Prompt::Text("hi".into()),
            input_len: 1,
            output_len: 7,
            extra_body: Some(serde_json::from_str(r#"{"temperature": 0.5}"#).unwrap()),
        };
        let b = request_body(&r, Endpoint::Completions, "m", &sampling()).unwrap();
        assert_eq!(b["prompt"], "hi");
        assert_eq!(b["max_tokens"], 7);
        assert_eq!(b["temperature"], 0.5); // request's own extra body wins
        assert_eq!(b["top_k"], 1);
        assert_eq!(b["stream_options"]["include_usage"], true);
        assert_eq!(b["ignore_eos"], true);
        assert_eq!(b["min_tokens"], 3);
        let c = request_body(&r, Endpoint::Chat, "m", &sampling()).unwrap();
        assert_eq!(c["messages"][0]["role"], "user");
        assert_eq!(c["max_completion_tokens"], 7);
        r.prompt = Prompt::TokenIds(vec![1, 2]);
        assert!(request_body(&r, Endpoint::Chat, "m", &sampling()).is_err());
        assert_eq!(
            request_body(&r, Endpoint::Completions, "m", &sampling()).unwrap()["prompt"][1],
            2
        );
    }
}
