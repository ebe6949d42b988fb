#!/usr/bin/env python3
"""Tally the fused-step convention of the hand labels (docs/taxonomy.md, "Fused steps").

Reads the `taxonomy_splits` listing (split, line, expected, got, rule, name; set-aside rows are
already left out) on stdin:

    cargo run -q -p perfpilot-trace --example taxonomy_splits | python3 scripts/fused-step-tally.py

For every name whose own name (namespaces, template arguments and parameters dropped; Inductor
names skipped) carries step words of two or more steps, it counts how often the hand label is
the step first in the layer's data flow, the step spelled first, the step spelled last, and how
often the classifier's category is the data-flow step.
"""
import re
import sys

# The layer's data flow: all-reduce -> norm -> RoPE -> KV-cache store -> attention;
# activation -> quantisation. Operation words only (operand nouns are not steps).
ORDER = ["communication", "norm", "rope", "kv_cache", "attention", "activation", "quantize"]
STEP = {
    "communication": r"all_?reduce|all_?gather|reduce_?scatter|all_?to_?all|all2all|nccl|(^|_)ar(_|$)",
    "norm": r"(rms|layer|qk|q|k|l2|group)_?norm|(^|_)norm(_|$)",
    "rope": r"rope|rotary",
    "kv_cache": r"cache_?copy|and_?cache|(store|write|append|insert|update|set)_?(kv|k|v)?_?cache"
    r"|kv_?(store|insert|append|write)|cache_(store|write|insert|update)",
    "attention": r"attn|attention|mqa|gqa|mha|(^|_)mla(_|$)|flash_?mla|sdpa|fmha",
    "activation": r"silu|gelu|swiglu|geglu|relu|situ|and_?mul|swish",
    "quantize": r"quant",
}


def own_name(name):
    """The function's own name, camelCase split with underscores, lower case."""
    if name.startswith("triton_"):
        return None
    n = re.sub(r"\(.*", "", name)
    n = re.sub(r"<.*", "", n).split(" ")[-1].split("::")[-1]
    n = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", n)
    n = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", n)
    return n.lower()


def main():
    total = flow = first = last = follows = 0
    for line in sys.stdin:
        cols = line.rstrip("\n").split("\t", 5)
        if len(cols) < 6:
            continue
        _, _, expected, got, _, name = cols
        own = own_name(name)
        if not own:
            continue
        pos = {c: m.start() for c in ORDER if (m := re.search(STEP[c], own))}
        # ggml's RoPE mode `rope_norm` names no norm step.
        if "norm" in pos and "rope_norm" in own and not re.search(r"(rms|qk|q|k|l2|layer)_?norm", own):
            del pos["norm"]
        if len(pos) < 2:
            continue
        total += 1
        by_flow = min(pos, key=ORDER.index)
        flow += expected == by_flow
        first += expected == min(pos, key=pos.get)
        last += expected == max(pos, key=pos.get)
        follows += got == by_flow
    print(f"names with two or more steps: {total}")
    print(f"label = first step in the data flow: {flow}")
    print(f"label = step spelled first: {first}")
    print(f"label = step spelled last: {last}")
    print(f"classifier = first step in the data flow: {follows}")


if __name__ == "__main__":
    main()
