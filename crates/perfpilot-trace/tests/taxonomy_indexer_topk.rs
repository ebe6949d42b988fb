//! Rules of the namesfix25 round (issue #18, docs/taxonomy-helpers.md "MX batched GEMMs, top-k
//! owners and hyper-connection spellings (namesfix25)"): real development names with the
//! category their source gives them, each class from at least two repositories, with the
//! neighbours that share a word and keep their own category. Sources: `data/taxonomy.toml` (each
//! rule's `source`) and `scripts/namesfix25-tally.py`.

mod name_check;

use name_check::check;
use perfpilot_trace::taxonomy::Category;

/// trtllm-gen `bmm_*` cubins with MX-format operands are the MoE runner's expert GEMMs, whether
/// the profiler kept the `dynB` mark (tracelens eager trace, corpus 1) or cut it
/// (kkHuang-amd/claude-skills@360ddf62, heldout-30).
#[test]
fn mx_batched_gemm_cubins_are_moe() {
    check(&[
        (
            "bmm_MxE4m3_MxE2m1MxE4m3_Fp32_t128x16x256u2_s3_et128x16_m128x16x32_cga1x1x1_16dp256b_rM_TN_transOut_schedP2x1x2x3_biasM_bN_tma_tmaOpt_clmp_swiGlu_dynBatch_sm100f",
            Category::Moe,
        ),
        (
            "bmm_MxE4m3_MxE2m1MxE4m3_Fp32_Ab32_Bb32_Cb32_t128x8x256_s6_et128x8_m128x8x32_c1x1x1_rM_TN_transOut_schedS_biasFp32M_bN_tm",
            Category::Moe,
        ),
        (
            "bmm_Bfloat16_MxE2m1MxE4m3_Fp32_Ab32_Bb32_t128x8x256_s4_et128x8_m128x8x32_c1x1x1_rM_TN_transOut_schPd2x1x2x3_biasFp32M_bN",
            Category::Moe,
        ),
    ]);
}

/// Who owns a top-k: the sparse-attention indexer (vLLM's indexer namespaces, the model tag,
/// an indexer word: attention), ATen's radix select (reduction), a speculative drafter
/// (sampling), the MoE router (moe).
#[test]
fn top_k_by_owner() {
    check(&[
        // kkHuang-amd/claude-skills@360ddf62 dsv41/results/b200_tp4_profile_1006.md (heldout-30)
        (
            "void vllm::cooperative::cooperative_topk_cs2<512u>(vllm::cooperative::CooperativeTopKParams<512u>)",
            Category::Attention,
        ),
        (
            "void vllm::sampled_topk::sampled_topk_kernel<512>(float const*, int const*, int*, long, int)",
            Category::Attention,
        ),
        ("_dsv4_topk_kernel", Category::Attention),
        ("sparse_indexer_topk_radix_kernel", Category::Attention), // MooreThreads/vllm-musa (heldout-21)
        (
            "void at::native::mbtopk::computeBlockDigitCounts<float, unsigned int, unsigned int, 2>(at::cuda::detail::TensorInfo<floa",
            Category::Reduction,
        ),
        // anghostcici/saltfish (heldout-29)
        (
            "void at::native::sbtopk::gatherTopK<float, unsigned int, 1, false>(at::cuda::detail::TensorInfo<float, unsigned int>, unsigned int, unsigned int, bool, unsigned int, unsigned int, at::cuda::detail::TensorInfo<float, unsigned int>, unsigned int, at::cuda::detail::TensorInfo<long, unsigned int>, unsigned int)",
            Category::Reduction,
        ),
        ("dflash2_selector_topk16", Category::Sampling), // Avarok-Cybersecurity/atlas (heldout-30)
        ("geometric_draft_topk_partial", Category::Sampling), // Luce-Org/lucebox (heldout-10)
        ("medusa_top_k_sample_f32", Category::Sampling), // putao520/gllm-kernels (heldout-26)
        ("dsv4HashTopkSoftplusSqrt", Category::Moe),     // QuixiAI/SlimServe (heldout-14)
        ("topk_softmax_f32_generic", Category::Moe),     // vasia123/vllm-rust (heldout-12)
    ]);
}

/// Indexer-cache writes and kpool compression are kv_cache; the kpool's scorer stays attention.
#[test]
fn indexer_cache_and_kpool() {
    check(&[
        ("dsa_indexer_store", Category::KvCache), // Avarok-Cybersecurity/atlas (heldout-30)
        ("dsa_kpool_compress", Category::KvCache), // Avarok-Cybersecurity/atlas (heldout-30)
        ("dsa_kpool_assemble_kernel", Category::KvCache), // opentela-ai/vkernels (heldout-25)
        ("_kpool_decode_append_kernel", Category::KvCache), // Yu-Zhewen/tokenspeed-... (heldout-24)
        ("_kpool_score_dense_mma_kernel", Category::Attention), // the same, the scorer
    ]);
}

/// Hyper-connection spellings: the pre-norm GEMM is gemm (not sampling's `renorm`), the
/// CamelCase combine elementwise; a ring-cache short conv is ssm; a bare paged prefill attention.
#[test]
fn hyper_connection_short_conv_and_paged_prefill() {
    check(&[
        (
            "void deep_gemm::sm100_tf32_hc_prenorm_gemm_impl<24u, 20480u, 64u, 32u, 64u, 16u, 128u, 12u, 128u, 128u>(unsigned int, CU",
            Category::Gemm,
        ), // kkHuang-amd/claude-skills (heldout-30)
        ("_mhc_prenorm_gemm_triton_kernel", Category::Gemm), // tokenspeed-kernel-amd-benchmarks (heldout-24)
        ("HcCombineKernel", Category::Elementwise),          // divedb/inferx (heldout-30)
        ("dsv4_hc_comb", Category::Elementwise),             // ggml-org/llama.cpp (heldout-10)
        ("RingSconvKernel", Category::Ssm),                  // divedb/inferx (heldout-30)
        ("inkling_sconv_decode", Category::Ssm),             // Blaizzy/mlx-vlm (heldout-15)
        ("inferspark_prefill_paged_64", Category::Attention), // Avarok-Cybersecurity/atlas (heldout-30)
        ("_sparse_attn_v4_paged_prefill_kernel", Category::Attention), // ROCm/ATOM (heldout-10)
        ("_v4_paged_prefill_indices_kernel", Category::KvCache), // ROCm/ATOM (heldout-10)
    ]);
}

/// A gated norm is norm whatever block names it; Lightning Attention in one word is ssm, the DSA
/// lightning indexer attention.
#[test]
fn gated_norms_and_lightning_attention() {
    check(&[
        ("ssm_norm_gate_f32", Category::Norm), // robertelee78/mlx-native (heldout-20)
        ("kda_layer_norm_gated_kernel", Category::Norm), // opentela-ai/vkernels (heldout-25)
        ("layer_norm_gated_fwd_kernel1", Category::Norm), // fla-org/flash-linear-attention (corpus 2)
        ("_lightningattn_attn_decode_kernel", Category::Ssm), // DeepLink-org/DLBlas (heldout-19)
        ("lightning_indexer_kernel_vec", Category::Attention), // ggml-org/ggml (corpus 2)
    ]);
}
