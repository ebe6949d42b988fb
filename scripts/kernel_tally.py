"""Shared by the kernel-name tally scripts (issue #18: `step-word-tally.py`,
`helper-kernel-tally.py`, `namesfix15-tally.py` … `namesfix21-tally.py`): the hand-labelled rows of
every `kernel-names*.tsv` corpus file without the set-aside thirds' source repositories
(`SET_ASIDE_7` … read from crates/perfpilot-trace/tests/heldout_batch/set_aside.rs) and without
the blind batches a round may not read, and the grouped tally the round scripts print.
"""
import collections
import glob
import os
import re
import sys

SET_ASIDE_RS = "crates/perfpilot-trace/tests/heldout_batch/set_aside.rs"

# The MoE words the round scripts test a name for before its other words decide.
MOE_WORDS = r"moe|expert|router|routing|topk_ids|gate"


def cli_args(argv=None):
    """(corpus folder, verbose) from a round script's arguments: `[FOLDER] [-v]`."""
    argv = sys.argv[1:] if argv is None else argv
    args = [a for a in argv if a != "-v"]
    return (args[0] if args else "tests/fixtures/trace"), "-v" in argv


def held_repos():
    """The source repositories of every set-aside third."""
    text = open(SET_ASIDE_RS, encoding="utf-8").read()
    return set(re.findall(r'"(github:[^"]+)"', text))


def corpus_rows(root, first_unread):
    """(name, label, repository, file) of every corpus row a round may read: files
    kernel-names-N.tsv with N >= `first_unread` (later blind batches) and set-aside rows skipped."""
    held = held_repos()
    rows = []
    for f in sorted(glob.glob(os.path.join(root, "kernel-names*.tsv"))):
        m = re.search(r"kernel-names-([0-9]+)\.tsv$", f)
        if m and int(m.group(1)) >= first_unread:
            continue  # later blind batches are not read
        for line in open(f, encoding="utf-8"):
            if line.startswith("#") or not line.strip():
                continue
            c = line.rstrip("\n").split("\t")
            if len(c) < 3:
                continue
            repo = c[2].split()[0].split("@")[0]
            if repo in held:
                continue
            rows.append((c[0], c[1], repo, os.path.basename(f)))
    return rows


def report(rows, classes, key=str.lower, verbose=False):
    """Per class (name, the class's words, [(group, deciding words)]): the labels of the names
    whose `key` holds the class's words, by the first group whose words the key holds (else
    `rest`), with the number of repositories; with `verbose`, every name."""
    for cls, words, groups in classes:
        print(f"== {cls}")
        tally = collections.defaultdict(lambda: (collections.Counter(), set(), []))
        for name, label, repo, f in rows:
            k = key(name)
            if not re.search(words, k):
                continue
            g = next((g for g, w in groups if re.search(w, k)), "rest")
            tally[g][0][label] += 1
            tally[g][1].add(repo)
            tally[g][2].append(f"{label:<12} {name[:110]}  [{f}]")
        for g, _ in groups + [("rest", "")]:
            if g not in tally:
                continue
            labels, repos, names = tally[g]
            print(f"  {g}: {dict(labels.most_common())} ({len(repos)} repos)")
            if verbose:
                for n in names:
                    print("      " + n)
