//! Options of [`crate::layers()`]: the same fields the CLI flags and the MCP tool take.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::TraceError;

/// What to slice into layers and how.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LayersOptions {
    /// A trace file (`.json` / `.json.gz`) or a profile directory (one file is analysed).
    pub input: PathBuf,
    /// The model's Hugging Face `config.json` (layer count and layer types).
    #[serde(default)]
    pub config: Option<PathBuf>,
    /// Number of decoder layers (overrides the config's).
    #[serde(default)]
    pub layers: Option<usize>,
    /// A regex over kernel names: each layer starts at the first of its anchor kernels
    /// (the anchor must occur k times per layer).
    #[serde(default)]
    pub anchor: Option<String>,
    /// The pass the per-layer tables describe (default: the steady-state pass).
    #[serde(default)]
    pub pass: Option<usize>,
    /// Rank to analyse in a multi-rank directory (default: the lowest).
    #[serde(default)]
    pub rank: Option<u32>,
    /// Write a copy of the trace with a `pass N / layer L` guide track here (`.gz` to
    /// compress).
    #[serde(default)]
    pub emit_trace: Option<PathBuf>,
    /// A taxonomy rule file replacing the built-in rules.
    #[serde(default)]
    pub rules: Option<PathBuf>,
    /// A rule file replacing the embedded `config.json` reading rules (`model_config.toml`).
    #[serde(default)]
    pub model_rules: Option<PathBuf>,
    /// A pass rule file replacing the embedded `passes.toml` (step annotations, idle gap).
    #[serde(default)]
    pub passes: Option<PathBuf>,
    /// A stage rule file replacing the embedded `stages.toml` (annotation name → stage).
    #[serde(default)]
    pub stages: Option<PathBuf>,
}

impl LayersOptions {
    /// Options for one input with every default.
    pub fn new(input: impl Into<PathBuf>) -> LayersOptions {
        LayersOptions {
            input: input.into(),
            config: None,
            layers: None,
            anchor: None,
            pass: None,
            rank: None,
            emit_trace: None,
            rules: None,
            model_rules: None,
            passes: None,
            stages: None,
        }
    }

    /// Check value ranges.
    pub fn validate(&self) -> Result<(), TraceError> {
        if self.layers == Some(0) {
            return Err(TraceError::Options("--layers must be at least 1".into()));
        }
        self.anchor_regex()?;
        if let Some(out) = &self.emit_trace
            && out == &self.input
        {
            return Err(TraceError::Options(format!(
                "--emit-trace {} would overwrite the input trace",
                out.display()
            )));
        }
        Ok(())
    }

    /// The compiled anchor regex.
    pub fn anchor_regex(&self) -> Result<Option<regex::Regex>, TraceError> {
        match &self.anchor {
            None => Ok(None),
            Some(a) => regex::Regex::new(a).map(Some).map_err(|e| {
                TraceError::Options(format!("--anchor {a:?} is not a valid regex: {e}"))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_options_use_defaults_and_reject_unknown_keys() {
        let o: LayersOptions =
            serde_json::from_str(r#"{"input": "t.json.gz", "layers": 24}"#).unwrap();
        assert_eq!(o.layers, Some(24));
        assert!(o.validate().is_ok());
        assert!(serde_json::from_str::<LayersOptions>(r#"{"input": "t", "bogus": 1}"#).is_err());
        let mut bad = LayersOptions::new("t");
        bad.anchor = Some("(".into());
        assert!(bad.validate().unwrap_err().to_string().contains("--anchor"));
        bad.anchor = None;
        bad.layers = Some(0);
        assert!(bad.validate().is_err());
    }
}
