//! Per-framework launch knowledge as data: flag style, how the model is passed, health
//! and cache-flush paths, ready timeout and sequence-limit rules (`rules/frameworks.toml`,
//! embedded at build time, replaceable with `--rules FILE`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::SweepError;

/// The built-in rules file.
pub const BUILTIN_RULES: &str = include_str!("../rules/frameworks.toml");

/// How flag keys become command-line flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FlagStyle {
    /// `max_running_requests` → `--max-running-requests`.
    Kebab,
    /// `max-batch-size` → `--max_batch_size`.
    Snake,
    /// The key as written, after `--` (a key starting with `-` is used as is).
    AsIs,
}

impl FlagStyle {
    /// The flag for `key`.
    pub fn flag(self, key: &str) -> String {
        if key.starts_with('-') {
            return key.to_string();
        }
        match self {
            FlagStyle::Kebab => format!("--{}", key.replace('_', "-")),
            FlagStyle::Snake => format!("--{}", key.replace('-', "_")),
            FlagStyle::AsIs => format!("--{key}"),
        }
    }
}

/// What to do when the limiting flag is absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Absent {
    /// The server takes the model's own limit: not checked.
    Ok,
    /// Absent counts as 0: an error.
    Error,
}

/// One sequence-limit rule: `flag` (divided by `divide_by`, when given) must be at least
/// max(input_len + output_len) over the scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SequenceLimit {
    /// Flag key holding the limit (snake_case).
    pub flag: String,
    /// Flag key whose value divides the limit (llama.cpp: `parallel`).
    #[serde(default)]
    pub divide_by: Option<String>,
    /// Divisor when `divide_by` is absent from the flags.
    #[serde(default)]
    pub divisor_default: Option<f64>,
    /// Absent flag: OK or an error.
    pub absent: Absent,
    /// Where the rule comes from.
    pub source: String,
}

/// Launch knowledge of one framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrameworkRules {
    /// Name matched against the plan's framework names.
    pub name: String,
    /// Other names for the same framework.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Where the entry comes from.
    pub source: String,
    /// Flag spelling.
    pub flag_style: FlagStyle,
    /// `positional`, `none`, or `flag:--NAME`.
    pub model_arg: String,
    /// Base-flag key that already carries the model (then `model_arg` adds nothing).
    #[serde(default)]
    pub model_flag_key: Option<String>,
    /// Health endpoint polled until 200.
    pub health_path: String,
    /// Endpoint that empties the prefix cache between runs (POST); none = restart.
    #[serde(default)]
    pub flush_path: Option<String>,
    /// Seconds to wait for health.
    pub ready_timeout_s: f64,
    /// Log dialect `perfpilot triage` reads for this framework (classifies start failures).
    #[serde(default)]
    pub triage: Option<String>,
    /// Flag key of the listen host (replaced by the orchestrator's).
    pub host_flag: String,
    /// Flag key of the listen port (replaced by the orchestrator's).
    pub port_flag: String,
    /// Arguments appended to the server command to capture its version.
    #[serde(default)]
    pub version_args: Vec<String>,
    /// Static allowlist of flag keys (checked when no `--help` capture is given).
    #[serde(default)]
    pub known_flags: Vec<String>,
    /// Sequence-limit rules.
    #[serde(default)]
    pub sequence_limit: Vec<SequenceLimit>,
}

/// The whole rules file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Must be 1.
    pub schema_version: u32,
    /// Entries; one must be named `default`.
    pub framework: Vec<FrameworkRules>,
}

impl Rules {
    /// The built-in rules.
    pub fn builtin() -> Result<Rules, SweepError> {
        Rules::parse(BUILTIN_RULES, "built-in frameworks.toml")
    }

    /// Rules from a file.
    pub fn from_file(path: &std::path::Path) -> Result<Rules, SweepError> {
        let text = std::fs::read_to_string(path).map_err(|e| SweepError::io(path, e))?;
        Rules::parse(&text, &path.display().to_string())
    }

    /// Parse rules text; `label` names it in errors.
    pub fn parse(text: &str, label: &str) -> Result<Rules, SweepError> {
        let rules: Rules = toml::from_str(text)
            .map_err(|e| SweepError::Rules { path: label.into(), message: e.to_string() })?;
        if rules.schema_version != 1 {
            return Err(SweepError::Rules {
                path: label.into(),
                message: format!("schema_version {} (expected 1)", rules.schema_version),
            });
        }
        if !rules.framework.iter().any(|f| f.name == "default") {
            return Err(SweepError::Rules {
                path: label.into(),
                message: "no [[framework]] entry named `default`".into(),
            });
        }
        Ok(rules)
    }

    /// The entry for a plan framework name (normalised: case, `-`/`_`/`.` ignored).
    pub fn for_framework(&self, name: &str) -> &FrameworkRules {
        let norm = |s: &str| s.to_ascii_lowercase().replace(['-', '_', '.'], "");
        let n = norm(name);
        self.framework
            .iter()
            .find(|f| norm(&f.name) == n || f.aliases.iter().any(|a| norm(a) == n))
            .or_else(|| self.framework.iter().find(|f| f.name == "default"))
            .expect("checked at parse: a default entry exists")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_and_matches_aliases() {
        let r = Rules::builtin().unwrap();
        assert_eq!(r.for_framework("llama.cpp").name, "llamacpp");
        assert_eq!(r.for_framework("TensorRT-LLM").flag_style, FlagStyle::Snake);
        assert_eq!(r.for_framework("my-server").name, "default");
        assert!(r.framework.iter().all(|f| !f.source.is_empty()));
    }

    #[test]
    fn flag_styles() {
        assert_eq!(FlagStyle::Kebab.flag("max_num_seqs"), "--max-num-seqs");
        assert_eq!(FlagStyle::Snake.flag("max-batch-size"), "--max_batch_size");
        assert_eq!(FlagStyle::AsIs.flag("Weird_Flag"), "--Weird_Flag");
        assert_eq!(FlagStyle::Kebab.flag("-np"), "-np");
    }
}
