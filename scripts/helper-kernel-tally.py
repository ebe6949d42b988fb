#!/usr/bin/env python3
"""Helper-kernel tally (namesfix14, issue #18): how the hand labels of every kernel-names*.tsv
corpus file the names of the heldout-18 miss classes (attention planning / metadata kernels,
EP communication helpers, fused multi-step names), split by the co-occurring
words that decide them. Rows of every set-aside third (SET_ASIDE_7 ... SET_ASIDE_18, read from
crates/perfpilot-trace/tests/heldout_batch/set_aside.rs) are skipped by source repository; later
blind batches (kernel-names-19.tsv on) are not read. Words are matched in the own name only
(template arguments such as ATen's TensorListMetadata do not count).

Usage: python3 scripts/helper-kernel-tally.py [tests/fixtures/trace] [-v]
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_tally  # noqa: E402

ROOT, VERBOSE = kernel_tally.cli_args()

# (class, the class's words, [(group, deciding co-occurring words)]): a name joins the first
# group whose words it holds, else `rest`.
CLASSES = [
    ("plan/metadata", r"metadata|indptr|num_blocks|window_start|page_table|page_ids?(_|$)", [
        ("page/block table, page ids, slot mapping, kv indices", r"page_table|page_ids?(_|$)|block_table|slot_mapping|kv_indices"),
        ("phase word (decode/prefill/graph/varlen/attn/msa/nsa) before the plan word",
         r"(^|_)(decode|prefill|graph|varlen|attn|attention|msa|nsa)_([a-z0-9]+_)*"
         r"(metadata|indptr|num_blocks|window_start)(_|$)"),
        ("attention variant (mla/pa/rpa/indexer)", r"(^|_)(mla|pa|rpa|indexer|flashmla)(_|$)"),
        ("moe words (route/expert/grouped/dispatch/combine/permute)",
         r"route|expert|grouped|dispatch|combine|permute"),
    ]),
    ("EP helpers", r"notify|dispatch_layout|(^|_)kernel_(read|write)$", [
        ("notify (per-rank counts before dispatch/combine)", r"notify"),
        ("dispatch layout, EP namespace", r"(^|::)(deep_)?ep::"),
        ("dispatch layout, bare", r"dispatch_layout"),
        ("bare transport read/write", r"(^|_)kernel_(read|write)$"),
    ]),
    ("prefill passes", r"(^|_)(chunked|prefix)_prefill(_|$)", [("all", r".")]),
    ("kv compress", r"(^|_)kv_compress(_|$)", [("all", r".")]),
    ("gated act + quant for DeepGEMM", r"(silu|gelu|swiglu|swiglustep)_(and_)?mul_([a-z0-9]+_)*quant", [
        ("named after deep_gemm", r"deep_?gemm"),
    ]),
    ("GEMM split-K reduce, reduce first", r"reduce_split_?k([0-9]|_|$)", [("all", r".")]),
    ("attention operand projection", r"(^|_)(q|k|v|query|key|value|qkv|kv|o|out|output|down|up|gate)_proj(ection)?(_|$)", [
        ("an expert's projection", r"expert"),
        ("attention operand (q/k/v/qkv/o/out/query)", r"(^|_)(q|k|v|query|key|value|qkv|kv|o|out|output)_proj"),
    ]),
]


def own(name):
    """The own name, camelCase split with underscores, lower case."""
    n = re.sub(r"\(.*", "", name)
    n = re.sub(r"<.*", "", n).split(" ")[-1]
    n = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", n)
    return n.lower()


def main():
    rows = kernel_tally.corpus_rows(ROOT, 19)
    kernel_tally.report(rows, CLASSES, key=own, verbose=VERBOSE)


if __name__ == "__main__":
    main()
