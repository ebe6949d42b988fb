//! Making the server's prefix cache explicit before a measured run: flush it where the
//! server has an endpoint (SGLang `POST /flush_cache`, vLLM `POST /reset_prefix_cache`),
//! bypass it per request where it has none (llama.cpp `cache_prompt: false`).

use std::time::Duration;

use perfpilot_workload::{CacheFlush, ServerInfo};

use crate::http::{Pool, Target, simple_request};

/// Whether the server is llama.cpp (by what preflight found).
pub(crate) fn is_llama_cpp(info: &ServerInfo) -> bool {
    info.version.as_deref().is_some_and(|v| v.starts_with("llama.cpp"))
}

/// Add `cache_prompt: false` to the request body's extras unless the user set it.
pub(crate) fn bypass_body(
    extra: &mut Option<serde_json::Map<String, serde_json::Value>>,
) -> CacheFlush {
    let m = extra.get_or_insert_with(serde_json::Map::new);
    m.entry("cache_prompt").or_insert(serde_json::Value::Bool(false));
    CacheFlush::CachePromptFalse
}

/// Flush the prefix cache: `POST /flush_cache`, then `POST /reset_prefix_cache`; the
/// first that answers 2xx wins. [`CacheFlush::Unsupported`] when neither does.
pub(crate) async fn flush(
    pool: &Pool,
    target: &Target,
    auth: Option<&str>,
    timeout: Duration,
) -> (CacheFlush, Vec<String>) {
    let mut tried = Vec::new();
    for (path, kind) in [
        ("/flush_cache", CacheFlush::FlushCache),
        ("/reset_prefix_cache", CacheFlush::ResetPrefixCache),
    ] {
        let body = serde_json::json!({});
        match simple_request(pool, target, hyper::Method::POST, path, Some(&body), auth, timeout)
            .await
        {
            Ok((code, _)) if (200..300).contains(&code) => return (kind, tried),
            Ok((code, _)) => tried.push(format!("POST {path}: HTTP {code}")),
            Err(e) => tried.push(format!("POST {path}: {e}")),
        }
    }
    (CacheFlush::Unsupported, tried)
}
