#!/usr/bin/env python3
"""Round-27 tally (namesfix25, issue #18): how the hand labels of every kernel-names*.tsv corpus
file the names of the heldout-30 development miss classes (trtllm-gen `bmm_*` cubins by their
operand formats and MoE marks; top-k kernels with an indexer / sparse-attention word; indexer
store / compress steps; hyper-connection prenorm GEMMs, combine and residual kernels; speculative
selector heads; short / ring convolutions), split by the co-occurring words that decide them.
Rows of every set-aside third (SET_ASIDE_7 ... SET_ASIDE_30, read from
crates/perfpilot-trace/tests/heldout_batch/set_aside.rs) are skipped by source repository; later
blind batches (kernel-names-31.tsv on) are not read.

Usage: python3 scripts/namesfix25-tally.py [tests/fixtures/trace] [-v]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_tally  # noqa: E402

ROOT, VERBOSE = kernel_tally.cli_args()

CLASSES = [
    ("trtllm-gen `bmm_*` cubins", r"^bmm_[a-z0-9]+_.*_t[0-9]+x[0-9]+x[0-9]+", [
        ("`dynB` / `dynBatch` mark", r"_dynb(atch)?(_|$)"),
        ("MX-format operand (`MxE2m1`, `MxE4m3`)", r"_mxe[0-9]m[0-9]|_mxe[0-9]m[0-9]"),
        ("`biasFp32M` mark", r"_biasfp32m"),
        ("`_bN_` mark", r"_bn(_|$)"),
    ]),
    ("top-k", r"topk|top_k", [
        ("an indexer / sparse-attention / cooperative / sampled word",
         r"indexer|dsa|nsa|sparse|cooperative|sampled_topk|dsv4"),
        ("a selector / draft word", r"selector|draft|dflash"),
        ("a radix / digit word (ATen's mbtopk)", r"mbtopk|radix|digit"),
    ]),
    ("indexer store / kv-pool compress", r"indexer_store|kpool|k_pool", [("", r"$^")]),
    ("hyper-connection (`hc_`, `mhc`, `Hc`)", r"(^|_|::)m?hc_|hccombine|mhc", [
        ("a GEMM / prenorm word", r"gemm|prenorm"),
        ("a combine / residual word", r"comb|res"),
        ("a norm word", r"norm"),
    ]),
    ("residual (`Res`, `_res_`)", r"attnres|(^|_)res(_|kernel|$)", [("", r"$^")]),
    ("short / ring convolution", r"sconv|short_?conv|ring.*conv", [("", r"$^")]),
    ("selector", r"selector", [("proj / gemm word", r"proj|gemm"), ("topk", r"topk")]),
    ("gated norm", r"(^|_)(rms_?|layer_?)?norm_gated?(_|$)|(^|_)gated_(rms_?|layer_?)?norm(_|$)", [
        ("an ssm / gdn / kda / deltanet block word", r"ssm|gdn|kda|deltanet|mamba"),
    ]),
    ("paged prefill", r"prefill_paged|paged_prefill", [("", r"$^")]),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 31)
    kernel_tally.report(rows, CLASSES, key=lambda n: n.lower(), verbose=VERBOSE)


main()
