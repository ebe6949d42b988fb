#!/usr/bin/env python3
"""Round-26 tally (namesfix24, issue #18): how the hand labels of every kernel-names*.tsv corpus
file the names of the heldout-29 development miss classes (ATen elementwise_kernel functors that
name the op: copy / fill / activation; rocPRIM transforms; triu / tril; fused norm + GEMV; expert
dequantisation and weighted adds; causal softmax; sequence-dim concat), split by the co-occurring
words that decide them. Rows of every set-aside third (SET_ASIDE_7 ... SET_ASIDE_29, read from
crates/perfpilot-trace/tests/heldout_batch/set_aside.rs) are skipped by source repository; later
blind batches (kernel-names-30.tsv on) are not read.

Usage: python3 scripts/namesfix24-tally.py [tests/fixtures/trace] [-v]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_tally  # noqa: E402

ROOT, VERBOSE = kernel_tally.cli_args()

ACT = r"silu|gelu|relu|sigmoid|tanh|swish|mish|hardswish|elu_kernel|softplus"

CLASSES = [
    ("ATen `elementwise_kernel` / `vectorized_elementwise_kernel` / `unrolled_elementwise_kernel`",
     r"elementwise_kernel", [
         ("copy functor (`direct_copy_kernel`, `copy_kernel`)", r"direct_copy_kernel|(^|[^a-z])copy_kernel|copy_device_to_device"),
         ("fill functor (`FillFunctor`, `fill_kernel`)", r"fillfunctor|fill_kernel"),
         ("activation functor (silu / gelu / relu / sigmoid / tanh ...)", ACT),
         ("arithmetic functor (add / mul / div / sub / neg / pow / exp / sqrt ...)",
          r"add|mul|div|sub|neg|pow|exp|sqrt|abs|where|compare|clamp|bitwise|reciprocal"),
     ]),
    ("rocPRIM `transform_kernel`", r"rocprim::detail::transform_kernel|rocprim.*transform", [
        ("identity transform", r"identity"),
    ]),
    ("`triu` / `tril`", r"triu|tril", [("", r"$^")]),
    ("fused norm + GEMV / GEMM / matmul", r"(rms_?norm|layer_?norm|(^|_)norm).*(gemv|gemm|matmul|matvec|qkv)|(gemv|gemm|matmul|matvec).*(rms_?norm|layer_?norm)", [
        ("fused word", r"fused"),
    ]),
    ("dequantise with an expert / moe word", r"dequant.*(expert|moe)|(expert|moe).*dequant", [("", r"$^")]),
    ("weighted add / weighted sum", r"weighted_(add|sum)|weighted_?acc", [
        ("an expert / moe / topk word", r"expert|moe|topk|gpt_oss"),
    ]),
    ("softmax with causal / mask", r"softmax.*(causal|mask)|(causal|mask).*softmax", [
        ("attention / attn / score word", r"attn|attention|score|qk"),
        ("batched word", r"batched"),
    ]),
    ("concat", r"concat|(^|_)cat(_|$)", [
        ("kv / cache / seq word", r"kv|cache|seq"),
    ]),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 30)
    kernel_tally.report(rows, CLASSES, key=lambda n: n.lower(), verbose=VERBOSE)


main()
