//! Profile digests: a round that brings a torch-profiler trace gets a `trace triage`
//! summary (per stage: GPU time, launches, the top kernels) in its record, and the full
//! triage report in `profile-digests/round-N.json`.

use std::path::Path;

use perfpilot_report::NoProgress;
use perfpilot_trace::{TriageOptions, triage};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::LoopError;

/// Kernels kept per stage in the digest.
pub const TOP_KERNELS: usize = 5;

/// One kernel of a stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DigestKernel {
    /// Display name.
    pub name: String,
    /// Share of the stage's kernel time, percent.
    pub share_pct: f64,
    /// GPU time, ns.
    pub gpu_time_ns: i64,
}

/// One stage of the digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DigestStage {
    /// Stage name (`prefill`, `decode`, `all`, …).
    pub stage: String,
    /// Total kernel time, ns.
    pub kernel_time_ns: i64,
    /// Kernel launches.
    pub launches: u64,
    /// The top kernels by time.
    pub top: Vec<DigestKernel>,
}

/// The digest of a round's profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProfileDigest {
    /// The trace given.
    pub input: String,
    /// The full triage report, relative to the state directory.
    pub report: String,
    /// Per stage.
    pub stages: Vec<DigestStage>,
}

/// Triage `trace` and write the digest of round `n`.
pub fn digest(dir: &Path, n: u32, trace: &Path) -> Result<ProfileDigest, LoopError> {
    let report = triage(&TriageOptions::new(trace), &NoProgress)
        .map_err(|e| LoopError::Invalid(format!("--profile {}: {e}", trace.display())))?;
    let stages = report
        .stages
        .iter()
        .map(|s| DigestStage {
            stage: serde_json::to_value(s.stage)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            kernel_time_ns: s.kernel_time_ns,
            launches: s.launches,
            top: s
                .kernels
                .iter()
                .take(TOP_KERNELS)
                .map(|k| DigestKernel {
                    name: k.display.clone(),
                    share_pct: k.share_pct,
                    gpu_time_ns: k.gpu_time_ns,
                })
                .collect(),
        })
        .collect();
    let rel = format!("profile-digests/round-{n}.json");
    let file = dir.join(&rel);
    std::fs::create_dir_all(dir.join("profile-digests"))
        .map_err(|e| LoopError::io(&dir.join("profile-digests"), e))?;
    let text = serde_json::to_string_pretty(&report)
        .map_err(|e| LoopError::Invalid(format!("serialising the triage report: {e}")))?;
    perfpilot_io::write_output(&file, text.as_bytes()).map_err(|e| LoopError::io(&file, e))?;
    Ok(ProfileDigest { input: trace.display().to_string(), report: rel, stages })
}
