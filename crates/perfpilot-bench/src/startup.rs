//! Bounded start-up: connecting and the server probes run under the overall deadline and
//! Ctrl-C, so a server that hangs while being asked who it is cannot hang the client,
//! and an interrupt there still leaves a result file (status `interrupted`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use perfpilot_workload::{
    ArrivalSpec, BenchResult, DatasetInfo, RunStatus, ServerInfo, SummaryOptions, summarize,
};

use crate::BenchError;
use crate::http::{Pool, Target};
use crate::options::ServeOptions;
use crate::server::server_info;

/// How start-up ended.
pub(crate) enum Preflight {
    /// Connected, and the server said who it is.
    Ready(Arc<Pool>, ServerInfo),
    /// The deadline passed or Ctrl-C arrived first.
    Stopped(RunStatus),
}

/// Connect and probe the server (`/v1/models`, then `/version`, `/props` and
/// `/get_server_info` at once, each bounded by `probe_timeout`), racing the deadline and
/// (when `ctrl_c`) an interrupt.
pub(crate) async fn preflight(
    target: &Target,
    connect_timeout: Duration,
    probe_timeout: Duration,
    auth: Option<&str>,
    deadline: Option<Instant>,
    ctrl_c: bool,
) -> Result<Preflight, BenchError> {
    let work = async {
        let pool = Pool::new(target, connect_timeout).await?;
        let info = server_info(&pool, target, auth, probe_timeout).await?;
        Ok::<_, BenchError>(Preflight::Ready(pool, info))
    };
    tokio::select! {
        r = work => r,
        _ = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d.into()).await,
                None => std::future::pending().await,
            }
        } => Ok(Preflight::Stopped(RunStatus::DeadlineReached)),
        _ = async {
            if ctrl_c {
                crate::interrupt::watch_ctrl_c();
            }
            crate::interrupt::wait().await
        } => Ok(Preflight::Stopped(RunStatus::Interrupted)),
    }
}

/// The result of a run stopped before any request was sent (`stage`: what it was doing,
/// e.g. "connecting to and probing the server"); the settings say what was asked for.
pub(crate) fn stopped_result(
    opts: &ServeOptions,
    stage: &str,
    status: RunStatus,
    started_unix_s: f64,
    target: &Target,
    arrival: ArrivalSpec,
) -> BenchResult {
    let why = match status {
        RunStatus::Interrupted => "interrupted (Ctrl-C)",
        _ => "stopped by the deadline",
    };
    BenchResult {
        status,
        started_unix_s,
        settings: crate::serve::run_settings(
            opts,
            target,
            arrival,
            crate::serve::Resolved {
                model: opts.model.clone(),
                server: None,
                dataset: DatasetInfo {
                    spec: opts.dataset.clone(),
                    seed: opts.seed,
                    tokenizer: None,
                    num_requests: 0,
                    input_len: None,
                    output_len: None,
                    fingerprint: String::new(),
                    warnings: Vec::new(),
                },
                num_prompts: opts.num_prompts.unwrap_or(0),
                sampling: crate::serve::sampling(opts, opts.extra_body.clone()),
            },
        ),
        summary: summarize(&[], &SummaryOptions { slo: opts.slo, window: None }),
        client_overhead: None,
        records_file: None,
        notes: vec![format!("{why} while {stage}: no request was sent")],
        samples: None,
        cache: None,
        failure_check: None,
        repeats: Vec::new(),
    }
}
