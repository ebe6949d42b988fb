//! Options of [`crate::triage()`]: the same fields the CLI flags and the MCP tool take.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::analysis::stage::Stage;
use crate::error::TraceError;

/// Default for `min_share_pct`.
pub const DEFAULT_MIN_SHARE_PCT: f64 = 1.0;

fn default_min_share() -> f64 {
    DEFAULT_MIN_SHARE_PCT
}

fn default_stage() -> Stage {
    Stage::All
}

/// Default for `cv_threshold`: a kernel whose per-rank GPU time has a coefficient of
/// variation above 0.1 is flagged in the rank-spread table.
pub const DEFAULT_CV_THRESHOLD: f64 = 0.1;

fn default_cv() -> f64 {
    DEFAULT_CV_THRESHOLD
}

/// What to triage and how.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageOptions {
    /// A trace file (`.json` / `.json.gz`) or a profile directory.
    pub input: PathBuf,
    /// A second trace of the same workload with CUDA graphs / torch.compile off, used for
    /// call sites of replayed kernels.
    #[serde(default)]
    pub mapping: Option<PathBuf>,
    /// Only this stage (`extend`, `decode`; `all` = every stage).
    #[serde(default = "default_stage")]
    pub stage: Stage,
    /// Hide rows under this share (percent) in text output; JSON keeps every row.
    #[serde(default = "default_min_share")]
    pub min_share_pct: f64,
    /// Only this rank of a multi-rank input (default: every rank, analysed in parallel,
    /// with merged and rank-skew tables).
    #[serde(default)]
    pub rank: Option<u32>,
    /// More rank files or directories, analysed with `input` as one multi-rank run.
    #[serde(default)]
    pub more_inputs: Vec<PathBuf>,
    /// Flag kernels whose per-rank GPU time has a coefficient of variation above this
    /// (multi-rank runs).
    #[serde(default = "default_cv")]
    pub cv_threshold: f64,
    /// Analyse ranks that look like different runs (device counts, GPUs, start times hours
    /// apart) or repeat a rank id, instead of refusing.
    #[serde(default)]
    pub force: bool,
    /// A taxonomy rule file replacing the built-in rules.
    #[serde(default)]
    pub rules: Option<PathBuf>,
    /// A fusion catalogue replacing the embedded `fusions.toml`.
    #[serde(default)]
    pub fusions: Option<PathBuf>,
    /// Python frame rules replacing the embedded `attribution.toml`.
    #[serde(default)]
    pub attribution: Option<PathBuf>,
    /// A stage rule file replacing the embedded `stages.toml` (annotation name → stage).
    #[serde(default)]
    pub stages: Option<PathBuf>,
}

impl TriageOptions {
    /// Options for one input with every default.
    pub fn new(input: impl Into<PathBuf>) -> TriageOptions {
        TriageOptions {
            input: input.into(),
            mapping: None,
            stage: Stage::All,
            min_share_pct: DEFAULT_MIN_SHARE_PCT,
            rank: None,
            more_inputs: Vec::new(),
            cv_threshold: DEFAULT_CV_THRESHOLD,
            force: false,
            rules: None,
            fusions: None,
            attribution: None,
            stages: None,
        }
    }

    /// Check value ranges.
    pub fn validate(&self) -> Result<(), TraceError> {
        if !(0.0..=100.0).contains(&self.min_share_pct) || self.min_share_pct.is_nan() {
            return Err(TraceError::Options(format!(
                "min share must be between 0 and 100 percent, got {}",
                self.min_share_pct
            )));
        }
        if !(self.cv_threshold >= 0.0 && self.cv_threshold.is_finite()) {
            return Err(TraceError::Options(format!(
                "cv threshold must be a finite number >= 0, got {}",
                self.cv_threshold
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_options_use_defaults() {
        let o: TriageOptions = serde_json::from_str(r#"{"input": "t.json.gz"}"#).unwrap();
        assert_eq!(o.min_share_pct, 1.0);
        assert_eq!(o.stage, Stage::All);
        let o: TriageOptions =
            serde_json::from_str(r#"{"input": "d", "stage": "decode", "rank": 2}"#).unwrap();
        assert_eq!((o.stage, o.rank), (Stage::Decode, Some(2)));
        assert!(serde_json::from_str::<TriageOptions>(r#"{"input": "d", "bogus": 1}"#).is_err());
        let mut o = TriageOptions::new("x");
        o.min_share_pct = 150.0;
        assert!(o.validate().is_err());
    }
}
