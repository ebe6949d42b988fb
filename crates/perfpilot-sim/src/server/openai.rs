//! The OpenAI request and response shapes: parsing `/v1/completions` and
//! `/v1/chat/completions` bodies, and writing SSE chunks and full responses the way
//! SGLang and vLLM do (`choices[].text` / `choices[].delta.content`, `finish_reason` on
//! the last token's chunk, a `choices: []` usage chunk with
//! `stream_options.include_usage`, then `data: [DONE]`).

use serde_json::{Value, json};

use crate::text::{PromptTokenizer, output_word};

/// A parsed generation request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GenRequest {
    pub chat: bool,
    pub prompt_ids: Vec<u32>,
    pub max_tokens: Option<u32>,
    pub min_tokens: u32,
    pub ignore_eos: bool,
    pub stream: bool,
    pub include_usage: bool,
    pub seed: Option<u64>,
}

/// Parse a request body. `Err` is the 400 message.
pub(crate) fn parse(
    body: &[u8],
    chat: bool,
    tok: &dyn PromptTokenizer,
) -> Result<GenRequest, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("invalid JSON body: {e}"))?;
    let obj = v.as_object().ok_or("the request body must be a JSON object")?;
    let prompt_ids = if chat {
        let msgs = obj.get("messages").ok_or("missing field `messages`")?;
        tok.encode(&chat_template(msgs)?)
    } else {
        prompt_ids(obj.get("prompt").ok_or("missing field `prompt`")?, tok)?
    };
    if prompt_ids.is_empty() {
        return Err("the prompt is empty".into());
    }
    let uint = |k: &str| -> Result<Option<u32>, String> {
        match obj.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(x) => x
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| format!("`{k}` must be a non-negative integer, got {x}")),
        }
    };
    let boolean = |k: &str| -> Result<bool, String> {
        match obj.get(k) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(x) => Err(format!("`{k}` must be a boolean, got {x}")),
        }
    };
    let max_tokens = if chat {
        uint("max_completion_tokens")?.or(uint("max_tokens")?)
    } else {
        uint("max_tokens")?
    };
    if max_tokens == Some(0) {
        return Err("`max_tokens` must be at least 1".into());
    }
    if let Some(n) = uint("n")?
        && n != 1
    {
        return Err("the simulator serves n = 1 only".into());
    }
    let include_usage = match obj.get("stream_options") {
        Some(Value::Object(o)) => o.get("include_usage").and_then(Value::as_bool).unwrap_or(false),
        _ => false,
    };
    Ok(GenRequest {
        chat,
        prompt_ids,
        max_tokens,
        min_tokens: uint("min_tokens")?.unwrap_or(0),
        ignore_eos: boolean("ignore_eos")?,
        stream: boolean("stream")?,
        include_usage,
        seed: obj.get("seed").and_then(Value::as_u64),
    })
}

/// Token ids of a completions `prompt`: text, token ids, or a one-element list of
/// either (batches of several prompts are refused).
pub(crate) fn prompt_ids(p: &Value, tok: &dyn PromptTokenizer) -> Result<Vec<u32>, String> {
    match p {
        Value::String(s) => Ok(tok.encode(s)),
        Value::Array(items) if items.iter().all(Value::is_u64) => items
            .iter()
            .map(|x| {
                x.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or("token id out of range".into())
            })
            .collect(),
        Value::Array(items) if items.len() == 1 => prompt_ids(&items[0], tok),
        Value::Array(_) => Err("batched prompts are not supported by the simulator".into()),
        _ => {
            Err("`prompt` must be a string, a list of token ids, or a list with one of those"
                .into())
        }
    }
}

/// Apply a ChatML-style template: `<|im_start|>role\ncontent<|im_end|>\n` per message,
/// then the assistant header, so prompt counts include template tokens as real servers'.
pub(crate) fn chat_template(messages: &Value) -> Result<String, String> {
    let list = messages.as_array().ok_or("`messages` must be a list")?;
    if list.is_empty() {
        return Err("`messages` is empty".into());
    }
    let mut s = String::new();
    for (i, m) in list.iter().enumerate() {
        let role =
            m.get("role").and_then(Value::as_str).ok_or(format!("messages[{i}].role missing"))?;
        let content = match m.get("content") {
            Some(Value::String(c)) => c.clone(),
            Some(Value::Array(parts)) => parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(""),
            Some(Value::Null) | None => String::new(),
            Some(_) => {
                return Err(format!("messages[{i}].content must be a string or a list of parts"));
            }
        };
        s.push_str("<|im_start|>");
        s.push_str(role);
        s.push('\n');
        s.push_str(&content);
        s.push_str("<|im_end|>\n");
    }
    s.push_str("<|im_start|>assistant\n");
    Ok(s)
}

/// Token usage of a finished request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Usage {
    pub prompt: u64,
    pub completion: u64,
    pub cached: u64,
}

impl Usage {
    fn json(&self) -> Value {
        json!({
            "prompt_tokens": self.prompt,
            "completion_tokens": self.completion,
            "total_tokens": self.prompt + self.completion,
            "prompt_tokens_details": {"cached_tokens": self.cached},
        })
    }
}

/// Writes one request's chunks quickly: the JSON around the token text is built once.
#[derive(Debug, Clone)]
pub(crate) struct ChunkWriter {
    chat: bool,
    key: u64,
    head: String,
    id: String,
    created: u64,
    model: String,
}

impl ChunkWriter {
    pub(crate) fn new(chat: bool, rid: u64, created: u64, model: &str) -> ChunkWriter {
        let id = if chat { format!("chatcmpl-{rid:016x}") } else { format!("cmpl-{rid:016x}") };
        let object = if chat { "chat.completion.chunk" } else { "text_completion" };
        let model_json = serde_json::to_string(model).unwrap_or_else(|_| "\"sim\"".into());
        let head = format!(
            "data: {{\"id\":\"{id}\",\"object\":\"{object}\",\"created\":{created},\"model\":{model_json},\"choices\":["
        );
        ChunkWriter { chat, key: rid, head, id, created, model: model.to_string() }
    }

    /// The text of output token `index`.
    pub(crate) fn word(&self, index: u32) -> &'static str {
        output_word(self.key, index)
    }

    /// The chat role chunk that precedes the first content chunk.
    pub(crate) fn role_chunk(&self, out: &mut String) {
        if self.chat {
            out.push_str(&self.head);
            out.push_str("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        }
    }

    /// One token's chunk, with `finish_reason` on the last.
    pub(crate) fn token_chunk(&self, out: &mut String, index: u32, finish: Option<&str>) {
        out.push_str(&self.head);
        if self.chat {
            out.push_str("{\"index\":0,\"delta\":{\"content\":\"");
        } else {
            out.push_str("{\"index\":0,\"text\":\"");
        }
        out.push_str(self.word(index));
        out.push_str(if self.chat {
            "\"},\"logprobs\":null,\"finish_reason\":"
        } else {
            "\",\"logprobs\":null,\"finish_reason\":"
        });
        match finish {
            Some(f) => {
                out.push('"');
                out.push_str(f);
                out.push('"');
            }
            None => out.push_str("null"),
        }
        out.push_str("}]}\n\n");
    }

    /// A chunk that is not valid JSON (the malformed-chunk fault).
    pub(crate) fn malformed_chunk(&self, out: &mut String, index: u32) {
        out.push_str(&self.head);
        out.push_str("{\"index\":0,\"text\":\"");
        out.push_str(self.word(index));
        out.push_str("\"\n\n");
    }

    /// The usage chunk (`choices: []`).
    pub(crate) fn usage_chunk(&self, out: &mut String, u: &Usage) {
        out.push_str(&self.head);
        out.push_str("],\"usage\":");
        out.push_str(&u.json().to_string());
        out.push_str("}\n\n");
    }

    /// An error event inside a stream, then `[DONE]`.
    pub(crate) fn error_chunk(&self, out: &mut String, message: &str, code: u16) {
        out.push_str("data: ");
        out.push_str(&error_body(message, code));
        out.push_str("\n\ndata: [DONE]\n\n");
    }

    /// The whole non-streaming response.
    pub(crate) fn full_response(&self, tokens: u32, finish: &str, u: &Usage) -> String {
        let text: String = (0..tokens).map(|i| self.word(i)).collect();
        let choice = if self.chat {
            json!({"index": 0, "message": {"role": "assistant", "content": text},
                   "logprobs": null, "finish_reason": finish})
        } else {
            json!({"index": 0, "text": text, "logprobs": null, "finish_reason": finish})
        };
        json!({
            "id": self.id,
            "object": if self.chat { "chat.completion" } else { "text_completion" },
            "created": self.created,
            "model": self.model,
            "choices": [choice],
            "usage": u.json(),
        })
        .to_string()
    }
}

/// The OpenAI-style error object SGLang and vLLM answer with.
pub(crate) fn error_body(message: &str, code: u16) -> String {
    let kind = match code {
        400 => "BadRequestError",
        404 => "NotFoundError",
        429 => "RateLimitError",
        503 => "ServiceUnavailableError",
        _ => "InternalServerError",
    };
    json!({"object": "error", "message": message, "type": kind, "param": null, "code": code})
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::BuiltinTokenizer;

    #[test]
    fn parses_completion_and_chat_bodies() {
        let t = BuiltinTokenizer;
        let r = parse(
            br#"{"model":"m","prompt":"Hello world","max_tokens":8,"stream":true,"ignore_eos":true,"min_tokens":2,"stream_options":{"include_usage":true}}"#,
            false,
            &t,
        )
        .unwrap();
        assert_eq!(r.prompt_ids.len(), 2);
        assert_eq!(
            (r.max_tokens, r.min_tokens, r.ignore_eos, r.stream, r.include_usage),
            (Some(8), 2, true, true, true)
        );
        let r = parse(br#"{"prompt":[[1,2,3]]}"#, false, &t).unwrap();
        assert_eq!(r.prompt_ids, vec![1, 2, 3]);
        let r = parse(
            br#"{"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],"max_completion_tokens":4}"#,
            true,
            &t,
        )
        .unwrap();
        assert_eq!(r.max_tokens, Some(4));
        assert!(r.prompt_ids.len() > 3);
    }

    #[test]
    fn bad_bodies_say_what_is_wrong() {
        let t = BuiltinTokenizer;
        assert!(parse(b"{", false, &t).unwrap_err().contains("invalid JSON"));
        assert!(
            parse(br#"{"prompt":"x","max_tokens":-1}"#, false, &t)
                .unwrap_err()
                .contains("max_tokens")
        );
        assert!(parse(br#"{"prompt":["a","b"]}"#, false, &t).unwrap_err().contains("batched"));
        assert!(parse(br#"{"messages":[]}"#, true, &t).unwrap_err().contains("empty"));
        assert!(parse(br#"{"prompt":"x","n":2}"#, false, &t).unwrap_err().contains("n = 1"));
    }

    #[test]
    fn chunks_are_valid_json_with_the_expected_fields() {
        let w = ChunkWriter::new(true, 7, 1_700_000_000, "m\"x");
        let mut s = String::new();
        w.role_chunk(&mut s);
        w.token_chunk(&mut s, 0, None);
        w.token_chunk(&mut s, 1, Some("length"));
        w.usage_chunk(&mut s, &Usage { prompt: 5, completion: 2, cached: 0 });
        let events: Vec<Value> = s
            .split("\n\n")
            .filter(|e| !e.is_empty())
            .map(|e| serde_json::from_str(e.strip_prefix("data: ").unwrap()).unwrap())
            .collect();
        assert_eq!(events[0]["choices"][0]["delta"]["role"], "assistant");
        assert_eq!(events[1]["choices"][0]["delta"]["content"], w.word(0));
        assert_eq!(events[2]["choices"][0]["finish_reason"], "length");
        assert_eq!(events[3]["choices"].as_array().unwrap().len(), 0);
        assert_eq!(events[3]["usage"]["total_tokens"], 7);
        assert_eq!(events[3]["model"], "m\"x");
        let mut bad = String::new();
        w.malformed_chunk(&mut bad, 0);
        assert!(serde_json::from_str::<Value>(bad.trim().strip_prefix("data: ").unwrap()).is_err());
        let full: Value = serde_json::from_str(&w.full_response(
            2,
            "stop",
            &Usage { prompt: 1, completion: 2, cached: 0 },
        ))
        .unwrap();
        assert_eq!(full["choices"][0]["message"]["content"], format!("{}{}", w.word(0), w.word(1)));
    }
}
