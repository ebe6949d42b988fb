//! Bare-name accuracy on the second corpus (`tests/fixtures/trace/kernel-names-2.tsv`):
//! 2,397 real kernel names from sources the first corpus never used, hand-labelled, split BY
//! SOURCE into `heldout` (about a third, set aside before any rule was changed) and `rest`.
//! See `tests/fixtures/trace/SOURCES.md` and `docs/taxonomy.md` ("Corpus 2").
//!
//! Run with `cargo test -p perfpilot-trace --test taxonomy_corpus2 -- --nocapture` to see
//! the per-split, per-category accuracy and every miss.

use std::collections::{BTreeMap, BTreeSet};

use perfpilot_trace::taxonomy::{Category, Taxonomy};

const CORPUS: &str = include_str!("../../../tests/fixtures/trace/kernel-names-2.tsv");

struct Entry<'a> {
    line: usize,
    name: &'a str,
    expected: Category,
    source: &'a str,
    heldout: bool,
}

fn corpus() -> Vec<Entry<'static>> {
    let mut out = Vec::new();
    for (i, line) in CORPUS.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "kernel-names-2.tsv:{}: expected 4 columns", i + 1);
        let expected = Category::parse(cols[1])
            .unwrap_or_else(|| panic!("kernel-names-2.tsv:{}: bad category {:?}", i + 1, cols[1]));
        let heldout = match cols[3] {
            "heldout" => true,
            "rest" => false,
            other => panic!("kernel-names-2.tsv:{}: bad split {other:?}", i + 1),
        };
        out.push(Entry { line: i + 1, name: cols[0], expected, source: cols[2], heldout });
    }
    out
}

/// The source a split is decided by: the repository, or for TraceLens the trace file.
fn source_key(source: &str) -> String {
    let mut parts = source.split_whitespace();
    let repo = parts.next().unwrap_or_default();
    let path = parts.next().unwrap_or_default();
    if repo.contains("TraceLens") { format!("{repo} {path}") } else { repo.to_string() }
}

/// Accuracy of `tax` on one split; prints per-category counts and every miss.
fn score(tax: &Taxonomy, entries: &[&Entry<'_>], label: &str) -> f64 {
    let mut per_cat: BTreeMap<Category, (usize, usize)> = BTreeMap::new();
    let mut wrong = Vec::new();
    for e in entries {
        let (got, rule) = tax.classify_explained(e.name);
        let slot = per_cat.entry(e.expected).or_default();
        slot.1 += 1;
        if got == e.expected {
            slot.0 += 1;
        } else {
            wrong.push(format!(
                "  line {}: expected {} got {} (rule {}): {}",
                e.line,
                e.expected,
                got,
                rule,
                tax.display_name(e.name, 100)
            ));
        }
    }
    let ok = entries.len() - wrong.len();
    let acc = ok as f64 / entries.len() as f64;
    eprintln!("corpus 2 {label}: {ok}/{} correct = {:.2} %", entries.len(), acc * 100.0);
    for (cat, (good, all)) in &per_cat {
        eprintln!("  {cat:<13} {good}/{all}");
    }
    if !wrong.is_empty() {
        eprintln!("{label} misses:\n{}", wrong.join("\n"));
    }
    acc
}

#[test]
fn corpus2_is_large_unique_and_split_by_source() {
    let c = corpus();
    assert!(c.len() >= 2000, "corpus 2 has {} names", c.len());
    let first: BTreeSet<&str> = include_str!("../../../tests/fixtures/trace/kernel-names.tsv")
        .lines()
        .chain(include_str!("../../../tests/fixtures/trace/kernel-names-heldout.tsv").lines())
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .collect();
    let mut names = BTreeSet::new();
    let mut split_of: BTreeMap<String, bool> = BTreeMap::new();
    for e in &c {
        assert!(names.insert(e.name), "duplicate name at line {}", e.line);
        assert!(!first.contains(e.name), "line {} repeats a corpus-1 name", e.line);
        assert!(e.source.starts_with("github:"), "line {} has no source", e.line);
        let key = source_key(e.source);
        let prev = split_of.insert(key.clone(), e.heldout);
        assert!(prev.is_none_or(|p| p == e.heldout), "source {key} is in both splits");
    }
    let held = c.iter().filter(|e| e.heldout).count();
    let share = held as f64 / c.len() as f64;
    assert!((0.30..=0.40).contains(&share), "held-out share {share:.2} is not about a third");
}

#[test]
fn corpus2_bare_name_accuracy() {
    let tax = Taxonomy::embedded();
    let c = corpus();
    let held: Vec<&Entry<'_>> = c.iter().filter(|e| e.heldout).collect();
    let rest: Vec<&Entry<'_>> = c.iter().filter(|e| !e.heldout).collect();
    let acc_rest = score(&tax, &rest, "rest");
    let acc_held = score(&tax, &held, "held-out");
    eprintln!(
        "corpus 2 summary: rest {:.2} %, held-out {:.2} %",
        acc_rest * 100.0,
        acc_held * 100.0
    );
}
