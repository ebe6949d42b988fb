#!/usr/bin/env python3
"""Round-30 tally (namesfix28, issue #18): how the hand labels of every kernel-names*.tsv corpus
file the names of the heldout-33/34/35 development miss classes (grouped expert GEMMs, sparse
indexer steps in plain words, hyper-connection up / down / inject, KV-cluster selection, MoE
permutation builders, SwiGLU MLPs, argmax stages, reduce-scatter + norm + all-gather, EOS checks,
Marlin's MoE GEMM), split by the co-occurring words that decide them. Names are keyed in snake
case (CamelCase split at each capital). Rows of every set-aside third (SET_ASIDE_7 ...
SET_ASIDE_35, read from crates/perfpilot-trace/tests/heldout_batch/set_aside.rs) are skipped by
source repository; later blind batches (kernel-names-36.tsv on) are not read.

Usage: python3 scripts/namesfix28-tally.py [tests/fixtures/trace] [-v]
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


INDEXER = r"indexer|(^|_)idx|sparse|(^|_)kv|win|mask|comb|score|attn|attention|mla|nsa|dsa"
PICK = r"draft|logit|sampl|token|row|candidate|vocab|greedy|verify|spec|last|multi"
CLASSES = [
    ("grouped (bare grouped_*_kernel)", r"^grouped(_[a-z0-9]+)*_kernel$", [("", r"$^")]),
    ("grouped GEMM anywhere", r"grouped_?(gemm|mm|matmul|wmma|kernel)", [
        ("a MoE word", kernel_tally.MOE_WORDS),
    ]),
    ("top-k step words (hist / select / row / filter)", r"top_?k_(hist|select|row|filter)", [
        ("a MoE word", kernel_tally.MOE_WORDS),
        ("a token-pick word", r"sampl|logit|token|top_?p"),
    ]),
    ("block keys / bare scores", r"^(block_keys|scores)(_kernel)?$|block_keys", [("", r"$^")]),
    ("hc up / down / inject / mix", r"(^|_)m?hc_(up|down|inject|pre|post|mix|gates?)(_|$)", [("", r"$^")]),
    ("centroids / neighbour / selected indices", r"centroid|neigh|sel_ind|selected_ind", [
        ("a kmeans / cluster word", r"kmeans|cluster"),
    ]),
    ("permute / reverse-perm builders", r"build_.*perm|reverse_perm|permute_ind", [
        ("a MoE word", kernel_tally.MOE_WORDS),
    ]),
    ("swiglu + mlp / gate_up", r"swiglu_(mlp|gate_up)|(mlp|gate_up)_swiglu", [("", r"$^")]),
    ("expert(s) + swiglu", r"experts?_.*swiglu|swiglu_.*experts?", [("", r"$^")]),
    ("argmax", r"argmax", [
        ("a MoE word", kernel_tally.MOE_WORDS),
        ("an indexer / attention word", INDEXER),
        ("a token-pick word", PICK),
        ("rest of argmax", r"."),
    ]),
    ("rs + norm + ag", r"(^|_)rs_.*(ln|norm).*_ag(_|$)|reduce_scatter.*norm.*all_gather", [("", r"$^")]),
    ("eos check", r"check_?(for_?)?eos|(is|detect|find)_?eos|eos_(check|detect)", [("", r"$^")]),
    ("marlin moe", r"marlin.*moe|moe.*marlin", [("", r"$^")]),
    ("conv + silu", r"(^|_)(conv(1d)?|dconv)_([a-z0-9]+_)?silu|silu_([a-z0-9]+_)?conv(1d)?(_|$)", [("", r"$^")]),
    ("recurrence", r"(^|_)recurrence(_|$)", [("", r"$^")]),
    ("GQA K/V expansion (repeat / expand kv)", r"repeat_?kv|(^|_)expand_?kv(_|$)|(^|_)expand_v(_|$)", [("", r"$^")]),
    ("swap in / out", r"swap_in|swap_out", [("a kv / block / cache word", r"kv|block|cache")]),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 36)
    kernel_tally.report(rows, CLASSES, key=snake, verbose=VERBOSE)


main()
