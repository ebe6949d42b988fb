//! The per-dtype tolerance table (data, not code): embedded defaults from
//! `data/tolerances.toml`, overridable by a file and by the task.

use std::collections::BTreeMap;
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::KernelError;

/// The embedded default table.
pub const DEFAULT_TOLERANCES: &str = include_str!("../data/tolerances.toml");
/// The schema id of a tolerance file.
pub const TOLERANCES_SCHEMA: &str = "perfpilot.kernel.tolerances/1";

/// The tolerance of one dtype.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tolerance {
    /// Largest relative L2 error ||c − r|| / ||r||.
    pub rel_l2: f64,
    /// Largest absolute elementwise error.
    pub max_abs: f64,
    /// Where the numbers come from.
    #[serde(default)]
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    schema: String,
    dtype: BTreeMap<String, Tolerance>,
}

/// dtype → tolerance.
pub type Tolerances = BTreeMap<String, Tolerance>;

/// Parse a tolerance file's text (`name` names it in errors).
pub fn parse_tolerances(text: &str, name: &str) -> Result<Tolerances, KernelError> {
    let f: TableFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(0, |s| perfpilot_io::line_col(text, s.start).0);
        KernelError::Invalid(format!("{name}:{line}: {}", e.message().trim()))
    })?;
    if f.schema != TOLERANCES_SCHEMA {
        return Err(KernelError::Invalid(format!(
            "{name}: schema `{}` is not `{TOLERANCES_SCHEMA}`",
            f.schema
        )));
    }
    for (k, t) in &f.dtype {
        if !(t.rel_l2 >= 0.0 && t.max_abs >= 0.0) {
            return Err(KernelError::Invalid(format!(
                "{name}: dtype.{k}: rel_l2 and max_abs must be >= 0"
            )));
        }
    }
    Ok(f.dtype)
}

/// The table in force: embedded defaults, then `file` (if any), then the task's overrides.
pub fn effective(file: Option<&Path>, task: &Tolerances) -> Result<Tolerances, KernelError> {
    let mut t = parse_tolerances(DEFAULT_TOLERANCES, "tolerances.toml (built in)")?;
    if let Some(p) = file {
        let text = perfpilot_io::read_to_string_bounded(p).map_err(|e| KernelError::io(p, e))?;
        t.extend(parse_tolerances(&text, &p.display().to_string())?);
    }
    for (k, v) in task {
        let mut v = v.clone();
        if v.source.is_empty() {
            v.source = "task.toml [correctness.tolerances]".into();
        }
        t.insert(k.clone(), v);
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_have_every_dtype_with_a_source() {
        let t = effective(None, &Tolerances::new()).unwrap();
        for k in ["fp32", "tf32", "fp16", "bf16", "fp8", "bitwise"] {
            assert!(!t[k].source.is_empty(), "{k}");
        }
        assert_eq!(t["bitwise"].max_abs, 0.0);
    }
}
