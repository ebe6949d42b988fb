//! Rules of the namesfix32 round (issue #18, docs/taxonomy-spellings.md "TurboQuant cache moves,
//! KVarN, RWKV mm8 and wht (namesfix32)"): real development names with the category their source
//! gives them, with the neighbours that share a word and keep their own category. Sources:
//! `data/taxonomy.toml` (each rule's `source`) and `scripts/namesfix30-tally.py` (round-34
//! classes).

mod name_check;

use name_check::check;
use perfpilot_trace::taxonomy::Category;

/// docs/taxonomy.md convention 1 applied to TurboQuant: a KV-cache read, write, store, turbo-type
/// dequantisation or ggml `set_rows` into a turbo cache type is kv_cache whatever the quantiser
/// (spiritbuun/buun-llama-cpp, heldout-41; genesis-vllm-patches, heldout-28; SlimServe, heldout-14;
/// vllm_hybrid, heldout-13); the encoder itself stays quantize, TurboQuant attention stays
/// attention, ggml's ternary weight types tq1_0 / tq2_0 keep their GEMM / dequant families.
#[test]
fn turboquant_cache_moves_are_kv_cache() {
    check(&[
        ("k_turbo3_dequant_f16", Category::KvCache),
        ("k_turbo2_dequant_f16_inv_fwht", Category::KvCache),
        ("k_turbo3_tcq_dequant_f16", Category::KvCache),
        ("k_set_rows_turbo2_tcq", Category::KvCache),
        ("dequant_turbo4_0", Category::KvCache),
        ("_g4_tq_read_kernel", Category::KvCache),
        ("_g4_tq_write_packed_kernel_3bit", Category::KvCache),
        ("tq_store_fp8", Category::KvCache),
        ("_tq_fused_store_fp8", Category::KvCache),
        ("tq_full_dequant_kv", Category::KvCache),
        ("tq_encode", Category::Quantize),
        ("tq_decode_stage1", Category::Attention),
        ("flash_attn_vec_tq_dk256", Category::Attention),
        ("dequant_tq2_0", Category::Quantize),
        ("mul_mat_vec_tq2_0_f32_f32", Category::Gemm),
        ("kernel_get_rows_tq2_0", Category::Memory),
    ]);
}

/// KVarN's fused decode / verify kernels are the attention over the quantised cache, its scatter
/// store and packing the cache write (syv-ai/qwen38-27b-rtx3090 triton_kvarn_decode.py,
/// heldout-42; the same names in SGLang and mistral.rs ports).
#[test]
fn kvarn_decode_is_attention_and_store_is_kv_cache() {
    check(&[
        ("_kvarn_fused_decode_kernel", Category::Attention),
        ("_kvarn_fused_decode_stage1", Category::Attention),
        ("_kvarn_fused_verify_stage1", Category::Attention),
        ("_kvarn_scatter_store_kernel", Category::KvCache),
        ("_kvarn_build_packed_kv_kernel", Category::KvCache),
    ]);
}

/// RWKV's int8-weight matmul `mm8` (BlinkDL/ChatRWKV kernel_mm8_seq / kernel_mm8_one;
/// rwkv-cpp-accelerated kernel_mm8_threec / kernelc_mm8_one, heldout-41) is gemm; the RWKV step
/// words keep their ssm family.
#[test]
fn rwkv_mm8_is_gemm() {
    check(&[
        ("kernel_mm8_threec", Category::Gemm),
        ("kernelc_mm8_one", Category::Gemm),
        ("kernel_mm8_seq", Category::Gemm),
        ("_mm8_gemv_kernel", Category::Gemm),
        ("time_mix_v7", Category::Ssm),
    ]);
}

/// A Walsh-Hadamard transform abbreviated `wht` is the standalone rotation (buun-llama-cpp
/// turbo-wht.cu k_turbo_wht, heldout-41), like `fwht`; fused with a quantiser it stays quantize.
#[test]
fn wht_is_elementwise() {
    check(&[
        ("k_turbo_wht", Category::Elementwise),
        ("fwht", Category::Elementwise),
        ("k_turbo_fwht_forward", Category::Elementwise),
        ("rrs_fwht_quantize_q8_1_fused_kernel", Category::Quantize),
    ]);
}
