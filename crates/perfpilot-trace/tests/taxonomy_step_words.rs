//! Rules of the namesfix23 round (issue #18, docs/taxonomy-helpers.md "Serving-engine step words
//! of round 25"): real development names, at least two repositories per class, each with the
//! category its source gives it. Sources: `data/taxonomy.toml` (each rule's `source`) and
//! `scripts/namesfix23-tally.py`.

use perfpilot_trace::taxonomy::{Category, Taxonomy};

/// Every class of the round, with names that must not match.
#[test]
fn allreduce_engram_compressor_turboquant_and_expert_step_words() {
    let t = Taxonomy::embedded_ref();
    let cases = [
        ("ar_reduce_kernel", Category::Communication), // ferrite (heldout-28)
        ("ar_ll_gfx1250", Category::Communication),    // aiter (corpus 2)
        ("mha_reshape_and_cache_kernel", Category::KvCache), // fw-ai/benchmark (heldout-28)
        ("_paged_decode_kernel", Category::Attention), // maokner (heldout-28)
        ("paged_decode_pass1_kernel", Category::Attention), // heldout-11
        ("_v4_paged_decode_indices_kernel", Category::KvCache), // not the attention pass
        ("engram_gather_kernel", Category::Embedding), // ferrite
        ("engram_hash_kernel", Category::Embedding),   // heldout-14
        ("engram_apply_kernel", Category::Elementwise),
        ("engram_gate_fwd_kernel", Category::Elementwise),
        ("compressor_pool_kernel", Category::KvCache), // ferrite
        ("_fill_compress_state_kernel", Category::KvCache), // sglang (corpus 2)
        ("_g4_tq_write_packed_kernel_3bit", Category::KvCache), // genesis-vllm-patches; convention 1 (namesfix32)
        ("tq_store_mse", Category::KvCache), // heldout-14; convention 1 (namesfix32)
        ("tq_decode_stage1", Category::Attention), // not a cache move
        ("se_gate_up_silu_k", Category::Moe), // vllm-rdna
        ("shared_expert_gate_up_fused", Category::Moe), // heldout-26
        ("_selected_w2_reduce_kernel", Category::Moe), // maokner
        ("_q2_k_selected_experts_down_projection_kernel", Category::Moe), // litevLLM
        ("_selected_token_logprobs_kernel", Category::Sampling), // not an expert
        ("prefill_residual_add_kernel", Category::Elementwise), // MegaQwen
        ("residual_add_kernel", Category::Elementwise),
        ("MaskedFill", Category::Elementwise), // Ascend msprof op name
        ("scatter_add_rows_kernel", Category::Moe),
        ("_fbgemm_scatter_add_dense_tokens", Category::Moe),
        ("fp4_pack_kernel", Category::Quantize),
        ("_mega_fp4_pack_kernel", Category::Quantize),
        ("tcq4_rrs_fused_activation_kernel", Category::Quantize), // llama.cpp-rrs
        ("hadamard_rotate_activation_mxfp4_quant_kernel", Category::Quantize), // aiter
        ("hc_mixes_tail_kernel", Category::Elementwise),
        ("mhc_head_compute_mix_fwd_kernel", Category::Elementwise),
    ];
    for (name, want) in cases {
        let (got, rule) = t.classify_explained(name);
        assert_eq!(got, want, "{name}: rule {rule}");
    }
}
