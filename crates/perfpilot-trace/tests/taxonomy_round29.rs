//! Rules of the namesfix27 round (issue #18, docs/taxonomy-helpers.md "Layer-named projections,
//! paged GQA, token-pick argmax and short profiler names (namesfix27)"): real development names
//! with the category their source gives them, each class from at least two repositories where
//! the corpora hold two, with the neighbours that share a word and keep their own category.
//! Sources: `data/taxonomy.toml` (each rule's `source`) and `scripts/namesfix27-tally.py`.

mod name_check;

use name_check::check;
use perfpilot_trace::taxonomy::{Category, Taxonomy};

/// Paged attention named by its head grouping is attention (nguyentuongbachhy/lfm25-inference,
/// heldout-32; `_paged_gqa_fwd_kernel`, heldout-16; DeepGEMM's paged MQA logits, corpus 1); a
/// paged KV copy stays kv_cache.
#[test]
fn paged_gqa_is_attention() {
    check(&[
        ("paged_gqa_lfm2_bf16_ps16", Category::Attention),
        ("paged_ragged_gqa_lfm2_bf16_async_fast_ps32", Category::Attention),
        ("_paged_gqa_fwd_kernel", Category::Attention),
        ("paged_mqa_logits", Category::Attention),
        // neighbours
        ("paged_kv_gather", Category::KvCache),
    ]);
}

/// A name that is only a layer's projection is that layer's GEMM (hw-native-sys/pypto-lib,
/// heldout-32; Avarok-Cybersecurity/atlas, heldout-30); a gather of a projection's weights and a
/// DiT modulation gate are not gemm; Q·Kᵀ and S·V products are attention.
#[test]
fn layer_projections_are_gemm_and_score_products_attention() {
    check(&[
        ("gate_proj", Category::Gemm),
        ("down_dual_proj", Category::Gemm),
        ("kv_a_proj", Category::Gemm),
        ("s4_q_nope_latent_proj", Category::Gemm),
        ("dflash2_selector_proj", Category::Gemm),
        ("qk_matmul", Category::Attention),
        ("sv_matmul", Category::Attention),
        // neighbours
        ("triton_modulation_gate_proj", Category::Elementwise),
    ]);
    // A gather of a projection's weights is not matched by the projection rule.
    let (got, rule) = Taxonomy::embedded_ref().classify_explained("_triton_gather_kv_b_proj");
    assert_ne!(got, Category::Gemm, "rule {rule}");
}

/// CUTLASS `Kernel2` GEMMs: a truncated profiler name and the short base name (Kasamix/redline-llm,
/// heldout-32), and the full name the launcher reads (corpus 1); `…kernel2` suffixes keep theirs.
#[test]
fn cutlass_kernel2_names_are_gemm() {
    check(&[
        (
            "void cutlass::Kernel2<cutlass_80_wmma_tensorop_f16_s161616gemm_f16_32x32_128x2_tn_align8>(T1::Param…",
            Category::Gemm,
        ),
        ("Kernel2", Category::Gemm),
        (
            "void cutlass::Kernel2<cutlass_80_simt_sgemm_128x32_8x5_nn_align1>(cutlass_80_simt_sgemm_128x32_8x5_nn_align1::Params)",
            Category::Gemm,
        ),
        // neighbours
        ("l2norm_fwd_kernel2", Category::Norm),
        ("gelu_forward_kernel2", Category::Activation),
    ]);
}

/// KV gather / scatter in CamelCase is the KV cache's data movement (Kasamix/redline-llm,
/// heldout-32; the snake-case spelling, heldout-20).
#[test]
fn kv_gather_scatter_is_kv_cache() {
    check(&[
        ("KvGatherKernel", Category::KvCache),
        ("KvScatterKernel", Category::KvCache),
        ("paged_kv_gather", Category::KvCache),
    ]);
}

/// An argmax with a token-pick word picks the next token (deepseek-v4-flash-0731-cuda and
/// lfm25-inference, heldout-32; ferrum-infer-rs, heldout-12; sparkinfer, heldout-14); a bare
/// argmax stays a reduction.
#[test]
fn token_pick_argmax_is_sampling() {
    check(&[
        ("k_argmax_row", Category::Sampling),
        ("k_argmax_draft", Category::Sampling),
        ("argmax_rows_bf16_atomic_stage1", Category::Sampling),
        ("argmax_rows_f16_masked", Category::Sampling),
        ("argmax_rows_p1_kernel", Category::Sampling),
        // neighbours
        ("argmax_f32", Category::Reduction),
        ("argmax_kernel_1", Category::Reduction),
    ]);
}

/// The `hc_` Sinkhorn steps of DeepSeek-V4's mHC are elementwise like its other mixing steps
/// (heldout-13, -15, -19, -32); TileKernels' `mhc_` Sinkhorn passes stay reduction.
#[test]
fn hc_sinkhorn_is_elementwise() {
    check(&[
        ("hc_sinkhorn_kernel", Category::Elementwise),
        ("comb_sinkhorn", Category::Elementwise),
        ("hc_sinkhorn_collapse", Category::Elementwise),
        ("hc_pre_sinkhorn", Category::Elementwise),
        // neighbours
        ("_mhc_sinkhorn_fwd_fused", Category::Reduction),
    ]);
}

/// A bare `combine` kernel is the MoE combine and a `topk_softmax` kernel the MoE router
/// (Jayluci4/hip-kernels, heldout-32; tokenspeed-kernel-amd-benchmarks, heldout-24; vLLM, corpus 8);
/// named combines keep their family.
#[test]
fn bare_combine_and_topk_softmax_are_moe() {
    check(&[
        ("combine_kernel_scalar", Category::Moe),
        ("_combine_kernel", Category::Moe),
        ("topk_softmax_kernel_v2", Category::Moe),
        ("topk_softmax_kernel", Category::Moe),
        // neighbours
        ("decode_combine_kernel", Category::Attention),
        ("ll_combine_kernel", Category::Communication),
    ]);
}

/// Bare or step-named Hadamard transforms are elementwise, also with a K/V prefix
/// (deepseek-v4-flash-0731-cuda and pypto-lib, heldout-32; lightseek `_hadamard_128_kernel`,
/// heldout-10); with a quantisation word they stay quantize.
#[test]
fn step_named_hadamard_is_elementwise() {
    check(&[
        ("hadamard_stage_kernel", Category::Elementwise),
        ("kv_hadamard", Category::Elementwise),
        ("_hadamard_128_kernel", Category::Elementwise),
        ("_inverse_hadamard_kernel", Category::Elementwise),
        // neighbours
        ("fast_hadamard_quant_fp16_to_int8", Category::Quantize),
    ]);
}

/// The cumulative gate of a delta-rule chunk is ssm, also fused with the q / k L2 norm
/// (lfm25-inference, heldout-32; KDA gate cumsum, heldout-12 and heldout-20).
#[test]
fn cumulative_gate_is_ssm() {
    check(&[
        ("kernel_cumgate_l2norm_batch", Category::Ssm),
        ("kda_gate_cumsum", Category::Ssm),
        ("kda_gate_cumsum_fwd_kernel", Category::Ssm),
        // neighbours
        ("l2norm_fwd_kernel2", Category::Norm),
    ]);
}

/// Family extensions: the delta rule's gating with the gate spelled out (lfm25-inference,
/// heldout-32; mlx-native `compute_g_beta_f32`, heldout-20), the MoE gather of routed tokens with
/// their router scales (deepseek-v4-flash-0731-cuda, heldout-32; fbgemm, heldout-4), and an
/// all-finite flag (Kasamix/redline-llm, heldout-32; apex `strided_check_finite`, heldout-3).
#[test]
fn gating_gather_scale_and_all_finite_extensions() {
    check(&[
        ("kernel_batch_compute_gate_beta", Category::Ssm),
        ("compute_g_beta_f32", Category::Ssm),
        ("gather_scale_kernel", Category::Moe),
        ("gather_scale_sel_kernel", Category::Moe),
        ("_fbgemm_gather_scale_dense_tokens", Category::Moe),
        ("AllFiniteKernel", Category::Reduction),
        ("strided_check_finite_cuda_kernel", Category::Reduction),
        // neighbours
        ("isfinite_func", Category::Elementwise),
    ]);
}
