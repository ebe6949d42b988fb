//! Hugging Face `config.json` → the architecture numbers a memory planner needs, through the
//! one reader every command shares (`perfpilot-modelconfig`), then checked against this
//! crate's bounds (`data/limits.toml`).

use std::borrow::Cow;
use std::path::Path;

use perfpilot_modelconfig::{HfConfig, ModelConfigError, Rules};

pub use perfpilot_modelconfig::{KvKind, LinearAttn, Mla, MlpKind, ModelConfig, Moe};

use super::limits::Limits;
use crate::CapacityError;

/// The config-reading rules: the file given (`--model-rules`) or the embedded ones.
pub fn model_rules(path: Option<&Path>) -> Result<Cow<'static, Rules>, CapacityError> {
    Rules::load(path).map_err(error)
}

/// Parse config text with the embedded rules; `path` names it in errors.
pub fn parse_config(text: &str, path: &str) -> Result<ModelConfig, CapacityError> {
    let rules = model_rules(None)?;
    parse_config_with(text, path, &rules)
}

/// Parse config text with the given rules, and check it against the embedded capacity bounds.
pub fn parse_config_with(
    text: &str,
    path: &str,
    rules: &Rules,
) -> Result<ModelConfig, CapacityError> {
    parse_config_limited(text, path, rules, &Limits::embedded()?)
}

/// Parse config text with the given rules, and check it against the given bounds
/// (`--limits FILE` or the embedded `data/limits.toml`).
pub fn parse_config_limited(
    text: &str,
    path: &str,
    rules: &Rules,
    limits: &Limits,
) -> Result<ModelConfig, CapacityError> {
    let (config, _) =
        HfConfig::parse(text, path, rules).and_then(|c| c.model(rules)).map_err(error)?;
    limits.check_config(&config, path)?;
    Ok(config)
}

/// Read, parse and check a config file against the embedded bounds.
pub fn read_config(path: &Path, rules: &Rules) -> Result<ModelConfig, CapacityError> {
    read_config_limited(path, rules, &Limits::embedded()?)
}

/// Read, parse and check a config file against the given bounds.
pub fn read_config_limited(
    path: &Path,
    rules: &Rules,
    limits: &Limits,
) -> Result<ModelConfig, CapacityError> {
    let text = perfpilot_io::read_to_string_bounded(path)
        .map_err(|source| CapacityError::Io { path: path.to_path_buf(), source })?;
    parse_config_limited(&text, &path.display().to_string(), rules, limits)
}

/// The reader's refusal as this crate's error (same file, same message).
fn error(e: ModelConfigError) -> CapacityError {
    match e {
        ModelConfigError::Io { path, source } => CapacityError::Io { path, source },
        ModelConfigError::Syntax { path, line, column, detail, .. } => CapacityError::Config {
            path,
            message: format!("not valid JSON at line {line} column {column}: {detail}"),
        },
        ModelConfigError::Invalid { path, message } => CapacityError::Config { path, message },
        ModelConfigError::Rules { path, message } => CapacityError::Data { path, message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemma3_nested_text_config() {
        let text = r#"{"architectures":["Gemma3ForConditionalGeneration"],"model_type":"gemma3",
            "text_config":{"head_dim":128,"hidden_size":5376,"intermediate_size":21504,"model_type":"gemma3_text",
            "num_attention_heads":32,"num_hidden_layers":62,"num_key_value_heads":16,"sliding_window":1024},
            "torch_dtype":"bfloat16","vision_config":{"hidden_size":1152,"num_hidden_layers":27,"intermediate_size":4304}}"#;
        let c = parse_config(text, "inline").unwrap();
        assert_eq!(c.num_layers, 62);
        assert_eq!(c.num_kv_heads, 16);
        assert_eq!(c.count(KvKind::Full), 10);
        assert_eq!(c.count(KvKind::Sliding), 52);
        assert_eq!(c.vocab_size, 262_208);
        assert!(c.vision_params > 400_000_000);
        assert!(!c.assumptions.is_empty());
    }

    #[test]
    fn bad_json_names_position() {
        let e = parse_config("{\n \"a\": }", "x.json").unwrap_err().to_string();
        assert!(e.contains("x.json") && e.contains("line 2"), "{e}");
        let e = parse_config("{}", "y.json").unwrap_err().to_string();
        assert!(e.contains("hidden_size"), "{e}");
    }
}
