#!/usr/bin/env python3
"""Round-17 tally (namesfix15, issue #18): how the hand labels of every kernel-names*.tsv corpus
file the names of the heldout-19 miss classes (casts / copies through ATen-style elementwise
launchers, MoE bookkeeping helpers, activations inside MoE names, split-KV attention), split by
the co-occurring words that decide them. Rows of every set-aside third (SET_ASIDE_7 ...
SET_ASIDE_19, read from crates/perfpilot-trace/tests/heldout_batch/set_aside.rs) are skipped by
source repository; later blind batches (kernel-names-20.tsv on) are not read. Words are matched
in the own name plus, for launchers, the template arguments (the launcher's functor is the
kernel).

Usage: python3 scripts/namesfix15-tally.py [tests/fixtures/trace] [-v]
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_tally  # noqa: E402

ROOT, VERBOSE = kernel_tally.cli_args()

# (class, the class's words, [(group, deciding co-occurring words)]): a name joins the first
# group whose words it holds, else `rest`. Words are matched on the lower-cased full name.
CLASSES = [
    ("elementwise launcher (elementwise_kernel*) casts / copies",
     r"elementwise_kernel", [
         ("bare launcher + cast word (_cast / <a>_to_<b> dtypes)",
          r"elementwise_kernel[a-z0-9_]*(_cast|(float|half|bfloat|bf16|fp16|int|long|double|char|bool)_to_[a-z0-9]+)$"),
         ("copy / cast functor in template arguments",
          r"copy_kernel|copy_|direct_copy|cast|convert|float_to|_to_float|static_cast"),
         ("bare numbered launcher (elementwise_kernel_<n>_<m>)", r"elementwise_kernel_[0-9]+_[0-9]+$"),
     ]),
    ("MoE bookkeeping helpers", r"start_end|inv_idx|index_group_matmul|permute_fused|gather_and_map|m_num_tiles|compute_m_range|expert|topk_ids|token_to|tokens_per|(^|_)(sort|histogram|offsets?|count|cumsum)(_|$)", [
        ("moe word in the name (moe/expert/ep/topk/router)", r"moe|expert|(^|_)ep(_|$)|topk|router|routing"),
        ("grouped/group word (grouped gemm tiles, group_matmul)", r"group"),
        ("sort / histogram / offsets / count / cumsum, no moe word", r"(^|_)(sort|histogram|offsets?|count|cumsum)"),
        ("start_end / inv_idx / m_range / gather_and_map", r"start_end|inv_idx|m_range|m_num_tiles|gather_and_map"),
    ]),
    ("activations inside MoE names", r"moe.*(swiglu|silu|gelu|relu|act_and_mul|_act(_|$))|(swiglu|silu_and_mul|gelu_and_mul).*moe", [
        ("with gemm / matmul / gmm word (fused into the expert GEMM)", r"gemm|gmm|matmul|mm(_|$)|fused_moe"),
        ("with quant word", r"quant|fp8|int8"),
        ("bare act (moe_<act>, moe_*_silu_and_mul)", r"."),
    ]),
    ("split-KV attention vs memory split", r"split", [
        ("attention words (attn/fwd/decode/flash/kv/mla/paged) + split",
         r"attn|attention|(^|_)fwd(_|$)|decod|flash|split_kv|kv_split|mla|paged"),
        ("split_k / splitk (GEMM)", r"split_?k([0-9]|_|$)"),
        ("split + qkv / rope / cat / contiguous (memory)", r"qkv|rope|cat|contiguous|chunk|tensor"),
    ]),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 20)
    kernel_tally.report(rows, CLASSES, verbose=VERBOSE)


main()
