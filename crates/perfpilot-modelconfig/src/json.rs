//! A parsed `config.json`: the top level with the nested text model's keys lifted over it,
//! and typed look-ups through the rule file's key lists.

use std::path::Path;

use serde_json::{Map, Value};

use crate::{ModelConfigError, Rules};

/// A `config.json`, parsed and flattened; read it with [`HfConfig::layout`] and
/// [`HfConfig::model`].
#[derive(Debug, Clone)]
pub struct HfConfig {
    pub(crate) flat: Map<String, Value>,
    pub(crate) top: Map<String, Value>,
    pub(crate) path: String,
}

impl HfConfig {
    /// Parse config text; `path` names it in errors.
    pub fn parse(text: &str, path: &str, rules: &Rules) -> Result<HfConfig, ModelConfigError> {
        let root: Value = serde_json::from_str(text).map_err(|e| ModelConfigError::Syntax {
            path: path.to_string(),
            line: e.line(),
            column: e.column(),
            offset: byte_offset(text, e.line(), e.column()),
            detail: e.to_string(),
        })?;
        let Value::Object(top) = root else {
            return Err(ModelConfigError::Invalid {
                path: path.to_string(),
                message: "expected a JSON object at the top level (a Hugging Face config.json)"
                    .into(),
            });
        };
        Ok(HfConfig { flat: flatten(&top, rules), top, path: path.to_string() })
    }

    /// Read and parse a config file.
    pub fn read(path: &Path, rules: &Rules) -> Result<HfConfig, ModelConfigError> {
        let text = perfpilot_io::read_to_string_bounded(path)
            .map_err(|source| ModelConfigError::Io { path: path.to_path_buf(), source })?;
        HfConfig::parse(&text, &path.display().to_string(), rules)
    }

    /// The file name errors use.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// An error about this file.
    pub(crate) fn invalid(&self, message: impl Into<String>) -> ModelConfigError {
        ModelConfigError::Invalid { path: self.path.clone(), message: message.into() }
    }

    /// The first key of `field` present with a non-negative number, and its value
    /// (fractions truncated, numbers past u64 saturated so bounds refuse them).
    pub(crate) fn uint(&self, rules: &Rules, field: &str) -> Option<(String, u64)> {
        uint_in(&self.flat, rules.keys(field))
    }

    /// The value of `field`, if any.
    pub(crate) fn u(&self, rules: &Rules, field: &str) -> Option<u64> {
        self.uint(rules, field).map(|(_, v)| v)
    }

    /// A boolean field.
    pub(crate) fn flag(&self, rules: &Rules, field: &str) -> Option<bool> {
        rules.keys(field).iter().find_map(|k| self.flat.get(k).and_then(Value::as_bool))
    }

    /// A string field.
    pub(crate) fn text(&self, rules: &Rules, field: &str) -> Option<&str> {
        rules.keys(field).iter().find_map(|k| self.flat.get(k).and_then(Value::as_str))
    }

    /// The first key of `field` present (any JSON type), with its value.
    pub(crate) fn raw(&self, rules: &Rules, field: &str) -> Option<(&str, &Value)> {
        rules
            .keys(field)
            .iter()
            .find_map(|k| self.flat.get_key_value(k).map(|(k, v)| (k.as_str(), v)))
    }

    /// An object field of the top level (not lifted: `vision_config`).
    pub(crate) fn top_object(&self, rules: &Rules, field: &str) -> Option<&Map<String, Value>> {
        rules.keys(field).iter().find_map(|k| self.top.get(k).and_then(Value::as_object))
    }

    /// `model_type` (of the text model when nested), `""` when absent.
    pub(crate) fn model_type(&self) -> &str {
        self.flat.get("model_type").and_then(Value::as_str).unwrap_or("")
    }

    /// The first entry of `architectures`.
    pub(crate) fn architecture(&self) -> Option<&str> {
        self.flat
            .get("architectures")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(Value::as_str)
    }
}

/// A non-negative number under the first of `keys` that holds one.
pub(crate) fn uint_in(m: &Map<String, Value>, keys: &[String]) -> Option<(String, u64)> {
    keys.iter().find_map(|k| match m.get(k)? {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
            .map(|v| (k.clone(), v)),
        _ => None,
    })
}

/// The top level with every nested text-model block lifted over it (except the keys the
/// rules keep from the wrapper).
fn flatten(top: &Map<String, Value>, rules: &Rules) -> Map<String, Value> {
    let mut flat = top.clone();
    for nested in &rules.nested {
        if let Some(Value::Object(inner)) = top.get(&nested.key) {
            for (k, v) in inner {
                let keep = rules.keep_top_level.iter().any(|r| &r.key == k);
                if keep && flat.contains_key(k) {
                    continue;
                }
                flat.insert(k.clone(), v.clone());
            }
        }
    }
    flat
}

fn byte_offset(text: &str, line: usize, column: usize) -> u64 {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column.saturating_sub(1)) as u64
}
