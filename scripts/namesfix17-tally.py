#!/usr/bin/env python3
"""Round-19 tally (namesfix17, issue #18): how the hand labels of every kernel-names*.tsv corpus
file the names of the heldout-21 / heldout-22 miss classes (trtllm-gen batched-GEMM cubins,
signalling kernels of communication libraries, cuDNN convolutions with an activation word, the
MoE router's top-k softmax, sparse-indexer kernels, MLA / attend words), split by the
co-occurring words that decide them. Rows of every set-aside third (SET_ASIDE_7 ... SET_ASIDE_22,
read from crates/perfpilot-trace/tests/heldout_batch/set_aside.rs) are skipped by source
repository; later blind batches (kernel-names-23.tsv on) are not read.

Usage: python3 scripts/namesfix17-tally.py [tests/fixtures/trace] [-v]
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_tally  # noqa: E402

ROOT, VERBOSE = kernel_tally.cli_args()

# (class, the class's words, [(group, deciding co-occurring words)]): a name joins the first
# group whose words it holds, else `rest`. Words are matched on the lower-cased full name.
CLASSES = [
    ("trtllm-gen batched-GEMM cubins (bmm_<dtype>_..._t<M>x<N>x<K>...)",
     r"^(void )?bmm_[a-z0-9]+_[a-z0-9]+_.*_t[0-9]+x[0-9]+x[0-9]+", [
        ("dynamic batch word (dynB / dynBatch: per-expert token counts)", r"_dynb(atch)?(_|$)"),
    ]),
    ("plain bmm word (no trtllm-gen tile string)",
     r"(^|_)bmm(_|$)(?!.*_t[0-9]+x[0-9]+x[0-9]+)", [
        ("ssm chunk word", r"chunk"),
        ("attention / rope / mla word", r"attn|attention|rope|mla|pool_sim"),
    ]),
    ("signalling kernels (flag / semaphore / signal / barrier / seq counter)",
     r"(^|_)(write|wait|set|reset|clear|check|poll|signal|put|get)_?(flag|flags|signal|semaphore)s?|(^|_)(flag|semaphore|signal)s?_(kernel|set|wait|reset|write|put)|semaphore|barrier|(^|_)seq_add|(^|_)(wait|notify)_(kernel|peer|rank)", [
        ("a collective / EP / comm-library word too", r"nccl|rccl|all_?reduce|all_?gather|reduce_?scatter|a2a|all_?to_?all|dispatch|combine|nvshmem|mscclpp|ipc|peer|rank|p2p|custom_ar|deep_?ep"),
        ("gemm / attention / moe word too (a fused kernel's own sync)", r"gemm|matmul|attn|attention|moe|flash"),
        ("barrier word", r"barrier"),
        ("flag / signal / semaphore word", r"flag|signal|semaphore"),
    ]),
    ("cuDNN-named kernels (cudnn in the name)", r"cudnn", [
        ("activation word + layout word (nhwc / nchw)", r"(relu|gelu|silu|sigmoid|tanh|swish).*(nhwc|nchw)|(nhwc|nchw).*(relu|gelu|silu|sigmoid|tanh|swish)"),
        ("activation word, no layout", r"relu|gelu|silu|sigmoid|tanh|swish"),
        ("layout word", r"nhwc|nchw|ndhwc"),
    ]),
    ("top-k softmax / softmax top-k", r"top_?k_?softmax|softmax_?top_?k", [
        ("beam / sampling word", r"beam|sampl|logit|vocab"),
        ("renorm / bias word", r"renorm|bias"),
    ]),
    ("sparse indexer / DSA kernels", r"indexer|(^|_)dsa(_|$)|lightning_?index|sparse_?(mla|attn|attention|prefill|decode)", [
        ("top-k word", r"top_?k|radix|select"),
        ("quant / cache word", r"quant|cache|fp8|k_cache"),
    ]),
    ("attend word", r"(^|_|[a-z])attend", [
        ("ker / kernel", r"ker"),
    ]),
]

# A case-sensitive class: `MLA` as a capitalised word inside a CamelCase name.
CASED = [
    ("MLA in a CamelCase name (MLATp1Spec, MLAPreprocess, ...)", r"MLA[A-Z0-9]|[a-z]MLA|^A?MLA", [
        ("Tp / Spec / Kernel word", r"Tp[0-9]|Spec|Kernel"),
    ]),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 23)
    kernel_tally.report(rows, CLASSES, verbose=VERBOSE)
    kernel_tally.report(rows, CASED, key=lambda n: n, verbose=VERBOSE)


main()
