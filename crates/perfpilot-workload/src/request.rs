//! One request of a workload, as sent to a server (or simulated).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A chat message (`/v1/chat/completions` `messages` entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ChatMessage {
    /// `system`, `user` or `assistant`.
    pub role: String,
    /// The text.
    pub content: String,
}

/// The prompt of a request. Serialised untagged, so a JSON string is text, an array of
/// integers is token ids and an array of objects is chat messages — the same shapes the
/// canonical workload JSONL uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Prompt {
    /// Plain text (`prompt` of `/v1/completions`, or one user message for chat).
    Text(String),
    /// Token ids (`/v1/completions` accepts an array of ids; chat needs text).
    TokenIds(Vec<u32>),
    /// Chat messages.
    Messages(Vec<ChatMessage>),
}

impl Prompt {
    /// The prompt as text: the text itself, or the message contents joined by newlines.
    /// `None` for token ids.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Prompt::Text(t) => Some(t.clone()),
            Prompt::TokenIds(_) => None,
            Prompt::Messages(m) => {
                Some(m.iter().map(|m| m.content.as_str()).collect::<Vec<_>>().join("\n"))
            }
        }
    }
}

/// One request of a workload. A list of these is the whole workload; the same seed gives
/// the byte-identical list, and [`crate::save_requests`] / [`crate::load_requests`] save
/// and replay it (one JSON object per line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequestSpec {
    /// Position in the workload (0-based); stable across replays.
    pub id: u64,
    /// The prompt.
    pub prompt: Prompt,
    /// Prompt length in tokens as counted on the client (the dataset's tokenizer),
    /// without special tokens the server may add (e.g. BOS). The server's own count,
    /// `usage.prompt_tokens`, is recorded per request as well.
    pub input_len: u32,
    /// Output length to request (`max_tokens` / `max_completion_tokens`).
    pub output_len: u32,
    /// Extra fields merged into this request's JSON body last (can override defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_body: Option<serde_json::Map<String, serde_json::Value>>,
}
