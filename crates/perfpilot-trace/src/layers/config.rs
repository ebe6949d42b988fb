//! The layer layout of a model from its Hugging Face `config.json`: how many decoder layers
//! and which type each one is (full / sliding / linear attention, Mamba, dense / MoE MLP).
//!
//! Nested `text_config` / `language_config` / `llm_config` blocks are lifted to the top
//! level first. Key names and per-model-type defaults come from `data/layer_config.toml`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::TraceError;

/// The rule file compiled into the binary.
pub const EMBEDDED_LAYER_CONFIG: &str = include_str!("../../data/layer_config.toml");

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rules {
    schema: String,
    #[serde(default)]
    nested: Vec<KeyRule>,
    #[serde(default)]
    layer_count: Vec<KeyRule>,
    #[serde(default)]
    experts: Vec<KeyRule>,
    #[serde(default)]
    model_default: Vec<ModelDefault>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyRule {
    key: String,
    #[allow(dead_code)] // documentation for people reading the data file
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelDefault {
    model_type: String,
    sliding_window_pattern: Option<usize>,
    source: String,
}

fn parse_rules(text: &str, origin: &str) -> Result<Rules, TraceError> {
    let rules: Rules = toml::from_str(text)
        .map_err(|e| TraceError::Rules { path: origin.into(), message: e.to_string() })?;
    if rules.schema != "perfpilot.layer-config/1" {
        return Err(TraceError::Rules {
            path: origin.into(),
            message: format!("schema `{}`, expected `perfpilot.layer-config/1`", rules.schema),
        });
    }
    Ok(rules)
}

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    // Tested by `embedded_rules_parse`; failing here is a build bug.
    parse_rules(EMBEDDED_LAYER_CONFIG, "<embedded layer_config.toml>")
        .expect("embedded layer_config.toml is valid")
});

/// Read a `config.json` file.
pub fn read_config_file(path: &Path) -> Result<ModelLayout, TraceError> {
    let text = perfpilot_io::read_to_string_bounded(path).map_err(|e| TraceError::io(path, e))?;
    parse_config(&text, path)
}

/// Parse the text of a `config.json`; `path` names it in errors.
pub fn parse_config(text: &str, path: &Path) -> Result<ModelLayout, TraceError> {
    let value: Value = serde_json::from_str(text).map_err(|e| TraceError::Json {
        path: path.to_path_buf(),
        offset: byte_offset(text, e.line(), e.column()),
        message: format!("line {} column {}: {e}", e.line(), e.column()),
    })?;
    let Value::Object(top) = value else {
        return Err(bad(path, "expected a JSON object (a Hugging Face config.json)"));
    };
    layout_from(&flatten(&top, &RULES), &RULES, path)
}

fn bad(path: &Path, message: impl Into<String>) -> TraceError {
    TraceError::Rules { path: path.to_path_buf(), message: message.into() }
}

fn byte_offset(text: &str, line: usize, column: usize) -> u64 {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column.saturating_sub(1)) as u64
}

/// The top-level keys with every nested text-model block lifted over them.
fn flatten(top: &Map<String, Value>, rules: &Rules) -> Map<String, Value> {
    let mut flat = top.clone();
    for rule in &rules.nested {
        if let Some(Value::Object(inner)) = top.get(&rule.key) {
            for (k, v) in inner {
                flat.insert(k.clone(), v.clone());
            }
        }
    }
    flat
}

fn uint(map: &Map<String, Value>, key: &str) -> Option<usize> {
    map.get(key).and_then(Value::as_u64).and_then(|v| usize::try_from(v).ok())
}

fn text<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

fn layout_from(
    cfg: &Map<String, Value>,
    rules: &Rules,
    path: &Path,
) -> Result<ModelLayout, TraceError> {
    let (count_key, n) = rules
        .layer_count
        .iter()
        .find_map(|r| uint(cfg, &r.key).map(|n| (r.key.as_str(), n)))
        .ok_or_else(|| {
            let keys: Vec<&str> = rules.layer_count.iter().map(|r| r.key.as_str()).collect();
            bad(path, format!("no layer count: expected one of {keys:?} as a non-negative integer at the top level or in a nested text config"))
        })?;
    if n == 0 || n > 4096 {
        return Err(bad(path, format!("`{count_key}` is {n}; expected 1 to 4096 layers")));
    }
    let model_type = text(cfg, "model_type").map(str::to_string);
    let architecture = cfg
        .get("architectures")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut evidence = vec![format!("{n} layers from `{count_key}`")];
    let attention = attention_kinds(cfg, rules, n, model_type.as_deref(), &mut evidence, path)?;
    let mlp = mlp_kinds(cfg, rules, n, &mut evidence);
    let kinds = attention
        .into_iter()
        .zip(mlp)
        .map(|(attention, mlp)| LayerKind { attention, mlp })
        .collect();
    Ok(ModelLayout { model_type, architecture, num_layers: n, kinds, evidence })
}

fn attention_kinds(
    cfg: &Map<String, Value>,
    rules: &Rules,
    n: usize,
    model_type: Option<&str>,
    evidence: &mut Vec<String>,
    path: &Path,
) -> Result<Vec<String>, TraceError> {
    // 1. An explicit per-layer list.
    for key in ["layer_types", "layers_block_type"] {
        if let Some(list) = cfg.get(key).and_then(Value::as_array) {
            let kinds: Vec<String> =
                list.iter().map(|v| v.as_str().unwrap_or("unknown").to_string()).collect();
            if kinds.len() != n {
                return Err(bad(
                    path,
                    format!("`{key}` has {} entries but the model has {n} layers", kinds.len()),
                ));
            }
            evidence.push(format!("layer kinds from `{key}`"));
            return Ok(kinds.into_iter().map(|k| normalise_kind(&k)).collect());
        }
    }
    // 2. Nemotron-H style pattern string: one character per layer.
    if let Some(pattern) = text(cfg, "hybrid_override_pattern") {
        let kinds: Vec<String> = pattern
            .chars()
            .map(|c| match c {
                'M' => "mamba".to_string(),
                '*' => "full_attention".to_string(),
                '-' | 'E' => "none".to_string(),
                other => format!("pattern_{other}"),
            })
            .collect();
        if kinds.len() == n {
            evidence.push(
                "layer kinds from `hybrid_override_pattern` (M mamba, * attention, - MLP, E MoE)"
                    .into(),
            );
            return Ok(kinds);
        }
        evidence.push(format!(
            "`hybrid_override_pattern` has {} characters for {n} layers; ignored",
            kinds.len()
        ));
    }
    // 3. Kimi-Linear style explicit lists (1-based layer numbers).
    if let Some(Value::Object(lin)) = cfg.get("linear_attn_config") {
        let ids = |k: &str| -> Vec<usize> {
            lin.get(k)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_u64).map(|v| v as usize).collect())
                .unwrap_or_default()
        };
        let linear = ids("kda_layers");
        if !linear.is_empty() {
            evidence.push(
                "linear-attention layers from `linear_attn_config.kda_layers` (1-based)".into(),
            );
            return Ok((1..=n)
                .map(|i| if linear.contains(&i) { "linear_attention" } else { "full_attention" })
                .map(str::to_string)
                .collect());
        }
    }
    // 4. Every k-th layer full attention, the rest linear (Qwen3-Next).
    if let Some(k) = uint(cfg, "full_attention_interval").filter(|&k| k > 0) {
        evidence.push(format!("every {k}th layer full attention, the others linear attention (`full_attention_interval`)"));
        return Ok((0..n)
            .map(|i| if (i + 1) % k == 0 { "full_attention" } else { "linear_attention" })
            .map(str::to_string)
            .collect());
    }
    // 5. Interleaved sliding-window patterns.
    let has_window = cfg.get("sliding_window").is_some_and(|v| !v.is_null());
    let pattern = uint(cfg, "sliding_window_pattern")
        .map(|p| (p, "`sliding_window_pattern`".to_string()))
        .or_else(|| {
            let mt = model_type?;
            let d = rules.model_default.iter().find(|d| d.model_type == mt)?;
            let p = d.sliding_window_pattern?;
            Some((p, format!("the {mt} default sliding_window_pattern {p} ({})", d.source)))
        });
    if has_window {
        if let Some((p, why)) = pattern.filter(|(p, _)| *p > 1) {
            evidence.push(format!("sliding attention except every {p}th layer, from {why}"));
            return Ok((0..n)
                .map(|i| if (i + 1) % p == 0 { "full_attention" } else { "sliding_attention" })
                .map(str::to_string)
                .collect());
        }
        // Qwen2: sliding only when enabled, on layers from max_window_layers on.
        if cfg.get("use_sliding_window").and_then(Value::as_bool) == Some(true) {
            let from = uint(cfg, "max_window_layers").unwrap_or(0);
            evidence.push(format!(
                "sliding attention from layer {from} on (`use_sliding_window`, `max_window_layers`)"
            ));
            return Ok((0..n)
                .map(|i| if i >= from { "sliding_attention" } else { "full_attention" })
                .map(str::to_string)
                .collect());
        }
    }
    Ok(vec!["attention".to_string(); n])
}

/// Map the spellings of `layers_block_type` onto the `layer_types` vocabulary.
fn normalise_kind(kind: &str) -> String {
    match kind {
        "attention" => "full_attention".into(),
        "mamba" | "mamba2" => "mamba".into(),
        other => other.to_string(),
    }
}

fn mlp_kinds(
    cfg: &Map<String, Value>,
    rules: &Rules,
    n: usize,
    evidence: &mut Vec<String>,
) -> Vec<String> {
    let experts = rules.experts.iter().find_map(|r| uint(cfg, &r.key).map(|v| (r.key.as_str(), v)));
    let Some((key, e)) = experts.filter(|(_, e)| *e > 0) else {
        return vec!["dense".to_string(); n];
    };
    let mut moe = vec![true; n];
    let mut why = vec![format!("{e} routed experts (`{key}`)")];
    if let Some(k) = uint(cfg, "first_k_dense_replace") {
        let freq = uint(cfg, "moe_layer_freq").unwrap_or(1).max(1);
        for (i, m) in moe.iter_mut().enumerate() {
            *m = i >= k && i % freq == 0;
        }
        why.push(format!("first {k} layers dense (`first_k_dense_replace`), MoE every {freq} after (`moe_layer_freq`)"));
    }
    if let Some(step) = uint(cfg, "decoder_sparse_step").filter(|&s| s > 1) {
        for (i, m) in moe.iter_mut().enumerate() {
            *m = *m && (i + 1) % step == 0;
        }
        why.push(format!("MoE every {step}th layer (`decoder_sparse_step`)"));
    }
    if let Some(step) = uint(cfg, "interleave_moe_layer_step").filter(|&s| s > 1) {
        for (i, m) in moe.iter_mut().enumerate() {
            *m = *m && (i + 1) % step == 0;
        }
        why.push(format!("MoE every {step}th layer (`interleave_moe_layer_step`)"));
    }
    if let Some(dense) = cfg.get("mlp_only_layers").and_then(Value::as_array) {
        let ids: Vec<usize> = dense.iter().filter_map(Value::as_u64).map(|v| v as usize).collect();
        if !ids.is_empty() {
            for i in &ids {
                if let Some(m) = moe.get_mut(*i) {
                    *m = false;
                }
            }
            why.push(format!("layers {ids:?} dense (`mlp_only_layers`)"));
        }
    }
    // Nemotron-H: MLP-only and MoE layers are their own pattern characters; the
    // attention/mamba layers carry no MLP.
    if let Some(pattern) = text(cfg, "hybrid_override_pattern").filter(|p| p.chars().count() == n) {
        return pattern
            .chars()
            .map(|c| match c {
                'E' => "moe",
                '-' => "dense",
                _ => "none",
            })
            .map(str::to_string)
            .collect();
    }
    let count = moe.iter().filter(|m| **m).count();
    why.push(format!("{count} MoE and {} dense layers", n - count));
    evidence.push(why.join("; "));
    moe.into_iter().map(|m| if m { "moe" } else { "dense" }).map(str::to_string).collect()
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
    fn embedded_rules_parse() {
        let r = parse_rules(EMBEDDED_LAYER_CONFIG, "embedded").unwrap();
        assert!(!r.layer_count.is_empty());
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
