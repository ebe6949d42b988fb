//! Preflight: what the server says about itself (`/v1/models`, version endpoints).

use std::time::Duration;

use perfpilot_workload::ServerInfo;
use serde_json::Value;

use crate::BenchError;
use crate::http::{Pool, Target, simple_request};

/// The longest any start-up probe waits (less when `--stall-timeout` is shorter).
pub const PREFLIGHT_TIMEOUT: Duration = Duration::from_secs(15);

async fn get_json(
    pool: &Pool,
    target: &Target,
    path: &str,
    auth: Option<&str>,
    timeout: Duration,
) -> Option<Value> {
    match simple_request(pool, target, hyper::Method::GET, path, None, auth, timeout).await {
        Ok((200, body)) => serde_json::from_slice(&body).ok(),
        _ => None,
    }
}

/// `GET /v1/models` (required: it proves the server is an OpenAI-compatible one and is
/// up), then the version endpoints, all at once, each bounded by `timeout`: the first of
/// `/version` (vLLM, SGLang), `/props` (llama.cpp `build_info`), `/get_server_info`
/// (SGLang) that answers names the server.
pub async fn server_info(
    pool: &Pool,
    target: &Target,
    auth: Option<&str>,
    timeout: Duration,
) -> Result<ServerInfo, BenchError> {
    let err = |m: String| BenchError::Server { url: target.display.clone(), message: m };
    let (status, body) =
        simple_request(pool, target, hyper::Method::GET, "/v1/models", None, auth, timeout)
            .await
            .map_err(|e| err(format!("GET /v1/models failed: {e}")))?;
    if status != 200 {
        return Err(err(format!(
            "GET /v1/models answered HTTP {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        )));
    }
    let models: Value = serde_json::from_slice(&body)
        .map_err(|e| err(format!("GET /v1/models is not JSON: {e}")))?;
    let list = models["data"].as_array().cloned().unwrap_or_default();
    let ids: Vec<String> =
        list.iter().filter_map(|m| m["id"].as_str().map(str::to_string)).collect();
    let mut details = serde_json::Map::new();
    if let Some(meta) = list.first().and_then(|m| m.get("meta")) {
        details.insert("model_meta".into(), meta.clone());
    }
    for m in &list {
        if let Some(len) = m.get("max_model_len") {
            details.insert("max_model_len".into(), len.clone());
        }
    }
    let (ver, props, sgl) = tokio::join!(
        get_json(pool, target, "/version", auth, timeout),
        get_json(pool, target, "/props", auth, timeout),
        get_json(pool, target, "/get_server_info", auth, timeout),
    );
    let mut version = None;
    if let Some(v) = ver {
        version = v["version"].as_str().map(str::to_string);
    }
    if version.is_none()
        && let Some(p) = props
    {
        version = p["build_info"].as_str().map(|b| format!("llama.cpp {b}"));
        for k in ["total_slots", "model_path"] {
            if let Some(v) = p.get(k) {
                details.insert(k.into(), v.clone());
            }
        }
        if let Some(n) = p.pointer("/default_generation_settings/n_ctx") {
            details.insert("n_ctx_per_slot".into(), n.clone());
        }
    }
    if version.is_none()
        && let Some(v) = sgl
    {
        version = v["version"].as_str().map(|s| format!("sglang {s}"));
    }
    Ok(ServerInfo {
        models: ids,
        version,
        details: (!details.is_empty()).then_some(Value::Object(details)),
    })
}
