#!/usr/bin/env python3
"""Round-28 tally (namesfix26, issue #18): how the hand labels of every kernel-names*.tsv corpus
file the names of the heldout-31 development miss classes (fused gate/up projections with a
weight format or GEMV word; DP4A packed dot products; argmax stages; short / conv1d convolutions
spelled in CamelCase; speculative-tree and state-advance steps; radix top-k passes; quantise
kernels ending in `linear`; quantised embedding lookups), split by the co-occurring words that
decide them. Names are keyed in snake case (CamelCase split at each capital). Rows of every
set-aside third (SET_ASIDE_7 ... SET_ASIDE_31, read from
crates/perfpilot-trace/tests/heldout_batch/set_aside.rs) are skipped by source repository; later
blind batches (kernel-names-32.tsv on) are not read.

Usage: python3 scripts/namesfix26-tally.py [tests/fixtures/trace] [-v]
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_tally  # noqa: E402

ROOT, VERBOSE = kernel_tally.cli_args()


def snake(name):
    """CamelCase split at each capital that follows a lower-case letter or digit, lower-cased."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


CLASSES = [
    ("fused gate/up (`gate_up`, `gateup`)", r"gate_?up", [
        ("a MoE / expert word", kernel_tally.MOE_WORDS.replace("|gate", "")),
        ("a GEMV / GEMM / matmul / weight-format word",
         r"gemv|gemm|matmul|mat_?vec|(^|_)q[0-9]_?k|(^|_)q[0-9]_[0-9]|dp4a|int4|fp8|awq|gptq|w4a|w8a"),
        ("a norm word", r"norm"),
        ("an activation word only", r"silu|swiglu|gelu|geglu|act"),
    ]),
    ("DP4A", r"dp4a", [("", r"$^")]),
    ("argmax", r"argmax", [
        ("a stage word (block / final / reduce / partial)", r"block|final|reduce|partial|stage"),
    ]),
    ("short conv / conv1d", r"short_?conv|conv_?1d|conv_tree|conv1d", [
        ("a 2-D / image word", r"conv2d|image|nchw|nhwc|depthwise_?2d"),
    ]),
    ("speculative tree / state advance", r"build_tree|tree_(update|verify|scan|gram)|state_advance|_tree_", [
        ("a gdn / delta / ssm word", r"gdn|delta|ssm|mamba"),
        ("a sampling / draft word", r"sampl|draft|spec|eagle"),
    ]),
    ("radix top-k", r"radix_?top_?k", [("", r"$^")]),
    ("quantise … linear", r"quantiz?e?_linear", [("", r"$^")]),
    ("quantised embedding", r"quant[a-z]*_([a-z0-9]+_)*embed|embed[a-z]*_([a-z0-9]+_)*quant", [("", r"$^")]),
    ("row-vector / matrix product", r"row_?mat_?product|mul_?mat", [("", r"$^")]),
    ("FlashKDA", r"flash_?kda", [("", r"$^")]),
    ("Gram word", r"(^|_)gram(_|$)", [("", r"$^")]),
    ("sparse-attention block map", r"block_?map|pool_sim", [("an ssm / state word", r"ssm|state")]),
    ("tensor add", r"tensor_?add", [("", r"$^")]),
    ("attention cache update", r"(attention|attn)_?cache_?(update|write|store)", [("", r"$^")]),
    ("g / beta gating", r"compute_?g_?beta|compute_?beta_?g", [("", r"$^")]),
    ("decode … combine", r"(^|_)decode_([a-z0-9]+_)*combine", [("", r"$^")]),
    ("gated norm in CamelCase (key splits it)", r"norm_gated?(_|$)", [("a gate/up word", r"gate_?up")]),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 32)
    kernel_tally.report(rows, CLASSES, key=snake, verbose=VERBOSE)


main()
