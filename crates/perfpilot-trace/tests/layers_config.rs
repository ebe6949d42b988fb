//! The HF config reader on real `config.json` files (tests/fixtures/layers).

use std::collections::BTreeMap;
use std::path::PathBuf;

use perfpilot_trace::layers::config::{label_counts, read_config_file};

fn counts(model: &str) -> (usize, BTreeMap<String, usize>) {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/layers")
        .join(model)
        .join("config.json");
    let l = read_config_file(&p).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(l.kinds.len(), l.num_layers);
    (l.num_layers, label_counts(&l))
}

fn map(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[test]
fn layer_types_of_real_configs() {
    assert_eq!(
        counts("Qwen__Qwen3-Next-80B-A3B-Thinking"),
        (48, map(&[("full_attention", 12), ("linear_attention", 36)]))
    );
    assert_eq!(
        counts("openai__gpt-oss-120b"),
        (36, map(&[("full_attention", 18), ("sliding_attention", 18)]))
    );
    assert_eq!(
        counts("openai__gpt-oss-20b"),
        (24, map(&[("full_attention", 12), ("sliding_attention", 12)]))
    );
    // Nested text_config; sliding_window_pattern omitted, so the gemma3 default 6 applies.
    assert_eq!(
        counts("google__gemma-3-27b-it"),
        (62, map(&[("full_attention", 10), ("sliding_attention", 52)]))
    );
    // No layer_types: transformers alternates, sliding first.
    assert_eq!(
        counts("google__gemma-2-9b"),
        (42, map(&[("full_attention", 21), ("sliding_attention", 21)]))
    );
    assert_eq!(counts("deepseek-ai__DeepSeek-V3"), (61, map(&[("dense", 3), ("moe", 58)])));
    assert_eq!(counts("Qwen__Qwen3-30B-A3B"), (48, map(&[("decoder", 48)])));
    assert_eq!(counts("Qwen__Qwen3-8B"), (36, map(&[("decoder", 36)])));
    assert_eq!(counts("meta-llama__Llama-3.1-8B"), (32, map(&[("decoder", 32)])));
}
