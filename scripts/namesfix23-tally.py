#!/usr/bin/env python3
"""Round-25 tally (namesfix23, issue #18): how the hand labels of every kernel-names*.tsv corpus
file the names of the heldout-28 development miss classes (custom all-reduce steps, quantised
KV-cache reads / writes, MoE stages named by their weight or their model, compressed-KV steps,
residual adds, activation + quant fusions, ...), split by the co-occurring words that decide
them. Rows of every set-aside third (SET_ASIDE_7 ... SET_ASIDE_28, read from
crates/perfpilot-trace/tests/heldout_batch/set_aside.rs) are skipped by source repository; later
blind batches (kernel-names-29.tsv on) are not read.

Usage: python3 scripts/namesfix23-tally.py [tests/fixtures/trace] [-v]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_tally  # noqa: E402

ROOT, VERBOSE = kernel_tally.cli_args()

CLASSES = [
    ("residual add (`residual_add`, `add_residual`)", r"residual_add|add_residual", [
        ("a norm word (fused add + norm)", r"norm"),
        ("an Inductor name", r"^triton_(poi|red|per|tem)_fused"),
    ]),
    ("custom all-reduce step (`ar_` first word)", r"^_?ar_", [
        ("store / stamp / mark / reduce / flag / barrier word",
         r"^_?ar_(store|stamp|mark|reduce|flag|barrier|push|pull|signal|wait)"),
    ]),
    ("TurboQuant (`tq` word, `turboquant`)", r"(^|_)tq[0-9]?(_|$)|turboquant", [
        ("read / write / store / load word", r"read|write|store|load"),
        ("attention / decode word", r"attn|attention|decode"),
    ]),
    ("`reshape_and_cache`", r"reshape_and_cache", [
        ("an attention-kind word (mha / mla / flash)", r"mha|mla|flash"),
    ]),
    ("MoE weight words (`w1`, `w2`, `w13`) with selected / expert",
     r"(^|_)w(1|2|13|3)(_|$)", [
        ("selected / expert / moe word", r"select|expert|moe"),
        ("gemm / matmul word", r"gemm|matmul|mm(_|$)"),
    ]),
    ("shared expert (`se_`, `shared_expert`)", r"^_?se_|shared_?expert", [
        ("gate_up / down word", r"gate_up|up_gate|down"),
    ]),
    ("`gate_up` / `down` GEMM with a model name and no MoE word",
     r"(gate_up|up_gate|down|(^|_)gate|(^|_)up)_gemm", [
        ("a MoE word", kernel_tally.MOE_WORDS),
        ("a model name (qwen / nomic / llama / mixtral / deepseek)", r"qwen|nomic|llama|mixtral|deepseek|glm"),
    ]),
    ("`direct_fused`", r"direct_fused", [("", r"$^")]),
    ("compressor / compressed KV (`compress`)", r"compress", [
        ("kv / cache / state / pool / commit word", r"kv|cache|state|pool|commit"),
    ]),
    ("`engram`", r"engram", [("", r"$^")]),
    ("`ring` append / publish", r"ring_append|publish", [("", r"$^")]),
    ("activation + quant fusion", r"fused_activation|act_quant|activation_quant|silu_quant|quant_act", [
        ("a quant word", r"quant|q4|q8|fp8|tcq"),
    ]),
    ("rotated activations (`rotate` / `rrs` + `activation`)", r"(^|_)(rotate|rrs)_([a-z0-9]+_)?activation(_|$)", [
        ("a leading rope / norm word", r"^(norm_)?rope_"),
    ]),
    ("`lse` (log-sum-exp)", r"(^|_)lse(_|$)", [
        ("target / draft / reject / sampl word", r"target|draft|reject|sampl"),
        ("attention / merge word", r"attn|attention|merge"),
    ]),
    ("`masked_fill` / `MaskedFill`", r"masked_?fill", [("", r"$^")]),
    ("`scatter_add`", r"scatter_add", [("a rows / expert / moe word", r"rows|expert|moe")]),
    ("`max_tokens`", r"max_tokens", [("", r"$^")]),
    ("`pack` with a 4-bit type", r"(fp4|nvfp4|mxfp4|int4|e2m1)_pack|pack_(fp4|nvfp4|mxfp4|int4)", [("", r"$^")]),
    ("`lm_head`", r"lm_head", [("argmax / phase word", r"argmax|phase|sample")]),
    ("`paged_decode`", r"paged_decode", [("", r"$^")]),
    ("`mmvq`", r"mmvq", [("", r"$^")]),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 29)
    kernel_tally.report(rows, CLASSES, key=lambda n: n.lower(), verbose=VERBOSE)


main()
