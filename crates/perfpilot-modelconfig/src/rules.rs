//! The rule file (`data/model_config.toml`): key names, nesting, defaults and layer-type
//! vocabulary, loaded once and checked for everything the reader asks of it.

use std::borrow::Cow;
use std::path::Path;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::ModelConfigError;
use crate::layout::{KvKind, MlpKind};

/// The rule file compiled into the crate.
pub const EMBEDDED_MODEL_RULES: &str = include_str!("../data/model_config.toml");

/// The schema line a rule file must carry.
pub const RULES_SCHEMA: &str = "perfpilot.model-config/1";

/// Field names the reader looks up; a rule file must define each (checked on load).
pub(crate) const FIELDS: &[&str] = &[
    "num_layers",
    "hidden_size",
    "num_heads",
    "num_kv_heads",
    "head_dim",
    "v_head_dim",
    "intermediate_size",
    "vocab_size",
    "max_position_embeddings",
    "dtype",
    "quantization",
    "quant_method",
    "quant_format",
    "quant_bits",
    "tie_word_embeddings",
    "attention_bias",
    "layer_list",
    "hybrid_pattern",
    "linear_attn_config",
    "kda_layers",
    "full_attention_interval",
    "sliding_window",
    "use_sliding_window",
    "max_window_layers",
    "sliding_window_pattern",
    "num_experts",
    "experts_per_token",
    "expert_intermediate_size",
    "shared_expert_intermediate_size",
    "shared_experts",
    "first_dense_layers",
    "moe_layer_freq",
    "decoder_sparse_step",
    "interleave_moe_layer_step",
    "mlp_only_layers",
    "kv_lora_rank",
    "q_lora_rank",
    "qk_nope_head_dim",
    "qk_rope_head_dim",
    "linear_num_value_heads",
    "linear_num_key_heads",
    "linear_key_head_dim",
    "linear_value_head_dim",
    "linear_conv_kernel",
    "mtp_layers",
    "vision_config",
];

/// Defaults the reader needs whatever the model type (a `model_type = "*"` entry each).
const UNIVERSAL_DEFAULTS: &[&str] = &[
    "tie_word_embeddings",
    "attention_bias",
    "experts_per_token",
    "qk_nope_head_dim",
    "qk_rope_head_dim",
    "mla_v_head_dim",
    "linear_key_head_dim",
    "linear_value_head_dim",
    "linear_conv_kernel",
    "full_attention_interval",
];

/// How to read a `config.json`: the parsed rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    schema: String,
    pub(crate) max_layers: u64,
    #[allow(dead_code)] // documentation for people reading the data file
    max_layers_source: String,
    #[serde(default)]
    pub(crate) nested: Vec<KeyRule>,
    #[serde(default)]
    pub(crate) keep_top_level: Vec<KeyRule>,
    #[serde(default)]
    field: Vec<FieldRule>,
    #[serde(default)]
    default: Vec<DefaultRule>,
    #[serde(default)]
    spelling: Vec<SpellingRule>,
    #[serde(default)]
    kv_kind: Vec<KvKindRule>,
    #[serde(default)]
    pattern_char: Vec<PatternRule>,
}

/// One key with its source.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KeyRule {
    pub(crate) key: String,
    #[allow(dead_code)] // documentation for people reading the data file
    source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldRule {
    name: String,
    keys: Vec<String>,
    #[allow(dead_code)] // documentation for people reading the data file
    source: String,
}

/// A value transformers assumes when the config omits a key.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DefaultRule {
    model_type: String,
    field: String,
    pub(crate) value: toml::Value,
    pub(crate) note: Option<String>,
    pub(crate) source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpellingRule {
    from: String,
    to: String,
    #[allow(dead_code)] // documentation for people reading the data file
    source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct KvKindRule {
    name: Option<String>,
    contains: Option<String>,
    kind: KvKind,
    #[allow(dead_code)] // documentation for people reading the data file
    source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternRule {
    char: char,
    attention: String,
    mlp: MlpKind,
    #[allow(dead_code)] // documentation for people reading the data file
    source: String,
}

static EMBEDDED: LazyLock<Result<Rules, String>> = LazyLock::new(|| {
    Rules::parse(EMBEDDED_MODEL_RULES, "<embedded model_config.toml>").map_err(|e| e.to_string())
});

impl Rules {
    /// The rules compiled into the crate.
    pub fn embedded() -> Result<&'static Rules, ModelConfigError> {
        EMBEDDED.as_ref().map_err(|message| ModelConfigError::Rules {
            path: "<embedded model_config.toml>".into(),
            message: message.clone(),
        })
    }

    /// The rules to use: the file given (`--model-rules FILE`), else the embedded ones.
    pub fn load(path: Option<&Path>) -> Result<Cow<'static, Rules>, ModelConfigError> {
        match path {
            Some(p) => Rules::from_file(p).map(Cow::Owned),
            None => Rules::embedded().map(Cow::Borrowed),
        }
    }

    /// Read a replacement rule file (`--model-rules FILE`).
    pub fn from_file(path: &Path) -> Result<Rules, ModelConfigError> {
        let text = perfpilot_io::read_to_string_bounded(path)
            .map_err(|source| ModelConfigError::Io { path: path.to_path_buf(), source })?;
        Rules::parse(&text, &path.display().to_string())
    }

    /// Parse rule text; `origin` names it in errors. Every field and universal default the
    /// reader needs must be present.
    pub fn parse(text: &str, origin: &str) -> Result<Rules, ModelConfigError> {
        let bad = |message: String| ModelConfigError::Rules { path: origin.into(), message };
        let rules: Rules = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        if rules.schema != RULES_SCHEMA {
            return Err(bad(format!("schema `{}`, expected `{RULES_SCHEMA}`", rules.schema)));
        }
        if rules.max_layers == 0 {
            return Err(bad("max_layers is 0; expected at least 1".into()));
        }
        for name in FIELDS {
            match rules.field.iter().find(|f| f.name == *name) {
                Some(f) if !f.keys.is_empty() => {}
                Some(_) => return Err(bad(format!("[[field]] `{name}` has no keys"))),
                None => return Err(bad(format!("no [[field]] with name = \"{name}\""))),
            }
        }
        for name in UNIVERSAL_DEFAULTS {
            if !rules.default.iter().any(|d| d.field == *name && d.model_type == "*") {
                return Err(bad(format!(
                    "no [[default]] with field = \"{name}\" and model_type = \"*\""
                )));
            }
        }
        for k in &rules.kv_kind {
            if k.name.is_some() == k.contains.is_some() {
                return Err(bad("each [[kv_kind]] needs exactly one of `name`, `contains`".into()));
            }
        }
        Ok(rules)
    }

    /// The keys that hold a field, first match wins.
    pub(crate) fn keys(&self, field: &str) -> &[String] {
        // Every name in FIELDS is checked on load; an unknown name is a programming error
        // caught by the tests, and finds no keys.
        self.field.iter().find(|f| f.name == field).map(|f| f.keys.as_slice()).unwrap_or(&[])
    }

    /// The default transformers applies to `field` for this model type.
    pub(crate) fn default_for(&self, field: &str, model_type: &str) -> Option<&DefaultRule> {
        self.default.iter().find(|d| d.field == field && type_matches(&d.model_type, model_type))
    }

    /// A universal default as an integer (checked present on load).
    pub(crate) fn default_u64(&self, field: &str, model_type: &str) -> u64 {
        self.default_for(field, model_type)
            .and_then(|d| d.value.as_integer())
            .and_then(|v| u64::try_from(v).ok())
            .unwrap_or(0)
    }

    /// A universal default as a boolean (checked present on load).
    pub(crate) fn default_bool(&self, field: &str, model_type: &str) -> bool {
        self.default_for(field, model_type).and_then(|d| d.value.as_bool()).unwrap_or(false)
    }

    /// A per-layer type name in the one vocabulary (`attention` → `full_attention`, …).
    pub(crate) fn normalise(&self, kind: &str) -> String {
        self.spelling
            .iter()
            .find(|s| s.from == kind)
            .map(|s| s.to.clone())
            .unwrap_or_else(|| kind.to_string())
    }

    /// What a layer type costs in the KV cache.
    pub(crate) fn kv_kind(&self, attention: &str) -> KvKind {
        self.kv_kind
            .iter()
            .find(|r| {
                r.name.as_deref() == Some(attention)
                    || r.contains.as_deref().is_some_and(|c| attention.contains(c))
            })
            .map(|r| r.kind)
            .unwrap_or(KvKind::Full)
    }

    /// The layer a `hybrid_override_pattern` character stands for.
    pub(crate) fn pattern_char(&self, c: char) -> (String, MlpKind) {
        self.pattern_char
            .iter()
            .find(|p| p.char == c)
            .map(|p| (p.attention.clone(), p.mlp))
            .unwrap_or_else(|| (format!("pattern_{c}"), MlpKind::None))
    }
}

/// `gemma3*` matches `gemma3_text`; `*` matches everything; otherwise exact.
fn type_matches(pattern: &str, model_type: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => model_type.starts_with(prefix),
        None => pattern == model_type,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_parse_and_cover_every_field() {
        let r = Rules::embedded().unwrap();
        for f in FIELDS {
            assert!(!r.keys(f).is_empty(), "{f}");
        }
        assert_eq!(r.kv_kind("sliding_attention"), KvKind::Sliding);
        assert_eq!(r.kv_kind("linear_attention"), KvKind::Linear);
        assert_eq!(r.kv_kind("none"), KvKind::None);
        assert_eq!(r.kv_kind("full_attention"), KvKind::Full);
        assert_eq!(r.default_u64("sliding_window_pattern", "gemma3_text"), 6);
        assert!(r.default_for("sliding_window_pattern", "llama").is_none());
    }

    #[test]
    fn a_rule_file_missing_a_field_is_refused_by_name() {
        let text = EMBEDDED_MODEL_RULES.replace("name = \"vocab_size\"", "name = \"vocab\"");
        let e = Rules::parse(&text, "r.toml").unwrap_err().to_string();
        assert!(e.contains("r.toml") && e.contains("vocab_size"), "{e}");
        let e = Rules::parse("schema = \"x\"\nmax_layers = 1\nmax_layers_source = \"s\"", "r.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains(RULES_SCHEMA), "{e}");
    }
}
