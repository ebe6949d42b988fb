//! Canonical workload JSONL: read, and write (save/replay of a request list).

use std::path::Path;

use serde::Deserialize;

use crate::{ChatMessage, Prompt, RequestSpec, TextTokenizer, WorkloadError};

type Body = serde_json::Map<String, serde_json::Value>;

/// Unknown keys (`timestamp`, `routing_key`, `image_data`, …) are ignored.
#[derive(Deserialize)]
struct Row {
    #[serde(default)]
    id: Option<u64>,
    #[serde(default)]
    prompt: Option<Prompt>,
    #[serde(default)]
    messages: Option<Vec<ChatMessage>>,
    #[serde(default)]
    output_len: Option<u32>,
    #[serde(default)]
    input_len: Option<u32>,
    #[serde(default)]
    extra_request_body: Option<Body>,
    #[serde(default)]
    extra_body: Option<Body>,
    #[serde(default)]
    #[allow(dead_code)]
    metadata: Option<serde_json::Value>,
}

/// Write `requests` as JSONL (one [`RequestSpec`] per line) — the replayable form.
pub fn requests_to_jsonl(requests: &[RequestSpec]) -> String {
    let mut s = String::new();
    for r in requests {
        // Serialising these plain types cannot fail.
        if let Ok(line) = serde_json::to_string(r) {
            s.push_str(&line);
            s.push('\n');
        }
    }
    s
}

/// Save `requests` to `path` atomically.
pub fn save_requests(path: &Path, requests: &[RequestSpec]) -> Result<(), WorkloadError> {
    perfpilot_report::write_atomic(path, requests_to_jsonl(requests).as_bytes())
        .map_err(|e| WorkloadError::io(path, e))
}

/// Load a canonical workload JSONL file (or one written by [`save_requests`]).
/// Rows without `input_len` are counted with `tokenizer`.
pub fn load_requests(
    path: &Path,
    tokenizer: Option<&dyn TextTokenizer>,
    warnings: &mut Vec<String>,
) -> Result<Vec<RequestSpec>, WorkloadError> {
    let bytes = perfpilot_io::read_regular(path).map_err(|e| WorkloadError::io(path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        WorkloadError::io(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()),
        )
    })?;
    parse_requests(path, &text, tokenizer, warnings)
}

/// Parse JSONL text; `path` is only used in error messages.
pub fn parse_requests(
    path: &Path,
    text: &str,
    tokenizer: Option<&dyn TextTokenizer>,
    warnings: &mut Vec<String>,
) -> Result<Vec<RequestSpec>, WorkloadError> {
    let mut out = Vec::new();
    let mut counted_messages = 0usize;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let pos = || format!("line {line_no}");
        if line.trim().is_empty() {
            continue;
        }
        let row: Row = serde_json::from_str(line).map_err(|e| {
            WorkloadError::bad_input(
                path,
                format!("line {line_no} column {}", e.column()),
                format!(
                    "expected {{\"prompt\": string|[ids]|[messages], \"output_len\": n, …}}: {e}"
                ),
            )
        })?;
        let prompt = match (row.prompt, row.messages) {
            (Some(p), None) => p,
            (None, Some(m)) => Prompt::Messages(m),
            (Some(_), Some(_)) => {
                return Err(WorkloadError::bad_input(path, pos(), "both `prompt` and `messages`"));
            }
            (None, None) => {
                return Err(WorkloadError::bad_input(path, pos(), "no `prompt` or `messages`"));
            }
        };
        let output_len = row.output_len.filter(|&n| n > 0).ok_or_else(|| {
            WorkloadError::bad_input(path, pos(), "expected a positive integer `output_len`")
        })?;
        let input_len = match (row.input_len, &prompt, tokenizer) {
            (Some(n), _, _) => n,
            (None, Prompt::TokenIds(ids), _) => ids.len() as u32,
            (None, Prompt::Text(t), Some(tok)) => tok.count(t)?,
            (None, Prompt::Messages(m), Some(tok)) => {
                counted_messages += 1;
                let mut n = 0u32;
                for msg in m {
                    n = n.saturating_add(tok.count(&msg.content)?);
                }
                n
            }
            (None, _, None) => {
                return Err(WorkloadError::bad_input(
                    path,
                    pos(),
                    "no `input_len` and no tokenizer to count the prompt (pass --tokenizer)",
                ));
            }
        };
        let extra_body = match (row.extra_request_body, row.extra_body) {
            (Some(a), Some(mut b)) => {
                b.extend(a);
                Some(b)
            }
            (a, b) => a.or(b),
        };
        out.push(RequestSpec {
            id: row.id.unwrap_or(out.len() as u64),
            prompt,
            input_len,
            output_len,
            extra_body,
        });
    }
    if out.is_empty() {
        return Err(WorkloadError::bad_input(path, "whole file", "no requests"));
    }
    if counted_messages > 0 {
        warnings.push(format!(
            "{counted_messages} chat-message prompts were counted without the server's chat \
             template (sum of message contents); the server's usage.prompt_tokens is exact"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Arbitrary text gives requests or an error naming a line, never a panic.
        #[test]
        fn arbitrary_text_never_panics(text in "(\\{|\\}|\"|prompt|output_len|:|,|[0-9]|\\[|\\]|\n| ){0,80}") {
            let mut w = Vec::new();
            if let Err(e) = parse_requests(Path::new("x.jsonl"), &text, None, &mut w) {
                prop_assert!(e.to_string().starts_with("x.jsonl:"));
            }
        }
    }

    #[test]
    fn canonical_rows_parse_and_round_trip() {
        let text = r#"{"prompt": "hi there", "output_len": 4, "input_len": 2}
{"messages": [{"role": "user", "content": "x"}], "output_len": 3, "input_len": 1, "extra_request_body": {"temperature": 0.5}}

{"prompt": [1, 2, 3], "output_len": 8}
"#;
        let mut w = Vec::new();
        let reqs = parse_requests(Path::new("w.jsonl"), text, None, &mut w).unwrap();
        assert_eq!(reqs.len(), 3);
        assert_eq!(reqs[2].input_len, 3);
        assert_eq!(reqs[2].id, 2);
        assert_eq!(reqs[1].extra_body.as_ref().unwrap()["temperature"], 0.5);
        let saved = requests_to_jsonl(&reqs);
        let again = parse_requests(Path::new("s.jsonl"), &saved, None, &mut w).unwrap();
        assert_eq!(reqs, again);
    }

    #[test]
    fn errors_name_the_line() {
        let mut w = Vec::new();
        let e = parse_requests(
            Path::new("w.jsonl"),
            "{\"prompt\":\"a\",\"output_len\":1,\"input_len\":1}\n{\"prompt\":\"a\"}\n",
            None,
            &mut w,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("w.jsonl:line 2") && e.contains("output_len"), "{e}");
        let e =
            parse_requests(Path::new("w.jsonl"), "{nope", None, &mut w).unwrap_err().to_string();
        assert!(e.contains("line 1 column"), "{e}");
        let e = parse_requests(
            Path::new("w.jsonl"),
            "{\"prompt\":\"a b\",\"output_len\":1}",
            None,
            &mut w,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("tokenizer"), "{e}");
    }
}
