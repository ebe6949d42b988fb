//! The bundle data file (`data/bundle.toml`): endpoints, the metric-name mapping per
//! framework, and the thresholds of the signal rules.

use serde::Deserialize;

use crate::error::TriageError;

const BUILTIN: &str = include_str!("../../data/bundle.toml");

/// An endpoint to collect.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EndpointDef {
    pub name: String,
    pub paths: Vec<String>,
    pub file: String,
    #[allow(dead_code)]
    pub source: String,
}

/// How a common signal is read from Prometheus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum MetricKind {
    Gauge,
    GaugeMax,
    RatioGauge,
    HistogramAvg,
    HistogramAvgByStage,
    Counter,
}

/// A common signal and its names per framework.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MetricDef {
    pub id: String,
    pub kind: MetricKind,
    pub description: String,
    pub names: Vec<String>,
    /// Multiply by this (a percentage exported as 0..100 → 0.01).
    pub scale: Option<f64>,
}

/// Thresholds of the signal rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Rules {
    pub token_usage_high: f64,
    pub ttft_high_s: f64,
    pub queue_low_s: f64,
    pub prefill_forward_min_s: f64,
    pub prefill_forward_factor: f64,
    #[allow(dead_code)]
    pub source: String,
}

/// The keys read from the JSON endpoints into each section of the report.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FactKeys {
    pub model: Vec<String>,
    pub topology: Vec<String>,
    pub capacity: Vec<String>,
    pub memory_usage: Vec<String>,
    #[allow(dead_code)]
    pub source: String,
}

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BundleConfig {
    #[allow(dead_code)]
    pub version: u32,
    pub endpoint: Vec<EndpointDef>,
    pub facts: FactKeys,
    pub metric: Vec<MetricDef>,
    pub rules: Rules,
}

impl BundleConfig {
    /// The built-in file.
    pub fn builtin() -> Result<BundleConfig, TriageError> {
        toml::from_str(BUILTIN).map_err(|e| TriageError::Data {
            path: "<built-in bundle.toml>".into(),
            message: e.message().to_string(),
        })
    }

    /// The file at `path` (`--bundle-config FILE`, the same TOML shape as
    /// `data/bundle.toml`), or the built-in one.
    pub fn load(path: Option<&std::path::Path>) -> Result<BundleConfig, TriageError> {
        let Some(p) = path else {
            return BundleConfig::builtin();
        };
        let text = perfpilot_io::read_to_string_bounded(p)
            .map_err(|source| TriageError::read(p, source))?;
        toml::from_str(&text).map_err(|e| TriageError::Data {
            path: p.display().to_string(),
            message: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_and_maps_three_frameworks() {
        let c = BundleConfig::builtin().unwrap();
        for id in ["running", "waiting", "token_usage"] {
            let m = c.metric.iter().find(|m| m.id == id).unwrap();
            for prefix in ["sglang:", "vllm:", "llamacpp:"] {
                assert!(m.names.iter().any(|n| n.starts_with(prefix)), "{id} lacks {prefix}");
            }
        }
        assert!(c.endpoint.iter().any(|e| e.name == "health_generate"));
    }
}
