//! `--tokenizer server`: the server's own `/tokenize` and `/detokenize` endpoints
//! (llama.cpp and SGLang shape `{"content": …}`, vLLM shape `{"prompt": …}`), so counts
//! match the server exactly without a local tokenizer file. A server without
//! `/detokenize` (the simulator) still counts: random text is then built from words.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use perfpilot_workload::{TextTokenizer, WorkloadError};
use serde_json::{Value, json};

use crate::BenchError;
use crate::http::{Pool, Target, simple_request};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    LlamaCpp,
    Vllm,
}

/// A tokenizer backed by the server. Blocking: each call runs on its own small runtime
/// (call it outside async code, as dataset generation and the post-run recount do).
pub struct ServerTokenizer {
    rt: tokio::runtime::Runtime,
    pool: Arc<Pool>,
    target: Target,
    model: String,
    auth: Option<String>,
    vocab: u32,
    style: Mutex<Option<Style>>,
    /// `/detokenize` answered the probe (and the vocabulary size is known).
    decodes: bool,
    /// Tokens the server adds to a text prompt (BOS), from the probe.
    specials: u32,
}

const TIMEOUT: Duration = Duration::from_secs(60);

impl ServerTokenizer {
    /// Connect to `target`. `vocab_size` comes from the server's model metadata
    /// (llama.cpp `/v1/models` `meta.n_vocab`); 0 when unknown (random prompts then need
    /// a local tokenizer).
    pub fn new(
        target: &Target,
        model: &str,
        auth: Option<&str>,
        vocab_size: u32,
    ) -> Result<ServerTokenizer, BenchError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| BenchError::Runtime(e.to_string()))?;
        let pool = rt.block_on(Pool::new(target, Duration::from_secs(10)))?;
        let mut t = ServerTokenizer {
            rt,
            pool,
            target: target.clone(),
            model: model.to_string(),
            auth: auth.map(str::to_string),
            vocab: vocab_size,
            style: Mutex::new(None),
            decodes: false,
            specials: 0,
        };
        t.probe().map_err(|e| BenchError::Server {
            url: target.display.clone(),
            message: format!("--tokenizer server: {e}"),
        })?;
        Ok(t)
    }

    /// Ask the server once: does `/tokenize` work, does `/detokenize` exist, and how
    /// many special tokens does it add to a text prompt.
    fn probe(&mut self) -> Result<(), WorkloadError> {
        const PROBE: &str = "Hello world";
        let plain = self.encode(PROBE)?;
        self.decodes = self.vocab > 0 && self.decode(&plain).is_ok();
        let with = self.call(
            "/tokenize",
            json!({ "content": PROBE, "add_special": true }),
            json!({ "model": self.model, "prompt": PROBE, "add_special_tokens": true }),
            "tokens",
        )?;
        let n = with.as_array().map_or(plain.len(), Vec::len);
        self.specials = u32::try_from(n.saturating_sub(plain.len())).unwrap_or(0);
        Ok(())
    }

    fn err(&self, m: String) -> WorkloadError {
        WorkloadError::Tokenizer { name: self.name(), message: m }
    }

    fn post(&self, path: &str, body: &Value) -> Result<(u16, Value), WorkloadError> {
        // Raced with Ctrl-C: building a large dataset makes one call per prompt.
        let (status, bytes) = self
            .rt
            .block_on(async {
                tokio::select! {
                    r = simple_request(
                        &self.pool,
                        &self.target,
                        hyper::Method::POST,
                        path,
                        Some(body),
                        self.auth.as_deref(),
                        TIMEOUT,
                    ) => r,
                    _ = crate::interrupt::wait() => Err("interrupted (Ctrl-C)".to_string()),
                }
            })
            .map_err(|e| self.err(format!("POST {path}: {e}")))?;
        let v = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok((status, v))
    }

    /// Try the llama.cpp/SGLang shape first, then vLLM's; remember what worked.
    fn call(
        &self,
        path: &str,
        llama: Value,
        vllm: Value,
        key: &str,
    ) -> Result<Value, WorkloadError> {
        let known = self.style.lock().ok().and_then(|s| *s);
        let order: &[Style] = match known {
            Some(Style::LlamaCpp) => &[Style::LlamaCpp],
            Some(Style::Vllm) => &[Style::Vllm],
            None => &[Style::LlamaCpp, Style::Vllm],
        };
        let mut last = String::new();
        for &style in order {
            let body = if style == Style::LlamaCpp { &llama } else { &vllm };
            let (status, v) = self.post(path, body)?;
            if status == 200 && !v[key].is_null() {
                if let Ok(mut s) = self.style.lock() {
                    *s = Some(style);
                }
                return Ok(v[key].clone());
            }
            last =
                format!("HTTP {status}: {}", v.to_string().chars().take(200).collect::<String>());
        }
        Err(self.err(format!("POST {path} gave no `{key}` ({last})")))
    }
}

impl TextTokenizer for ServerTokenizer {
    fn name(&self) -> String {
        format!("server:{}/tokenize", self.target.display)
    }

    fn encode(&self, text: &str) -> Result<Vec<u32>, WorkloadError> {
        let v = self.call(
            "/tokenize",
            json!({ "content": text, "add_special": false }),
            json!({ "model": self.model, "prompt": text, "add_special_tokens": false }),
            "tokens",
        )?;
        let arr = v.as_array().ok_or_else(|| self.err("`tokens` is not an array".into()))?;
        arr.iter()
            .map(|t| {
                // llama.cpp with pieces returns {"id":…}; plain returns ids.
                t.as_u64().or_else(|| t["id"].as_u64()).map(|x| x as u32)
            })
            .collect::<Option<Vec<u32>>>()
            .ok_or_else(|| self.err("`tokens` holds non-integers".into()))
    }

    fn decode(&self, ids: &[u32]) -> Result<String, WorkloadError> {
        let llama = self.call(
            "/detokenize",
            json!({ "tokens": ids }),
            json!({ "model": self.model, "tokens": ids }),
            if self.style.lock().ok().and_then(|s| *s) == Some(Style::Vllm) {
                "prompt"
            } else {
                "content"
            },
        );
        let v = match llama {
            Ok(v) => v,
            Err(_) => self.call(
                "/detokenize",
                json!({ "tokens": ids }),
                json!({ "model": self.model, "tokens": ids }),
                "prompt",
            )?,
        };
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| self.err("detokenized text is not a string".into()))
    }

    fn vocab_size(&self) -> u32 {
        self.vocab
    }

    fn special_ids(&self) -> BTreeSet<u32> {
        BTreeSet::new()
    }

    fn can_decode(&self) -> bool {
        self.decodes
    }

    fn added_special_tokens(&self) -> u32 {
        self.specials
    }
}
