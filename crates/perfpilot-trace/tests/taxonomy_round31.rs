//! Rules of the namesfix29 round (issue #18, docs/taxonomy-helpers.md "Chunk states, indexer
//! scores, token picks, bare appends and named RMSNorms (namesfix29)"): real development names
//! with the category their source gives them, each class from at least two repositories where
//! the corpora hold two, with the neighbours that share a word and keep their own category.
//! Sources: `data/taxonomy.toml` (each rule's `source`) and `scripts/namesfix29-tally.py`.

mod name_check;

use name_check::check;
use perfpilot_trace::taxonomy::Category;

/// The inter-chunk state pass `chunk_h` of a chunked delta-rule kernel is ssm, however short the
/// name (huawei-csl/megagdn-pto, heldout-36; fla-org/flash-linear-attention, corpus 2; gdn /
/// kda ports, heldout-20).
#[test]
fn chunk_h_is_ssm() {
    check(&[
        ("launch_chunk_h", Category::Ssm),
        ("gdn_chunk_h", Category::Ssm),
        ("kda_chunk_h", Category::Ssm),
        ("chunk_gated_delta_rule_fwd_kernel_h_blockdim64", Category::Ssm),
    ]);
}

/// vLLM's advance step behind a backend prefix is KV-cache bookkeeping (FlagOpen/FlagScale,
/// heldout-36; EnflameTechnology/vllm-gcu, heldout-23; vllm csrc/prepare_inputs/advance_step.cu).
#[test]
fn prefixed_advance_step_is_kv_cache() {
    check(&[
        ("_triton_advance_step", Category::KvCache),
        ("advance_step_kernel", Category::KvCache),
        ("advance_step_flashattn_kernel", Category::KvCache),
        ("advance_step_flashinfer_kernel", Category::KvCache),
        ("incrementLengthTensorKernel", Category::KvCache),
    ]);
}

/// A kernel named only `scores` / `block_keys` is a sparse-attention indexer step
/// (TheBeaninator/strixite, heldout-33; patrickbdevaney/glm-5.3-flash-cuda-server, heldout-33);
/// a MoE router's `compute_scores_*` is not matched by it.
#[test]
fn bare_indexer_scores_are_attention() {
    check(&[
        ("scores_kernel", Category::Attention),
        ("scores_wmma_kernel", Category::Attention),
        ("block_keys_kernel", Category::Attention),
        ("k_scores", Category::Attention),
        ("k_scores_sel", Category::Attention),
    ]);
}

/// The token pick and the confidence gate of a decode loop are sampling (patrickbdevaney/
/// deepseek-v4-flash-0731-cuda and TheBeaninator/strixite: `pick`; LokalOptima/gwen and
/// putao520/gllm-kernels: `confidence`).
#[test]
fn pick_and_confidence_steps_are_sampling() {
    check(&[
        ("k_pick", Category::Sampling),
        ("mtp_pick_kernel", Category::Sampling),
        ("kernel_confidence_gate", Category::Sampling),
        ("eagle3_predict_confidence_f32", Category::Sampling),
        ("spec_ee_compute_confidence_f32", Category::Sampling),
    ]);
}

/// A bare `append` (one word before it at most) writes the step's K / V into the cache
/// (MindLab-Research/ferrite, heldout-28; patrickbdevaney/deepseek-v4-flash-0731-cuda,
/// heldout-32); RoPE + KV append keeps rope, an append of experts keeps moe.
#[test]
fn bare_append_is_kv_cache() {
    check(&[
        ("ring_append_kernel", Category::KvCache),
        ("k_append_at", Category::KvCache),
        ("k_append_at2", Category::KvCache),
        ("_kpool_decode_append_kernel", Category::KvCache),
        // neighbours
        ("rope_kv_append_kernel", Category::Rope),
        ("_fused_append_shared_experts_kernel", Category::Moe),
    ]);
}

/// KV blocks swapped between device and host are kv_cache (sjtu-zhao-lab/ClusterKV, heldout-35;
/// vLLM's cache_kernels.cu `swap_blocks`).
#[test]
fn kv_block_swaps_are_kv_cache() {
    check(&[("swap_in_out_kernel", Category::KvCache), ("swap_blocks", Category::KvCache)]);
}

/// An attention phase computed with the KV cache is attention, not a cache write (tile-ai/
/// TileOPs, heldout-36; FlashInfer, corpus 1 and 2); the cache writes keep kv_cache.
#[test]
fn attention_with_kv_cache_is_attention() {
    check(&[
        ("_gqa_prefill_paged_with_fp8_kv_cache_fwd_main", Category::Attention),
        ("SinglePrefillWithKVCacheKernel", Category::Attention),
        ("BatchDecodeWithPagedKVCacheKernel", Category::Attention),
        ("PODWithKVCacheTensorKernel", Category::Attention),
        // neighbours
        ("append_paged_kv_cache", Category::KvCache),
        ("kv_cache_prefill_gqa_bf16_kernel", Category::KvCache),
    ]);
}

/// A name ending in `rmsnorm`, its other words naming what is normalised, is norm, also when a
/// word is `lora` (patrickbdevaney/deepseek-v4-flash-0731-cuda, heldout-32; other servers:
/// per_head_rmsnorm, gemma_rms_norm); the all-reduce fusions keep communication.
#[test]
fn qualified_rmsnorm_is_norm() {
    check(&[
        ("q_lora_rmsnorm", Category::Norm),
        ("kv_rmsnorm", Category::Norm),
        ("per_head_rmsnorm", Category::Norm),
        ("gemma_rms_norm", Category::Norm),
        ("gemma_rms_norm_kernel", Category::Norm),
        // neighbours
        ("minimax_allreduce_rmsnorm", Category::Communication),
        ("tensor_model_parallel_fused_allreduce_rmsnorm", Category::Communication),
    ]);
}

/// The forget gate of a gated linear-attention layer is ssm (patrickbdevaney/
/// glm-5.3-flash-cuda-server kda.cu, heldout-33); a name starting with `slice` copies a slice
/// (m96-chan/PyGPUkit, heldout-34; slice_copy, slice_scatter_kernel from other engines).
#[test]
fn forget_gate_is_ssm_and_slice_is_memory() {
    check(&[
        ("k_forget_gate", Category::Ssm),
        ("k_forget_gate_batch", Category::Ssm),
        ("slice_rows_range_ptr_bf16_kernel", Category::Memory),
        ("slice_copy", Category::Memory),
        ("slice_scatter_kernel", Category::Memory),
        // neighbour: arange's range stays elementwise
        ("arange_kernel", Category::Elementwise),
    ]);
}

/// Routed tokens or routing probabilities converted between the expert-sparse and the dense
/// layout are MoE (NVIDIA/nccl contrib/nccl_ep, heldout-5; ServiceNow/Fast-LLM sparse_copy.py,
/// heldout-8).
#[test]
fn sparse_dense_routing_layouts_are_moe() {
    check(&[
        ("sparse_to_dense_prob_kernel", Category::Moe),
        ("dense_to_sparse_prob_combine_kernel", Category::Moe),
        ("copy_dense_to_sparse_kernel", Category::Moe),
        ("copy_sparse_to_dense_grad_score_kernel", Category::Moe),
    ]);
}

/// Rejection sampling's resample step is sampling, behind a version prefix too
/// (QuixiAI/SlimServe, heldout-14; mystous/vllm_hybrid, heldout-13).
#[test]
fn resample_steps_are_sampling() {
    check(&[
        ("v2_resample_k", Category::Sampling),
        ("v2_insert_resampled_k", Category::Sampling),
        ("_resample_kernel", Category::Sampling),
    ]);
}

/// A sparse attention's top-k named by the KV positions it selects, or by their cache slots,
/// lengths and ragged packing, is attention (ROCm/ATOM, heldout-10; vllm-project/vllm-ascend,
/// heldout-16; 1CatAI/1Cat-vLLM, heldout-13; pegainfer-project/pegainfer, heldout-11); the
/// expert slots of an EP kernel keep moe.
#[test]
fn sparse_topk_indices_are_attention() {
    check(&[
        ("_topk_index_kernel", Category::Attention),
        ("_topk_index_mask_invalid_kernel", Category::Attention),
        ("_fill_short_context_topk_indices", Category::Attention),
        ("_compute_topk_lens_kernel", Category::Attention),
        ("local_topk_to_global_slots_kernel", Category::Attention),
        // neighbour
        ("_reduce_topk_slots_kernel", Category::Moe),
    ]);
}

/// An attention mask named by its structure (causal, banded, tree, length, block) is attention
/// (xdit-project/xDiT, heldout-11; Blaizzy/mlx-vlm, heldout-15; RESMP-DEV/metal-marlin,
/// heldout-26; OpenNMT/CTranslate2, heldout-5); ggml's `diag_mask_inf` stays elementwise.
#[test]
fn structured_attention_masks_are_attention() {
    check(&[
        ("triton_fill_causal_mask", Category::Attention),
        ("inkling_banded_mask", Category::Attention),
        ("build_tree_mask", Category::Attention),
        ("prepare_length_mask_kernel", Category::Attention),
        ("convert_to_blockmask_kernel", Category::Attention),
        // neighbour
        ("diag_mask_inf_f32", Category::Elementwise),
    ]);
}

/// The gather / scatter index an expert-parallel MoE layer computes is moe (bytedance/flux,
/// heldout-5; ByteDance-Seed/Triton-distributed, heldout-6); a context-parallel gather of the
/// indexer's K cache keeps kv_cache.
#[test]
fn calc_gather_scatter_index_is_moe() {
    check(&[
        ("calc_scatter_index_kernel", Category::Moe),
        ("calc_gather_index_kernel_v2", Category::Moe),
        ("calc_sorted_gather_index_kernel", Category::Moe),
        ("calc_gather_scatter_index_kernel", Category::Moe),
        // neighbour
        ("cp_gather_indexer_k_quant_cache_kernel", Category::KvCache),
    ]);
}

/// `mm` as a word of its own is the matrix multiply when no earlier family knows the name
/// (FlagOpen/FlagGems, heldout-6; HazyResearch/m2, heldout-13); ggml's expert `mul_mm_id`,
/// bitsandbytes' dequantise + mm and ggml's conv-as-mm keep theirs.
#[test]
fn mm_word_is_gemm() {
    check(&[
        ("classic_mm", Category::Gemm),
        ("mm_sqmma_kernel", Category::Gemm),
        ("mm_fwd_kernel", Category::Gemm),
        // neighbours
        ("kernel_mul_mm_id_q4_K_f32", Category::Moe),
        ("kdequant_mm_int32_fp16", Category::Quantize),
        ("conv2d_mm", Category::Conv),
    ]);
}

/// MLA's absorption step named alone is attention (axolotl-ai-cloud/axolotl, heldout-11;
/// patrickbdevaney/glm-5.3-flash-cuda-server, heldout-33), the singular / underscored bare score
/// too (sgl-project/sglang-jax, heldout-16; Tencent/AngelSlim, heldout-10); vLLM v1's staged
/// buffer writes are memory (mystous/vllm_hybrid, heldout-13; QuixiAI/SlimServe, heldout-14);
/// `ptq` is quantize (hotschmoe/b70_ai_things, heldout-13).
#[test]
fn absorb_scores_apply_write_and_ptq() {
    check(&[
        ("_absorb_fwd_kernel", Category::Attention),
        ("k_absorb_q_batch", Category::Attention),
        ("_scores_kernel", Category::Attention),
        ("_score_kernel", Category::Attention),
        ("_apply_write_kernel", Category::Memory),
        ("apply_write_multi", Category::Memory),
        ("_ptq_int8_kernel", Category::Quantize),
        // neighbours
        ("concat_mla_absorb_q_kernel", Category::Memory),
        ("fused_mla_absorb_rotary_emb", Category::Rope),
    ]);
}

/// DeepSeek sparse attention's FP8 indexer scores and its request-to-global index conversion
/// are attention (deepseek-ai/DeepSeek-V3.2-Exp, heldout-17; InternLM/lmdeploy, corpus 2;
/// alibaba/rtp-llm, heldout-5; QuixiAI/SlimServe, heldout-14); vLLM-rust's short Hadamard
/// kernels are elementwise (vasia123/vllm-rust, heldout-12).
#[test]
fn dsa_index_steps_and_short_hadamard() {
    check(&[
        ("fp8_index_kernel", Category::Attention),
        ("_fp8_index_kernel", Category::Attention),
        ("_convert_req_index_to_global_index_kernel", Category::Attention),
        ("convert_req_index_to_global_index", Category::Attention),
        ("had_ff_r_128_kernel", Category::Elementwise),
        ("had_hf_r_128_dual_kernel", Category::Elementwise),
    ]);
}

/// The argument setup of a grouped GEMM belongs to the GEMM (NVIDIA/TransformerEngine and
/// pytorch/FBGEMM, heldout-4; AMD-AGI/Primus-Turbo, heldout-6; ml-explore/mlx, heldout-9); a
/// bare grouped kernel of a MoE engine keeps moe.
#[test]
fn grouped_gemm_setup_is_gemm() {
    check(&[
        ("setup_grouped_gemm_kernel", Category::Gemm),
        ("set_grouped_gemm_args_kernel", Category::Gemm),
        ("compute_grouped_gemm_fp8_args", Category::Gemm),
        ("prepare_grouped_mm_data", Category::Gemm),
        // neighbour
        ("grouped_wmma_kernel", Category::Moe),
    ]);
}

/// Activation steps named by the gate product, the bias + activation pair or the gated
/// activation are activation, quantised or cast on the way too (Snowflake-AI-Research/
/// fastkernels, heldout-12; 1CatAI/1Cat-vLLM, heldout-13; bytedance/lightseq and
/// bytedance/ByteTransformer, heldout-5; NVIDIA/TransformerEngine, heldout-4).
#[test]
fn gate_mul_bias_act_and_gated_act_are_activation() {
    check(&[
        ("_gate_mul_inplace_kernel", Category::Activation),
        ("sm70_f16_gate_mul_kernel", Category::Activation),
        ("sigmoid_gate_mul_bf16x8_kernel", Category::Activation),
        ("add_bias_act", Category::Activation),
        ("ls_quant_dropout_act_bias_kernel", Category::Activation),
        ("dgated_act_cast_transpose_kernel", Category::Activation),
        ("gated_activation_kernel", Category::Activation),
    ]);
}

/// All-gather + GEMM, GEMM + reduce-scatter and the expert-parallel gather + reduce-scatter are
/// communication (ByteDance-Seed/Triton-distributed, heldout-6; bytedance/flux, heldout-5).
#[test]
fn ag_gemm_and_gemm_rs_are_communication() {
    check(&[
        ("kernel_fused_ag_gemm", Category::Communication),
        ("kernel_gemm_rs_producer_fuse_scatter", Category::Communication),
        ("gather_rs_kernel", Category::Communication),
        ("ep_topk_gather_rs_kernel_v2", Category::Communication),
    ]);
}

/// RMSNorm's forward / backward named `rms` + fwd / bwd is norm (akshay919191/
/// cuda-triton-kernels-lab, heldout-13; ROCm/aiter `_triton_fused_rms_kernel`, ik_llama.cpp
/// `fused_rms_norm` through the earlier norm rules).
#[test]
fn rms_fwd_bwd_is_norm() {
    check(&[
        ("rmsfwd_kernel", Category::Norm),
        ("fusedrmsbwd_kernel", Category::Norm),
        ("_triton_fused_rms_kernel", Category::Norm),
        ("fused_rms_norm", Category::Norm),
    ]);
}

/// The LM head fused with its arg-max, DSpark's Markov draft head and the accepted-token count
/// are sampling (QuixiAI/SlimServe, heldout-14; ROCm/ATOM, heldout-10; pegainfer-project/
/// pegainfer, heldout-11); an SSM state acceptance keeps ssm.
#[test]
fn lm_head_argmax_markov_and_accepted_are_sampling() {
    check(&[
        ("lm_head_argcat_partials", Category::Sampling),
        ("lm_head_argcat_reduce", Category::Sampling),
        ("fused_lm_head_argmax_kernel", Category::Sampling),
        ("_dspark_markov_argmax_stage1", Category::Sampling),
        ("markov_step_finalize_kernel", Category::Sampling),
        ("_scatter_num_accepted_kernel", Category::Sampling),
        // neighbour
        ("qwen3_5_gated_delta_accept_states", Category::Ssm),
    ]);
}

/// RoPE's cos / sin tables are rope (hpcaitech/ColossalAI, heldout-6; the other `cos_sin` names
/// of the corpora through the earlier rope rules).
#[test]
fn cos_sin_tables_are_rope() {
    check(&[
        ("apply_get_context_cos_and_sin_kernel", Category::Rope),
        ("apply_get_decode_cos_and_sin_kernel", Category::Rope),
    ]);
}

/// DeepSeek's fused expert mapping and ScatterMoE's grouped Xᵀ·Y are moe
/// (deepseek-ai/TileKernels, heldout-14; foundation-model-stack/fms-acceleration, heldout-13;
/// huggingface/kernels-community, heldout-7).
#[test]
fn fused_mapping_and_group_xty_are_moe() {
    check(&[
        ("get_fused_mapping_kernel", Category::Moe),
        ("groupXtY_triton_kernel", Category::Moe),
        ("_groupXtY", Category::Moe),
    ]);
}

/// QSA and 2-simplicial attention are attention (Avarok-Cybersecurity/atlas, heldout-30;
/// ByungHyun21/LLM170, heldout-10; pytorch/FBGEMM simplicial_attention, heldout-4).
#[test]
fn qsa_and_simplicial_are_attention() {
    check(&[
        ("qsa_score_rows", Category::Attention),
        ("qsa_flash_split4q4.kd", Category::Attention),
        ("simplicial_bwd_kv1_kernel", Category::Attention),
        ("simplicial_bwd_pre_kernel", Category::Attention),
    ]);
}
