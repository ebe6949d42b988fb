//! Layer patterns the fixtures do not exercise (Nemotron-H, Kimi-Linear, Qwen2 windows,
//! Mistral windows), bad configs, and a replacement rule file.

use perfpilot_modelconfig::{
    EMBEDDED_MODEL_RULES, HfConfig, KvKind, Layout, MlpKind, ModelConfigError, Rules,
};

fn layout(json: &str) -> Layout {
    let rules = Rules::embedded().unwrap();
    HfConfig::parse(json, "config.json", rules).unwrap().layout(rules).unwrap()
}

fn kinds(l: &Layout) -> Vec<KvKind> {
    l.layers.iter().map(|x| x.kv).collect()
}

#[test]
fn nemotron_h_pattern_string() {
    let l = layout(
        r#"{"num_hidden_layers": 5, "hybrid_override_pattern": "M-M*E", "n_routed_experts": 8}"#,
    );
    use KvKind::*;
    assert_eq!(kinds(&l), vec![Linear, None, Linear, Full, None]);
    let mlp: Vec<MlpKind> = l.layers.iter().map(|x| x.mlp).collect();
    assert_eq!(
        mlp,
        vec![MlpKind::None, MlpKind::Dense, MlpKind::None, MlpKind::None, MlpKind::Moe]
    );
    assert_eq!(l.layers[0].attention, "mamba");
}

#[test]
fn kimi_linear_layer_numbers_are_one_based() {
    let l = layout(r#"{"num_hidden_layers": 4, "linear_attn_config": {"kda_layers": [1, 2, 3]}}"#);
    assert_eq!(kinds(&l), vec![KvKind::Linear, KvKind::Linear, KvKind::Linear, KvKind::Full]);
}

#[test]
fn qwen2_window_from_max_window_layers() {
    let l = layout(
        r#"{"model_type": "qwen2", "num_hidden_layers": 4, "sliding_window": 4096,
            "use_sliding_window": true, "max_window_layers": 2, "max_position_embeddings": 32768}"#,
    );
    assert_eq!(kinds(&l), vec![KvKind::Full, KvKind::Full, KvKind::Sliding, KvKind::Sliding]);
    assert_eq!(l.sliding_window, Some(4096));
}

#[test]
fn mistral_window_slides_every_layer_unless_it_covers_the_context() {
    let l = layout(
        r#"{"model_type": "mistral", "num_hidden_layers": 3, "sliding_window": 4096, "max_position_embeddings": 32768}"#,
    );
    assert_eq!(l.count(KvKind::Sliding), 3);
    let l = layout(
        r#"{"model_type": "mistral", "num_hidden_layers": 3, "sliding_window": 32768, "max_position_embeddings": 32768}"#,
    );
    assert_eq!(l.count(KvKind::Full), 3);
    assert_eq!(l.sliding_window, None);
}

#[test]
fn layers_block_type_spellings_are_normalised() {
    let l = layout(
        r#"{"num_hidden_layers": 3, "layers_block_type": ["attention", "mamba2", "mamba"]}"#,
    );
    let names: Vec<&str> = l.layers.iter().map(|x| x.attention.as_str()).collect();
    assert_eq!(names, vec!["full_attention", "mamba", "mamba"]);
    assert_eq!(kinds(&l), vec![KvKind::Full, KvKind::Linear, KvKind::Linear]);
}

#[test]
fn bad_configs_name_the_file_and_the_key() {
    let rules = Rules::embedded().unwrap();
    let e = HfConfig::parse("{\n \"a\": }", "x.json", rules).unwrap_err();
    assert!(matches!(e, ModelConfigError::Syntax { line: 2, .. }), "{e:?}");
    assert!(e.to_string().starts_with("x.json: not valid JSON at line 2"), "{e}");

    let cfg = HfConfig::parse(r#"{"hidden_size": 8}"#, "y.json", rules).unwrap();
    let e = cfg.layout(rules).unwrap_err().to_string();
    assert!(e.contains("y.json") && e.contains("num_hidden_layers"), "{e}");

    let cfg = HfConfig::parse(r#"{"num_hidden_layers": 2}"#, "z.json", rules).unwrap();
    let e = cfg.model(rules).unwrap_err().to_string();
    assert!(e.contains("z.json") && e.contains("`hidden_size`"), "{e}");

    let cfg = HfConfig::parse(r#"{"num_hidden_layers": 5000}"#, "w.json", rules).unwrap();
    let e = cfg.layout(rules).unwrap_err().to_string();
    assert!(e.contains("`num_hidden_layers` is 5000; expected 1 to 4096"), "{e}");

    let cfg = HfConfig::parse(
        r#"{"num_hidden_layers": 3, "layer_types": ["full_attention"]}"#,
        "v.json",
        rules,
    )
    .unwrap();
    let e = cfg.layout(rules).unwrap_err().to_string();
    assert!(e.contains("v.json: `layer_types` has 1 entries but the model has 3 layers"), "{e}");

    let e = HfConfig::parse("[1]", "u.json", rules).unwrap_err().to_string();
    assert!(e.contains("u.json") && e.contains("JSON object"), "{e}");

    let e = HfConfig::read(std::path::Path::new("/nonexistent/config.json"), rules).unwrap_err();
    assert!(matches!(e, ModelConfigError::Io { .. }), "{e:?}");
}

#[test]
fn a_replacement_rule_file_changes_the_answer() {
    // The same gemma2 config read with a rule file whose gemma2 pattern is 3.
    let text = EMBEDDED_MODEL_RULES.replace(
        "model_type = \"gemma2\"\nfield = \"sliding_window_pattern\"\nvalue = 2",
        "model_type = \"gemma2\"\nfield = \"sliding_window_pattern\"\nvalue = 3",
    );
    assert_ne!(text, EMBEDDED_MODEL_RULES);
    let rules = Rules::parse(&text, "mine.toml").unwrap();
    let cfg = r#"{"model_type": "gemma2", "num_hidden_layers": 6, "sliding_window": 4096,
                  "max_position_embeddings": 8192}"#;
    let l = HfConfig::parse(cfg, "c.json", &rules).unwrap().layout(&rules).unwrap();
    assert_eq!(l.count(KvKind::Full), 2);
    assert!(l.evidence.iter().any(|e| e.contains("sliding_window_pattern 3")), "{:?}", l.evidence);
    let dir = std::env::temp_dir().join(format!("pp-modelrules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "schema = \"perfpilot.model-config/1\"\nmax_layers = 1\nmax_layers_source = \"s\"\n",
    )
    .unwrap();
    let e = Rules::from_file(&bad).unwrap_err().to_string();
    assert!(e.contains("bad.toml") && e.contains("num_layers"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}

proptest::proptest! {
    #[test]
    fn never_panics_on_odd_configs(
        n in proptest::option::of(0u64..10_000),
        types in proptest::collection::vec("[a-z_]{0,12}", 0..8),
        interval in proptest::option::of(0u64..8),
        pattern in "[M*E-]{0,10}",
        hidden in proptest::option::of(proptest::num::u64::ANY),
        junk in ".{0,40}",
    ) {
        let rules = Rules::embedded().unwrap();
        let mut obj = serde_json::json!({
            "layer_types": types, "hybrid_override_pattern": pattern, "sliding_window": 4,
            "model_type": "gemma3", "num_experts": 4, "first_k_dense_replace": 1, "decoder_sparse_step": 0,
            "num_attention_heads": 0,
        });
        if let Some(n) = n { obj["num_hidden_layers"] = n.into(); }
        if let Some(i) = interval { obj["full_attention_interval"] = i.into(); }
        if let Some(h) = hidden { obj["hidden_size"] = h.into(); }
        let text = serde_json::to_string(&obj).unwrap();
        if let Ok(c) = HfConfig::parse(&text, "c.json", rules) {
            if let Ok(l) = c.layout(rules) {
                proptest::prop_assert_eq!(l.layers.len() as u64, n.unwrap_or(0));
            }
            let _ = c.model(rules);
        }
        let _ = HfConfig::parse(&junk, "c.json", rules);
    }
}
