//! Rules of the namesfix30 round (issue #18, docs/taxonomy-spellings.md "namesfix30 classes"):
//! real development names with the category their source gives them, each class from at least
//! two repositories where the corpora hold two, with the neighbours that share a word and keep
//! their own category. Sources: `data/taxonomy.toml` (each rule's `source`) and
//! `scripts/namesfix30-tally.py`.

mod name_check;

use name_check::check;
use perfpilot_trace::taxonomy::Category;

/// oneDNN's short norm words (`lnorm`, `gnorm`) name the norm layer whatever step follows,
/// its mean / variance passes included (uxlfoundation/oneDNN src/gpu/intel/lnorm, gnorm,
/// heldout-38); the long spellings of other engines stay norm.
#[test]
fn onednn_short_norm_words_are_norm() {
    check(&[
        ("simple_lnorm_fwd", Category::Norm),
        ("vectorized_lnorm_fwd", Category::Norm),
        ("ref_lnorm_fwd", Category::Norm),
        ("lnorm_reusable_calc_mean", Category::Norm),
        ("lnorm_reusable_calc_var", Category::Norm),
        ("ref_gnorm_fwd", Category::Norm),
        ("group_norm_nhwc_fwd_sum_kernel", Category::Norm),
    ]);
}

/// A cast into FP8 named format first with its functor / kernel word, and simulated FP8, are
/// quantize (intel/intel-extension-for-pytorch fp8/Cast.cpp, heldout-38; JustVugg/colibri,
/// heldout-37); cast-first names of a KV cache keep their category.
#[test]
fn fp8_casting_and_simulated_fp8_are_quantize() {
    check(&[
        ("FP8CastingKernelFunctor", Category::Quantize),
        ("FP8CastingHybridKernelFunctor", Category::Quantize),
        ("fp8_sim64", Category::Quantize),
        ("act_quant_fp8sim_kernel", Category::Quantize),
        ("cast_fp8_2D_kernel", Category::Quantize),
        ("cp_gather_and_upconvert_fp8_kv_cache", Category::KvCache),
    ]);
}

/// Ascend's incremental flash attention (`ifa_*`, hicann/pypto GLM-4.5, heldout-38), the
/// chunk reduce / fold of chunked flash attention (jundot/omlx, heldout-39; the paged-attention
/// reduce kernels of vLLM and ROCm), a bare `paged_decode` (waybarrios/vllm-mlx, heldout-39;
/// the paged-decode passes of other engines), split-KV / shared-KV decode (gracee3/gpt-oss-rs,
/// heldout-29; Terrydaktal/vllm-coherence, heldout-37) and DeepSeek-V4's `c128_decode_impl`
/// (hicann/pypto, heldout-38) are attention.
#[test]
fn npu_and_chunked_attention_steps_are_attention() {
    check(&[
        ("ifa_func_kernel", Category::Attention),
        ("ifa_func_kernel_for_910_high_performance", Category::Attention),
        ("omlx_qwen35_fa256_chunk_reduce_bfloat16", Category::Attention),
        ("omlx_qwen35_fa256_chunk_fold_float16", Category::Attention),
        ("flash_attn_split_k_reduce", Category::Attention),
        ("metal_context_paged_decode", Category::Attention),
        ("_paged_decode_reduce_kernel", Category::Attention),
        ("split_kv_decode_f16kv_kernel", Category::Attention),
        (
            "void qwen_stock_m1_shared_decode<4, 16, 256, 6, 16, 0, 3430971>(R4DArgs, int) [clone .kd]",
            Category::Attention,
        ),
        ("c128_decode_impl", Category::Attention),
        ("_v4_paged_decode_indices_kernel", Category::KvCache),
    ]);
}

/// The KV compressor of DeepSeek-V4-style caches, named compressor + its ratio / steps + kernel,
/// is kv_cache (hicann/pypto deepseek_v4/compressor_impl.py, heldout-38; MindLab-Research/ferrite,
/// heldout-28; alibaba/rtp-llm, heldout-5).
#[test]
fn compressor_kernels_are_kv_cache() {
    check(&[
        ("compressor_ratio_4_kernel", Category::KvCache),
        ("compressor_ratio_128_kernel", Category::KvCache),
        ("compressor_ratio_4_rotate_kernel", Category::KvCache),
        ("compressor_pool_kernel", Category::KvCache),
        ("_compressor_slot_mapping_kernel", Category::KvCache),
    ]);
}

/// A gather over the right-hand (expert weight) operand is a MoE expert GEMM (jundot/omlx
/// deepseek_moe.metal, heldout-39; MLX gather_qmm_rhs); QKV rearranges / transposes are memory
/// (cchance27/test-burn Metallic, heldout-39; heldout-8); the bare tile op is memory (hicann/
/// ops-math tile_with_axis, heldout-38; heldout-9, -19).
#[test]
fn expert_gathers_qkv_rearranges_and_tile() {
    check(&[
        ("deepseek_mxfp4_gather_blocks_rhs", Category::Moe),
        ("deepseek_mxfp4_gather_pair_blocks_rhs", Category::Moe),
        ("affine_gather_qmm_rhs", Category::Moe),
        ("kv_rearrange_kernel_f16", Category::Memory),
        ("KV_transpose_opt", Category::Memory),
        ("QKVTranspose", Category::Memory),
        ("tile_with_axis", Category::Memory),
        ("TileKernel", Category::Memory),
        ("tile_kernel", Category::Memory),
        ("flash_attn_tile_q8", Category::Attention),
    ]);
}

/// radix_top_k is a reduction (hicann/ops-math, heldout-38; ROCm/aiter, mlc-ai/TIRx-kernels);
/// the dynamic destination scale is quantize (oneDNN dynamic_scale.cl, heldout-38;
/// aphrodite-engine, FlagScale); oneDNN's N-ary sum primitive is elementwise, MIOpen's
/// ReduceSum a reduction; Radiance's multi-block all-reduce is communication.
#[test]
fn top_k_scales_sums_and_all_reduce() {
    check(&[
        ("radix_top_k", Category::Reduction),
        ("radix_topk_single_cta", Category::Reduction),
        ("RadixTopKMaskLogitsKernel_MultiCTA", Category::Sampling),
        ("dynamic_scale_dst", Category::Quantize),
        ("dynamic_scaled_int8_quant_kernel", Category::Quantize),
        ("many_inputs_sum", Category::Elementwise),
        ("simple_sum", Category::Elementwise),
        ("xe_sum", Category::Elementwise),
        ("ReduceSum", Category::Reduction),
        ("radiance_ar_mb", Category::Communication),
        ("rdna_ar_oneshot", Category::Communication),
    ]);
}
