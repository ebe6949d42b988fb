#!/usr/bin/env python3
"""Round-22 tally (namesfix20, issue #18): how the hand labels of every kernel-names*.tsv corpus
file the names of the heldout-25 development miss classes (MoE stages named by their step,
RWKV-7 step words, KDA helper kernels, DSA kpool kernels, mangled `_Z<len>` symbols, small
helpers), split by the co-occurring words that decide them. Rows of every set-aside third
(SET_ASIDE_7 ... SET_ASIDE_25, read from crates/perfpilot-trace/tests/heldout_batch/set_aside.rs)
are skipped by source repository; later blind batches (kernel-names-26.tsv on) are not read.

Usage: python3 scripts/namesfix20-tally.py [tests/fixtures/trace] [-v]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_tally  # noqa: E402

ROOT, VERBOSE = kernel_tally.cli_args()

MOE = r"moe|expert|router|routing|topk|gate_?up|gateup"

CLASSES = [
    ("gate-up + activation stage (`gateup_swiglu`, `gate_up_silu`)",
     r"gate_?up_?(swiglu|silu|gelu|act)|(swiglu|silu)_?gate_?up", [
        ("a MoE word too", r"moe|expert|router|routing|topk"),
        ("fused / mul / and word", r"fused|mul|and"),
    ]),
    ("down + combine stage (`down_combine`)", r"down_?(proj_?)?combine|combine_?down", [
        ("a MoE word too", r"moe|expert|router|routing|topk"),
    ]),
    ("combine alone (`combine`)", r"(^|_)combine(_|$)", [
        ("a MoE word", r"moe|expert|topk"),
        ("attention / split-kv word", r"attn|attention|fa_|flash|split|lse|decode|rows"),
        ("a2a / dispatch / ep word", r"a2a|dispatch|(^|_)ep(_|$)|all"),
    ]),
    ("gather weights / topk weights", r"gather_?(topk_?)?weights|weights_?gather", [
        ("a MoE word too", r"moe|expert|topk"),
    ]),
    ("GEMV partial / reduce (`*_gemv_partial`, `*_gemv_reduce`)",
     r"gemv_?(partial|reduce)|gemv[a-z0-9_]*(partial|reduce)", [
        ("a MoE word too", r"moe|expert|topk"),
        ("split-k word", r"split"),
    ]),
    ("RWKV-7 step words (`time_mix`, `channel_mix`, `time_first`, `time_decay`)",
     r"time_?(mix|first|decay|shift)|channel_?mix", [
        ("rwkv / wkv word", r"rwkv|wkv"),
        ("shift / lerp / token word", r"shift|lerp|token"),
        ("relu / sigmoid / act word", r"relu|sigmoid|silu|act"),
    ]),
    ("KDA helper kernels (`kda_*`)", r"(^|_)kda(_|$)", [
        ("norm word", r"norm"),
        ("pack / bitmatrix / copy word", r"pack|bitmatrix|copy"),
        ("gate word", r"gate"),
    ]),
    ("bitmatrix", r"bitmatrix", [
        ("moe / topk word", r"moe|topk|expert|routing"),
    ]),
    ("KV pool (`kpool`, `kvpool`)", r"kpool|kvpool|kv_pool", [
        ("score / mma / metadata / topk", r"score|mma|metadata|topk"),
        ("assemble / append / decode / expand", r"assemble|append|decode|expand"),
    ]),
    ("DSA (`dsa_`)", r"(^|_)dsa(_|$)", [
        ("indexer / topk / score", r"index|topk|score"),
        ("kv / cache / pool", r"kv|cache|pool"),
    ]),
    ("bare `decode` names", r"^_?decode(_kernel)?$|^_decode", []),
    ("`_Z<len>` mangled free functions", r"^_z[0-9]", [
        ("attn / fa_ / flash", r"attn|(^|[0-9_])fa_|flash"),
        ("quant", r"quant"),
    ]),
    ("softmax normalize", r"softmax_?normali[sz]e|normali[sz]e_?softmax", []),
    ("q-quant in attention (`attn_q_quant`, `q_quant`)", r"(^|_)q_quant|attn_[a-z_]*quant", [
        ("attn word", r"attn|attention"),
    ]),
    ("in-place elementwise multiply (`elmul`, `el_mul`)", r"(^|_)el_?(mul|add|sub|div)", []),
    ("MoE quant (`moe_quant`, `*_moe_quant*`)", r"moe_?quant|quant[a-z0-9_]*moe", [
        ("gemm / matmul word", r"gemm|matmul|mm_"),
    ]),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 26)
    kernel_tally.report(rows, CLASSES, verbose=VERBOSE)


main()
