//! The reader on every real `config.json` in the repository's fixtures
//! (`tests/fixtures/layers`, `tests/fixtures/capacity/model-configs`). Each expectation was
//! written by reading the config file (and the transformers default it leans on, named in
//! the comment), not copied from the reader's output.

use std::path::PathBuf;

use perfpilot_modelconfig::{HfConfig, KvKind, Layout, MlpKind, ModelConfig, Rules};

fn fixture(dir: &str, model: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(dir)
        .join(model)
        .join("config.json")
}

fn read(dir: &str, model: &str) -> (ModelConfig, Layout) {
    let rules = Rules::embedded().unwrap();
    let p = fixture(dir, model);
    let cfg = HfConfig::read(&p, rules).unwrap_or_else(|e| panic!("{e}"));
    cfg.model(rules).unwrap_or_else(|e| panic!("{e}"))
}

/// What a config says, written out by hand.
struct Expect {
    layers: u64,
    full: u64,
    sliding: u64,
    linear: u64,
    moe_layers: usize,
    heads: u64,
    kv_heads: u64,
    head_dim: u64,
    window: Option<u64>,
}

fn check(dir: &str, model: &str, e: Expect) -> ModelConfig {
    let (c, l) = read(dir, model);
    let what = format!("{dir}/{model}");
    assert_eq!(c.num_layers, e.layers, "{what}: layers");
    assert_eq!(l.num_layers() as u64, e.layers, "{what}: layout layers");
    assert_eq!(c.count(KvKind::Full), e.full, "{what}: full");
    assert_eq!(c.count(KvKind::Sliding), e.sliding, "{what}: sliding");
    assert_eq!(c.count(KvKind::Linear), e.linear, "{what}: linear");
    assert_eq!(c.mlp_kinds.iter().filter(|m| **m == MlpKind::Moe).count(), e.moe_layers, "{what}");
    assert_eq!(c.num_heads, e.heads, "{what}: heads");
    assert_eq!(c.num_kv_heads, e.kv_heads, "{what}: kv heads");
    assert_eq!(c.head_dim, e.head_dim, "{what}: head_dim");
    assert_eq!(c.sliding_window, e.window, "{what}: window");
    c
}

#[test]
fn llama_3_1_8b() {
    for (dir, model) in [
        ("layers", "meta-llama__Llama-3.1-8B"),
        ("capacity/model-configs", "meta-llama__Llama-3.1-8B-Instruct"),
    ] {
        // 32 layers, 32 heads, 8 KV heads; no head_dim key: 4096 / 32 = 128.
        let c = check(
            dir,
            model,
            Expect {
                layers: 32,
                full: 32,
                sliding: 0,
                linear: 0,
                moe_layers: 0,
                heads: 32,
                kv_heads: 8,
                head_dim: 128,
                window: None,
            },
        );
        assert_eq!(c.v_head_dim, 128);
        assert_eq!(c.vocab_size, 128_256);
        assert!(c.moe.is_none() && c.mla.is_none() && c.linear.is_none());
        assert_eq!(c.torch_dtype.as_deref(), Some("bfloat16"));
        assert!(!c.tie_word_embeddings);
    }
}

#[test]
fn qwen2_5_14b_sliding_window_disabled() {
    // sliding_window 131072 but use_sliding_window false: every layer full attention.
    // No head_dim: 5120 / 40 = 128. qwen2 projections carry a bias (no config key).
    let c = check(
        "capacity/model-configs",
        "Qwen__Qwen2.5-14B",
        Expect {
            layers: 48,
            full: 48,
            sliding: 0,
            linear: 0,
            moe_layers: 0,
            heads: 40,
            kv_heads: 8,
            head_dim: 128,
            window: None,
        },
    );
    assert!(c.attention_bias);
}

#[test]
fn qwen3_dense_and_moe() {
    check(
        "layers",
        "Qwen__Qwen3-8B",
        Expect {
            layers: 36,
            full: 36,
            sliding: 0,
            linear: 0,
            moe_layers: 0,
            heads: 32,
            kv_heads: 8,
            head_dim: 128,
            window: None,
        },
    );
    for dir in ["layers", "capacity/model-configs"] {
        // 128 experts, 8 per token, decoder_sparse_step 1, mlp_only_layers []: all MoE.
        let c = check(
            dir,
            "Qwen__Qwen3-30B-A3B",
            Expect {
                layers: 48,
                full: 48,
                sliding: 0,
                linear: 0,
                moe_layers: 48,
                heads: 32,
                kv_heads: 4,
                head_dim: 128,
                window: None,
            },
        );
        let m = c.moe.unwrap();
        assert_eq!((m.num_experts, m.top_k, m.expert_intermediate), (128, 8, 768));
        assert_eq!((m.shared_experts, m.first_dense), (0, 0));
    }
    let c = check(
        "capacity/model-configs",
        "Qwen__Qwen3-235B-A22B",
        Expect {
            layers: 94,
            full: 94,
            sliding: 0,
            linear: 0,
            moe_layers: 94,
            heads: 64,
            kv_heads: 4,
            head_dim: 128,
            window: None,
        },
    );
    assert_eq!(c.moe.unwrap().expert_intermediate, 1536);
}

#[test]
fn qwen3_next_hybrid_linear_attention() {
    for dir in ["layers", "capacity/model-configs"] {
        // full_attention_interval 4: layers 3, 7, …, 47 full (12), the other 36 Gated DeltaNet.
        let c = check(
            dir,
            "Qwen__Qwen3-Next-80B-A3B-Thinking",
            Expect {
                layers: 48,
                full: 12,
                sliding: 0,
                linear: 36,
                moe_layers: 48,
                heads: 16,
                kv_heads: 2,
                head_dim: 256,
                window: None,
            },
        );
        assert_eq!(c.layer_kinds[3], KvKind::Full);
        assert_eq!(c.layer_kinds[0], KvKind::Linear);
        let l = c.linear.unwrap();
        assert_eq!(
            (l.num_key_heads, l.num_value_heads, l.key_head_dim, l.value_head_dim, l.conv_kernel),
            (16, 32, 128, 128, 4)
        );
        let m = c.moe.unwrap();
        // One shared expert of 512 (shared_expert_intermediate_size, no n_shared_experts).
        assert_eq!(
            (m.num_experts, m.top_k, m.shared_experts, m.shared_intermediate),
            (512, 10, 1, 512)
        );
    }
}

#[test]
fn deepseek_v3_and_r1_mla_and_first_dense() {
    for (dir, model) in [
        ("layers", "deepseek-ai__DeepSeek-V3"),
        ("capacity/model-configs", "deepseek-ai__DeepSeek-V3"),
        ("capacity/model-configs", "deepseek-ai__DeepSeek-R1"),
    ] {
        // first_k_dense_replace 3, moe_layer_freq 1: layers 0-2 dense, 58 MoE.
        let c = check(
            dir,
            model,
            Expect {
                layers: 61,
                full: 61,
                sliding: 0,
                linear: 0,
                moe_layers: 58,
                heads: 128,
                kv_heads: 128,
                head_dim: 56,
                window: None,
            },
        );
        assert_eq!(
            &c.mlp_kinds[..4],
            &[MlpKind::Dense, MlpKind::Dense, MlpKind::Dense, MlpKind::Moe]
        );
        let mla = c.mla.unwrap();
        assert_eq!(
            (
                mla.q_lora_rank,
                mla.kv_lora_rank,
                mla.qk_nope_head_dim,
                mla.qk_rope_head_dim,
                mla.v_head_dim
            ),
            (Some(1536), 512, 128, 64, 128)
        );
        let m = c.moe.unwrap();
        assert_eq!((m.num_experts, m.top_k, m.shared_experts, m.first_dense), (256, 8, 1, 3));
        assert_eq!(c.quantization.as_deref(), Some("fp8:e4m3"));
        assert_eq!(c.mtp_layers, 1);
    }
}

#[test]
fn gemma3_nested_text_config_and_defaults() {
    for dir in ["layers", "capacity/model-configs"] {
        // text_config: 62 layers, sliding_window 1024, no sliding_window_pattern: the
        // Gemma3TextConfig default 6 puts full attention on layers 5, 11, …, 59 (10).
        let c = check(
            dir,
            "google__gemma-3-27b-it",
            Expect {
                layers: 62,
                full: 10,
                sliding: 52,
                linear: 0,
                moe_layers: 0,
                heads: 32,
                kv_heads: 16,
                head_dim: 128,
                window: Some(1024),
            },
        );
        assert_eq!(c.architecture, "Gemma3ForConditionalGeneration", "the wrapper's class");
        assert_eq!(c.model_type, "gemma3_text");
        assert_eq!(c.vocab_size, 262_208, "Gemma3TextConfig default");
        assert_eq!(c.max_position_embeddings, Some(131_072), "Gemma3TextConfig default");
        assert!(c.tie_word_embeddings);
        assert!(c.vision_params > 0, "vision_config tower counted");
        assert_eq!(c.assumptions.len(), 2, "{:?}", c.assumptions);
    }
}

#[test]
fn gemma2_alternates_sliding_first() {
    // No layer_types, sliding_window 4096 < 8192 positions: sliding on even layers.
    let c = check(
        "layers",
        "google__gemma-2-9b",
        Expect {
            layers: 42,
            full: 21,
            sliding: 21,
            linear: 0,
            moe_layers: 0,
            heads: 16,
            kv_heads: 8,
            head_dim: 256,
            window: Some(4096),
        },
    );
    assert_eq!(&c.layer_kinds[..2], &[KvKind::Sliding, KvKind::Full]);
    assert_eq!(c.torch_dtype.as_deref(), Some("float32"));
}

#[test]
fn gpt_oss_layer_types() {
    for (dir, model, layers, experts) in [
        ("layers", "openai__gpt-oss-120b", 36, 128),
        ("capacity/model-configs", "openai__gpt-oss-120b", 36, 128),
        ("layers", "openai__gpt-oss-20b", 24, 32),
    ] {
        // layer_types alternate sliding/full from layer 0; window 128; every layer MoE.
        let c = check(
            dir,
            model,
            Expect {
                layers,
                full: layers / 2,
                sliding: layers / 2,
                linear: 0,
                moe_layers: layers as usize,
                heads: 64,
                kv_heads: 8,
                head_dim: 64,
                window: Some(128),
            },
        );
        let m = c.moe.unwrap();
        assert_eq!((m.num_experts, m.top_k), (experts, 4));
        assert_eq!(c.quantization.as_deref(), Some("mxfp4"));
        assert!(c.attention_bias);
    }
}

#[test]
fn every_fixture_config_is_covered() {
    // A config added to the fixtures must get hand-written expectations above.
    let known = [
        "meta-llama__Llama-3.1-8B",
        "meta-llama__Llama-3.1-8B-Instruct",
        "Qwen__Qwen2.5-14B",
        "Qwen__Qwen3-8B",
        "Qwen__Qwen3-30B-A3B",
        "Qwen__Qwen3-235B-A22B",
        "Qwen__Qwen3-Next-80B-A3B-Thinking",
        "deepseek-ai__DeepSeek-V3",
        "deepseek-ai__DeepSeek-R1",
        "google__gemma-3-27b-it",
        "google__gemma-2-9b",
        "openai__gpt-oss-120b",
        "openai__gpt-oss-20b",
    ];
    for dir in ["layers", "capacity/model-configs"] {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(dir);
        for entry in std::fs::read_dir(&root).unwrap() {
            let entry = entry.unwrap();
            if entry.path().join("config.json").is_file() {
                let name = entry.file_name().to_string_lossy().into_owned();
                assert!(known.contains(&name.as_str()), "{dir}/{name} has no expectations");
            }
        }
    }
}
