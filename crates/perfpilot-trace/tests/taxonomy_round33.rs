//! Rules of the namesfix31 round (issue #18, docs/taxonomy-spellings.md "namesfix31 classes"):
//! real development names with the category their source gives them, each class from at least
//! two repositories where the corpora hold two, with the neighbours that share a word and keep
//! their own category. Sources: `data/taxonomy.toml` (each rule's `source`) and
//! `scripts/namesfix30-tally.py` (round-33 classes).

mod name_check;

use name_check::check;
use perfpilot_trace::taxonomy::Category;

/// An argmax reduced to one index per row (`argmax_reduce`, CamelCase `ArgMaxReduce`) or over the
/// last (vocabulary) dimension is the sampler's greedy pick (townsendmerino/goinfer glue.cu,
/// HartsyAI/HartsyInference lm_f32.cu, heldout-40; LokalOptima/gwen, heldout-32;
/// Tencent/KsanaLLM, heldout-7); a bare argmax keeps its reduction label.
#[test]
fn argmax_reduce_and_last_dim_are_sampling() {
    check(&[
        ("argmax_reduce", Category::Sampling),
        ("lm_argmax_lastdim_f32", Category::Sampling),
        ("kernel_argmax_reduce", Category::Sampling),
        ("InvokeArgMaxReduceKernel", Category::Sampling),
        ("WarpArgMaxReduceKernel", Category::Sampling),
        ("argmax_last_f32", Category::Sampling),
        ("argmax_f32", Category::Reduction),
    ]);
}

/// The short causal conv of a GDN / Mamba layer named with SGLang's `extend` phase or by the
/// DeltaNet prefix (Donkeyzhenbang/mini-sglang-qwen3.5 conv_extend.py, goinfer deltanet.cu,
/// heldout-40; trymirai/uzu DeltaNetConvUpdate, heldout-31), and a private kernel named only by
/// its phase (mini-sglang-qwen3.5 gdn_decode.py / gdn_extend.py, heldout-40; sglang-jax,
/// tpu-inference, heldout-16; vkernels, heldout-25) are ssm; cuDNN convolutions stay conv.
#[test]
fn ssm_phase_and_delta_conv_steps_are_ssm() {
    check(&[
        ("_conv_extend", Category::Ssm),
        ("delta_conv", Category::Ssm),
        ("DeltaNetConvUpdate", Category::Ssm),
        ("_conv_decode", Category::Ssm),
        ("_packed_decode_kernel", Category::Ssm),
        ("_extend_kernel", Category::Ssm),
        ("_decode_kernel", Category::Ssm),
        ("_decode_kernel_main", Category::Ssm),
        ("_decode", Category::Ssm),
        ("volta_scudnn_128x64_relu_small_nn_v1", Category::Conv),
    ]);
}

/// MLA's compressed latent stored into the cache is the KV-cache write (goinfer mla.cu,
/// heldout-40), while latent projections and the latent RoPE keep their families
/// (tokenspeed gluon_latent_input, heldout-24; rope_mla_latent, heldout-26).
#[test]
fn mla_latent_store_is_kv_cache() {
    check(&[
        ("mla_latent_store", Category::KvCache),
        ("rope_mla_latent", Category::Rope),
        ("gluon_latent_input_largem_gfx950", Category::Gemm),
    ]);
}

/// Gemma's per-layer-embedding gather is embedding (HartsyInference lm_f32.cu, heldout-40;
/// NVIDIA/TensorRT-Edge-LLM gemma4PleGatherKernel, heldout-23); a plain row gather stays memory.
#[test]
fn per_layer_embedding_gather_is_embedding() {
    check(&[
        ("lm_ple_gather_q5k_f32", Category::Embedding),
        ("gemma4PleGatherKernel", Category::Embedding),
        ("vectorized_gather_kernel", Category::Memory),
    ]);
}

/// A per-head L2 norm is norm inside an SSM layer too (HartsyInference lm_ssm_l2norm_heads_f32,
/// heldout-40; l2_norm_heads_kernel, heldout-14); the SSM steps around it stay ssm.
#[test]
fn per_head_l2_norm_is_norm() {
    check(&[
        ("lm_ssm_l2norm_heads_f32", Category::Norm),
        ("l2_norm_heads_kernel", Category::Norm),
        ("lm_ssm_delta_step_f32", Category::Ssm),
    ]);
}

/// The gated shared expert combined into the MoE output is moe (goinfer moe.cu, heldout-40);
/// the expert-parallel combine of a collective stays communication (DeepEP, heldout-31).
#[test]
fn shared_expert_combine_is_moe() {
    check(&[
        ("shared_gate_combine", Category::Moe),
        ("moe_combine_f32", Category::Moe),
        ("deepep_combine", Category::Communication),
    ]);
}

/// A kernel named only by its MMA instruction over packed weights is a GEMM
/// (ltarcher/sglang-v100-qwen3.8-flash-next hmma_packed_kernel, heldout-40; compute_gemm_imma,
/// heldout-6; tcq4_rrs_gemm_imma_kernel, heldout-28).
#[test]
fn bare_mma_instruction_kernels_are_gemm() {
    check(&[
        ("hmma_packed_kernel", Category::Gemm),
        ("compute_gemm_imma", Category::Gemm),
        ("tcq4_rrs_gemm_imma_kernel", Category::Gemm),
    ]);
}

/// The expansion of the residual stream into the mHC streams is elementwise
/// (NVIDIA/TransformerEngine _mhc_expand_combine_fwd, heldout-4; deepseek-ai/TileKernels
/// expand_to_mhc_fwd_kernel, heldout-14), as the mHC post step; the mHC projection stays gemm.
#[test]
fn mhc_expand_is_elementwise() {
    check(&[
        ("_mhc_expand_combine_fwd", Category::Elementwise),
        ("_mhc_expand_combine_bwd", Category::Elementwise),
        ("expand_to_mhc_fwd_kernel", Category::Elementwise),
        ("mhc_post_kernel", Category::Elementwise),
    ]);
}
