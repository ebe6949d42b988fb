#!/usr/bin/env python3
"""Step-word tally (namesfix13, issue #18): for each generic step word, how the hand labels of
every kernel-names*.tsv corpus file names holding it, and which co-occurring family words go
with each label. Rows of the set-aside thirds still held back are skipped by source repository
(SET_ASIDE_17 for heldout-17; earlier thirds were already scored once and are counted).

Usage: python3 scripts/step-word-tally.py [tests/fixtures/trace]
"""
import collections, glob, os, re, sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/trace"
HELD = {"github:AI-Hypercomputer/maxtext", "github:ml-explore/mlx-lm",
        "github:KOKOSde/nsys-llm-explainer", "github:triton-lang/triton",
        "github:PaddlePaddle/PaddleNLP"}
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

rows = []
for f in sorted(glob.glob(os.path.join(ROOT, "kernel-names*.tsv"))):
    if re.search(r"kernel-names-(1[8-9]|[2-9][0-9])\.tsv$", f):
        continue  # later blind batches are not read
    for line in open(f, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        c = line.rstrip("\n").split("\t")
        if len(c) < 3:
            continue
        repo = c[2].split()[0].split("@")[0]
        if f.endswith("kernel-names-17.tsv") and repo in HELD:
            continue
        rows.append((c[0], c[1], repo))

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
