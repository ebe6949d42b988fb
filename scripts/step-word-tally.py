#!/usr/bin/env python3
"""Step-word tally (namesfix13, issue #18): for each generic step word, how the hand labels of
every kernel-names*.tsv corpus file names holding it, and which co-occurring family words go
with each label. Rows of every set-aside third (SET_ASIDE_7 ... SET_ASIDE_18, read from
crates/perfpilot-trace/tests/heldout_batch/set_aside.rs) are skipped by source repository, as the
fused-step tally does; later blind batches are not read.

Usage: python3 scripts/step-word-tally.py [tests/fixtures/trace]
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_tally  # noqa: E402

ROOT = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/trace"
STEPS = ["gemm", "index", "split", "prefill", "decode", "rescale", "varlen", "fwd", "dispatch",
         "combine", "conv", "copy", "reduce", "merge", "gather", "scatter", "topk"]
FAMILY = {
    "attention": r"attn|attention|(^|_)(q|k|kv|qk|mla|mqa|gqa|sparse|paged|flash|lse|sm_?scale|softmax|block_?table)(_|$)",
    "ssm": r"ssm|mamba|gdn|delta|causal_?conv|short_?conv|chunk_?scan|selective|recurrent|state",
    "ep": r"(^|_)(ep|a2a|alltoall|all2all|distribute|intranode|internode|nvshmem|rank|peer)(_|$)|mc2",
    "moe": r"moe|expert|(^|_)(topk|routing|router|gate)(_|$)",
}

def words(name):
    n = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()
    return [w for w in re.split(r"[^a-z0-9]+", n) if w]

rows = [(n, label, repo) for n, label, repo, _ in kernel_tally.corpus_rows(ROOT, 19)]

for step in STEPS:
    hits = [(n, l, r) for n, l, r in rows if step in words(n)]
    if not hits:
        continue
    labels = collections.Counter(l for _, l, _ in hits)
    print(f"{step}: {len(hits)} names, {len(set(r for _, _, r in hits))} repositories; labels "
          + ", ".join(f"{l} {k}" for l, k in labels.most_common()))
    for fam, pat in FAMILY.items():
        co = [(n, l) for n, l, _ in hits if re.search(pat, "_".join(words(n)))]
        if co:
            cl = collections.Counter(l for _, l in co)
            print(f"    with {fam} words: {len(co)}: " + ", ".join(f"{l} {k}" for l, k in cl.most_common()))
    bare = [(n, l) for n, l, _ in hits
            if not any(re.search(p, "_".join(words(n))) for p in FAMILY.values())]
    if bare:
        cl = collections.Counter(l for _, l in bare)
        print(f"    with no family word: {len(bare)}: " + ", ".join(f"{l} {k}" for l, k in cl.most_common()))
