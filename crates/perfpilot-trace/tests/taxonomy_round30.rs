//! Rules of the namesfix28 round (issue #18, docs/taxonomy-helpers.md "Grouped expert GEMMs,
//! SwiGLU MLPs, hyper-connection projections, fused RS/norm/AG and EOS checks (namesfix28)"):
//! real development names with the category their source gives them, each class from at least
//! two repositories where the corpora hold two, with the neighbours that share a word and keep
//! their own category. Sources: `data/taxonomy.toml` (each rule's `source`) and
//! `scripts/namesfix28-tally.py`.

mod name_check;

use name_check::check;
use perfpilot_trace::taxonomy::Category;

/// A kernel named only `grouped` (+ a matrix-core word, a dtype) is the MoE grouped GEMM
/// (TheBeaninator/strixite, heldout-33; ModelTC/lightllm, corpus 2); grouped + a quantise /
/// bias / amax word keep theirs.
#[test]
fn bare_grouped_kernels_are_moe() {
    check(&[
        ("grouped_kernel", Category::Moe),
        ("grouped_wmma_kernel", Category::Moe),
        ("grouped_wmma_f16_kernel", Category::Moe),
        ("grouped_matmul_kernel", Category::Moe),
        // neighbours
        ("grouped_compute_scale_kernel", Category::Quantize),
        ("grouped_bias_add_kernel", Category::Elementwise),
        ("grouped_amax_zero_kernel", Category::Memory),
    ]);
}

/// A SwiGLU named with its expert is MoE (m96-chan/PyGPUkit, heldout-34; strixite, heldout-33);
/// one named with the MLP / gate-up pair it computes is gemm (LayerDynamics/MLXR, heldout-34);
/// Liger's gated activation over projected inputs stays activation.
#[test]
fn swiglu_with_expert_is_moe_and_with_mlp_gemm() {
    check(&[
        ("expert_swiglu_kernel", Category::Moe),
        ("linear_q4_experts_gather_swiglu_kernel", Category::Moe),
        ("swiglu_gate_up", Category::Gemm),
        ("swiglu_mlp_fused", Category::Gemm),
        ("swiglu_mlp_simple", Category::Gemm),
        // neighbours
        ("_swiglu_fused_gate_up_forward_kernel", Category::Activation),
        ("swiglu_kernel", Category::Activation),
    ]);
}

/// Hyper-connection up / down projections are gemm (strixite, heldout-33; opengfx1030/vllm-rdna,
/// heldout-28); its inject and gate steps join the other mHC steps in elementwise.
#[test]
fn hyper_connection_projections_are_gemm() {
    check(&[
        ("hc_up_kernel", Category::Gemm),
        ("hc_down_kernel", Category::Gemm),
        ("hc_up_gate_mix_k", Category::Gemm),
        ("hc_inject_kernel", Category::Elementwise),
        ("k_hc_gates", Category::Elementwise),
        // neighbours
        ("hc_mix_dots_kernel", Category::Elementwise),
        ("mhc_post_kernel", Category::Elementwise),
    ]);
}

/// A fused reduce-scatter + norm + all-gather is communication (microsoft/tokenweave,
/// heldout-35), as the all-reduce + RMSNorm fusions (InternLM/lmdeploy, corpus 2); an EOS check
/// is sampling (PyGPUkit, heldout-34; microsoft/onnxruntime-genai, heldout-6); an argmax over the
/// last position picks the token (infernum-rs/infernum, heldout-34); Marlin's MoE GEMM in
/// namespace form is moe (jaim12005/spark-vllm-mxfp4-docker, heldout-34; corpus 12).
#[test]
fn collectives_eos_last_argmax_and_marlin_moe() {
    check(&[
        ("fused_rs_ln_ag_cta_kernel", Category::Communication),
        ("AllreduceResidualBiasRMSnorm_NVLS", Category::Communication),
        ("check_eos_kernel", Category::Sampling),
        ("CheckForEOSAndPad", Category::Sampling),
        ("argmax_last_f32", Category::Sampling),
        ("marlin_moe_wna16::Marlin", Category::Moe),
        // neighbours
        ("argmax_f32", Category::Reduction),
        ("marlin::Marlin", Category::Gemm),
        ("rmsnorm_kernel", Category::Norm),
    ]);
}

/// A short conv fused with SiLU is the Mamba / GDN short convolution, ssm, with or without `1d`
/// (patrickbdevaney/glm-5.3-flash-cuda-server, heldout-33; LokalOptima/gwen, heldout-32); the
/// Conformer's depthwise conv with bias and SiLU stays conv. A kernel named by its recurrence is
/// ssm (the same server; GDN `gdn_recurrence_f32`, heldout-30).
#[test]
fn conv_silu_and_recurrence_are_ssm() {
    check(&[
        ("k_conv_silu", Category::Ssm),
        ("k_recurrence", Category::Ssm),
        ("gdn_recurrence_f32", Category::Ssm),
        ("kernel_conv1d_silu", Category::Ssm),
        // neighbours
        ("ConformerDepthwiseConvBiasSilu", Category::Conv),
    ]);
}

/// GQA's K/V head expansion named `expand_kv` is a copy, memory, as `repeat_kv`
/// (infernum-rs/infernum, heldout-34; songlier/mcoplib, heldout-11); a KV cache copy stays
/// kv_cache.
#[test]
fn expand_kv_is_memory() {
    check(&[
        ("expand_kv_bf16", Category::Memory),
        ("fused_repeat_kv_fwd_kernel", Category::Memory),
        // neighbours
        ("paged_kv_gather", Category::KvCache),
    ]);
}
