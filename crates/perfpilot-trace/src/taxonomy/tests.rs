//! Unit tests of the taxonomy: the misclassifications the issue lists, precedence, the
//! loader's error messages and the display form.

use super::*;

fn cat(name: &str) -> Category {
    Taxonomy::embedded_ref().classify(name)
}

#[test]
fn embedded_rules_compile() {
    let t = Taxonomy::embedded();
    // the parts compiled on first use compile too
    t.compile_all().unwrap();
    assert!(t.rule_count() > 20);
    assert_eq!(t.origin(), "<embedded taxonomy>");
}

#[test]
fn fa3_is_attention_not_gemm() {
    let fa3 = "void cutlass::device_kernel<flash::enable_sm90_or_later<flash::FlashAttnFwdSm90<flash::CollectiveMainloopFwdSm90<2, cute::tuple<cute::C<1>, cute::C<1>, cute::C<1> >, 128, cutlass::bfloat16_t, float, cutlass::arch::Sm90> > > >(flash::enable_sm90_or_later<flash::FlashAttnFwdSm90<> >::Params)";
    assert_eq!(cat(fa3), Category::Attention);
    assert_eq!(
        cat(
            "void cutlass::device_kernel<flash::FlashAttnFwdCombine<cute::tuple<cute::C<8>, cute::C<128> >, 7, 256, 1, false, true, cutlass::bfloat16_t, float, cutlass::arch::Sm90> >(flash::FlashAttnFwdCombine<>::Params)"
        ),
        Category::Attention
    );
    assert_eq!(
        cat("void flash::prepare_varlen_num_blocks_kernel<1, true>(int, int)"),
        Category::Attention
    );
}

#[test]
fn qknorm_is_norm_and_fused_qknorm_rope_is_norm() {
    assert_eq!(cat("fused_qknorm_warp"), Category::Norm);
    assert_eq!(
        cat(
            "void tensorrt_llm::kernels::fusedQKNormRopeKernel<__nv_bfloat16, 128, true>(__nv_bfloat16*, int)"
        ),
        Category::Norm
    );
}

#[test]
fn inductor_copy_is_not_memory() {
    assert_eq!(cat("triton_per_fused__to_copy_add_mean_mul_pow_rsqrt_0"), Category::Norm);
    assert_eq!(cat("triton_red_fused__to_copy_add_mean_mul_pow_rsqrt_3"), Category::Norm);
    assert_eq!(cat("triton_per_fused_copy__mul_sum_0"), Category::Reduction);
    assert_eq!(cat("triton_poi_fused_mul_silu_1"), Category::Activation);
    assert_eq!(cat("triton_poi_fused__to_copy_1"), Category::Memory);
    assert_eq!(
        cat("triton_poi_fused_add_bitwise_and_bitwise_not_bitwise_or_ge_lt_mul_sub_0"),
        Category::Elementwise
    );
    assert_eq!(cat("triton_tem_fused_mm_0"), Category::Gemm);
    let (c, rule) = Taxonomy::embedded_ref().classify_explained("triton_poi_fused_0");
    assert_eq!((c, rule.as_str()), (Category::Elementwise, "inductor.kind.pointwise"));
}

#[test]
fn template_noise_does_not_decide() {
    // A BF16 cache write whose template text says Fp8 is a KV-cache kernel, not quantize.
    let bf16 = "void vllm::reshape_and_cache_flash_kernel<__nv_bfloat16, __nv_bfloat16, (vllm::Fp8KVCacheDataType)0>(__nv_bfloat16 const*, long)";
    assert_eq!(cat(bf16), Category::KvCache);
    // A GEMM instantiated with FP8 element types stays a GEMM.
    let gemm = "void cutlass::device_kernel<cutlass::gemm::kernel::GemmUniversal<cute::tuple<int, int, int, int>, cutlass::gemm::collective::CollectiveMma<cutlass::float_e4m3_t, cutlass::Fp8Quant> > >(cutlass::gemm::kernel::GemmUniversal<>::Params)";
    assert_eq!(cat(gemm), Category::Gemm);
    // The kernel's own name decides: a quant kernel with a bf16 template argument.
    assert_eq!(
        cat(
            "void vllm::scaled_fp8_quant_kernel_strided<c10::BFloat16, c10::Float8_e4m3fn>(c10::Float8_e4m3fn*, long)"
        ),
        Category::Quantize
    );
}

#[test]
fn mangled_names_are_demangled_first() {
    let aiter = "_ZN5aiter24add_rmsnorm_quant_kernelIDF16bDF16bLi256ELi16ELb0ELb0ELb1ELi1EEEvPT0_PT_PfS4_S4_S4_diiiiiiib";
    assert_eq!(cat(aiter), Category::Norm);
    let act = "_ZN7sgl_hip10activation18act_and_mul_kernelI14__hip_bfloat16TnPFT_RKS3_EXadL_Z4siluIS2_ES3_S5_EEEEvPS3_PS4_i";
    assert_eq!(cat(act), Category::Activation);
}

#[test]
fn precedence_principal_op_wins() {
    assert_eq!(cat("allreduce_fusion_kernel_oneshot_lamport"), Category::Communication);
    assert_eq!(cat("fused_add_rmsnorm_per_token_quant"), Category::Norm);
    assert_eq!(cat("silu_and_mul_scaled_nvfp4_experts_quantize"), Category::Activation);
    assert_eq!(cat("fused_rope_store_kernel"), Category::Rope);
    assert_eq!(cat("fused_moe_kernel"), Category::Moe);
    assert_eq!(cat("grouped_gemma_rmsnorm"), Category::Norm);
    assert_eq!(
        cat(
            "void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::NormTwoOps<float, float, float>, unsigned int, float, 4> >(at::native::ReduceOp<float, at::native::NormTwoOps<float, float, float>, unsigned int, float, 4>)"
        ),
        Category::Reduction
    );
    assert_eq!(cat("kernel_mha"), Category::Attention);
    assert_eq!(cat("topkGatingSoftmax"), Category::Moe);
    assert_eq!(cat("some_kernel_nobody_knows"), Category::Other);
}

#[test]
fn full_scope_rule_reads_template_arguments() {
    let grouped = "void deep_gemm::sm90_fp8_gemm_1d2d_impl<0u, 4096u, 7168u, 128u, 128u, 128u, 256u, 8u, (deep_gemm::GemmType)1, deep_gemm::EpilogueIdentity>(float*, int*)";
    let normal = "void deep_gemm::sm90_fp8_gemm_1d2d_impl<0u, 4096u, 7168u, 128u, 128u, 128u, 256u, 8u, (deep_gemm::GemmType)0, deep_gemm::EpilogueIdentity>(float*, int*)";
    assert_eq!(cat(grouped), Category::Moe);
    assert_eq!(cat(normal), Category::Gemm);
}

#[test]
fn identity_keeps_launcher_arguments_only() {
    let t = Taxonomy::embedded_ref();
    assert_eq!(
        t.identity("void vllm::rms_norm_kernel<c10::BFloat16, 8, 2>(c10::BFloat16*, long)"),
        "vllm::rms_norm_kernel"
    );
    let id = t.identity("void at::native::vectorized_elementwise_kernel<4, at::native::FillFunctor<float>, at::detail::Array<char*, 1> >(int, at::native::FillFunctor<float>, at::detail::Array<char*, 1>)");
    assert!(id.contains("FillFunctor"), "{id}");
}

#[test]
fn display_names_are_recognisable() {
    let t = Taxonomy::embedded_ref();
    let d = |n: &str| t.display_name(n, 80);
    assert_eq!(
        d(
            "void at::native::vectorized_elementwise_kernel<4, at::native::(anonymous namespace)::silu_kernel(at::TensorIteratorBase&)::{lambda()#1}::operator()() const::{lambda()#6}::operator()() const::{lambda(c10::BFloat16)#1}, std::array<char*, 2ul> >(int, at::native::(anonymous namespace)::silu_kernel(at::TensorIteratorBase&)::{lambda()#1}::operator()() const::{lambda()#6}::operator()() const::{lambda(c10::BFloat16)#1}, std::array<char*, 2ul>)"
        ),
        "vectorized_elementwise_kernel<silu_kernel>"
    );
    assert_eq!(
        d(
            "void cutlass::device_kernel<flash::enable_sm90_or_later<flash::FlashAttnFwdSm90<int, float> > >(flash::enable_sm90_or_later<flash::FlashAttnFwdSm90<int, float> >::Params)"
        ),
        "device_kernel<FlashAttnFwdSm90>"
    );
    assert_eq!(
        d(
            "void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::MeanOps<float, float>, unsigned int, float, 4> >(at::native::ReduceOp<float, at::native::MeanOps<float, float>, unsigned int, float, 4>)"
        ),
        "reduce_kernel<MeanOps>"
    );
    assert_eq!(
        d(
            "void vllm::reshape_and_cache_flash_kernel<__nv_bfloat16, unsigned char, (vllm::Fp8KVCacheDataType)1>(__nv_bfloat16 const*)"
        ),
        "vllm::reshape_and_cache_flash_kernel"
    );
    assert_eq!(
        d("ncclKernel_AllReduce_RING_LL_Sum_float(ncclWorkElem)"),
        "ncclKernel_AllReduce_RING_LL_Sum_float"
    );
    assert_eq!(
        d(
            "void at::native::(anonymous namespace)::CatArrayBatchedCopy<float, unsigned int, 2, 128, 1>(float*)"
        ),
        "CatArrayBatchedCopy"
    );
    assert!(
        t.display_name("nvjet_tst_64x64_64x16_2x1_2cta_v_bz_bias_TNT", 10).chars().count() <= 10
    );
}

#[test]
fn loader_errors_name_file_and_line() {
    let bad_cat = "schema = \"perfpilot.taxonomy/1\"\n\n[[rule]]\nid = \"x\"\ncategory = \"gemmm\"\npattern = \"a\"\nsource = \"s\"\n";
    let e = Taxonomy::from_toml_str(bad_cat, "rules.toml").unwrap_err().to_string();
    assert!(e.starts_with("rules.toml:5:"), "{e}");
    assert!(e.contains("unknown category \"gemmm\""), "{e}");

    let bad_re = "schema = \"perfpilot.taxonomy/1\"\n[[rule]]\nid = \"x\"\ncategory = \"gemm\"\npattern = \"(unclosed\"\nsource = \"s\"\n";
    let e = Taxonomy::from_toml_str(bad_re, "r.toml").unwrap_err().to_string();
    assert!(e.starts_with("r.toml:5:") && e.contains("bad regex"), "{e}");

    let syntax = "schema = \"perfpilot.taxonomy/1\"\n[[rule]\n";
    let e = Taxonomy::from_toml_str(syntax, "s.toml").unwrap_err().to_string();
    assert!(e.starts_with("s.toml:2:"), "{e}");

    let unknown_key = "schema = \"perfpilot.taxonomy/1\"\n[[rule]]\nid = \"x\"\ncategory = \"gemm\"\npattern = \"a\"\nsource = \"s\"\nweight = 3\n";
    let e = Taxonomy::from_toml_str(unknown_key, "k.toml").unwrap_err().to_string();
    assert!(e.contains("k.toml:") && e.contains("weight"), "{e}");

    let dup = "schema = \"perfpilot.taxonomy/1\"\n[[rule]]\nid = \"x\"\ncategory = \"gemm\"\npattern = \"a\"\nsource = \"s\"\n[[rule]]\nid = \"x\"\ncategory = \"gemm\"\npattern = \"b\"\nsource = \"s\"\n";
    let e = Taxonomy::from_toml_str(dup, "d.toml").unwrap_err().to_string();
    assert!(e.starts_with("d.toml:8:") && e.contains("duplicate"), "{e}");

    let wrong_schema = "schema = \"perfpilot.fusions/1\"\n";
    assert!(
        Taxonomy::from_toml_str(wrong_schema, "w.toml")
            .unwrap_err()
            .to_string()
            .starts_with("w.toml:1:")
    );

    let missing = Taxonomy::from_toml_file("/nonexistent/rules.toml").unwrap_err().to_string();
    assert!(missing.contains("/nonexistent/rules.toml"), "{missing}");
}

#[test]
fn user_rules_replace_the_embedded_ones() {
    let text = "schema = \"perfpilot.taxonomy/1\"\n[[rule]]\nid = \"mine.gemm\"\ncategory = \"gemm\"\npattern = \"(?i)mykernel\"\nsource = \"test\"\n";
    let t = Taxonomy::from_toml_str(text, "mine.toml").unwrap();
    assert_eq!(t.classify("MyKernel_v2"), Category::Gemm);
    assert_eq!(t.classify("fused_moe_kernel"), Category::Other);
    assert_eq!(t.rule_source("mine.gemm"), Some("test"));
}

/// The fused-step rule (docs/taxonomy.md, "Fused steps", namesfix12): a kernel that fuses
/// steps of one layer is filed under the step that comes first in the layer's data flow
/// (all-reduce -> norm -> RoPE -> KV-cache store -> attention; activation -> quantisation),
/// whatever the word order of its name. Names from several source repositories.
#[test]
fn fused_steps_follow_the_data_flow() {
    let t = Taxonomy::embedded_ref();
    let cases = [
        // norm before RoPE / KV insert / attention (TensorRT-LLM-style camelCase, Z-Image, vLLM ds4)
        ("fusedMiniMaxM3QNormRopeKVInsertKernel", Category::Norm),
        ("fusedDeepseekV4QNormRopeKVRopeQuantInsertKernel", Category::Norm),
        ("_finalize_norm_rope_quant_store_sparse_attn", Category::Norm),
        (
            "zimage_fused_post_attention_rmsnorm_gate_residual_and_ffn_prenorm_scale_bf16_kernel",
            Category::Norm,
        ),
        ("fused_mla_RMS_rotary_emb", Category::Norm),
        // RoPE named with the head layout it rotates (sgl-kernel-npu, aiter) vs an attention pass
        ("fused_rope_qk_mqa_kernel_opt", Category::Rope),
        ("_rope_kernel_cached_thd_2c_gqa_fwd", Category::Rope),
        ("rotary_mha_decode_128_float16_kernel", Category::Attention),
        // a GEMM named first runs first
        ("_fused_fp8_bmm_rope_cat_and_cache_mla_kernel", Category::Gemm),
        // activation before its quantisation epilogue (sgl-kernel-npu, Kimi serving code)
        ("_situ_and_mul_quant_kernel", Category::Activation),
        ("situ_and_mul_fp8_quant_bf16_k128_masked_kernel", Category::Activation),
        // ggml's rope mode `rope_norm` is RoPE, not a norm
        ("kernel_rope_norm_f32", Category::Rope),
    ];
    for (name, want) in cases {
        let (got, rule) = t.classify_explained(name);
        assert_eq!(got, want, "{name}: rule {rule}");
    }
}

/// Step words another family owns (docs/taxonomy.md, namesfix13): the co-occurring words
/// decide, not the step word. Names from several source repositories.
#[test]
fn step_words_follow_the_family_words() {
    let t = Taxonomy::embedded_ref();
    let cases = [
        // a conv named with a recurrent step or its rolling buffer: the SSM short conv
        // (EasyDeL, hotschmoe/b70_ai_things, mlx-vlm, lucebox)
        ("_fused_conv_decode_kernel", Category::Ssm),
        ("_fused_conv_recur_decode_kernel", Category::Ssm),
        ("k3_short_conv_step", Category::Ssm),
        ("pf_deltanet_update_conv_buf", Category::Ssm),
        // ... also as conv1d / sconv with the serving phase (hipfire, pegainfer, mlx-vlm)
        ("conv1d_decode_f32", Category::Ssm),
        ("conv1d_prefill_kernel", Category::Ssm),
        ("inkling_sconv_decode", Category::Ssm),
        // EP dispatch / combine named by the distribution across ranks (CANN ops-transformer)
        // as by DeepEP's modes (sgl-kernel-npu)
        ("moe_distribute_dispatch_v2", Category::Communication),
        ("moe_distribute_combine_v2", Category::Communication),
        ("cam_moe_dispatch_normal", Category::Communication),
        // a Triton kernel named only by the pass or an attention step
        // (DeepSpeed, aiter, ParrotServe, SeerAttention, FlexPrefill)
        ("_fwd_kernel", Category::Attention),
        ("_fwd_kernel_stage2", Category::Attention),
        ("_fwd_kernel_v2", Category::Attention),
        ("_fwd_kernel_varlen", Category::Attention),
        ("prefill_kernel", Category::Attention),
        ("rescale_kernel", Category::Attention),
        ("_fwd_part_1", Category::Attention),
        // module-private split-KV passes of flash-decoding (tilelang, lmdeploy, ParrotServe)
        ("_split_kernel", Category::Attention),
        ("_merge_kernel", Category::Attention),
        ("_reduce_split_kernel", Category::Attention),
        ("_reduce_kernel", Category::Attention),
        // not matched: a cuDNN convolution, a plain conv1d, a public reduce
        ("implicit_convolve_sgemm", Category::Conv),
        ("conv1d_f32", Category::Conv),
        ("reduce_kernel", Category::Reduction),
    ];
    for (name, want) in cases {
        let (got, rule) = t.classify_explained(name);
        assert_eq!(got, want, "{name}: rule {rule}");
    }
}

/// Helper kernels of attention, EP and fused KV steps (docs/taxonomy.md, namesfix14): filed with
/// the family whose plan or buffer they build. Development names from several repositories.
#[test]
fn helpers_follow_the_family_they_prepare() {
    let t = Taxonomy::embedded_ref();
    let cases = [
        // an attention backend's plan named with the phase it plans (b12x, flash-attention, xllm)
        ("update_decode_graph_metadata_fused_triton", Category::Attention),
        ("update_prefill_graph_row_indptr_triton", Category::Attention),
        ("update_decode_graph_window_start_tokens_triton", Category::Attention),
        ("prepare_varlen_num_blocks_kernel", Category::Attention),
        ("llm_decode_metadata_update_kernel", Category::Attention),
        // ... or with the attention variant it plans, before kv_cache's `kv` (ATOM)
        ("mla_fold_kv_metadata_kernel", Category::Attention),
        // the KV cache's page table (tokenspeed, b12x's vLLM fork)
        ("_gather_page_table_with_padding_kernel", Category::KvCache),
        ("_mask_page_table_after_nsa_len_kernel", Category::KvCache),
        ("_gather_page_ids_kernel", Category::KvCache),
        // MoE routing metadata stays moe (pegainfer)
        ("moe_local_route_metadata_kernel", Category::Moe),
        ("deepgemm_sm100_grouped_fp8_metadata_kernel", Category::Moe),
        // prefill attention named by the phase (vllm-triton-backend, attention.rs)
        ("prefix_prefill_fwd_3d", Category::Attention),
        ("fused_chunked_prefill_kernel_25d", Category::Attention),
        // EP helpers: notify (DeepEP / nixl), the bare dispatch layout (nixl, sgl-kernel-npu)
        ("cached_notify", Category::Communication),
        ("get_dispatch_layout", Category::Moe),
        ("dispatch_layout", Category::Moe),
        // ... but inside DeepEP's `ep::` namespace, communication (corpus 1's DeepSeek profile)
        (
            "void dpsk::ep::cuda::get_dispatch_layout<256, 32, 8>(long const*, int*, int*, int*, bool*, int, int, int, int)",
            Category::Communication,
        ),
        // an attention operand's projection is the GEMM (DejaVu, litevLLM, b12x)
        ("qkv_proj_sparse_kernel", Category::Gemm),
        ("_mla_query_projection_bf16_kernel", Category::Gemm),
        ("_q2_k_selected_experts_down_projection_kernel", Category::Moe),
        // act + quant for DeepGEMM, SwiGLU-Step as SiLU (vLLM-metax, vllm)
        ("_swiglustep_mul_fp8_quant_deep_gemm", Category::Activation),
        ("_silu_mul_fp8_quant_deep_gemm", Category::Activation),
        // the split-K reduce, reduce first (b12x, GPTQModel)
        ("_reduce_split_k2_bf16_kernel", Category::Gemm),
        ("reduce_splitk_fp32_to_output_kernel", Category::Gemm),
        // not matched: a q/k norm + RoPE + KV insert stays norm (the data-flow rule)
        ("fusedMiniMaxM3QNormRopeKVInsertKernel", Category::Norm),
    ];
    for (name, want) in cases {
        let (got, rule) = t.classify_explained(name);
        assert_eq!(got, want, "{name}: rule {rule}");
    }
}

/// The namesfix15 classes (docs/taxonomy.md, "Casts, MoE bookkeeping, MoE activations, split-KV
/// passes"): development names from several repositories, and the names that must not move.
#[test]
fn casts_moe_activations_and_split_kv_passes() {
    let t = Taxonomy::embedded_ref();
    let cases = [
        // a bare launcher named by the dtype conversion it runs is the copy (MetaX mcPytorch) ...
        ("unrolled_elementwise_kernel_4_bfloat_to_float", Category::Memory),
        ("unrolled_elementwise_kernel_2_long_to_int", Category::Memory),
        // ... as ATen's conversion copy through the launcher is (corpus 1, TraceLens sglang trace)
        (
            "void at::native::vectorized_elementwise_kernel<4, at::native::bfloat16tofloat32_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda(c10::BFloat16)#1}, std::array<char*, 2ul> >(int, at::native::bfloat16tofloat32_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda(c10::BFloat16)#1}, std::array<char*, 2ul>)",
            Category::Memory,
        ),
        // the launcher word alone stays elementwise (mcPytorch, TraceLens)
        ("elementwise_kernel_2_2", Category::Elementwise),
        ("unrolled_elementwise_kernel", Category::Elementwise),
        // the bare forward pass with one variant word is attention (DLBlas, lmdeploy, lightllm, aiter)
        ("_fwd_kernel_hdim96", Category::Attention),
        ("_fwd_kernel_quant", Category::Attention),
        ("_fwd_kernel_int8kv", Category::Attention),
        ("_fwd_kernel_alibi", Category::Attention),
        // lmdeploy's split-KV decode pass (DLBlas, DeepLink lmdeploy, InternLM lmdeploy, FlagAttention)
        ("_fwd_split_kernel", Category::Attention),
        ("_fwd_split_kernel_quant", Category::Attention),
        ("_fwd_grouped_split_kernel", Category::Attention),
        ("_fwd_split_kv_kernel", Category::Attention),
        // other `_fwd_kernel_<words>` keep their own family (lightllm)
        ("_fwd_kernel_destindex_copy_kv", Category::KvCache),
        ("_fwd_kernel_ep_scatter_1", Category::Moe),
        // an activation named with the MoE word is activation (intel/llm-scaler, lightllm) ...
        ("MoE_SiLU_Mul_Kernel", Category::Activation),
        ("_silu_and_mul_moe_ep_kernel", Category::Activation),
        // ... but with a GEMM word or the fused_moe prefix it is the expert GEMM (SlimServe, vllm)
        ("moe_grouped_gemm_swiglu", Category::Moe),
        ("_fused_moe_silu_kernel", Category::Moe),
    ];
    for (name, want) in cases {
        let (got, rule) = t.classify_explained(name);
        assert_eq!(got, want, "{name}: rule {rule}");
    }
}

/// The namesfix16 classes (docs/taxonomy.md, "Expert GEMMs with no MoE word, RWKV step words"):
/// development names from several repositories, and the names that must not move.
#[test]
fn expert_gemms_and_rwkv_step_words() {
    let t = Taxonomy::embedded_ref();
    let cases = [
        // an expert-id GEMM is the expert GEMM (mlx-native, ggml / whisper.cpp)
        ("quantized_matmul_id", Category::Moe),
        ("kernel_mul_mv_id_q4_0_f32", Category::Moe),
        ("quantized_matmul_simd_bf16_expert", Category::Moe),
        // `grouped` alone does not decide and this round adds no rule for it: the existing
        // rules keep vllm's group-GEMM argument setup gemm, DeepGEMM's masked grouped GEMM moe
        ("compute_sm90_group_gemm_args", Category::Gemm),
        ("grouped_gemm_nt_masked", Category::Moe),
        // RWKV: the step word before the family word (rwkv7-ascend-npu, rwkv-sglang, fla)
        ("rwkv_layer_norm_direct", Category::Norm),
        ("rwkv_groupnorm_sk_direct", Category::Norm),
        ("gn_gatecorr_kernel", Category::Norm),
        ("rwkv_embedding_norm2_direct", Category::Embedding),
        ("rwkv_relu_square_direct", Category::Activation),
        ("rwkv_channel_mixing_pow_and_relu", Category::Activation),
        ("rwkv_shift_mix", Category::Elementwise),
        ("_attn_shift_mix_kernel", Category::Elementwise),
        ("rwkv_concat2_direct", Category::Memory),
        // ... the recurrence and a bare mix stay ssm (fla, ggml, rwkv-sglang)
        ("rwkv_wkv7_f32", Category::Ssm),
        ("fused_recurrent_rwkv6_fwd_kernel", Category::Ssm),
        ("rwkv_seq_mix_kernel", Category::Ssm),
        ("_wkv_recurrent_kernel", Category::Ssm),
        ("_compact_wy_summary_kernel", Category::Ssm),
        // a block's norm named by its sub-block (rwkv7-ascend-npu, mlx-native)
        ("_attn_norm_mix6_kernel", Category::Norm),
        ("fused_post_attn_triple_norm_f32", Category::Norm),
        // RoPE named by its operand (nanovllm-DSA-offload, torchtitan, aiter)
        ("dsa_indexer_query_rope_half", Category::Rope),
        ("_fused_q_rope_kernel", Category::Rope),
        // triangular inverse / solve of the chunked delta rule (pto-kernels, mlx-native)
        ("triv_inv_col_sweep_fp16", Category::Ssm),
        ("tri_solve_lower_unit_bf16", Category::Ssm),
    ];
    for (name, want) in cases {
        let (got, rule) = t.classify_explained(name);
        assert_eq!(got, want, "{name}: rule {rule}");
    }
}

/// namesfix17 (docs/taxonomy.md, "trtllm-gen batched GEMMs, signalling kernels, cuDNN conv
/// epilogues"): real names from at least two repositories per class.
#[test]
fn batched_gemm_cubins_signal_flags_and_cudnn_epilogues() {
    let t = Taxonomy::embedded_ref();
    let cases = [
        // trtllm-gen batched-GEMM cubins with a dynamic (per-expert) batch: the MoE runner's
        // (jiahanc/TensorRT-LLM KernelMetaInfo.h; flashinfer's PermuteGemm1 table; tracelens)
        (
            "bmm_E4m3_E2m1E4m3_castE4m3_Fp32_bA32_t128x8x256_s5_et128x8_m128x8x32_cga1x1x1_16dp256b_rM_TN_transOut_schedS_biasM_bN_ldgsts_ldgstsSf_rgTma_clmp_swiGlu_dynB_sm100a",
            Category::Moe,
        ),
        (
            "bmm_E4m3_E4m3E4m3_Fp32_t128x8x128u2_s8_et64x8_m64x8x32_cga1x1x1_16dp256b_TN_transOut_noShflA_dsFp8_schedS_bN_ldgsts_clmp_dynBatch_sm100a",
            Category::Moe,
        ),
        // ... without it (a plain batched GEMM, or a profiler table's cut name) the name says gemm
        ("bmm_E4m3_E4m3E4m3_Fp32_t128x64", Category::Gemm),
        ("bmm_scaled_fp8_kernel", Category::Gemm),
        // signalling kernels (StepMesh, sglang jit_kernel, FlashOverlap); a GEMM that waits on a
        // signal first keeps its GEMM, a bare set_flag fill is not a signal
        ("write_flag_kernel", Category::Communication),
        ("wait_flag_kernel", Category::Communication),
        ("kernel_wait_flag", Category::Communication),
        ("wait_signal_matmul_triton_kernel", Category::Gemm),
        // cuDNN conv kernels named by precision and MMA shape: cudnn decides over relu
        ("turing_fp16_s1688cudnn_fp16_256x128_ldg8_relu_f2f_exp_medium_nhwc_tn_v1", Category::Conv),
        ("volta_scudnn_128x64_relu_small_nn_v1", Category::Conv),
        // the router's top-k softmax (vllm-musa, hipfire) is moe; beam search's stays sampling
        ("topk_softmax_no_bias_renorm_warp_kernel_fixed_k", Category::Moe),
        ("moe_softmax_topk_renorm_k8", Category::Moe),
        ("beam_online_softmax_topk_kernel", Category::Sampling),
        // the indexer's top-k and the attend word are attention (vllm-musa, ThunderKittens, fak)
        ("sparse_indexer_topk_radix_kernel", Category::Attention),
        ("bwd_attend_ker", Category::Attention),
        ("k_dsa_sparse_attend", Category::Attention),
    ];
    for (name, want) in cases {
        let (got, rule) = t.classify_explained(name);
        assert_eq!(got, want, "{name}: rule {rule}");
    }
    // In context: a bmm_ cubin the name leaves gemm is moe under a MoE launch op, gemm under
    // TensorRT-LLM's plain batched GEMM op.
    let cut = "bmm_E4m3_E4m3E4m3_Fp32_t128x64";
    let moe = LaunchContext {
        launch_op: Some("trtllm::fp8_block_scale_moe_runner"),
        ..Default::default()
    };
    assert_eq!(t.classify_in_context(cut, &moe).category, Category::Moe);
    let plain = LaunchContext { launch_op: Some("trtllm::fp8_batched_gemm"), ..Default::default() };
    assert_eq!(t.classify_in_context(cut, &plain).category, Category::Gemm);
}

/// namesfix18 (docs/taxonomy.md, "MoE bookkeeping without a MoE word, KV transfer, sparse index
/// builders"): real development names from at least two repositories per class.
#[test]
fn moe_bookkeeping_kv_transfer_and_sparse_index_builders() {
    let t = Taxonomy::embedded_ref();
    let cases = [
        // MoE token bookkeeping without a MoE word (FBGEMM gen_ai, MSLK, Paddle)
        ("_fbgemm_gather_scale_fp8_rowwise_quant_dense_tokens", Category::Moe),
        ("_mslk_scatter_add_padded_tokens", Category::Moe),
        ("index_shuffling_kernel", Category::Moe),
        ("tokens_unzip_stable_kernel", Category::Moe),
        // moe_align_block_size's stages without the MoE word (xkernels, heldout-8); a trailing
        // `_align` is an aligned variant
        ("_align_stage2_cumsum", Category::Moe),
        ("align_block_kernel", Category::Moe),
        ("rms_norm_kernel_align", Category::Norm),
        // dtype-string GEMMs: grouped = per-expert (MSLK), dense otherwise; block-scaled mm
        ("_mx8mx4bf16_grouped_kernel", Category::Moe),
        ("_f8f8bf16_groupwise_kernel", Category::Gemm),
        ("mm_fp8_blockscale_mfma_kernel", Category::Gemm),
        // KV transfer and step bookkeeping (KV connectors, TensorRT-Edge-LLM, vllm-gcu)
        ("_kv_transfer_per_layer_kernel", Category::KvCache),
        ("_kv_chunk_transfer_kernel", Category::KvCache),
        ("incrementLengthTensorKernel", Category::KvCache),
        ("advance_step_kernel", Category::KvCache),
        // a sampler's staged top-k that names its result (TensorRT-Edge-LLM, FasterTransformer);
        // a bare staged top-k keeps its label (aiter's generic top-k is a reduction)
        ("topKStage2Sampling", Category::Sampling),
        ("topk_stage2_sampling", Category::Sampling),
        ("topk_stage1_kernel", Category::Reduction),
        // sparse-attention index builders and phase metadata (MSA, vllm-ascend, fla, ATOM, xllm)
        ("k2q_tile_prefix_smem_kernel", Category::Attention),
        ("m3_topk_kernel", Category::Attention),
        ("parallel_nsa_kernel_topk", Category::Attention),
        ("calSWAChunkedPrefillMetadataKernel", Category::Attention),
        ("_mtp_prepare_decode_metadata_kernel", Category::Attention),
    ];
    for (name, want) in cases {
        let (got, rule) = t.classify_explained(name);
        assert_eq!(got, want, "{name}: rule {rule}");
    }
}

/// namesfix19 (docs/taxonomy-helpers.md, "Expert GEMMs without a MoE word, arch-suffixed Gluon steps, mHC,
/// KV pools and small helpers"): real development names from at least two repositories per class.
#[test]
fn expert_gemms_gluon_steps_mhc_kv_pools_and_helpers() {
    let t = Taxonomy::embedded_ref();
    let cases = [
        // expert GEMMs and MoE decode stages without a MoE word (modular-gptoss, aiter, TokenSpeed
        // benchmarks, tokenspeed)
        ("naive_grouped_matmul_kernel", Category::Moe),
        ("grouped_matmul_kernel", Category::Moe),
        ("_stage2_fp8_warp_gemv", Category::Moe),
        ("_warp_decode_precomputed_situ_sorted_stage1_kernel", Category::Moe),
        ("_ragged_tensor_metadata_compute", Category::Moe),
        ("gluon_sigmoid_bias_topk_gfx950", Category::Moe),
        ("_sigmoid_bias_topk_route_gluon_kernel", Category::Moe),
        // Gluon steps read past the arch suffix (TokenSpeed benchmarks, ggml, xkernels, fak)
        ("gluon_mm_a16w16_prefill_gfx950", Category::Gemm),
        ("gluon_latent_input_largem_situ_gfx950", Category::Gemm),
        ("gluon_wmma_dense_reduce_gfx1250", Category::Gemm),
        ("kernel_mul_mm_bf16_f32", Category::Gemm),
        ("gluon_dsv41_index_topk_gfx950", Category::Attention),
        ("gluon_dsv4_prefill_gfx950", Category::Attention),
        ("k_dsa_index_topk", Category::Attention),
        ("gluon_argmax_split_fixed_block_gfx950", Category::Sampling),
        // MLA phase kernels with Triton's constexpr names appended (TokenSpeed, SlimServe)
        (
            "_mla_decode_fwd_kernel_num_query_heads_12_TILE_SIZE_64_QK_ROPE_HEAD_DIM_64",
            Category::Attention,
        ),
        ("mla_decode_reduce", Category::Attention),
        // DeepSeek mHC: the pre mix is elementwise, its GEMM gemm, its layer norm norm
        ("gluon_mhc_pre_gfx950", Category::Elementwise),
        ("mhc_pre_split_mixes_fwd_kernel", Category::Elementwise),
        ("_mhc_prenorm_gemm_triton_kernel", Category::Gemm),
        ("mhc_pre_gemm_sqrsum", Category::Gemm),
        ("_mhc_pre_layer_norm_hc4_kernel", Category::Norm),
        // KV pools (TokenSpeed benchmarks, candle-vllm GCU)
        ("_kpool_decode_append_kernel", Category::KvCache),
        ("_kpool_expand_slots_kernel", Category::KvCache),
        ("kvconcat_bf16", Category::KvCache),
        ("_kpool_score_dense_mma_kernel", Category::Attention),
        // sampling helpers, online softmax and p-norm, norms inside gated-delta blocks
        ("lp_idx_kernel", Category::Sampling),
        ("update_frequency_data_kernel", Category::Sampling),
        ("_online_softmax_forward_triton_kernel", Category::Reduction),
        ("online_softmax_kernel", Category::Reduction),
        ("_p_norm_triton_kernel", Category::Reduction),
        ("lpnorm_cleanup", Category::Reduction),
        ("__choreo_device_gdn_l2_norm_bf16", Category::Norm),
        ("gdn_rmsnorm_gated_kernel", Category::Norm),
        // GGUF k-quant formats alone; with a GEMV word the format is the weight operand
        ("q6k", Category::Quantize),
        ("gemv_q4k", Category::Gemm),
    ];
    for (name, want) in cases {
        let (got, rule) = t.classify_explained(name);
        assert_eq!(got, want, "{name}: rule {rule}");
    }
}

/// namesfix20 (docs/taxonomy-helpers.md, "MoE stages named by their step, RWKV step words, `fa_` and
/// Hadamard kernels"): real development names from at least two repositories per class.
#[test]
fn moe_step_stages_rwkv_steps_fa_prefix_and_hadamard() {
    let t = Taxonomy::embedded_ref();
    let cases = [
        // MoE stages named by their step (K100LC / vkernels-style runtime, inkling, heldout-20)
        ("down_combine_kernel", Category::Moe),
        ("inkling_moe_down_combine", Category::Moe),
        ("gather_weights_kernel", Category::Moe),
        ("moe_gather_topk_weights", Category::Moe),
        // RWKV step words (web-rwkv-gguf; cryscan/web-rwkv src/shaders/time_mix_v5.wgsl pipelines)
        ("time_mix_v7", Category::Ssm),
        ("time_first_v7", Category::Ssm),
        ("channel_mix_v7", Category::Ssm),
        ("time_mix_v5", Category::Ssm),
        ("rwkv_channel_mixing_pow_and_relu", Category::Activation),
        // `fa_` leading: flash attention (Hong-agent/K100LC-kernels `_Z` symbols, sparkinfer, rvllm)
        ("_Z21fa_decode_rows_comb_kPfPKfS1_S1_iiiiiim", Category::Attention),
        ("fa_split_kernel", Category::Attention),
        ("fa_combine_gated_q8_kernel", Category::Attention),
        ("fa3_v3_decode_gqa_kernel", Category::Attention),
        ("fa_kv_compact_view", Category::KvCache),
        // KV pools of sparse attention (DSA kpool; TokenSpeed kpool)
        ("dsa_kpool_assemble_kernel", Category::KvCache),
        ("dsa_kpool_decode_kernel", Category::KvCache),
        ("_kpool_decode_metadata_kernel", Category::Attention),
        // quantisation named by its consumer (K100LC attn_q_quant_k, MoE input quant, aiter)
        ("_Z14attn_q_quant_kPjPfPKfiiiii", Category::Quantize),
        ("mxfp4_moe_quant_kernel", Category::Quantize),
        ("mha_v4_per_tensor_quant_kernel", Category::Quantize),
        ("fused_mx_quant_moe_sort_kernel", Category::Moe),
        // norms inside linear-attention blocks (KDA; candle-vllm GCU gdn)
        ("kda_layer_norm_gated_kernel", Category::Norm),
        ("gdn_rmsnorm_gated_kernel", Category::Norm),
        ("rootMeanSquareNorm", Category::Norm),
        // standalone Hadamard transforms (pytorch/ao, SlimServe, pto-kernels); with quant: quantize
        ("_inverse_hadamard_kernel", Category::Elementwise),
        ("hadamard_k", Category::Elementwise),
        ("fast_hadamard_fp16", Category::Elementwise),
        ("fast_hadamard_quant_fp16_to_int8", Category::Quantize),
        // a standalone softmax's normalising pass (and an online softmax)
        ("softmax_normalize", Category::Reduction),
        ("online_softmax_kernel", Category::Reduction),
    ];
    for (name, want) in cases {
        let (got, rule) = t.classify_explained(name);
        assert_eq!(got, want, "{name}: rule {rule}");
    }
}

/// namesfix21 (docs/taxonomy.md, "Speculative-decoding steps, fused gate-up, quantised `_mm`"):
/// real development names from at least two repositories per class.
#[test]
fn spec_decode_steps_fused_gate_up_and_quantized_mm() {
    let t = Taxonomy::embedded_ref();
    let cases = [
        // speculative decoding's token steps (gllm-kernels eagle3.cu / medusa.cu, heldout-26;
        // TensorRT-LLM mtpAcceptDraftToken, heldout-6; eagleAcceptKernel, heldout-23)
        ("eagle3_predict_confidence_f32", Category::Sampling),
        ("eagle3_select_draft_length_f32", Category::Sampling),
        ("medusa_build_candidates_f32", Category::Sampling),
        ("medusa_verify_candidates_f32", Category::Sampling),
        ("mtpAcceptDraftToken", Category::Sampling),
        ("eagleAcceptKernel", Category::Sampling),
        // a dense gate+up projection named by its weight format: gemm (hipfire, litevLLM,
        // metal-marlin); with only an activation word: activation (Liger-Kernel, gllm-kernels);
        // the MoE router's fused gate stays moe (sglang, aiter)
        ("fused_gate_up_q4k", Category::Gemm),
        ("_packed_int4_symmetric_fused_gate_up_m1", Category::Gemm),
        ("dense_fused_gate_up_fp4", Category::Gemm),
        ("gated_mlp_fp4", Category::Gemm),
        ("gated_mlp_fp4_decode", Category::Gemm),
        ("fused_gate_up_silu_kernel", Category::Activation),
        ("_swiglu_fused_gate_up_forward_kernel", Category::Activation),
        ("moe_fused_gate_kernel", Category::Moe),
        ("fused_moe_gate_up_silu_kernel", Category::Moe),
        // a quantised matrix multiply spelled `_mm` (gllm-kernels) as `_matmul` (MLX)
        ("quantized_mm", Category::Gemm),
        ("quantized_matmul", Category::Gemm),
        ("kernel_mul_mm_id_q4_0_f32", Category::Moe),
        // a name opening with fused_matmul: the matmul leads, norm / rope are epilogues (DLBlas,
        // heldout-19; yalm, heldout-10)
        ("fused_matmul_and_rms_norm_and_rotary_pos_emb_kernel", Category::Gemm),
        ("fused_matmul_norm_rotary_emb_kernel", Category::Gemm),
        ("fused_matmul_add_residuals", Category::Gemm),
    ];
    for (name, want) in cases {
        let (got, rule) = t.classify_explained(name);
        assert_eq!(got, want, "{name}: rule {rule}");
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn classify_and_display_never_panic(name in "\\PC{0,200}") {
            let t = Taxonomy::embedded_ref();
            let _ = t.classify_explained(&name);
            let d = t.display_name(&name, 40);
            prop_assert!(d.chars().count() <= 40);
        }

        /// Bracket-heavy C++-like noise: unbalanced templates, operators, lambdas, clone
        /// suffixes, truncation marks, anonymous namespaces.
        #[test]
        fn cxx_like_noise_never_panics(parts in proptest::collection::vec(prop_oneof![
            Just("<"), Just(">"), Just("("), Just(")"), Just("["), Just("]"), Just("{"), Just("}"),
            Just("::"), Just(", "), Just(" "), Just("void "), Just("operator<"), Just("operator->"),
            Just("->"), Just("{lambda(float)#1}"), Just("(anonymous namespace)"), Just(" [clone .kd]"),
            Just(".kd"), Just("..."), Just("\u{2026}"), Just("_Z"), Just("N"), Just("E"), Just("I"),
            Just("vectorized_elementwise_kernel"), Just("cutlass::device_kernel"), Just("at::native::"),
            Just("kernel_cutlass_kernel_"), Just("_object_at_"), Just("triton_poi_fused_"), Just("gemm"),
            Just("é"), Just("4"), Just("'<'"),
        ], 0..60)) {
            let name: String = parts.concat();
            let t = Taxonomy::embedded_ref();
            let _ = t.classify_explained(&name);
            let d = t.display_name(&name, 60);
            prop_assert!(d.chars().count() <= 60);
            let _ = crate::taxonomy::Signature::parse(&name);
        }

        #[test]
        fn mangled_noise_never_panics(tail in "[A-Za-z0-9_]{0,120}") {
            let name = format!("_ZN{tail}");
            let _ = Taxonomy::embedded_ref().classify(&name);
        }
    }
}

/// namesfix22 (docs/taxonomy-helpers.md, "KV index copies, top-k transforms, hash kernels and
/// slot gathers"):
/// real development names from at least two repositories per class.
#[test]
fn kv_index_copies_topk_transforms_and_hash_kernels() {
    let t = Taxonomy::embedded_ref();
    let cases = [
        // a copy of the KV index lists (SGLang build_unified_kv_indices, heldout-27; vllm v1,
        // corpus 1; lightllm, corpus 2)
        ("_copy_unified_indices_kernel", Category::KvCache),
        ("_copy_page_indices_kernel", Category::KvCache),
        ("_fwd_kernel_copy_kv_index_to_req", Category::KvCache),
        // a gather by KV slots (vLLM-Kunlun-Exp, heldout-19; rtp-llm, heldout-5)
        ("_dequant_gather_slots_kernel", Category::KvCache),
        ("_dequantize_and_gather_k_slots_kernel", Category::KvCache),
        // the sparse-attention indexer's top-k transform (SGLang, heldout-27; vkernels, heldout-25)
        ("topk_transform_prefill_kernel", Category::Attention),
        ("topk_transform_prefill_ragged_kernel", Category::Attention),
        ("dsa_topk_transform_kernel", Category::Attention),
        // MoE hash routing (ATOM, heldout-10; aiter and flashinfer, corpus 2; vllm-ascend,
        // heldout-16) and a tensor-content hash, no model work (SGLang multimodal, heldout-27)
        ("_hash_topk_kernel", Category::Moe),
        ("_hash_routing", Category::Moe),
        ("moe_hash_topk_fused", Category::Moe),
        ("moe_gating_top_k_hash", Category::Moe),
        ("hash_tiles32_kernel_blocked", Category::Other),
        // the MoE token permutation's row map (DLBlas, heldout-19; TransformerEngine; ScaleLLM)
        ("permute_fused_gather_and_map_kernel", Category::Moe),
        ("moe_permute_row_map", Category::Moe),
        ("permute_row_id_map", Category::Moe),
        // not these words: a top-k alone stays reduction, an index copy of ATen stays memory
        ("topk_kernel", Category::Reduction),
        ("index_copy_kernel", Category::Memory),
    ];
    for (name, want) in cases {
        let (got, rule) = t.classify_explained(name);
        assert_eq!(got, want, "{name}: rule {rule}");
    }
}
