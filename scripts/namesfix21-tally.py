#!/usr/bin/env python3
"""Round-23 tally (namesfix21, issue #18): how the hand labels of every kernel-names*.tsv corpus
file the names of the heldout-26 development miss classes (speculative-decoding heads and
helpers named by their step, KV-cache compression helpers, fused projections named by their
epilogue, small helpers), split by the co-occurring words that decide them. Rows of every
set-aside third (SET_ASIDE_7 ... SET_ASIDE_26, read from
crates/perfpilot-trace/tests/heldout_batch/set_aside.rs) are skipped by source repository; later
blind batches (kernel-names-27.tsv on) are not read.

Usage: python3 scripts/namesfix21-tally.py [tests/fixtures/trace] [-v]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_tally  # noqa: E402

ROOT, VERBOSE = kernel_tally.cli_args()

CLASSES = [
    ("speculative decoding (`eagle`, `medusa`, `draft`)", r"eagle|medusa|draft", [
        ("tree mask / attn word", r"tree_?mask|attn|attention"),
        ("head / forward / gemm word", r"head_?forward|gemm|matmul|lm_?head"),
        ("confidence / candidates / select / accept / verify / sample word",
         r"confidence|candidate|select|accept|verify|sampl|length"),
        ("fuse / layers / hidden / copy word", r"fuse|layers|hidden|copy|gather"),
    ]),
    ("tree mask (`build_tree_mask`, `tree_mask`)", r"tree_?mask", []),
    ("KV compression (`compress`, `importance`, `zone`, `prefix_match`)",
     r"compress|importance|(^|_)zone|prefix_?match", [
        ("kv / cache / page / prefix word", r"kv|cache|page|prefix"),
        ("to_int / int2 / int4 / int8 word", r"to_?int|int[248]"),
    ]),
    ("gate-up + activation, no MoE word (`gate_up_silu`)", r"gate_?up_?(silu|swiglu|gelu|act)|gate_silu|gated_mlp",
     [
        ("a MoE word too", r"moe|expert|router|routing|topk"),
        ("fp4 / fp8 / int4 / quant / mm / gemm word", r"fp4|fp8|int4|quant|gemm|matmul|(^|_)mm"),
        ("dense / fused word", r"dense|fused"),
    ]),
    ("dense fused gate-up (`fused_gate_up`, `gated_mlp`) vs the MoE router's `fused_gate`",
     r"fused_gate|(^|_)gated_mlp", [
        ("a MoE word", r"moe|expert|router|routing|topk"),
        ("gate_up / gated_mlp + weight format word",
         r"(fused_gate_?up|gated_mlp)[a-z0-9_]*(q[2-8]_?[0-9k]|int[248]|fp[48])|(int[248]|fp[48]|q[2-8]_[0-9k])[a-z0-9_]*(fused_gate_?up|gated_mlp)"),
        ("gate_up + activation word", r"fused_gate_?up_(silu|swiglu|gelu)|(silu|swiglu|gelu)_fused_gate_?up"),
    ]),
    ("projection + rope (`qkv_rope`)", r"qkv_?rope|rope_?qkv", [
        ("append / cache / kv word", r"append|cache|(^|_)kv"),
        ("fused / gemm / proj word", r"fused|gemm|proj|matmul"),
    ]),
    ("quantized matmul (`quantized_mm`, `quant_mm`)", r"quant(ized)?_?(mm|matmul|gemm|gemv)", []),
    ("chunk merge (`merge_chunks`)", r"merge_?chunk|chunk_?merge", []),
    ("`dconv`", r"(^|_)dconv", []),
    ("`mhc`", r"(^|_)mhc", []),
    ("prefetch", r"prefetch", [("l2 word", r"l2")]),
    ("`me_gather` (MoE expert gather)", r"(^|_)me_gather", []),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 27)
    kernel_tally.report(rows, CLASSES, verbose=VERBOSE)


main()
