//! The layer layout of a model from its Hugging Face `config.json`: how many decoder layers
//! and which type each one is (full / sliding / linear attention, Mamba, dense / MoE MLP).
//!
//! The reading itself (nesting, key names, per-model-type defaults) is the one reader
//! `capacity` uses too (`perfpilot-modelconfig`, rules in its `data/model_config.toml`);
//! this module turns its layout into the report's layer kinds and labels.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use perfpilot_modelconfig::{HfConfig, Layout, ModelConfigError, Rules};
use schemars::JsonSchema;
use serde::Serialize;

use crate::error::TraceError;

/// The attention and MLP kind of one decoder layer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
pub struct LayerKind {
    /// `full_attention`, `sliding_attention`, `linear_attention`, `chunked_attention`,
    /// `mamba`, `none`, or a `layer_types` value as the config spells it.
    pub attention: String,
    /// `dense`, `moe` or `none`.
    pub mlp: String,
}

/// What the config says about the decoder layers.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ModelLayout {
    /// `model_type` (of the text model when nested).
    pub model_type: Option<String>,
    /// First entry of `architectures`.
    pub architecture: Option<String>,
    /// Number of decoder layers.
    pub num_layers: usize,
    /// One kind per layer.
    pub kinds: Vec<LayerKind>,
    /// How the kinds were derived (config keys and defaults used), in order.
    pub evidence: Vec<String>,
}

impl ModelLayout {
    /// A layout with `n` identical layers of unknown kind (from `--layers N`).
    pub fn uniform(n: usize) -> ModelLayout {
        ModelLayout {
            model_type: None,
            architecture: None,
            num_layers: n,
            kinds: vec![LayerKind { attention: "attention".into(), mlp: "mlp".into() }; n],
            evidence: vec![format!("{n} layers given on the command line; kinds unknown")],
        }
    }

    /// The short type label of layer `i`: only the parts that vary between layers
    /// (`sliding_attention`, `moe`, `linear_attention+moe`), `decoder` when all layers
    /// are alike.
    pub fn label(&self, i: usize) -> String {
        let Some(k) = self.kinds.get(i) else { return "decoder".into() };
        let attn_varies = self.kinds.iter().any(|o| o.attention != k.attention);
        let mlp_varies = self.kinds.iter().any(|o| o.mlp != k.mlp);
        match (attn_varies, mlp_varies) {
            (true, true) => format!("{}+{}", k.attention, k.mlp),
            (true, false) => k.attention.clone(),
            (false, true) => k.mlp.clone(),
            (false, false) => "decoder".into(),
        }
    }

    /// Labels of every layer.
    pub fn labels(&self) -> Vec<String> {
        (0..self.num_layers).map(|i| self.label(i)).collect()
    }
}

/// The config-reading rules: the file given (`--model-rules`) or the embedded ones.
pub fn model_rules(path: Option<&Path>) -> Result<Cow<'static, Rules>, TraceError> {
    Rules::load(path).map_err(error)
}

/// Read a `config.json` file with the embedded rules.
pub fn read_config_file(path: &Path) -> Result<ModelLayout, TraceError> {
    let rules = model_rules(None)?;
    read_config_file_with(path, &rules)
}

/// Read a `config.json` file with the given rules.
pub fn read_config_file_with(path: &Path, rules: &Rules) -> Result<ModelLayout, TraceError> {
    let cfg = HfConfig::read(path, rules).map_err(error)?;
    cfg.layout(rules).map(ModelLayout::from).map_err(error)
}

/// Parse the text of a `config.json`; `path` names it in errors.
pub fn parse_config(text: &str, path: &Path) -> Result<ModelLayout, TraceError> {
    let rules = model_rules(None)?;
    let cfg = HfConfig::parse(text, &path.display().to_string(), &rules).map_err(error)?;
    cfg.layout(&rules).map(ModelLayout::from).map_err(error)
}

impl From<Layout> for ModelLayout {
    fn from(l: Layout) -> ModelLayout {
        ModelLayout {
            model_type: l.model_type,
            architecture: l.architecture,
            num_layers: l.layers.len(),
            kinds: l
                .layers
                .into_iter()
                .map(|x| LayerKind { attention: x.attention, mlp: x.mlp.as_str().to_string() })
                .collect(),
            evidence: l.evidence,
        }
    }
}

/// The reader's refusal as this crate's error (same file, same message).
fn error(e: ModelConfigError) -> TraceError {
    match e {
        ModelConfigError::Io { path, source } => TraceError::Io { path, source },
        ModelConfigError::Syntax { path, line, column, offset, detail } => TraceError::Json {
            path: path.into(),
            offset,
            message: format!("line {line} column {column}: {detail}"),
        },
        ModelConfigError::Invalid { path, message } | ModelConfigError::Rules { path, message } => {
            TraceError::Rules { path: path.into(), message }
        }
    }
}

/// Count of layers per label, label order (for reports).
pub fn label_counts(layout: &ModelLayout) -> BTreeMap<String, usize> {
    let mut map = BTreeMap::new();
    for l in layout.labels() {
        *map.entry(l).or_insert(0) += 1;
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> ModelLayout {
        parse_config(json, Path::new("config.json")).unwrap()
    }

    #[test]
    fn nested_text_config_wins_and_gemma3_default_applies() {
        let l = parse(
            r#"{"model_type": "gemma3", "num_hidden_layers": 99,
                "text_config": {"model_type": "gemma3_text", "num_hidden_layers": 12, "sliding_window": 1024}}"#,
        );
        assert_eq!(l.num_layers, 12);
        assert_eq!(l.model_type.as_deref(), Some("gemma3_text"));
        let full: Vec<usize> =
            (0..12).filter(|&i| l.kinds[i].attention == "full_attention").collect();
        assert_eq!(full, vec![5, 11]);
        assert_eq!(l.label(0), "sliding_attention");
    }

    #[test]
    fn full_attention_interval_and_first_k_dense() {
        let l =
            parse(r#"{"num_hidden_layers": 8, "full_attention_interval": 4, "num_experts": 4}"#);
        assert_eq!(l.label(3), "full_attention");
        assert_eq!(l.label(0), "linear_attention");
        let d = parse(
            r#"{"num_hidden_layers": 5, "n_routed_experts": 8, "first_k_dense_replace": 2, "moe_layer_freq": 1}"#,
        );
        assert_eq!(d.labels(), vec!["dense", "dense", "moe", "moe", "moe"]);
    }

    #[test]
    fn layer_types_length_must_match() {
        let err = parse_config(
            r#"{"num_hidden_layers": 3, "layer_types": ["full_attention"]}"#,
            Path::new("c.json"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("1 entries but the model has 3"), "{err}");
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_odd_configs(
            n in proptest::option::of(0u64..10_000),
            types in proptest::collection::vec("[a-z_]{0,12}", 0..8),
            interval in proptest::option::of(0u64..8),
            pattern in "[M*E-]{0,10}",
            junk in ".{0,40}",
        ) {
            let mut obj = serde_json::json!({
                "layer_types": types, "hybrid_override_pattern": pattern, "sliding_window": 4,
                "model_type": "gemma3", "num_experts": 4, "first_k_dense_replace": 1, "decoder_sparse_step": 0,
            });
            if let Some(n) = n { obj["num_hidden_layers"] = n.into(); }
            if let Some(i) = interval { obj["full_attention_interval"] = i.into(); }
            let text = serde_json::to_string(&obj).unwrap();
            if let Ok(l) = parse_config(&text, Path::new("c.json")) {
                proptest::prop_assert_eq!(l.kinds.len(), l.num_layers);
                let _ = l.labels();
            }
            let _ = parse_config(&junk, Path::new("c.json"));
        }
    }

    #[test]
    fn syntax_errors_name_line_and_byte() {
        let err = parse_config("{\n \"a\": tru }", Path::new("c.json")).unwrap_err();
        match err {
            TraceError::Json { offset, message, .. } => {
                assert!(message.starts_with("line 2"), "{message}");
                assert!(offset >= 2);
            }
            other => panic!("{other:?}"),
        }
        let missing = parse_config("{\"hidden_size\": 4}", Path::new("c.json")).unwrap_err();
        assert!(missing.to_string().contains("no layer count"), "{missing}");
    }
}
