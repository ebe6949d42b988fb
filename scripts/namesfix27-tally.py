#!/usr/bin/env python3
"""Round-29 tally (namesfix27, issue #18): how the hand labels of every kernel-names*.tsv corpus
file the names of the heldout-32 development miss classes (argmax and top-k stages, paged GQA
attention, layer-named projections and attention products, the profiler's `Kernel2`, KV gather /
scatter, Sinkhorn steps of mHC, MoE bookkeeping in plain words), split by the co-occurring words
that decide them. Names are keyed in snake case (CamelCase split at each capital). Rows of every
set-aside third (SET_ASIDE_7 ... SET_ASIDE_32, read from
crates/perfpilot-trace/tests/heldout_batch/set_aside.rs) are skipped by source repository; later
blind batches (kernel-names-33.tsv on) are not read.

Usage: python3 scripts/namesfix27-tally.py [tests/fixtures/trace] [-v]
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
PICK = r"draft|logit|sampl|token|row|candidate|vocab|greedy|verify|spec"
CLASSES = [
    ("argmax", r"argmax", [
        ("a MoE word", kernel_tally.MOE_WORDS),
        ("an indexer / attention word", INDEXER),
        ("a token-pick word (draft / logits / row / token ...)", PICK),
        ("a stage or dtype word", r"partial|reduce|stage|block|final|fp16|bf16|f32|kernel"),
    ]),
    ("top-k", r"top_?k", [
        ("a MoE word", kernel_tally.MOE_WORDS + r"|softmax"),
        ("an indexer / attention word", INDEXER),
        ("a token-pick word", PICK + r"|top_?p|select"),
    ]),
    ("paged GQA / MHA / MQA", r"paged_([a-z0-9]+_)*(gqa|mha|mqa)(_|$)", [("", r"$^")]),
    ("FFN projections (gate / up / down ... _proj)", r"(^|_)(gate|up|down)(_[a-z0-9]+)*_proj(_|$)", [
        ("a MoE word", r"moe|expert"),
    ]),
    ("MLA / score projections (kv_a, q_a, score, latent ... _proj)",
     r"(^|_)(kv_a|kv_b|q_a|q_b|wkv_a|wkv_b|wq_a|wq_b|score|latent|nope_latent)_proj(_|$)", [("", r"$^")]),
    ("attention products (qk / sv / pv matmul)", r"(^|_)(qk|sv|pv|qkt|s_?v|p_?v)_(matmul|mm|gemm|bmm)(_|$)|(^|_)qk_pv(_|$)", [("", r"$^")]),
    ("profiler Kernel2", r"(^|::|[^a-z])kernel2(<|$|\()", [("", r"$^")]),
    ("KV gather / scatter", r"(^|_|::)kv_?(gather|scatter)", [("", r"$^")]),
    ("Hadamard", r"hadamard|(^|_)fwht", [("a quant / amax / rope / norm word", r"quant|amax|rope|norm")]),
    ("cumulative gate", r"cum_?gate|gate_?cum", [("", r"$^")]),
    ("g / gate + beta gating", r"compute_?(g|gate)_?beta|compute_?beta_?(g|gate)", [("", r"$^")]),
    ("gather with router scales", r"gather_scale|scale_gather", [("", r"$^")]),
    ("all-finite flag", r"all_?finite|is_?finite|check_finite", [("a per-element word (is)", r"is_?finite")]),
    ("Sinkhorn", r"sinkhorn", [("an hc / mhc word", r"(^|_)m?hc(_|$)|comb|hyper")]),
    ("MoE bookkeeping in plain words", r"classify_and_count|prefix_sums?_kernel|scatter_tokens|gemv_descs|bias_combine|(^|_)combine_kernel", [
        ("a MoE word", kernel_tally.MOE_WORDS),
    ]),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 33)
    kernel_tally.report(rows, CLASSES, key=snake, verbose=VERBOSE)


main()
