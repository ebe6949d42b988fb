//! `plan` on architectures without a launch log in the fixtures: hybrid linear attention
//! (Qwen3-Next) and interleaved sliding-window attention (gpt-oss). Expected values are
//! computed by hand from the configs, with the formula in each comment.

mod common;

use common::fixture;
use perfpilot_capacity::plan::PlanFramework;
use perfpilot_capacity::{PlanOptions, plan};

fn opts(config: &str, gpu: &str) -> PlanOptions {
    PlanOptions::new(fixture(&format!("model-configs/{config}/config.json")), gpu)
}

#[test]
fn qwen3_next_hybrid_state_and_kv() {
    let mut o = opts("Qwen__Qwen3-Next-80B-A3B-Thinking", "h200");
    o.tp = 4;
    let r = plan(&o).unwrap();
    // Published size: 80B parameters.
    assert!(
        (r.weights.total_params as f64 / 80e9 - 1.0).abs() < 0.01,
        "{}",
        r.weights.total_params
    );
    // 12 full-attention layers (every 4th of 48); 2 KV heads over TP4 -> 1 head, replicated 2x:
    // 1 x (256 + 256) x 12 x 2 B = 12,288 B/token.
    assert_eq!(r.kv.full_layers, 12);
    assert_eq!(r.kv.linear_layers, 36);
    assert_eq!(r.kv.full_bytes_per_token, 12_288);
    assert_eq!(r.kv.replication, 2);
    assert!(r.notes.iter().any(|n| n.id == "kv-head-replication"));
    // State per slot: conv (2*16*128 + 32*128 = 8192)/4 x 3 x 2 B = 12,288 B and ssm
    // 32/4 x 128 x 128 x 4 B = 524,288 B per layer, x 36 layers = 19,316,736 B.
    assert_eq!(r.kv.state_bytes_per_slot, 19_316_736);
    // The state pool takes ratio/(1+ratio) of the budget; slots cap running requests (// 3).
    let slots = r.outcome.state_slots.unwrap();
    let budget = r.outcome.kv_budget_bytes + r.outcome.state_pool_bytes;
    let expect = (budget as f64 * 0.9 / 1.9 / 19_316_736.0).floor() as u64;
    assert!(slots.abs_diff(expect) <= 1, "{slots} vs {expect}");
    assert_eq!(r.outcome.max_running_requests, Some(slots / 3));
    assert!(r.outcome.concurrency.iter().any(|c| c.binding.as_str() == "mamba slots"));
}

#[test]
fn gpt_oss_sliding_window_groups_in_vllm() {
    let mut o = opts("openai__gpt-oss-120b", "h100");
    o.framework = PlanFramework::Vllm;
    o.context_len = Some(131_072);
    let r = plan(&o).unwrap();
    // Published size: 117B parameters (116.8B).
    assert!(
        (r.weights.total_params as f64 / 116.8e9 - 1.0).abs() < 0.01,
        "{}",
        r.weights.total_params
    );
    // 18 full + 18 sliding layers, 8 KV heads x (64 + 64) x 2 B = 2,048 B per layer per token.
    assert_eq!(r.kv.full_layers, 18);
    assert_eq!(r.kv.swa_layers, 18);
    assert_eq!(r.kv.per_layer_bytes_per_token, 2_048);
    assert_eq!(r.kv.full_bytes_per_token, 36_864);
    // vLLM: two groups of 18 layers share one pool: num_blocks = budget // (16 x 2048 B x 18).
    let blocks = r.outcome.num_blocks.unwrap();
    assert_eq!(blocks, r.outcome.kv_budget_bytes / (16 * 2048 * 18));
    // A 131,072-token request needs 8192 full blocks + cdiv(min(127 + 8192, 131072), 16) + 1
    // = 521 sliding blocks = 8713 blocks.
    let step = r.outcome.steps.iter().find(|s| s.contains("blocks per request")).unwrap();
    assert!(step.contains("8713 blocks per request"), "{step}");
}

#[test]
fn bad_inputs_are_clear_errors() {
    let o = opts("openai__gpt-oss-120b", "tpu-v9");
    let e = plan(&o).unwrap_err().to_string();
    assert!(e.contains("unknown GPU `tpu-v9`") && e.contains("h100"), "{e}");
    let mut o = opts("openai__gpt-oss-120b", "h100");
    o.mem_fraction = Some(1.5);
    assert!(plan(&o).unwrap_err().to_string().contains("(0, 1]"));
    let mut o = opts("openai__gpt-oss-120b", "h100");
    o.what_if = vec!["colour=blue".into()];
    assert!(plan(&o).unwrap_err().to_string().contains("unknown key"));
    let o = PlanOptions::new(fixture("does-not-exist.json"), "h100");
    assert!(plan(&o).unwrap_err().to_string().contains("does-not-exist.json"));
}
