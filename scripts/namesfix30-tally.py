#!/usr/bin/env python3
"""Round-32 tally (namesfix30, issue #18): how the hand labels of every kernel-names*.tsv corpus
file the names of the heldout-37 / 38 / 39 development miss classes (oneDNN-style layer-norm
spellings, FP8 casting functors, Ascend incremental / prompt flash attention, KV compressors,
chunked flash-attention reduce / fold steps, expert-weight block gathers, KV prep / rearrange,
expert activations, the singletons), split by the co-occurring words that decide them. Names are
keyed in snake case (CamelCase split at each capital). Rows of every set-aside third
(SET_ASIDE_7 ... SET_ASIDE_39, read from crates/perfpilot-trace/tests/heldout_batch/set_aside.rs)
are skipped by source repository; later blind batches (kernel-names-40.tsv on) are not read.

Usage: python3 scripts/namesfix30-tally.py [tests/fixtures/trace] [-v]
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
    ("lnorm / gnorm / bnorm (oneDNN short norm words)", r"(^|_)[lgb]norm(_|$)", [("", r"$^")]),
    ("fp8 + cast / casting (any order)", r"fp8_?(cast|casting)|cast_?(to_)?fp8", [
        ("format first, kernel / functor last", r"(^|_)(fp8|fp4)_?cast(ing)?[a-z0-9_]*(kernel|functor)$"),
        ("a kv / cache word", r"kv|cache"),
        ("an activation word", r"gated|swiglu|silu|gelu"),
    ]),
    ("simulated fp8", r"fp8_?sim", [("", r"$^")]),
    ("ifa / pfa / fia (Ascend flash attention by phase)", r"(^|_)(ifa|pfa|fia)(_|$)", [("", r"$^")]),
    ("compressor", r"compressor", [("a kv / cache word", r"kv|cache")]),
    ("attention / fa word + reduce / fold / merge / combine", r"reduce|fold|merge|combine", [
        ("an fa / attention word", r"(^|_)fa[0-9]*(_|$)|attn|attention"),
    ]),
    ("paged decode", r"paged_decode", [("an indices word", r"indices")]),
    ("split-KV / shared-KV decode", r"(^|_)(shared|split_?kv)_decode", [("", r"$^")]),
    ("c<ratio>_decode / prefill", r"^_?c[0-9]+_(decode|prefill)", [("", r"$^")]),
    ("gather ... rhs", r"gather_([a-z0-9]+_)*rhs", [("", r"$^")]),
    ("(q)kv rearrange / transpose / permute", r"(^|_)q?kv_?(rearrange|transpose|permute|prep)", [
        ("a prep word", r"prep"),
    ]),
    ("expert act", r"expert_act", [("", r"$^")]),
    ("<word>_sum as the whole name", r"^[a-z0-9]+_sum$|^(many|multi)_inputs?_sum$", [
        ("a reduce word", r"reduce"),
    ]),
    ("bare tile", r"^_?tile(_with_axis)?(_?kernel)?$", [("", r"$^")]),
    ("dynamic scale", r"dynamic_scale", [("", r"$^")]),
    ("radix top-k", r"radix_?top_?k", [
        ("a sampling word", r"logit|prob|renorm|small"),
        ("an indexer / sparse word", r"dsa|indexer|sparse"),
    ]),
    ("bare top_k / topk (+ kernel / version)", r"^_?(kernel_)?top_?k(_kernel)?(_v[0-9]+)?$", [("", r"$^")]),
    ("ar + block word", r"(^|_)ar_(mb|sb|oneshot|twoshot)$", [("", r"$^")]),
    ("decompress", r"decompress", [("an mla / kv word", r"mla|kv")]),
    ("router GEMM (rgemm)", r"(^|_)rgemm", [("", r"$^")]),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 40)
    kernel_tally.report(rows, CLASSES, key=snake, verbose=VERBOSE)


main()
