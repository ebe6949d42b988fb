//! The NCU reading rules as data (`data/ncu_rules.toml`, `perfpilot.kernel.ncu-rules/1`):
//! metric fallback lists, the thresholds of NCU's own SpeedOfLight rule, the phrases of
//! NCU's rule message, and the one next edit per bound type; plus the classifier itself,
//! exactly section 4.3 of `loop-kda-ncu.md`.

use std::collections::BTreeMap;
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::KernelError;

/// The embedded rules.
pub const DEFAULT_NCU_RULES: &str = include_str!("../data/ncu_rules.toml");
/// Schema id of a rules file.
pub const NCU_RULES_SCHEMA: &str = "perfpilot.kernel.ncu-rules/1";

/// The bound type, named after NCU's SOLBottleneck verdicts.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// SM or memory ≥ high (80 %): "High Throughput".
    HighThroughput,
    /// Both < latency (60 %) and waves < 1: "Small Grid".
    SmallGrid,
    /// Both < latency (60 %): "Latency Issue".
    Latency,
    /// 60–80 % with SM ahead by ≥ the gap: "High Compute Throughput".
    ComputeHeavy,
    /// 60–80 % with memory ahead by ≥ the gap: "High Memory Throughput".
    MemoryHeavy,
    /// Otherwise: "Balanced Throughput".
    Balanced,
    /// SM or memory throughput missing.
    Unknown,
}

impl Bound {
    /// NCU's own name of the verdict.
    pub fn ncu_name(self) -> &'static str {
        match self {
            Bound::HighThroughput => "High Throughput",
            Bound::SmallGrid => "Small Grid",
            Bound::Latency => "Latency Issue",
            Bound::ComputeHeavy => "High Compute Throughput",
            Bound::MemoryHeavy => "High Memory Throughput",
            Bound::Balanced => "Balanced Throughput",
            Bound::Unknown => "unknown",
        }
    }
}

/// The SOL thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// "High" utilisation, % of peak (80).
    pub high_pct: f64,
    /// Below this both units are latency-bound, % (60).
    pub latency_pct: f64,
    /// Points between SM and memory that make one "heavier" (10).
    pub balanced_gap: f64,
    /// Waves per SM below which a latency-bound grid is "small" (1).
    pub small_grid_waves: f64,
    /// Tensor-pipe % from which a compute-bound kernel is tensor-bound (50).
    pub tensor_pct: f64,
    /// Where the numbers come from.
    pub source: String,
}

/// A phrase of NCU's SOLBottleneck message and the verdict it names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulePhrase {
    /// Lower-case phrase searched in the message.
    pub phrase: String,
    /// The verdict.
    pub bound: Bound,
}

/// What to read and the one next edit for a bound type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Advice {
    /// Short label.
    pub label: String,
    /// The metrics to read for this type.
    pub read: String,
    /// The one next edit.
    pub next_edit: String,
    /// Where the advice comes from.
    pub source: String,
}

/// The whole rules file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NcuRules {
    /// `perfpilot.kernel.ncu-rules/1`.
    pub schema: String,
    /// The SOL thresholds.
    pub thresholds: Thresholds,
    /// Field → metric names to try in order (plus a `source` entry).
    pub metrics: BTreeMap<String, toml::Value>,
    /// NCU message phrases.
    pub rule_phrases: Vec<RulePhrase>,
    /// Advice per key (`small_grid`, `memory_dram`, …).
    pub advice: BTreeMap<String, Advice>,
}

/// Advice keys the digest can choose; a rules file must define each.
pub const ADVICE_KEYS: &[&str] = &[
    "small_grid",
    "latency",
    "latency_occupancy",
    "latency_memory",
    "latency_sync",
    "latency_dependency",
    "latency_lsu",
    "memory_dram",
    "memory_l2",
    "memory_l1",
    "compute_tensor",
    "compute_cuda_core",
    "compute_heavy",
    "memory_heavy",
    "balanced",
    "unknown",
];

impl NcuRules {
    /// Load `file`, or the embedded rules.
    pub fn load(file: Option<&Path>) -> Result<NcuRules, KernelError> {
        match file {
            None => NcuRules::parse(DEFAULT_NCU_RULES, "built-in ncu_rules.toml"),
            Some(p) => {
                let text =
                    perfpilot_io::read_to_string_bounded(p).map_err(|e| KernelError::io(p, e))?;
                NcuRules::parse(&text, &p.display().to_string())
            }
        }
    }

    /// Parse rules text (`name` names it in errors).
    pub fn parse(text: &str, name: &str) -> Result<NcuRules, KernelError> {
        let r: NcuRules = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| perfpilot_io::line_col(text, s.start).0);
            KernelError::Invalid(format!("{name}:{line}: {}", e.message().trim()))
        })?;
        if r.schema != NCU_RULES_SCHEMA {
            return Err(KernelError::Invalid(format!(
                "{name}: schema `{}` is not `{NCU_RULES_SCHEMA}`",
                r.schema
            )));
        }
        for k in ADVICE_KEYS {
            if !r.advice.contains_key(*k) {
                return Err(KernelError::Invalid(format!("{name}: [advice.{k}] is missing")));
            }
        }
        Ok(r)
    }

    /// The metric names to try for `field` (empty when the file has none).
    pub fn names(&self, field: &str) -> Vec<String> {
        match self.metrics.get(field) {
            Some(toml::Value::Array(a)) => {
                a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The verdict NCU's message names, if a phrase matches.
    pub fn ncu_verdict(&self, message: &str) -> Option<Bound> {
        let m = message.to_ascii_lowercase();
        self.rule_phrases
            .iter()
            .find(|p| m.contains(&p.phrase.to_ascii_lowercase()))
            .map(|p| p.bound)
    }
}

/// Section 4.3's rule on SM %, memory % and waves per SM (`None` when unknown).
pub fn classify(sm: Option<f64>, mem: Option<f64>, waves: Option<f64>, t: &Thresholds) -> Bound {
    let (Some(sm), Some(mem)) = (sm, mem) else {
        return Bound::Unknown;
    };
    if sm >= t.high_pct || mem >= t.high_pct {
        Bound::HighThroughput
    } else if sm < t.latency_pct && mem < t.latency_pct {
        if waves.is_some_and(|w| w < t.small_grid_waves) {
            Bound::SmallGrid
        } else {
            Bound::Latency
        }
    } else if (sm - mem).abs() >= t.balanced_gap {
        if sm > mem { Bound::ComputeHeavy } else { Bound::MemoryHeavy }
    } else {
        Bound::Balanced
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_4_3_table() {
        let r = NcuRules::load(None).unwrap();
        let t = &r.thresholds;
        let c = |s, m, w| classify(Some(s), Some(m), w, t);
        assert_eq!(c(81.0, 10.0, None), Bound::HighThroughput);
        assert_eq!(c(10.0, 80.0, None), Bound::HighThroughput);
        assert_eq!(c(30.0, 59.9, Some(0.5)), Bound::SmallGrid);
        assert_eq!(c(30.0, 59.9, Some(1.0)), Bound::Latency);
        assert_eq!(c(30.0, 59.9, None), Bound::Latency);
        assert_eq!(c(75.0, 64.0, None), Bound::ComputeHeavy);
        assert_eq!(c(50.0, 70.0, None), Bound::MemoryHeavy);
        assert_eq!(c(65.0, 70.0, None), Bound::Balanced);
        assert_eq!(classify(None, Some(1.0), None, t), Bound::Unknown);
        assert_eq!(r.ncu_verdict("This kernel grid is too small to fill"), Some(Bound::SmallGrid));
    }
}
