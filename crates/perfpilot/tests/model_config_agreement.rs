//! `capacity` and `trace layers` read a `config.json` through one reader, so they must agree
//! on every model: layer count, which layers are full / sliding / linear attention, which
//! MLPs are MoE, the model type and architecture. Checked on every config in the fixtures.

use std::path::{Path, PathBuf};

use perfpilot_capacity::model::{KvKind, MlpKind, model_rules, read_config};
use perfpilot_trace::layers::config::read_config_file;

fn configs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut out = Vec::new();
    for dir in ["layers", "capacity/model-configs"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = entry.unwrap().path().join("config.json");
            if p.is_file() {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The KV kind a `trace layers` attention name stands for, by its spelling.
fn kind_of(attention: &str) -> KvKind {
    if attention.contains("sliding") {
        KvKind::Sliding
    } else if attention.contains("linear") || attention.contains("mamba") {
        KvKind::Linear
    } else if attention == "none" {
        KvKind::None
    } else {
        KvKind::Full
    }
}

#[test]
fn capacity_and_trace_layers_agree_on_every_fixture_config() {
    let rules = model_rules(None).unwrap();
    let all = configs();
    assert!(all.len() >= 18, "{all:?}");
    for p in all {
        let cap = read_config(&p, &rules).unwrap_or_else(|e| panic!("{e}"));
        let tr = read_config_file(&p).unwrap_or_else(|e| panic!("{e}"));
        let what = p.display();
        assert_eq!(cap.num_layers as usize, tr.num_layers, "{what}: layer count");
        assert_eq!(tr.model_type.as_deref().unwrap_or(""), cap.model_type, "{what}");
        assert_eq!(tr.architecture.as_deref().unwrap_or("unknown"), cap.architecture, "{what}");
        for (i, k) in tr.kinds.iter().enumerate() {
            assert_eq!(kind_of(&k.attention), cap.layer_kinds[i], "{what}: layer {i} {k:?}");
            let mlp = match cap.mlp_kinds[i] {
                MlpKind::Dense => "dense",
                MlpKind::Moe => "moe",
                MlpKind::None => "none",
            };
            assert_eq!(k.mlp, mlp, "{what}: layer {i} MLP");
        }
        // A model with MoE layers in trace has MoE dimensions in capacity.
        assert_eq!(tr.kinds.iter().any(|k| k.mlp == "moe"), cap.moe.is_some(), "{what}");
    }
}
