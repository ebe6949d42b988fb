#!/usr/bin/env python3
"""Round-20 tally (namesfix18, issue #18): how the hand labels of every kernel-names*.tsv corpus
file the names of the heldout-23 miss classes (MoE token bookkeeping without a MoE word, KV-cache
transfer / offload and step-advance kernels, sparse-attention index builders, sampler helpers,
grouped GEMMs), split by the co-occurring words that decide them. Rows of every set-aside third
(SET_ASIDE_7 ... SET_ASIDE_23, read from crates/perfpilot-trace/tests/heldout_batch/set_aside.rs)
are skipped by source repository; later blind batches (kernel-names-24.tsv on) are not read.

Usage: python3 scripts/namesfix18-tally.py [tests/fixtures/trace] [-v]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_tally  # noqa: E402

ROOT, VERBOSE = kernel_tally.cli_args()

MOE = kernel_tally.MOE_WORDS

CLASSES = [
    ("token shuffling / zip / unzip / dense-padded tokens (no MoE word decides first)",
     r"shuffl|(^|_)tokens?_(un)?zip|(un)?zip_tokens|dense_tokens|padded_tokens|(^|_)(un)?permute_tokens|tokens_(un)?permute", [
        ("a MoE word too", MOE),
        ("a quant word too", r"quant|fp8|int8"),
        ("attention / kv word", r"attn|attention|kv|cache"),
    ]),
    ("gather-scale / scatter-add / scatter-weighted", r"gather_scale|scatter_add|scatter_weighted|weighted_scatter", [
        ("a MoE word too", MOE),
        ("tokens word", r"token"),
        ("mmq / gemm word", r"mmq|gemm|matmul"),
    ]),
    ("align stages (moe_align_block_size)", r"(^|_)align(_|$)|align_stage|align_block", [
        ("a MoE word too", MOE),
        ("stage / count / cumsum / pad / scatter", r"stage|count|cumsum|pad|scatter|sort"),
    ]),
    ("grouped GEMM names (`grouped` word)", r"grouped", [
        ("a MoE word too", MOE),
        ("attention / conv / query word", r"attn|attention|query|gqa|conv|norm"),
        ("bare <dtype>_grouped_kernel form", r"^_?[a-z0-9]+(_[a-z0-9]+)?_grouped(_kernel)?$"),
        ("gemm / mm / kernel", r"gemm|mm|matmul|kernel"),
    ]),
    ("KV-cache transfer / offload / reshape", r"load_and_reshape|reshape_and_cache|kv_transfer|block_transfer|multi_layer|transfer_kernel|offload|swap_blocks|copy_blocks", [
        ("kv / cache word", r"kv|cache"),
        ("block / layer word", r"block|layer"),
        ("rest with transfer", r"transfer"),
    ]),
    ("length tensor / step advance", r"length_?tensor|seq_?len|advance_step|increment_?length|(^|_)advance", [
        ("kv / cache word", r"kv|cache"),
        ("attention word", r"attn|attention|fmha|mha"),
        ("step word", r"step"),
    ]),
    ("k2q / GetMaxLen / indexer builders", r"k2q|getmaxlen|get_max_len|max_?len_?kernel", [
        ("attention word", r"attn|attention"),
    ]),
    ("staged top-k (topk_stage / topKStage)", r"top_?k_?stage", [
        ("beam word", r"beam"),
        ("sampling / return word after the stage", r"stage_?[0-9]_?(sampling|return)"),
        ("bare stage (+ kernel / opt)", r"stage"),
    ]),
    ("argmax / softmaxKernelImpl", r"argmax|softmaxkernelimpl", [
        ("sampling / logits / entropy word", r"sampl|logit|entropy|token|vocab|beam"),
        ("moe word", MOE),
    ]),
    ("dtype-string GEMM names (f8f8bf16, bf16i4, mx8mx4bf16) and block-scaled mm", r"(^|_)(bf16i4|f8f8bf16|f8i4bf16|i8i8bf16|f4f4bf16|mx8mx4bf16|bf16bf16bf16)|(^|_)mm_[a-z0-9]*(fp8|int8|fp4|w8a8|a8w8)[a-z0-9]*_(blockscale|blockwise)", [
        ("grouped word", r"grouped"),
        ("rowwise / groupwise / splitk / blockscale", r"rowwise|groupwise|blockwise|tensorwise|splitk|blockscale"),
    ]),
    ("prefill / decode ... metadata", r"(prefill|decode)[a-z0-9_]*metadata", [
        ("mla / msa / graph word", r"mla|msa|graph"),
    ]),
    ("m3 / msa top-k (indexer top-k without indexer word)", r"(^|_)(m3|msa|dsa|nsa)_.*top_?k|top_?k.*(_m3|_msa|_dsa|_nsa)", [
        ("kernel", r"kernel"),
    ]),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 24)
    kernel_tally.report(rows, CLASSES, verbose=VERBOSE)


main()
