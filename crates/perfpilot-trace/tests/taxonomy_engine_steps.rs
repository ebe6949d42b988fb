//! Rules of the namesfix26 round (issue #18, docs/taxonomy-helpers.md "Quantised GEMV words,
//! CamelCase engine steps and split-KV combines (namesfix26)"): real development names with the
//! category their source gives them, each class from at least two repositories, with the
//! neighbours that share a word and keep their own category. Sources: `data/taxonomy.toml` (each
//! rule's `source`) and `scripts/namesfix26-tally.py`.

mod name_check;

use name_check::check;
use perfpilot_trace::taxonomy::Category;

/// A fused gate/up projection with a weight format or GEMV word is the dense FFN GEMM, also with
/// a norm before it (paiml/realizar@40edaa93 src/cuda/kernel.rs, heldout-31; Kaden-Schutt/hipfire,
/// heldout-10); with an activation word only it stays the activation (Liger-Kernel,
/// corpus 2; putao520/gllm-kernels, heldout-26), and the MoE router's gate stays moe.
#[test]
fn fused_gate_up_with_a_weight_format_is_gemm() {
    check(&[
        ("fused_gate_up_q4k_gemv", Category::Gemm),
        ("fused_gate_up_swiglu_hw_dp4a_q4k_gemv", Category::Gemm),
        ("fused_rmsnorm_gate_up_swiglu_q4k", Category::Gemm),
        ("fused_gate_up_q4k", Category::Gemm),
        // neighbours
        ("fused_gate_up_silu_kernel", Category::Activation),
        ("_swiglu_fused_gate_up_forward_kernel", Category::Activation),
        ("moe_fused_gate", Category::Moe),
        ("zimage_fused_ffn_down_rmsnorm_gate_residual_bf16_kernel", Category::Norm),
    ]);
}

/// DP4A quantised dot products are GEMMs (realizar, heldout-31; QuixiAI/SlimServe, heldout-14;
/// llama.cpp OpenCL, heldout-15); a MoE GEMM with DP4A stays moe.
#[test]
fn dp4a_dot_products_are_gemm() {
    check(&[
        ("packed_dp4a_q4k_q8", Category::Gemm),
        ("gemv_q4k_dp4a_pq_kernel", Category::Gemm),
        ("kernel_gemm_noshuffle_q4_0_q8_1_dp4a", Category::Gemm),
        ("kernel_gemm_moe_q4_0_q8_1_dp4a", Category::Moe),
    ]);
}

/// Block and final argmax stages over the logits are greedy sampling (realizar, heldout-31; the
/// Ascend Gumbel sampler, heldout-16); a bare argmax keeps its rule.
#[test]
fn argmax_stages_are_sampling() {
    check(&[
        ("argmax_block_reduce", Category::Sampling),
        ("argmax_final_reduce", Category::Sampling),
        ("_npu_gumbel_block_argmax", Category::Sampling),
        ("argmax_f32", Category::Reduction),
    ]);
}

/// Short convolutions and step-named conv1d kernels in CamelCase are the SSM's causal conv
/// (trymirai/uzu@9670da19, cartesia-ai/edge@6788a080, heldout-31; Blaizzy/mlx-vlm, heldout-15);
/// plain 1-D convolutions stay conv.
#[test]
fn short_conv_and_conv1d_steps_are_ssm() {
    check(&[
        ("ShortConvPack", Category::Ssm),
        ("ShortConvPrefill", Category::Ssm),
        ("ShortConvTrie", Category::Ssm),
        ("Conv1dScan", Category::Ssm),
        ("ConvTreeScan", Category::Ssm),
        ("conv1d_update_kernel", Category::Ssm),
        ("k3_short_conv_step", Category::Ssm),
        // neighbours
        ("conv1d_f32", Category::Conv),
        ("conv1d_dw", Category::Conv),
    ]);
}

/// Kimi Delta Attention by FlashKDA in one word and the delta rule's Gram matrix are ssm
/// (mlc-ai/TIRx-kernels@51a6c01d and trymirai/uzu, heldout-31; MoonshotAI/FlashKDA, heldout-26);
/// n-grams and histograms are not Gram words; a gated norm in CamelCase is norm.
#[test]
fn flashkda_gram_and_camel_gated_norm() {
    check(&[
        ("_flashkda_decode_t1_precomputed", Category::Ssm),
        ("_flash_kda_fwd_recurrence", Category::Ssm),
        ("flashkda_decode_t5_gram", Category::Ssm),
        ("BuildTreeGram", Category::Ssm),
        ("DeltaNetChunkedGram", Category::Ssm),
        ("compute_g_beta_f32", Category::Ssm),
        ("ComputeBetaGKernel", Category::Ssm),
        ("DeltaNetNormGate", Category::Norm),
        ("RmsNormGated_kernel", Category::Norm),
        // neighbours
        ("ban_repeat_ngram", Category::Sampling),
        ("DeviceHistogramSweepKernel", Category::Reduction),
    ]);
}

/// Quantisation with a linear scale layout, sparse-attention block maps, embedding lookups,
/// tensor adds, attention-cache writes, matrix products and split-KV decode combines (heldout-31
/// sources with the earlier repositories each rule's source names).
#[test]
fn engine_step_words() {
    check(&[
        ("mxfp4_quantize_linear", Category::Quantize),
        ("nvfp4_quantize_linear", Category::Quantize),
        ("_triton_fill_block_map_kernel", Category::Attention),
        ("triton_fill_block_map_kernel", Category::Attention),
        ("_triton_block_map_to_lut_kernel", Category::Attention),
        ("_triton_bmm_pool_sim_simmean_fuse_quant_xpu", Category::Attention),
        ("triton_bmm_pool_sim_simmean", Category::Attention),
        ("QuantizedEmbeddingLookup", Category::Embedding),
        ("embedding_lookup_kernel", Category::Embedding),
        ("TensorAddSwap", Category::Elementwise),
        ("attentionCacheUpdate", Category::KvCache),
        ("rowMatProduct", Category::Gemm),
        ("mulMatTiledRepeatZ", Category::Gemm),
        ("sparse_decode_head64_combine", Category::Attention),
        ("paged_decode_combine_kernel", Category::Attention),
        // neighbours
        ("store_ssm_state_to_block_map_kernel", Category::Ssm),
        ("_mxfp8_linear_kernel", Category::Gemm),
    ]);
}
