#!/usr/bin/env python3
"""Round-21 tally (namesfix19, issue #18): how the hand labels of every kernel-names*.tsv corpus
file the names of the heldout-24 development miss classes (expert GEMMs and MoE decode stages
without a MoE word, Gluon / Triton kernels named by model and arch suffix, DeepSeek mHC kernels,
KV-pool kernels, sampling helpers, online softmax, norms inside gated-delta / SSM blocks, GGUF
k-quant names), split by the co-occurring words that decide them. Rows of every set-aside third
(SET_ASIDE_7 ... SET_ASIDE_24, read from crates/perfpilot-trace/tests/heldout_batch/set_aside.rs)
are skipped by source repository; later blind batches (kernel-names-25.tsv on) are not read.

Usage: python3 scripts/namesfix19-tally.py [tests/fixtures/trace] [-v]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_tally  # noqa: E402

ROOT, VERBOSE = kernel_tally.cli_args()

MOE = kernel_tally.MOE_WORDS

CLASSES = [
    ("grouped matmul / gemm (`grouped_matmul`, `grouped_gemm`, `matmul_..._grouped`)",
     r"grouped_?(matmul|gemm|mm)|(matmul|gemm)_([a-z0-9]+_)*grouped", [
        ("a MoE word too", MOE),
        ("attention / conv / query word", r"attn|attention|query|gqa|conv"),
        ("naive / blockwise / block-scaled variant", r"naive|blockwise|block_scaled|blockscale"),
    ]),
    ("MoE decode stages (`_stage1/_stage2_*gemv`, `sorted_stage`)",
     r"(^|_)stage_?[12]_([a-z0-9]+_)*(gemv|gemm)|sorted_stage", [
        ("a MoE word too", MOE),
        ("attention / topk word", r"attn|attention|topk|top_k"),
    ]),
    ("ragged-tensor metadata", r"ragged_?tensor|ragged_metadata", [
        ("a MoE word too", MOE),
    ]),
    ("sigmoid-bias top-k (router without a MoE word)", r"sigmoid_?bias_?top_?k|bias_?top_?k|top_?k_?sigmoid", [
        ("a MoE word too", MOE),
    ]),
    ("Gluon / Triton names with an arch suffix (gfx9xx / gfx1xxx / smNN)", r"_gfx[0-9]{3,4}$", [
        ("mm / gemm / latent_input", r"(^|_)mm_|gemm|latent_input|wmma_dense"),
        ("index_topk / prefill / decode / attn", r"index_topk|prefill|decode|attn|mla"),
        ("argmax / sampl", r"argmax|sampl"),
        ("mhc", r"mhc"),
        ("topk / sigmoid", r"topk|sigmoid"),
    ]),
    ("DeepSeek mHC kernels", r"(^|_)mhc(_|$)|mhc_", [
        ("gemm word", r"gemm|matmul"),
        ("pre / prenorm / norm", r"pre"),
        ("post / mix", r"post|mix|res"),
    ]),
    ("KV-pool kernels / expand slots / kvconcat", r"kpool|expand_slots|kv_?concat|kvpool", [
        ("score / mma / attention", r"score|mma|attn"),
        ("append / expand / concat", r"append|expand|concat"),
    ]),
    ("log-prob indices / frequency / penalty helpers", r"(^|_)(raw_)?lp(_|$)|lp_idx|logprob|log_prob|frequency|penalt", [
        ("frequency / penalty", r"frequency|penalt"),
        ("lp / logprob", r"lp|logprob|log_prob"),
    ]),
    ("online softmax", r"online_?softmax", [
        ("top-k / sampling / beam word", r"top_?k|sampl|beam"),
        ("attention word", r"attn|attention|flash|decode"),
        ("forward / kernel only", r"forward|kernel"),
    ]),
    ("norms inside gated-delta / SSM blocks", r"(gdn|kda|delta|mamba|ssm)[a-z0-9_]*norm|norm[a-z0-9_]*(gdn|kda|delta)", [
        ("gated / l2 / rms norm", r"gated|l2|rms"),
    ]),
    ("GGUF k-quant names (q4k ... q8k, q4_k ...)", r"(^|_)q[2-8]_?k(_|$)", [
        ("matmul / mmq / mmvq / gemv / dot", r"mat|mm|gemv|dot|vec"),
        ("dequant / quant word", r"quant|convert|cpy|get_rows"),
    ]),
    ("naive reduce / all-reduce words", r"naive_reduce|(^|_)naive_([a-z0-9]+_)*reduce", [
        ("all / cross-device word", r"all|custom|cross|peer"),
    ]),
]


def main():
    rows = kernel_tally.corpus_rows(ROOT, 25)
    kernel_tally.report(rows, CLASSES, verbose=VERBOSE)


main()
