//! Bare-name accuracy on the fourth held-out batch (`tests/fixtures/trace/kernel-names-4.tsv`,
//! split `heldout-4`): 637 real kernel names from sources no earlier corpus used
//! (TransformerEngine, FBGEMM, DeepSpeed, torchao, llm-awq, QServe, ThunderKittens, FlashMLA,
//! DeepGEMM), hand-labelled and committed before any rule was changed for it. See
//! `tests/fixtures/trace/SOURCES.md` ("Corpus 4") and `docs/taxonomy.md`.
//!
//! First score, taken once after the rule change (`1bab2c7`): 346/637 = 54.32 % (main's rules,
//! `e463f8b`: 336). Scored on its own:
//! `cargo test -p perfpilot-trace --test taxonomy_heldout4 -- --nocapture` prints the accuracy,
//! per category, and every miss.

use std::collections::{BTreeMap, BTreeSet};

use perfpilot_trace::taxonomy::{Category, Taxonomy};

const CORPUS: &str = include_str!("../../../tests/fixtures/trace/kernel-names-4.tsv");

struct Entry<'a> {
    line: usize,
    name: &'a str,
    expected: Category,
    source: &'a str,
}

fn corpus() -> Vec<Entry<'static>> {
    let mut out = Vec::new();
    for (i, line) in CORPUS.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "kernel-names-4.tsv:{}: expected 4 columns", i + 1);
        let expected = Category::parse(cols[1])
            .unwrap_or_else(|| panic!("kernel-names-4.tsv:{}: bad category {:?}", i + 1, cols[1]));
        assert_eq!(cols[3], "heldout-4", "kernel-names-4.tsv:{}: split must be heldout-4", i + 1);
        out.push(Entry { line: i + 1, name: cols[0], expected, source: cols[2] });
    }
    out
}

/// Every name of the earlier corpora (1, the first held-out list, 2, 3).
fn earlier_names() -> BTreeSet<&'static str> {
    [
        include_str!("../../../tests/fixtures/trace/kernel-names.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-heldout.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-2.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-3.tsv"),
    ]
    .into_iter()
    .flat_map(str::lines)
    .filter(|l| !l.starts_with('#'))
    .filter_map(|l| l.split('\t').next())
    .collect()
}

/// The repository part of a source (`github:owner/name@commit`).
fn repo_of(source: &str) -> &str {
    source.split_whitespace().next().unwrap_or_default().split('@').next().unwrap_or_default()
}

#[test]
fn heldout4_is_fresh_unique_and_from_new_sources() {
    let c = corpus();
    assert!(c.len() >= 400, "heldout-4 has {} names", c.len());
    let earlier = earlier_names();
    let earlier_repos: BTreeSet<&str> = [
        include_str!("../../../tests/fixtures/trace/kernel-names.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-2.tsv"),
        include_str!("../../../tests/fixtures/trace/kernel-names-3.tsv"),
    ]
    .into_iter()
    .flat_map(str::lines)
    .filter(|l| !l.starts_with('#'))
    .filter_map(|l| l.split('\t').nth(2))
    .map(repo_of)
    .filter(|r| r.starts_with("github:"))
    .collect();
    let mut names = BTreeSet::new();
    for e in &c {
        assert!(names.insert(e.name), "duplicate name at line {}", e.line);
        assert!(!earlier.contains(e.name), "line {} repeats a name of an earlier corpus", e.line);
        assert!(e.source.starts_with("github:"), "line {} has no source", e.line);
        let repo = repo_of(e.source);
        assert!(
            !earlier_repos.contains(repo),
            "line {}: {repo} was used by an earlier corpus",
            e.line
        );
    }
}

#[test]
fn heldout4_bare_name_accuracy() {
    let tax = Taxonomy::embedded();
    let c = corpus();
    let mut per_cat: BTreeMap<Category, (usize, usize)> = BTreeMap::new();
    let mut wrong = Vec::new();
    for e in &c {
        let (got, rule) = tax.classify_explained(e.name);
        let slot = per_cat.entry(e.expected).or_default();
        slot.1 += 1;
        if got == e.expected {
            slot.0 += 1;
        } else {
            wrong.push(format!(
                "  line {}: expected {} got {} (rule {}): {}",
                e.line, e.expected, got, rule, e.name
            ));
        }
    }
    let ok = c.len() - wrong.len();
    eprintln!("heldout-4: {ok}/{} correct = {:.2} %", c.len(), ok as f64 * 100.0 / c.len() as f64);
    for (cat, (good, all)) in &per_cat {
        eprintln!("  {cat:<13} {good}/{all}");
    }
    if !wrong.is_empty() {
        eprintln!("heldout-4 misses:\n{}", wrong.join("\n"));
    }
    // The first score is taken once, after the rule change, and then becomes the floor here:
    // later rule changes may raise it, never lower it.
    assert!(ok >= FIRST_SCORE, "heldout-4 fell below its first score: {ok} < {FIRST_SCORE}");
}

/// Correct names at heldout-4's first (and only held-out) score, 346/637 = 54.32 % (rules of 1bab2c7).
const FIRST_SCORE: usize = 346;
