//! Rules of the namesfix24 round (issue #18, docs/taxonomy-helpers.md "ROCm launchers, expert
//! dequantisation and triangular masks (namesfix24)"): real development names with the category
//! their source gives them, the ROCm launchers beside the CUDA launchers of another repository
//! so that the functor, not the namespace, decides. Sources: `data/taxonomy.toml` (each rule's
//! `source`) and `scripts/namesfix24-tally.py`.

use perfpilot_trace::taxonomy::{Category, Taxonomy};

/// ATen launchers in the ROCm build's `legacy::` / `modern::` namespaces (anghostcici/saltfish,
/// heldout-29) decide like the CUDA launchers (CodeGandee/llm-perf-opt, heldout-10): by functor.
#[test]
fn rocm_launchers_keep_their_functor() {
    let t = Taxonomy::embedded_ref();
    let cases = [
        // anghostcici/saltfish@76a13266 results.stats.csv (rocprof, MI300X)
        (
            "void at::native::legacy::elementwise_kernel<512, 1, void at::native::gpu_kernel_impl<at::native::direct_copy_kernel_cuda(at::TensorIteratorBase&)::'lambda0'()::operator()(",
            Category::Memory,
        ),
        (
            "void at::native::modern::elementwise_kernel<at::native::FillFunctor<c10::BFloat16>, at::detail::Array<char*, 1>>(int, at::native::FillFunctor<c10::BFloat16>, at::detail::Array<char*, 1>)",
            Category::Memory,
        ),
        (
            "void at::native::modern::elementwise_kernel<at::native::(anonymous namespace)::silu_kernel(at::TensorIteratorBase&)::'lambda'()::operator()(",
            Category::Activation,
        ),
        (
            "void at::native::modern::elementwise_kernel<at::native::CUDAFunctor_add<c10::BFloat16>, at::detail::Array<char*, 3>>(int, at::native::CUDAFunctor_add<c10::BFloat16>, at::detail::Array<char*, 3>)",
            Category::Elementwise,
        ),
        // CodeGandee/llm-perf-opt@8f081554 (nsys, CUDA): the same functors, the CUDA launcher
        (
            "void at::native::vectorized_elementwise_kernel<(int)4, at::native::FillFunctor<bool>, std::array<char *, (unsigned long)1>>(int, T2, T3)",
            Category::Memory,
        ),
    ];
    for (name, want) in cases {
        let (got, rule) = t.classify_explained(name);
        assert_eq!(got, want, "{name}: rule {rule}");
    }
}

/// Expert-weight dequantisation is quantize, a triangular mask elementwise; the neighbours that
/// share a word keep their own category.
#[test]
fn expert_dequant_and_triangular_masks() {
    let t = Taxonomy::embedded_ref();
    let cases = [
        ("gpt_oss_dequant_expert_f16_kernel", Category::Quantize), // heldout-29
        (
            "void at::native::triu_tril_kernel<float, int, false>(at::cuda::detail::TensorInfo<float, int>, at::cuda::detail::TensorInfo<float, int>, long, long)",
            Category::Elementwise,
        ), // anghostcici/saltfish (heldout-29)
        ("fused_solve_tril_recompute_w_u_kernel", Category::Ssm),  // corpus 2: not a mask
        ("solve_tril_16x16_kernel", Category::Ssm),                // heldout-5
    ];
    for (name, want) in cases {
        let (got, rule) = t.classify_explained(name);
        assert_eq!(got, want, "{name}: rule {rule}");
    }
}
