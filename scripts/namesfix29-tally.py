#!/usr/bin/env python3
"""Round-31 tally (namesfix29, issue #18): how the hand labels of every kernel-names*.tsv corpus
file the names of the heldout-32 ... 36 development miss classes (argmax / top-k steps, advance
steps, SSM chunk steps, MoE permutation / scatter builders, sparse-indexer scores, embedding
`index`, token picks, confidence gates, bare appends, forget gates, named RMSNorms, attention
with the KV cache, slices, KV swaps, expert-sparse layouts, resample steps, sparse top-k
indices, structured masks), split by the co-occurring words that decide them. Names are keyed in snake case
(CamelCase split at each capital). Rows of every set-aside third (SET_ASIDE_7 ... SET_ASIDE_36,
read from crates/perfpilot-trace/tests/heldout_batch/set_aside.rs) are skipped by source
repository; later blind batches (kernel-names-37.tsv on) are not read.

Usage: python3 scripts/namesfix29-tally.py [tests/fixtures/trace] [-v]
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


INDEXER = r"indexer|(^|_)idx|sparse|(^|_)kv|win|mask|comb|score|attn|attention|mla|nsa|dsa|block"
CLASSES = [
    ("argmax", r"argmax", [
        ("a MoE word", kernel_tally.MOE_WORDS),
        ("an indexer / attention word", INDEXER),
        ("rest of argmax", r"."),
    ]),
    ("bare top-k (top_k / topk as the whole name or + kernel / version)",
     r"^_?(kernel_)?top_?k(_kernel)?(_v[0-9]+)?$", [("", r"$^")]),
    ("top-k step words (select / row / filter / hist / extract / sort)",
     r"top_?k_(hist|select|row|filter|extract|sort|offset|masked|decode|verify)", [
         ("a MoE word", kernel_tally.MOE_WORDS),
         ("a token-pick word", r"sampl|logit|token|top_?p"),
     ]),
    ("advance step", r"advance_step", [("", r"$^")]),
    ("chunk_h (chunked delta-rule state)", r"(^|_)chunk_h(_|$)|chunk_.*_h_", [("", r"$^")]),
    ("cumsum", r"cumsum", [
        ("a sampling word", r"sampl|top_?p|prob|logit|token"),
        ("a MoE word", kernel_tally.MOE_WORDS),
        ("a chunk / gate / ssm word", r"chunk|gate|ssm|delta|gla|kda|fla|local"),
        ("rest of cumsum", r"."),
    ]),
    ("mega kernel", r"(^|_)mega(_|$)", [("", r"$^")]),
    ("permute / reverse-perm builders", r"build_.*perm|reverse_perm|permute_ind", [
        ("a MoE word", kernel_tally.MOE_WORDS),
    ]),
    ("scatter tokens / classify and count / prefix sums", r"scatter_tokens|classify_and_count|prefix_sums?", [
        ("a MoE word", kernel_tally.MOE_WORDS),
    ]),
    ("bare scores / block keys", r"^(k_)?(compute_)?scores(_[a-z]+)?(_kernel)?$|block_keys", [("", r"$^")]),
    ("index kernel", r"^_?index(_kernel)?$|(^|_)index_kernel", [("", r"$^")]),
    ("gemv multi (expert GEMV)", r"gemv.*multi|multi.*gemv", [("", r"$^")]),
    ("pick", r"(^|_)pick(_|$)", [("", r"$^")]),
    ("confidence", r"confidence", [("", r"$^")]),
    ("append", r"(^|_)append(_|$)", [
        ("a kv / cache word", r"kv|cache|page|block|slot"),
        ("rest of append", r"."),
    ]),
    ("forget gate", r"forget_gate", [("", r"$^")]),
    ("x + rmsnorm at the end", r"_rms_?norm$", [("", r"$^")]),
    ("phase ... with kv cache", r"with_([a-z0-9]+_)*kv_?cache|with_kvcache", [("", r"$^")]),
    ("slice first", r"^slice(_|$)", [("", r"$^")]),
    ("swap in / out / blocks", r"swap_(blocks|in|out)", [("", r"$^")]),
    ("broadcast", r"broadcast", [("", r"$^")]),
    ("sparse <-> dense layout", r"(sparse|dense)_to_(dense|sparse)", [("", r"$^")]),
    ("resample", r"resampl", [("", r"$^")]),
    ("sparse top-k named by indices / slots / lens / swa / ragged",
     r"(^|_)top_?k_ind(ex|ices)(_|$)|top_?k_([a-z0-9]+_)*(slots?|lens|swa|ragged)(_|$)"
     r"|(^|_)(slots?|lens|swa|ragged)_([a-z0-9]+_)*top_?k(_|$)", [("a MoE word", kernel_tally.MOE_WORDS)]),
    ("structured mask (causal / banded / tree / length / block / diag)",
     r"(causal|banded|tree|length|block|gmask|diag)_?mask", [("diag", r"diag")]),
    ("gather / scatter index", r"(gather|scatter)_([a-z0-9]+_)?ind(ex|ices)", [
        ("a calc / compute word", r"(^|_)(calc|compute)_"),
        ("rest of gather / scatter index", r"."),
    ]),
    ("bare score(s) with a leading underscore", r"^_(k_)?scores?(_[a-z0-9]+)?(_kernel)?$", [("", r"$^")]),
    ("absorb first", r"^_?(k_)?absorb(_q)?(_fwd|_batch)*(_kernel)?$", [("", r"$^")]),
    ("absorb anywhere", r"absorb", [("", r"$^")]),
    ("apply_write", r"(^|_)apply_write(_|$)", [("", r"$^")]),
    ("ptq", r"(^|_)ptq(_|$)", [("", r"$^")]),
    ("fp8_index / req index to global", r"(^|_)fp8_index(_kernel)?$|req_index_to_global", [("", r"$^")]),
    ("hadamard", r"hadamard|^had_", [("a quantise / amax word", r"quant|amax|fp4|fp8|int4|int8|mxfp")]),
    ("grouped GEMM setup", r"(set|setup|compute|prepare|pre_?compute)_?([a-z0-9]+_)*grouped_?(gemm|mm|matmul)"
     r"|grouped_?(gemm|mm)_?([a-z0-9]+_)*(args|data|precompute)", [("", r"$^")]),
    ("gate_mul / act_bias / gated_act", r"(^|_)gate_mul(_|$)|(^|_)(act_bias|bias_act)(_|$)"
     r"|(^|_)d?gated_(act|activation)(_|$)", [("a moe / expert word", r"moe|expert|router|routing")]),
    ("ag_gemm / gemm_rs / gather_rs", r"(^|_)ag_(gemm|mm|matmul)|(gemm|mm|matmul)_rs(_|$)|gather_rs(_|$)", [("", r"$^")]),
    ("rms + fwd / bwd / fused", r"rms_?(fwd|bwd)|fused_?rms", [("a gemv / gemm word", r"gemv|gemm")]),
    ("lm head + arg", r"lm_?head_([a-z0-9]+_)*arg", [("", r"$^")]),
    ("markov", r"markov", [("", r"$^")]),
    ("accept", r"accept", [("an ssm / state word", r"ssm|delta|state")]),
    ("cos and sin", r"cos_?and_?sin|cos_?sin", [("", r"$^")]),
    ("fused mapping / groupXtY", r"fused_mapping|group_?x_?t_?y", [("", r"$^")]),
    ("qsa / simplicial", r"(^|_)qsa(_|$)|simplicial", [("", r"$^")]),
    ("mm as a word", r"(^|_)mm(_|$)", [("an id / expert word", r"(^|_)(mul_mm_id|mm_ids?)(_|$)|exp_")]),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 37)
    kernel_tally.report(rows, CLASSES, key=snake, verbose=VERBOSE)


main()
