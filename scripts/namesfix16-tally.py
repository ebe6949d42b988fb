#!/usr/bin/env python3
"""Round-18 tally (namesfix16, issue #18): how the hand labels of every kernel-names*.tsv corpus
file the names of the heldout-20 miss classes (expert GEMMs with no MoE word, RWKV kernels by
their step word, and the other development misses), split by the co-occurring words that decide
them. Rows of every set-aside third (SET_ASIDE_7 ... SET_ASIDE_20, read from
crates/perfpilot-trace/tests/heldout_batch/set_aside.rs) are skipped by source repository; later
blind batches (kernel-names-21.tsv on) are not read.

Usage: python3 scripts/namesfix16-tally.py [tests/fixtures/trace] [-v]
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
    ("expert GEMMs with no MoE word (grouped / _id / slot / gather_mm / expert + GEMM word)",
     r"^(?!.*(moe|mixture)).*((group(ed)?|(^|_)id|slot|gather|expert)[a-z0-9_]*(gemm|gemv|matmul|mm|mv|gmm)|(gemm|gemv|matmul|(^|_)mm|mv|gmm)[a-z0-9_]*(group(ed)?|_id|slot|expert))", [
        ("expert / experts word", r"expert"),
        ("matmul_id / mul_mat_id / mm_id / mv_id (ggml, mlx: expert ids)", r"(mat|mm|mv|matmul|gemv|gemm)_id(_|$)|_id_(mat|mm|mv)"),
        ("slot gemv / gemm", r"slot"),
        ("gather_mm / gather_matmul", r"gather_?(mm|matmul|qmm)"),
        ("grouped / group gemm (no expert word)", r"group"),
    ]),
    ("RWKV kernels (rwkv / wkv / token-shift mix / rkv)", r"rwkv|(^|_)wkv|shift_mix|(^|_)(time|channel)_mix|(^|_)rkv(_|$)", [
        ("wkv / state recurrence word (wkv, state, chunk, scan, recurr)", r"(^|_)wkv|state|chunk|scan|recurr|(^|_)wy(_|$)"),
        ("norm word (layer_norm / layernorm / groupnorm / group_norm / normalize / ln)", r"norm|(^|_)ln[0-9]*(_|$)"),
        ("embedding word", r"embedding|(^|_)emb(_|$)"),
        ("activation word (relu_square / sqrelu / sigmoid / silu)", r"relu|sigmoid|silu|gelu"),
        ("token-shift / mix / add / scale word", r"shift|mix|(^|_)add(_|$)|scale"),
        ("concat / copy / split word", r"concat|cat(_|[0-9]|$)|copy|split"),
        ("projection / down / up / gemm word", r"proj|down|(^|_)up(_|$)|gemm|matmul"),
    ]),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 21)
    kernel_tally.report(rows, CLASSES, verbose=VERBOSE)


main()

