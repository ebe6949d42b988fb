//! Rules of the namesfix33 round (issue #18, docs/taxonomy-spellings.md "MoE bookkeeping words,
//! numbered expert GEMMs, Inductor norm backward, gate cumsum (namesfix33)"): real development
//! names with the category their source gives them, with the neighbours that share a word and
//! keep their own category. Sources: `data/taxonomy.toml` (each rule's `source`) and
//! `scripts/namesfix30-tally.py` (round-35 classes).

mod name_check;

use name_check::check;
use perfpilot_trace::taxonomy::Category;

/// The MoE permutation's bookkeeping named by the routes, assignments or placements it counts,
/// scatters or fills (flashinfer-bench-tma-thrust, flashinfer-bench-avengers,
/// rhrnald/flashinfer-bench-starter-kit, heldout-45; pmatuan/gpt-oss, heldout-44; triton_kernels
/// _pack_topk_routes_*, corpus 2) is moe, ahead of the vocabulary's `count` and memory's scatter.
#[test]
fn routing_bookkeeping_words_are_moe() {
    check(&[
        ("count_local_routes_kernel", Category::Moe),
        ("scatter_local_routes_kernel", Category::Moe),
        ("count_local_assignments_kernel", Category::Moe),
        ("fill_local_assignments_kernel", Category::Moe),
        ("scatter_placements_kernel", Category::Moe),
        ("build_expert_assignments_kernel", Category::Moe),
        ("_pack_topk_routes_prefix_kernel", Category::Moe),
        ("compute_offsets_kernel", Category::Moe),
        ("dequant_hidden_fp8_kernel", Category::Quantize),
    ]);
}

/// The numbered expert GEMMs fused with the permutation (gemm1 over permuted or gathered rows,
/// gemm2 scattering back) are moe; a gemm1 named only by its epilogue is not decided by this rule.
#[test]
fn permuted_gemm1_gemm2_are_moe() {
    check(&[
        ("gemm1_permuted_kernel", Category::Moe),
        ("gemm2_scatter_accumulate_kernel", Category::Moe),
        ("fused_gather_blockscale_gemm1_kernel", Category::Moe),
        ("grouped_gemm1_kernel", Category::Moe),
        ("tinygemm2_sm100", Category::Gemm),
    ]);
}

/// Inductor's RMSNorm backward (pow + sum + div in one reduction; torch-compile-caching,
/// heldout-44; YNNtitan's cache by search) is norm, also when fused with the embedding's
/// backward; the forward RMSNorm kernels keep their rules.
#[test]
fn inductor_pow_sum_div_reductions_are_norm() {
    check(&[
        ("triton_red_fused__to_copy_add_div_mul_pow_sum_2", Category::Norm),
        ("triton_red_fused__to_copy_add_div_mul_pow_sum_10", Category::Norm),
        (
            "triton_red_fused__to_copy_add_div_embedding_dense_backward_mul_pow_sum_13",
            Category::Norm,
        ),
        ("triton_red_fused__to_copy_add_mean_mul_pow_rsqrt_6", Category::Norm),
        ("triton_poi_fused_embedding_dense_backward_0", Category::Embedding),
    ]);
}

/// The cumulative sum of the gated-delta-rule / KDA gate is ssm, not the MoE router's gate
/// (flashinfer-competition-codebase fused_gate_cumsum_kernel, heldout-45; fla chunk_gate_cumsum,
/// kda_gate_cumsum); a plain cumsum stays reduction.
#[test]
fn gate_cumsum_is_ssm() {
    check(&[
        ("fused_gate_cumsum_kernel", Category::Ssm),
        ("chunk_gate_cumsum_kernel", Category::Ssm),
        ("kda_gate_cumsum", Category::Ssm),
        ("cumsum_kernel", Category::Reduction),
    ]);
}

/// The Jensen-Shannon divergence spelled out is the loss reduction like Liger's `_jsd_kernel`
/// (pmetal fused_jensen_shannon_forward, heldout-44).
#[test]
fn jensen_shannon_is_reduction() {
    check(&[
        ("fused_jensen_shannon_forward", Category::Reduction),
        ("_jsd_kernel", Category::Reduction),
    ]);
}

/// DeepGEMM's SM100 kernels with enum casts in their template arguments before the GemmType:
/// an M-grouped GemmType is the MoE grouped GEMM, Normal (0) stays gemm (DeepGEMM types.hpp).
#[test]
fn deepgemm_grouped_behind_enum_casts_is_moe() {
    let grouped = "void deep_gemm::sm100_fp8_fp4_gemm_1d1d_impl<(cute::UMMA::Major)0, \
                   (cute::UMMA::Major)0, 32u, 32u, 0u, 768u, 6144u, 128u, 128u, 128u, 129u, 128u, \
                   128u, 128u, 8u, 128u, 128u, 2u, true, 148u, true, (deep_gemm::GemmType)2, \
                   false, cutlass::float_e4m3_t, cutlass::float_e4m3_t, cutlass::bfloat16_t, \
                   deep_gemm::epilogue::transform::EpilogueIdentity>(int*, unsigned int, \
                   unsigned int, unsigned int, CUtensorMap_st, CUtensorMap_st, CUtensorMap_st, \
                   CUtensorMap_st, CUtensorMap_st)";
    let normal = grouped.replace("(deep_gemm::GemmType)2", "(deep_gemm::GemmType)0");
    check(&[(grouped, Category::Moe), (normal.as_str(), Category::Gemm)]);
}
