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
    ("fp8 cast / casting / conversion", r"fp8_?(cast|casting|conver)|(cast|convert)_?(to_)?fp8", [
        ("a quant / scale word", r"quant|scale"),
    ]),
    ("ifa / pfa (Ascend incremental / prompt flash attention)", r"(^|_)(ifa|pfa|fia)(_|$)", [("", r"$^")]),
    ("compressor", r"compressor", [("a kv / cache word", r"kv|cache")]),
    ("chunk reduce / fold with fa / attn", r"chunk_(reduce|fold|merge|combine)|(fa|attn|attention)[0-9]*_.*(reduce|fold)", [
        ("an fa / attention word", r"(^|_)fa[0-9]*(_|$)|attn|attention|flash"),
    ]),
    ("gather blocks", r"gather_([a-z0-9]+_)*blocks", [("an mx / fp4 word", r"mxfp|fp4|rhs|expert")]),
    ("kv prep / rearrange", r"kv_(prep|rearrange|transpose|permute)", [("", r"$^")]),
    ("expert act", r"expert_act", [("", r"$^")]),
    ("sum (simple / many inputs / xe / bare)", r"(^|_)sum(_|$)", [
        ("a reduce word", r"reduce|reduction|row|col|block|warp|dim|axis|softmax|norm|square|mean|cub|partial"),
    ]),
    ("tile with axis / tile", r"(^|_)tile(_|$)", [("", r"$^")]),
    ("dynamic scale / dst scale", r"dynamic_scale", [("", r"$^")]),
    ("top_k version / radix", r"(^|_)top_?k(_v[0-9]+)?$|radix_top_?k", [("a moe word", kernel_tally.MOE_WORDS)]),
    ("decode impl (templated)", r"decode_impl|shared_decode", [("", r"$^")]),
    ("paged decode", r"paged_decode", [("", r"$^")]),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 40)
    kernel_tally.report(rows, CLASSES, key=snake, verbose=VERBOSE)


main()
