//! `explain` on every real launch log in tests/fixtures/capacity/launch. Every expected value
//! below was read from the log text by hand (GiB figures are the printed numbers).

mod common;

use common::*;
use perfpilot_capacity::common::RowId;

#[test]
fn sglang_4257_qwen2_tp2_capped_pool() {
    let r = explain_fixture(
        "sglang-4257-qwen2-tp2-max-total-tokens-10240.log",
        Some("Qwen__Qwen2.5-14B"),
    );
    assert_eq!(r.framework, "sglang");
    assert_eq!(r.ranks.len(), 2);
    for label in ["TP0", "TP1"] {
        let k = rank(&r, label);
        assert_eq!(k.weights_bytes, Some(gib("14.00")));
        assert_eq!(stage(k, StageId::AfterWeights), Some(gib("24.71")));
        assert_eq!(stage(k, StageId::Start), Some(gib("24.71") + gib("14.00")));
        assert_eq!(stage(k, StageId::PoolEnd), Some(gib("22.59")));
        assert_eq!(stage(k, StageId::CaptureBegin), Some(gib("21.96")));
        assert_eq!(stage(k, StageId::AfterCapture), Some(gib("18.57")));
        assert_eq!(k.kv.pools[0].tokens, 10240);
        assert_eq!(k.kv_pool_bytes, Some(gib("0.47") + gib("0.47")));
        assert_eq!(k.cuda_graph_bytes, Some(gib("3.38")));
        // Qwen2.5-14B at TP2: 8 KV heads / 2 = 4 x (128 + 128) x 48 layers x 2 B.
        assert_per_token(k, 98_304);
        assert_eq!(k.kv.config_bytes_per_token, Some(98_304));
        assert_eq!(k.kv.matches_config, Some(true));
    }
    // 0.94 GiB of KV against 18.57 GiB free: the implied fraction is implausible, so the
    // report must say the pool was capped instead of advising a fraction.
    assert!(r.notes.iter().any(|n| n.id == "kv-pool-capped"));
    assert!(!r.notes.iter().any(|n| n.id == "raise-fraction"));
    assert!(r.missing.iter().any(|m| m.contains("max_total_num_tokens")));
}

#[test]
fn sglang_6017_deepseek_v3_mla_dp_attention() {
    let r = explain_fixture(
        "sglang-6017-deepseek-v3-dp-attention-pd.log",
        Some("deepseek-ai__DeepSeek-V3"),
    );
    let labels: Vec<&str> = r.ranks.iter().map(|k| k.rank.as_str()).collect();
    assert_eq!(labels, ["DP0 TP0", "DP1 TP1", "DP2 TP2", "DP3 TP3", "DP5 TP5", "DP7 TP7"]);
    assert_eq!(rank(&r, "DP2 TP2").weights_bytes, Some(gib("105.59")));
    assert_eq!(stage(rank(&r, "DP2 TP2"), StageId::AfterWeights), Some(gib("31.87")));
    assert_eq!(stage(rank(&r, "DP0 TP0"), StageId::AfterWeights), Some(gib("31.96")));
    assert_eq!(stage(rank(&r, "DP3 TP3"), StageId::AfterWeights), Some(gib("31.87")));
    for label in ["DP1 TP1", "DP7 TP7", "DP3 TP3", "DP5 TP5"] {
        let k = rank(&r, label);
        assert_eq!(k.kv.pools.len(), 1);
        assert_eq!(k.kv.pools[0].tokens, 161_488);
        assert_eq!(k.kv.pools[0].pool.as_str(), "mla");
        assert_eq!(k.kv_pool_bytes, Some(gib("10.57")));
        // MLA: (512 + 64) x 61 layers x 2 B, not divided by TP.
        assert_per_token(k, 70_272);
    }
    assert_eq!(stage(rank(&r, "DP1 TP1"), StageId::PoolEnd), Some(gib("21.23")));
    assert_eq!(stage(rank(&r, "DP5 TP5"), StageId::PoolEnd), Some(gib("21.23")));
    // Excerpt: no graph capture, no token-budget line; nothing is invented for them.
    assert!(r.ranks.iter().all(|k| k.cuda_graph_bytes.is_none()));
    assert!(r.missing.iter().any(|m| m.contains("CUDA-graph")));
}

#[test]
fn sglang_6160_gemma3_fp16_tp4() {
    let r = explain_fixture("sglang-6160-gemma3-27b-tp4-fp16.log", Some("google__gemma-3-27b-it"));
    assert_eq!(r.ranks.len(), 4);
    for label in ["TP0", "TP1", "TP2"] {
        let k = rank(&r, label);
        assert_eq!(k.weights_bytes, Some(gib("15.68")));
        assert_eq!(stage(k, StageId::AfterWeights), Some(gib("14.80")));
    }
    // TP3 printed no weight line in this excerpt.
    assert_eq!(rank(&r, "TP3").weights_bytes, None);
    for label in ["TP0", "TP1", "TP2", "TP3"] {
        let k = rank(&r, label);
        assert_eq!(k.kv.pools[0].tokens, 86_461);
        assert_eq!(k.kv_pool_bytes, Some(gib("5.11") + gib("5.11")));
        assert_eq!(stage(k, StageId::PoolEnd), Some(gib("4.38")));
        // This build priced every layer as full attention: 16 KV heads / 4 = 4 x 256 x 62 x 2 B.
        assert_per_token(k, 126_976);
    }
    assert_eq!(r.model.as_deref(), Some("Gemma3ForConditionalGeneration"));
    assert_eq!(setting(&r, "weight dtype"), Some("torch.float16"));
}

#[test]
fn sglang_11830_graph_and_budget_line() {
    let r = explain_fixture("sglang-11830-cuda-graph-end-max-total-tokens.log", None);
    assert_eq!(r.ranks.len(), 1);
    let k = &r.ranks[0];
    assert_eq!(k.cuda_graph_bytes, Some(gib("1.44")));
    assert_eq!(stage(k, StageId::AfterCapture), Some(gib("37.06")));
    assert_eq!(stage(k, StageId::Final), Some(gib("37.06")));
    assert_eq!(setting(&r, "max_total_num_tokens"), Some("2261377"));
    assert_eq!(setting(&r, "max_running_requests"), Some("4096"));
    assert_eq!(setting(&r, "context_len"), Some("128000"));
    assert_eq!(setting(&r, "chunked_prefill_size"), Some("16384"));
    // Concurrency: 2,261,377 // 4096 = 552 requests, below the 4096 slots.
    let row = r.concurrency.iter().find(|c| c.request_tokens == 4096).unwrap();
    assert_eq!(row.token_limit, Some(552));
    assert_eq!(row.slot_limit, Some(4096));
    assert_eq!(row.max_concurrent, Some(552));
    assert_eq!(row.binding.as_str(), "kv tokens");
}

#[test]
fn sglang_12978_two_ranks_graphs() {
    let r = explain_fixture("sglang-12978-tp2-cuda-graph-end.log", None);
    let t0 = rank(&r, "TP0");
    let t1 = rank(&r, "TP1");
    assert_eq!(t0.cuda_graph_bytes, Some(gib("1.00")));
    assert_eq!(stage(t0, StageId::AfterCapture), Some(gib("11.17")));
    assert_eq!(t1.cuda_graph_bytes, Some(gib("1.04")));
    assert_eq!(stage(t1, StageId::AfterCapture), Some(gib("11.22")));
}

#[test]
fn sglang_17392_dp_attention_kv() {
    let r = explain_fixture("sglang-17392-dp4-ep4-kv-1029389.log", Some("Qwen__Qwen3-30B-A3B"));
    let k = rank(&r, "DP2 TP2 EP2");
    assert_eq!(k.kv.pools[0].tokens, 1_029_389);
    assert_eq!(k.kv_pool_bytes, Some(gib("47.12") + gib("47.12")));
    assert_eq!(stage(k, StageId::PoolEnd), Some(gib("27.55")));
    assert_eq!(stage(k, StageId::CaptureBegin), Some(gib("27.46")));
    // DP-attention: each rank holds all 4 KV heads: 4 x 256 x 48 x 2 B.
    assert_per_token(k, 98_304);
    assert_eq!(k.kv.matches_config, Some(true));
    assert_eq!(stage(rank(&r, "DP3 TP3 EP3"), StageId::PoolEnd), Some(gib("27.79")));
    assert_eq!(stage(rank(&r, "DP3 TP3 EP3"), StageId::CaptureBegin), Some(gib("27.70")));
    assert_eq!(stage(rank(&r, "DP0 TP0 EP0"), StageId::CaptureBegin), Some(gib("27.51")));
    assert_eq!(stage(rank(&r, "DP1 TP1 EP1"), StageId::CaptureBegin), Some(gib("27.46")));
    // Capture did not finish in the excerpt: reported as an observation, not a graph size.
    assert!(k.cuda_graph_bytes.is_none());
    assert!(r.observations.iter().any(|o| o.contains("27.49") && o.contains("21.80")));
}

#[test]
fn sglang_4161_budget_line_on_many_ranks() {
    let r = explain_fixture("sglang-4161-deepseek-r1-2x8-h800.log", None);
    assert_eq!(setting(&r, "max_total_num_tokens"), Some("201681"));
    assert_eq!(setting(&r, "max_running_requests"), Some("2049"));
    assert_eq!(setting(&r, "context_len"), Some("163840"));
    // This build printed no graph memory: unknown, not zero.
    assert!(r.ranks.iter().all(|k| k.cuda_graph_bytes.is_none()));
    let row = r.concurrency.iter().find(|c| c.request_tokens == 32768).unwrap();
    assert_eq!(row.token_limit, Some(201_681 / 32_768));
}

#[test]
fn sglang_18263_weights_kv_pool_end() {
    let r = explain_fixture(
        "sglang-18263-amd-aiter-qwen3-30b-a3b-kv-overalloc.log",
        Some("Qwen__Qwen3-30B-A3B"),
    );
    let k = &r.ranks[0];
    assert_eq!(k.weights_bytes, Some(gib("56.98")));
    assert_eq!(stage(k, StageId::AfterWeights), Some(gib("230.20")));
    assert_eq!(stage(k, StageId::Start), Some(gib("230.20") + gib("56.98")));
    assert_eq!(k.kv.pools[0].tokens, 1_669_816);
    assert_eq!(k.kv.pools[0].dtype.as_deref(), Some("torch.bfloat16"));
    assert_eq!(k.kv_pool_bytes, Some(gib("76.44") + gib("76.44")));
    assert_eq!(stage(k, StageId::PoolEnd), Some(gib("74.01")));
    assert_per_token(k, 98_304);
    assert_eq!(setting(&r, "model class"), Some("Qwen3MoeForCausalLM"));
}

#[test]
fn vllm_10517_v0_profile() {
    let r = explain_fixture(
        "vllm-10517-llama31-8b-rtx3090-v0.log",
        Some("meta-llama__Llama-3.1-8B-Instruct"),
    );
    assert_eq!(r.framework, "vllm");
    let k = &r.ranks[0];
    let row = |id: RowId| k.breakdown.iter().find(|b| b.id == id).and_then(|b| b.bytes);
    assert_eq!(row(RowId::Total), Some(gib("23.58")));
    assert_eq!(row(RowId::Weights), Some(gib("14.9888")));
    assert_eq!(row(RowId::NonTorch), Some(gib("0.35")));
    assert_eq!(row(RowId::Activations), Some(gib("17.06") - gib("14.9888")));
    assert_eq!(row(RowId::KvPool), Some(gib("3.81")));
    assert_eq!(k.kv.pools[0].tokens, 1952 * 16);
    assert_per_token(k, 131_072);
    assert_eq!(setting(&r, "gpu_memory_utilization"), Some("0.9"));
    assert_eq!(
        setting(&r, "max_model_len (from `Maximum concurrency for L tokens`)"),
        Some("20000")
    );
    let c = r.concurrency.iter().find(|c| c.request_tokens == 20000).unwrap();
    assert_eq!(c.token_limit, Some(1)); // floor(1.56x)
    // V0 replay: 3.81 GiB // (16 x 131,072 B) = 1950 blocks, within rounding of 1952.
    let rep = &r.replay[0];
    assert_eq!(rep.logged_tokens, 31_232);
    assert!(rep.error_pct.abs() < 0.5, "{}", rep.error_pct);
}

/// Regression: `# GPU blocks` became tokens with a literal block size of 16, although the
/// launch stated `block_size=32` (the derived fixture is described in SOURCES.md).
#[test]
fn vllm_10517_block_size_32_counts_tokens_with_the_stated_block() {
    let r = explain_fixture(
        "vllm-10517-llama31-8b-rtx3090-v0-block32.log",
        Some("meta-llama__Llama-3.1-8B-Instruct"),
    );
    assert_eq!(setting(&r, "page/block size"), Some("32"));
    assert_eq!(r.ranks[0].kv.pools[0].tokens, 976 * 32);
    let rep = &r.replay[0];
    assert_eq!(rep.logged_tokens, 976 * 32);
    assert!(rep.error_pct.abs() < 0.5, "{}", rep.error_pct);
}

#[test]
fn vllm_v1_excerpts() {
    let r = explain_fixture("vllm-21348-qwen3-235b-fp8-tp4-vllm-side.log", None);
    assert_eq!(r.ranks[0].kv_pool_bytes, Some(gib("8.11")));
    assert_eq!(r.ranks[0].kv.pools[0].tokens, 178_880);

    let r = explain_fixture("vllm-25350-fp8-kv-maxlen-100k.log", None);
    assert_eq!(r.ranks[0].kv_pool_bytes, Some(gib("10.55")));
    assert_eq!(r.ranks[0].kv.pools[0].tokens, 230_528);
    assert_eq!(
        setting(&r, "max_model_len (from `Maximum concurrency for L tokens`)"),
        Some("100000")
    );
    let c = r.concurrency.iter().find(|c| c.request_tokens == 100_000).unwrap();
    assert_eq!(c.token_limit, Some(2)); // floor(2.31x)
    // 10.55 GiB / 230,528 tokens = 49,140 B: 48 KiB per token with fp8 (within block rounding).
    let d = r.ranks[0].kv.log_bytes_per_token.as_ref().unwrap();
    assert!((d.value - 49_140.0).abs() < 10.0, "{}", d.value);

    let r = explain_fixture("vllm-28228-kimi-linear-48b-awq-2x3090-hybrid-kv.log", None);
    let k = rank(&r, "TP0");
    assert_eq!(k.kv_pool_bytes, Some(gib("2.30")));
    assert_eq!(k.kv.pools[0].tokens, 75_840);
    assert!(r.observations.iter().any(|o| o.contains("1 padding layer")));
    let c = r.concurrency.iter().find(|c| c.request_tokens == 120_000).unwrap();
    assert_eq!(c.token_limit, Some(2)); // floor(2.48x), from the log, not 75,840 / 120,000

    let r = explain_fixture("vllm-30515-hybrid-mamba-cudagraph-estimate.log", None);
    let k = &r.ranks[0];
    assert_eq!(k.kv_pool_bytes, Some(gib("17.36")));
    assert_eq!(k.kv.pools[0].tokens, 188_640);
    assert_eq!(setting(&r, "gpu_memory_utilization"), Some("0.7"));
    let est = k.breakdown.iter().find(|b| b.id == RowId::CudaGraphEstimate).unwrap();
    assert_eq!(est.bytes, Some(gib("0.26")));
    assert!(r.observations.iter().any(|o| o.contains("512 to 352") && o.contains("361")));
    assert!(r.observations.iter().any(|o| o.contains("0.7021")));
    let c = r.concurrency.iter().find(|c| c.request_tokens == 131_072).unwrap();
    assert_eq!(c.token_limit, Some(5)); // floor(5.23x)
}

#[test]
fn sglang_side_of_21348_single_line() {
    let r = explain_fixture(
        "vllm-21348-qwen3-235b-fp8-tp4-sglang-side.log",
        Some("Qwen__Qwen3-235B-A22B"),
    );
    assert_eq!(r.framework, "sglang");
    let k = &r.ranks[0];
    assert_eq!(k.kv.pools[0].tokens, 367_404);
    assert_eq!(k.kv_pool_bytes, Some(gib("8.23") + gib("8.23")));
    // Without server args the TP size is unknown, so the config is priced at TP1; the log's
    // 48,128 B/token is 4 KV heads / TP4 = 1 head x 256 x 94 x 2 B.
    assert_per_token(k, 48_128);
}

#[test]
fn failure_logs_report_errors_not_inventions() {
    let r = explain_fixture("sglang-7691-rocm-dsr1-dp-negative-profiled-tokens.log", None);
    assert_eq!(rank(&r, "DP0 TP0").weights_bytes, Some(gib("166.59")));
    assert!(r.observations.iter().any(|o| o.contains("-561,981")));
    assert!(r.notes.iter().any(|n| n.id == "startup-error"));

    let r = explain_fixture("vllm-10517-maxlen-exceeds-kv.log", None);
    assert!(r.observations.iter().any(|o| o.contains("max seq len")));
    assert_eq!(r.ranks[0].kv.pools[0].tokens, 1478 * 16);

    let r = explain_fixture("vllm-23278-gpt-oss-120b-h100-negative-kv.log", None);
    assert_eq!(r.ranks[0].weights_bytes, Some(gib("65.9651")));
    assert_eq!(r.ranks[0].kv_pool_bytes, Some(gib("-2.14")));
    assert!(r.observations.iter().any(|o| o.contains("-2.14")));
}

#[test]
fn unrecognised_log_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("capacity-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("not-a-launch.log");
    std::fs::write(&p, "hello\nworld\n").unwrap();
    let e = perfpilot_capacity::explain(&perfpilot_capacity::ExplainOptions::new(&p))
        .unwrap_err()
        .to_string();
    assert!(e.contains("not-a-launch.log") && e.contains("2 lines"), "{e}");
    std::fs::remove_file(&p).unwrap();
    let _ = std::fs::remove_dir(&dir);
}

/// The start-up log of `perfpilot sim serve` (default profile), captured from the real binary
/// (see tests/fixtures/capacity/SOURCES.md): SGLang-format lines.
#[test]
fn perfpilot_sim_startup_log() {
    let mut o = perfpilot_capacity::ExplainOptions::new(fixture(
        "sim/sim-serve-sglang-h100-llama3.1-8b.log",
    ));
    o.config = Some(fixture("model-configs/meta-llama__Llama-3.1-8B-Instruct/config.json"));
    o.gpu = Some("h100".into());
    let r = perfpilot_capacity::explain(&o).unwrap();
    assert_eq!(r.framework, "sglang");
    let k = &r.ranks[0];
    assert_eq!(stage(k, StageId::Start), Some(gib("78.90")));
    assert_eq!(k.weights_bytes, Some(gib("14.96")));
    assert_eq!(stage(k, StageId::AfterWeights), Some(gib("63.94")));
    assert_eq!(k.kv.pools[0].tokens, 416_135);
    assert_eq!(k.kv_pool_bytes, Some(gib("25.40") + gib("25.40")));
    assert_eq!(stage(k, StageId::PoolEnd), Some(gib("13.14")));
    assert_eq!(k.cuda_graph_bytes, Some(gib("1.20")));
    assert_eq!(stage(k, StageId::Final), Some(gib("11.94")));
    assert_per_token(k, 131_072);
    assert_eq!(setting(&r, "mem_fraction_static"), Some("0.835"));
    assert_eq!(setting(&r, "max_running_requests"), Some("2048"));
    assert_eq!(setting(&r, "context_len"), Some("131072"));
    // The server args say max_running_requests=None: not a user setting.
    assert!(r.settings.iter().all(|s| s.key != "max_running_requests (user)"));
    // SGLang's rule with the log's own numbers: (78.90 x 0.835 - 14.96) GiB / 131,072 B.
    let rep = &r.replay[0];
    assert_eq!(rep.logged_tokens, 416_135);
    assert!(rep.error_pct.abs() < 1.0, "{}", rep.error_pct);
    assert!(r.missing.is_empty(), "{:?}", r.missing);
}
