//! Impossible model configs and flags (issue 11 item 5): an error naming the field for an
//! input no framework could load, a failed check for a plan the framework would refuse, and
//! never a panic, abort or out-of-memory for absurd sizes.

mod common;

use std::path::{Path, PathBuf};

use common::fixture;
use perfpilot_capacity::{CapacityError, PlanOptions, plan};
use serde_json::{Value, json};

const LLAMA: &str = "model-configs/meta-llama__Llama-3.1-8B-Instruct/config.json";
const DSV3: &str = "model-configs/deepseek-ai__DeepSeek-V3/config.json";

/// A temporary copy of a fixture config with some fields replaced.
fn patched(dir: &Path, base: &str, name: &str, patch: Value) -> PathBuf {
    let mut c: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture(base)).unwrap()).unwrap();
    for (k, v) in patch.as_object().unwrap() {
        c[k] = v.clone();
    }
    let p = dir.join(format!("{name}.json"));
    std::fs::write(&p, serde_json::to_string(&c).unwrap()).unwrap();
    p
}

fn tmp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pp-impossible-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn config_error(p: &Path) -> String {
    match plan(&PlanOptions::new(p, "h100")) {
        Err(e @ CapacityError::Config { .. }) => e.to_string(),
        other => panic!("{}: expected a config error, got {other:?}", p.display()),
    }
}

#[test]
fn impossible_configs_name_the_field() {
    let d = tmp("cfg");
    let cases = [
        ("heads0", json!({"num_attention_heads": 0}), "num_attention_heads"),
        ("kv0", json!({"num_key_value_heads": 0}), "num_key_value_heads"),
        ("kv_not_dividing", json!({"num_key_value_heads": 7}), "num_key_value_heads"),
        ("layers_1e12", json!({"num_hidden_layers": 1_000_000_000_000u64}), "num_hidden_layers"),
        ("layers_max", json!({"num_hidden_layers": u64::MAX}), "num_hidden_layers"),
        ("hidden_1e18", json!({"hidden_size": 1_000_000_000_000_000_000u64}), "hidden_size"),
        ("vocab_1e18", json!({"vocab_size": 1_000_000_000_000_000_000u64}), "vocab_size"),
        ("inter_1e300", json!({"intermediate_size": 1e300}), "intermediate_size"),
        ("head_dim_huge", json!({"head_dim": 4_000_000_000u64}), "head_dim"),
    ];
    for (name, patch, field) in cases {
        let msg = config_error(&patched(&d, LLAMA, name, patch));
        assert!(msg.contains(field), "{name}: {msg}");
        assert!(msg.contains(&format!("{name}.json")), "{name}: the file is named: {msg}");
    }
    // Sizes that are each within bounds but multiply past any real model.
    let msg = config_error(&patched(
        &d,
        DSV3,
        "everything_large",
        json!({"hidden_size": 1_000_000, "n_routed_experts": 60_000, "moe_intermediate_size": 16_000_000,
               "num_hidden_layers": 4_000}),
    ));
    assert!(msg.contains("parameters"), "{msg}");
    let msg = config_error(&patched(&d, DSV3, "mla_huge", json!({"kv_lora_rank": u64::MAX})));
    assert!(msg.contains("parameters"), "{msg}");
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn a_plan_the_framework_refuses_is_a_failed_check() {
    // Llama-3.1-8B: 32 heads, 8 KV heads. TP 3 divides neither: vLLM and SGLang refuse it.
    let mut o = PlanOptions::new(fixture(LLAMA), "h100");
    o.tp = 3;
    let r = plan(&o).expect("a plan, with errors");
    assert!(
        r.outcome.errors.iter().any(|e| e.contains("divisible by tensor parallel size (3)")),
        "{:?}",
        r.outcome.errors
    );
    assert!(perfpilot_report::Report::check_failed(&r));
    // TP 16 > 8 KV heads, 16 % 8 == 0: replicated KV heads, accepted; 32 % 16 == 0.
    o.tp = 16;
    assert!(plan(&o).unwrap().outcome.errors.iter().all(|e| !e.contains("tensor parallel")));
    // MLA (DeepSeek-V3, 128 heads) at TP 8: accepted.
    let mut o = PlanOptions::new(fixture(DSV3), "h200");
    o.tp = 8;
    assert!(plan(&o).unwrap().outcome.errors.iter().all(|e| !e.contains("tensor parallel")));
}

#[test]
fn impossible_flags_are_errors() {
    let base = || PlanOptions::new(fixture(LLAMA), "h100");
    let mut cases: Vec<(&str, PlanOptions)> = Vec::new();
    let mut o = base();
    o.page_size = Some(0);
    cases.push(("page_size", o));
    let mut o = base();
    o.weights_bytes = Some(-5 << 30);
    cases.push(("weights_bytes", o));
    let mut o = base();
    o.reserved_bytes = Some(i64::MAX);
    cases.push(("reserved_bytes", o));
    let mut o = base();
    o.kv_cache_memory_bytes = Some(-1);
    cases.push(("kv_cache_memory_bytes", o));
    let mut o = base();
    o.swa_full_tokens_ratio = Some(f64::NAN);
    cases.push(("swa_full_tokens_ratio", o));
    let mut o = base();
    o.request_tokens = vec![0];
    cases.push(("request_tokens", o));
    let mut o = base();
    o.max_mamba_cache_size = Some(u64::MAX);
    cases.push(("max_mamba_cache_size", o));
    for (field, o) in cases {
        match plan(&o) {
            Err(CapacityError::Invalid(m)) => assert!(m.contains(field), "{field}: {m}"),
            other => panic!("{field}: expected an invalid-option error, got {other:?}"),
        }
    }
}

#[test]
fn gpu_table_with_zero_or_absurd_memory_is_rejected() {
    let d = tmp("gpu");
    for (name, mem) in [("zero", "memory_mib = 0"), ("huge", "memory_bytes = 18446744073709551615")]
    {
        let t = d.join(format!("{name}.toml"));
        std::fs::write(
            &t,
            format!("schema = 1\n[[gpu]]\nkey = \"z\"\nname = \"Z\"\n{mem}\nsource = \"test\"\n"),
        )
        .unwrap();
        let mut o = PlanOptions::new(fixture(LLAMA), "z");
        o.gpu_table = Some(t.clone());
        match plan(&o) {
            Err(e @ CapacityError::Data { .. }) => {
                let m = e.to_string();
                assert!(m.contains("memory") && m.contains(&format!("{name}.toml")), "{m}")
            }
            other => panic!("{name}: expected a data error, got {other:?}"),
        }
    }
    std::fs::remove_dir_all(&d).ok();
}

/// Every numeric config field at every extreme: an error or a plan, never a panic.
#[test]
fn no_panic_for_any_extreme_field_value() {
    let d = tmp("sweep");
    let fields = [
        "hidden_size",
        "num_hidden_layers",
        "num_attention_heads",
        "num_key_value_heads",
        "head_dim",
        "intermediate_size",
        "vocab_size",
        "max_position_embeddings",
        "n_routed_experts",
        "num_experts_per_tok",
        "moe_intermediate_size",
        "n_shared_experts",
        "first_k_dense_replace",
        "kv_lora_rank",
        "q_lora_rank",
        "qk_rope_head_dim",
        "qk_nope_head_dim",
        "v_head_dim",
        "sliding_window",
    ];
    let values = [
        json!(0),
        json!(1),
        json!(3),
        json!(1u64 << 32),
        json!(1e12),
        json!(1e18),
        json!(u64::MAX),
        json!(1e300),
        json!(-1),
    ];
    for base in [LLAMA, DSV3] {
        for f in fields {
            for (i, v) in values.iter().enumerate() {
                let p = patched(&d, base, &format!("{f}-{i}"), json!({ f: v }));
                let mut o = PlanOptions::new(&p, "h200");
                o.tp = 8;
                // Either outcome is fine; a panic fails the test.
                let _ = plan(&o);
            }
        }
    }
    std::fs::remove_dir_all(&d).ok();
}

/// Regression: the fuzz smoke run (docs/reliability.md) found `layer_kinds` allocating a
/// per-layer list for `num_hidden_layers` = 3184467440737095516156 ("capacity overflow").
/// The config is now refused before any per-layer list exists.
#[test]
fn fuzz_found_layer_count_is_an_error_not_a_panic() {
    let text = std::fs::read_to_string(fixture(
        "model-configs/meta-llama__Llama-3.1-8B-Instruct/config.json",
    ))
    .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    for layers in ["3184467440737095516156", "18446744073709551615", "1000000000000"] {
        let mut m = v.clone();
        m["num_hidden_layers"] = serde_json::from_str(layers).unwrap();
        let r = perfpilot_capacity::model::parse_config(&m.to_string(), "f.json");
        assert!(r.is_err(), "{layers} layers accepted");
    }
}
