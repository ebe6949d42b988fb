//! The server's profiler, started and stopped over HTTP (`POST /start_profile`,
//! `POST /stop_profile`: SGLang, and vLLM when launched with `VLLM_TORCH_PROFILER_DIR`).
//! One small client, so `bench serve --profile` and later live captures share it.

use std::time::Duration;

use crate::BenchError;
use crate::http::{Pool, Target, simple_request};

/// Where the profiler endpoints live and how to authenticate.
#[derive(Debug, Clone)]
pub struct ProfilerClient {
    target: Target,
    auth: Option<String>,
    timeout: Duration,
}

impl ProfilerClient {
    /// A client for the server at `target`. Stopping can take long (the server writes
    /// the trace before answering), so the timeout is generous.
    pub fn new(target: &Target, auth: Option<&str>) -> ProfilerClient {
        ProfilerClient {
            target: target.clone(),
            auth: auth.map(str::to_string),
            timeout: Duration::from_secs(600),
        }
    }

    /// `POST /start_profile`.
    pub async fn start(&self, pool: &Pool) -> Result<(), BenchError> {
        self.post(pool, "/start_profile").await
    }

    /// `POST /stop_profile` (returns once the server has written its trace).
    pub async fn stop(&self, pool: &Pool) -> Result<(), BenchError> {
        self.post(pool, "/stop_profile").await
    }

    async fn post(&self, pool: &Pool, path: &str) -> Result<(), BenchError> {
        let body = serde_json::json!({});
        let fail = |message: String| BenchError::Server {
            url: self.target.display.clone(),
            message: format!("--profile: POST {path}: {message}"),
        };
        let (status, bytes) = simple_request(
            pool,
            &self.target,
            hyper::Method::POST,
            path,
            Some(&body),
            self.auth.as_deref(),
            self.timeout,
        )
        .await
        .map_err(fail)?;
        if status == 200 {
            return Ok(());
        }
        let text: String = String::from_utf8_lossy(&bytes).chars().take(200).collect();
        let hint = if status == 404 {
            " (the server has no profiler endpoint: SGLang has one; vLLM needs \
             VLLM_TORCH_PROFILER_DIR at launch; llama.cpp has none)"
        } else {
            ""
        };
        Err(fail(format!("HTTP {status}: {text}{hint}")))
    }
}
