#!/usr/bin/env python3
"""Round-32 / 33 / 34 / 35 tally (namesfix30, namesfix31, namesfix32, namesfix33, issue #18): how the hand labels of every kernel-names*.tsv corpus
file the names of the heldout-37 / 38 / 39 development miss classes (oneDNN-style layer-norm
spellings, FP8 casting functors, Ascend incremental / prompt flash attention, KV compressors,
chunked flash-attention reduce / fold steps, expert-weight block gathers, KV prep / rearrange,
expert activations, the singletons), split by the co-occurring words that decide them. Names are
keyed in snake case (CamelCase split at each capital). Rows of every set-aside third
(SET_ASIDE_7 ... SET_ASIDE_46, read from crates/perfpilot-trace/tests/heldout_batch/set_aside.rs)
are skipped by source repository; later blind batches (kernel-names-47.tsv on) are not read. Round 33
adds the heldout-40 classes (argmax steps, delta / conv / extend SSM steps, combine, hmma / imma,
latent stores, l2norm, PLE gathers); round 34 the heldout-41 / 42 classes (TurboQuant cache moves,
KVarN kernels, RWKV mm8 / mix words, wht, the draft / lookup words of speculative decoding); round 35
the heldout-43 … 46 classes (MoE routes / assignments / placements, numbered expert GEMMs with a
permutation word, Inductor pow + sum reductions, gate cumsum, Jensen-Shannon, the bare step names
left to context: mlp1 / mlp2, klast, matmul_*_att).

Usage: python3 scripts/namesfix30-tally.py [tests/fixtures/trace] [-v]
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


CLASSES = [
    ("lnorm / gnorm / bnorm (oneDNN short norm words)", r"(^|_)[lgb]norm(_|$)", [("", r"$^")]),
    ("fp8 + cast / casting (any order)", r"fp8_?(cast|casting)|cast_?(to_)?fp8", [
        ("format first, kernel / functor last", r"(^|_)(fp8|fp4)_?cast(ing)?[a-z0-9_]*(kernel|functor)$"),
        ("a kv / cache word", r"kv|cache"),
        ("an activation word", r"gated|swiglu|silu|gelu"),
    ]),
    ("simulated fp8", r"fp8_?sim", [("", r"$^")]),
    ("ifa / pfa / fia (Ascend flash attention by phase)", r"(^|_)(ifa|pfa|fia)(_|$)", [("", r"$^")]),
    ("compressor", r"compressor", [("a kv / cache word", r"kv|cache")]),
    ("attention / fa word + reduce / fold / merge / combine", r"reduce|fold|merge|combine", [
        ("an fa / attention word", r"(^|_)fa[0-9]*(_|$)|attn|attention"),
    ]),
    ("paged decode", r"paged_decode", [("an indices word", r"indices")]),
    ("split-KV / shared-KV decode", r"(^|_)(shared|split_?kv)_decode", [("", r"$^")]),
    ("c<ratio>_decode / prefill", r"^_?c[0-9]+_(decode|prefill)", [("", r"$^")]),
    ("gather ... rhs", r"gather_([a-z0-9]+_)*rhs", [("", r"$^")]),
    ("(q)kv rearrange / transpose / permute", r"(^|_)q?kv_?(rearrange|transpose|permute|prep)", [
        ("a prep word", r"prep"),
    ]),
    ("expert act", r"expert_act", [("", r"$^")]),
    ("<word>_sum as the whole name", r"^[a-z0-9]+_sum$|^(many|multi)_inputs?_sum$", [
        ("a reduce word", r"reduce"),
    ]),
    ("bare tile", r"^_?tile(_with_axis)?(_?kernel)?$", [("", r"$^")]),
    ("dynamic scale", r"dynamic_scale", [("", r"$^")]),
    ("radix top-k", r"radix_?top_?k", [
        ("a sampling word", r"logit|prob|renorm|small"),
        ("an indexer / sparse word", r"dsa|indexer|sparse"),
    ]),
    ("bare top_k / topk (+ kernel / version)", r"^_?(kernel_)?top_?k(_kernel)?(_v[0-9]+)?$", [("", r"$^")]),
    ("ar + block word", r"(^|_)ar_(mb|sb|oneshot|twoshot)$", [("", r"$^")]),
    ("decompress", r"decompress", [("an mla / kv word", r"mla|kv")]),
    ("router GEMM (rgemm)", r"(^|_)rgemm", [("", r"$^")]),
    # Round 33 (namesfix31): the heldout-40 development miss classes.
    ("argmax (+ reduce / lastdim / dim)", r"argmax", [
        ("a sampling / logits / greedy / token word", r"sampl|logit|greedy|token|lm_?head"),
        ("argmax + reduce / lastdim, nothing else", r"^_?(lm_)?argmax_(reduce|last_?dim)(_[a-z0-9]+)?(_kernel)?$"),
        ("an inductor / triton_ name", r"^triton_"),
    ]),
    ("delta + conv / qsplit / gate", r"(^|_)delta_", [
        ("delta + conv", r"delta_conv"),
        ("delta + split", r"delta_q?split"),
        ("delta + gate", r"delta_[a-z_]*gate"),
        ("delta + rule / net", r"delta_?(rule|net)"),
    ]),
    ("conv + extend / decode / update (state)", r"conv[a-z0-9]*_(extend|decode|update|state)|(extend|decode)_conv", [
        ("a causal / ssm / mamba word", r"causal|ssm|mamba|gdn"),
    ]),
    ("bare extend / packed decode", r"^_?(packed_)?(extend|decode)(_kernel)?$", [("", r"$^")]),
    ("combine", r"combine", [
        ("an expert / moe / shared word", r"moe|expert|shared"),
        ("an attention / split-kv / lse word", r"attn|attention|split|lse|partial|decode|mla|fa[0-9]"),
        ("an all / comm word", r"all_?to_?all|a2a|comm|dispatch|nccl|ep_"),
    ]),
    ("hmma / imma", r"(^|_)[hi]mma", [
        ("a stage / split word", r"stage|split"),
        ("a gemm / gemv word", r"gemm|gemv|packed"),
    ]),
    ("latent + store / write / cache", r"latent", [
        ("a store / write / cache word", r"store|write|cache|append"),
    ]),
    ("l2norm", r"l2_?norm", [
        ("an ssm / gdn / delta / linear word", r"ssm|gdn|delta|linear|mamba|fla"),
    ]),
    ("ple (per-layer embedding)", r"(^|_)ple(_|$)", [("", r"$^")]),
    ("history append", r"history", [("", r"$^")]),
    # Round 34 (namesfix32): heldout-41 / 42 development classes.
    ("TurboQuant (tq / turbo<N>) moves", r"(^|_)tq[0-9]*_|(^|_)turbo[0-9]", [
        ("tq + read / write / store", r"(^|_)tq[0-9]*_(fused_)?(read|write|store)(_|$)"),
        ("turbo<N> + dequant / set_rows", r"turbo[0-9]+(_tcq)?_dequant|dequant_turbo[0-9]|set_rows_turbo[0-9]"),
        ("a decode / attention / sdpa / stage word", r"decode|attn|attention|sdpa|stage|gqa"),
        ("ggml ternary tq1_0 / tq2_0", r"tq[12]_0"),
        ("a kv / cache word", r"kv|cache"),
    ]),
    ("kvarn", r"kvarn", [
        ("fused decode / verify", r"kvarn_fused_(decode|verify)"),
        ("store / pack", r"store|pack"),
    ]),
    ("mm8 (RWKV int8 matmul)", r"(^|_)(kernelc?_)?mm8(_|$)", [("", r"$^")]),
    ("mixatt / mixffn (RWKV token-shift mix)", r"(^|_)mix(att|ffn)(_|$)", [("", r"$^")]),
    ("wht / fwht", r"(^|_)f?wht(_|$)", [("", r"$^")]),
    ("draft + fuse / lookup", r"draft|suffix_lookup", [
        ("fuse / merge draft", r"fuse[d]?_draft|merge_draft"),
        ("suffix lookup", r"suffix_lookup"),
    ]),
    # Round 35 (namesfix33): heldout-43 … 46 development classes.
    ("routes / assignments / placements (MoE bookkeeping)", r"(^|_)(routes|assignments|placements)(_|$)", [
        ("a step verb before", r"(^|_)(count|scatter|fill|build|pack|compute)_(local_|expert_|topk_)?(routes|assignments|placements)(_|$)"),
    ]),
    ("gemm1 / gemm2", r"gemm[12](_|$)", [
        ("a permutation word", r"gemm[12]_(permuted|scatter)|gather_([a-z0-9]+_)?gemm[12]"),
        ("grouped / expert / moe", r"group|expert|moe"),
    ]),
    ("inductor reduction with pow + sum", r"^triton_(red|per)_fused[a-z0-9_]*_pow_[a-z0-9_]*sum", [
        ("and div", r"_div_"),
    ]),
    ("gate cumsum", r"gate_cumsum", [("", r"$^")]),
    ("jensen-shannon / jsd", r"jensen|(^|_)jsd(_|$)", [("", r"$^")]),
    ("mlp1 / mlp2 (gpt-oss expert MLP words)", r"(^|_)mlp[12](_|$)", [("", r"$^")]),
    ("klast (k-last state layout)", r"klast|k_last", [("", r"$^")]),
    ("matmul_*_att", r"^matmul_[a-z_]*att", [("", r"$^")]),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 47)
    kernel_tally.report(rows, CLASSES, key=snake, verbose=VERBOSE)


main()
