#!/usr/bin/env python3
"""Round-24 tally (namesfix22, issue #18): how the hand labels of every kernel-names*.tsv corpus
file the names of the heldout-27 development miss classes (index-list copies of a serving
engine's attention backend, the sparse-attention indexer's top-k transforms, hash kernels),
split by the co-occurring words that decide them. Rows of every set-aside third (SET_ASIDE_7 ...
SET_ASIDE_27, read from crates/perfpilot-trace/tests/heldout_batch/set_aside.rs) are skipped by
source repository; later blind batches (kernel-names-28.tsv on) are not read.

Usage: python3 scripts/namesfix22-tally.py [tests/fixtures/trace] [-v]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_tally  # noqa: E402

ROOT, VERBOSE = kernel_tally.cli_args()

CLASSES = [
    ("index lists (`indices`, `index`) with a copy word", r"copy_([a-z0-9]+_)?ind(ices|ex)(_|$)", [
        ("an Inductor name (`_to_copy` op)", r"^triton_(poi|red|per|tem)_fused"),
        ("kv / page / unified word", r"kv|page|unified"),
    ]),
    ("`indices` (all)", r"indices", [
        ("a MoE / routing word", kernel_tally.MOE_WORDS),
        ("kv / page / cache word", r"kv|page|cache"),
        ("top-k / sparse / swa word", r"top_?k|sparse|swa"),
        ("embedding / table word", r"embedding|table|bounds"),
    ]),
    ("top-k transform (`topk_transform`, `topk_logits_transform`)",
     r"top_?k_([a-z0-9]+_)?transform", [
        ("dsa / nsa / indexer word", r"dsa|nsa|indexer"),
        ("prefill / decode / ragged word", r"prefill|decode|ragged"),
    ]),
    ("`transform` (all)", r"transform", [
        ("top-k word", r"top_?k"),
        ("0213 / 4d layout word", r"0213|20314|4d"),
        ("hadamard word", r"hadamard"),
    ]),
    ("`slot` words (`slot`, `slots`)", r"slots?(_|$)", [
        ("gather word", r"gather"),
        ("mapping / ids / filtering word", r"mapping|ids|filter"),
    ]),
    ("`permute` ... `map` (the MoE token permutation's row map)", r"permute_([a-z0-9]+_)*map", [
        ("a word between (`permute_row_id_map`)", r"permute_([a-z0-9]+_)+map"),
    ]),
    ("`hash`", r"hash", [
        ("hash routing / top-k / gate / moe word", r"top_?k|routing|gate|moe|expert|logic_to_physical"),
        ("embedding / hashmap / engram word", r"embedding|hashmap|engram"),
        ("tiles / tensor / content word (the hash of data)", r"hash_tiles?[0-9]*|(tensor|content|data)_hash"),
    ]),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 28)
    kernel_tally.report(rows, CLASSES, key=lambda n: n.lower(), verbose=VERBOSE)


main()
