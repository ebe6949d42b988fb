//! KV-cache bytes per token (bf16, one rank) for every fixture config, each figure worked
//! out by hand from the config: GQA = layers x 2 (K and V) x kv_heads x head_dim x 2 B;
//! MLA = layers x (kv_lora_rank + qk_rope_head_dim) x 2 B.

use std::path::PathBuf;

use perfpilot_capacity::model::{KvFormat, KvLayout, kv_cost, model_rules, read_config};

fn cost(dir: &str, model: &str) -> perfpilot_capacity::model::KvCost {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(dir)
        .join(model)
        .join("config.json");
    let c = read_config(&p, &model_rules(None).unwrap()).unwrap_or_else(|e| panic!("{e}"));
    let l =
        KvLayout { attn_tp: 1, tp: 1, pp: 1, kv: KvFormat::Bf16, swa_as_full: false, ssm_bytes: 4 };
    kv_cost(&c, l)
}

#[test]
fn bytes_per_token_worked_by_hand() {
    let cm = "capacity/model-configs";
    // (dir, model, full-attention B/token, sliding B/token)
    let cases = [
        // 32 x 2 x 8 x 128 x 2 = 131072 (128 KiB, the figure vLLM prints for Llama-3-8B).
        ("layers", "meta-llama__Llama-3.1-8B", 131_072, 0),
        (cm, "meta-llama__Llama-3.1-8B-Instruct", 131_072, 0),
        // 48 x 2 x 8 x (5120 / 40 = 128) x 2; the window is switched off.
        (cm, "Qwen__Qwen2.5-14B", 196_608, 0),
        // 36 x 2 x 8 x 128 x 2.
        ("layers", "Qwen__Qwen3-8B", 147_456, 0),
        // 48 x 2 x 4 x 128 x 2.
        ("layers", "Qwen__Qwen3-30B-A3B", 98_304, 0),
        (cm, "Qwen__Qwen3-30B-A3B", 98_304, 0),
        // 94 x 2 x 4 x 128 x 2.
        (cm, "Qwen__Qwen3-235B-A22B", 192_512, 0),
        // 12 full layers x 2 x 2 x 256 x 2; the 36 linear layers hold state, not tokens.
        ("layers", "Qwen__Qwen3-Next-80B-A3B-Thinking", 24_576, 0),
        (cm, "Qwen__Qwen3-Next-80B-A3B-Thinking", 24_576, 0),
        // MLA: 61 x (512 + 64) x 2.
        ("layers", "deepseek-ai__DeepSeek-V3", 70_272, 0),
        (cm, "deepseek-ai__DeepSeek-V3", 70_272, 0),
        (cm, "deepseek-ai__DeepSeek-R1", 70_272, 0),
        // 10 full + 52 sliding layers, each 2 x 16 x 128 x 2 = 8192.
        ("layers", "google__gemma-3-27b-it", 81_920, 425_984),
        (cm, "google__gemma-3-27b-it", 81_920, 425_984),
        // 21 full + 21 sliding layers, each 2 x 8 x 256 x 2 = 8192.
        ("layers", "google__gemma-2-9b", 172_032, 172_032),
        // 18 + 18 (120b) and 12 + 12 (20b) layers, each 2 x 8 x 64 x 2 = 2048.
        ("layers", "openai__gpt-oss-120b", 36_864, 36_864),
        (cm, "openai__gpt-oss-120b", 36_864, 36_864),
        ("layers", "openai__gpt-oss-20b", 24_576, 24_576),
    ];
    for (dir, model, full, swa) in cases {
        let k = cost(dir, model);
        assert_eq!(
            (k.full_bytes_per_token, k.swa_bytes_per_token),
            (full, swa),
            "{dir}/{model}: {}",
            k.formula
        );
    }
}

#[test]
fn qwen3_next_linear_state_worked_by_hand() {
    // Per linear layer: conv (2 x 16 x 128 + 32 x 128 = 8192 channels) x (kernel 4 - 1) x 2 B
    // = 49152, plus SSM 32 heads x 128 x 128 x 4 B = 2097152: 2146304 B; x 36 layers.
    let k = cost("capacity/model-configs", "Qwen__Qwen3-Next-80B-A3B-Thinking");
    assert_eq!(k.linear_layers, 36);
    assert_eq!(k.state_bytes_per_slot, 36 * 2_146_304);
}
