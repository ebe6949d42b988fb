//! `perfpilot triage bundle`: a read-only snapshot of a live server (`/health`,
//! `/health_generate`, `/v1/models`, `/server_info`, `/metrics`, `/v1/loads`, llama.cpp
//! `/props` and `/slots`), saved as files (failures as `<name>.error.json`) and summarised
//! with the signal rules of the SGLang incident-triage skill.

mod collect;
mod config;
mod liveness;
mod prom;
mod summary;

use std::path::PathBuf;

use perfpilot_report::{NoProgress, Progress};
use schemars::JsonSchema;
use serde::Deserialize;

pub use collect::EndpointResult;
pub use liveness::{Liveness, LivenessVerdict, LoadSample};
pub use summary::{BundleFact, BundleReport, BundleSignal, MetricValue, SignalSeverity};

use crate::error::TriageError;
use config::BundleConfig;

fn default_timeout() -> f64 {
    20.0
}

fn default_sample_interval() -> f64 {
    2.0
}

/// Options of `perfpilot triage bundle --url URL` (also the MCP tool's arguments).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BundleOptions {
    /// Base URL of the server, e.g. `http://127.0.0.1:30000`.
    pub url: String,
    /// Save the snapshot into this folder (created if needed).
    #[serde(default)]
    pub out: Option<PathBuf>,
    /// Timeout per endpoint in seconds (default 20; `/health_generate` of a stuck SGLang
    /// scheduler answers after about 20 s).
    #[serde(default = "default_timeout")]
    pub timeout_s: f64,
    /// Bearer token (`--api-key` of the server), sent as `Authorization: Bearer`.
    #[serde(default)]
    pub token: Option<String>,
    /// Endpoints, metric names, fact keys and rule thresholds replacing the built-in
    /// `data/bundle.toml` (same TOML shape).
    #[serde(default)]
    pub bundle_config: Option<PathBuf>,
    /// Seconds between the two `/metrics` samples that tell a busy server from a stuck
    /// one (default 2; 0 takes one sample only).
    #[serde(default = "default_sample_interval")]
    pub sample_interval_s: f64,
}

impl BundleOptions {
    /// Options for `url` with the defaults.
    pub fn new(url: impl Into<String>) -> BundleOptions {
        BundleOptions {
            url: url.into(),
            out: None,
            timeout_s: default_timeout(),
            token: None,
            bundle_config: None,
            sample_interval_s: default_sample_interval(),
        }
    }
}

/// Options of `perfpilot triage bundle --dir DIR`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SummarizeOptions {
    /// A folder written by `triage bundle --out DIR`.
    pub dir: PathBuf,
    /// A bundle data file replacing the built-in `data/bundle.toml` (same TOML shape).
    #[serde(default)]
    pub bundle_config: Option<PathBuf>,
}

impl SummarizeOptions {
    /// Options for `dir` with the built-in bundle data.
    pub fn new(dir: impl Into<PathBuf>) -> SummarizeOptions {
        SummarizeOptions { dir: dir.into(), bundle_config: None }
    }
}

/// Collect a snapshot from a live server (and save it when `out` is set), then summarise it.
pub fn bundle(opts: &BundleOptions) -> Result<BundleReport, TriageError> {
    bundle_with(opts, &NoProgress)
}

/// [`bundle`] with progress messages.
pub fn bundle_with(
    opts: &BundleOptions,
    progress: &dyn Progress,
) -> Result<BundleReport, TriageError> {
    let timeout = perfpilot_report::positive_seconds("timeout", opts.timeout_s)
        .map_err(|e| TriageError::Invalid(e.to_string()))?;
    let cfg = BundleConfig::load(opts.bundle_config.as_deref())?;
    // Secrets (the token, URL credentials, keys in the environment or echoed in a body)
    // never reach the bundle files, the report or an error message.
    let mut redactor = perfpilot_report::Redactor::from_env();
    if let Some(t) = &opts.token {
        redactor = redactor.with_secret(t);
    }
    let url = redactor.clean(&opts.url);
    if !(opts.sample_interval_s.is_finite() && (0.0..=600.0).contains(&opts.sample_interval_s)) {
        return Err(TriageError::Invalid(format!(
            "sample interval {} is not a number of seconds in [0, 600]",
            opts.sample_interval_s
        )));
    }
    let second_sample = opts.sample_interval_s > 0.0;
    // Units: one per endpoint, and the wait for the second /metrics sample.
    progress.set_total(cfg.endpoint.len() as u64 + u64::from(second_sample));
    progress.message(&format!("collecting {url}"));
    let mut snap = collect::collect(&opts.url, timeout, opts.token.as_deref(), &cfg, progress)
        .map_err(|e| TriageError::Invalid(redactor.clean(&e.to_string())))?;
    let metrics_ok = snap.result("metrics").is_some_and(|r| r.ok);
    let liveness = if second_sample && metrics_ok {
        let first = liveness::sample(snap.body("metrics").unwrap_or_default(), &cfg);
        progress.message(&format!("second /metrics sample in {} s", opts.sample_interval_s));
        let t0 = std::time::Instant::now();
        std::thread::sleep(std::time::Duration::from_secs_f64(opts.sample_interval_s));
        let mut only = cfg.clone();
        only.endpoint.retain(|e| e.name == "metrics");
        let again = collect::collect(&opts.url, timeout, opts.token.as_deref(), &only, &NoProgress)
            .map_err(|e| TriageError::Invalid(redactor.clean(&e.to_string())))?;
        progress.advance(1);
        again
            .body("metrics")
            .map(|b| liveness::judge(first, liveness::sample(b, &cfg), t0.elapsed().as_secs_f64()))
    } else {
        if second_sample {
            progress.advance(1);
        }
        None
    };
    snap.redact(&redactor);
    let saved = match &opts.out {
        Some(dir) => {
            collect::save(&snap, &url, dir)?;
            Some(dir.display().to_string())
        }
        None => None,
    };
    progress.finish();
    let mut report = summary::summarize(&snap, &cfg, url, saved);
    if let Some(l) = liveness {
        liveness::apply(&mut report, l);
    }
    Ok(report)
}

/// Summarise a saved bundle folder.
pub fn summarize_bundle(opts: &SummarizeOptions) -> Result<BundleReport, TriageError> {
    let cfg = BundleConfig::load(opts.bundle_config.as_deref())?;
    let (snap, url) = collect::load(&opts.dir, &cfg)?;
    let source = match url {
        Some(u) => format!("{} (collected from {u})", opts.dir.display()),
        None => opts.dir.display().to_string(),
    };
    Ok(summary::summarize(&snap, &cfg, source, None))
}
