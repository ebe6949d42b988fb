//! The taxonomy against the hand-labelled corpus of real kernel names
//! (`tests/fixtures/trace/kernel-names.tsv`, see its SOURCES.md). The bar is 98 %.

use std::collections::BTreeMap;

use perfpilot_trace::taxonomy::{Category, Taxonomy};

const CORPUS: &str = include_str!("../../../tests/fixtures/trace/kernel-names.tsv");

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
        let mut cols = line.split('\t');
        let name = cols.next().unwrap_or_default();
        let expected = cols.next().unwrap_or_default();
        let source = cols.next().unwrap_or_default();
        let expected = Category::parse(expected)
            .unwrap_or_else(|| panic!("kernel-names.tsv:{}: bad category {expected:?}", i + 1));
        out.push(Entry { line: i + 1, name, expected, source });
    }
    out
}

#[test]
fn corpus_is_large_and_covers_every_category_but_unused_ones() {
    let c = corpus();
    assert!(c.len() >= 400, "corpus has {} names", c.len());
    let mut names = std::collections::HashSet::new();
    for e in &c {
        assert!(names.insert(e.name), "duplicate name at line {}", e.line);
        assert!(!e.source.is_empty(), "line {} has no source", e.line);
    }
    let cats: std::collections::HashSet<Category> = c.iter().map(|e| e.expected).collect();
    assert_eq!(cats.len(), Category::ALL.len(), "every category has examples");
}

#[test]
fn corpus_accuracy_at_least_98_percent() {
    let tax = Taxonomy::embedded();
    let c = corpus();
    let mut wrong = Vec::new();
    let mut per_cat: BTreeMap<Category, (usize, usize)> = BTreeMap::new();
    for e in &c {
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
    let ok = c.len() - wrong.len();
    let acc = ok as f64 / c.len() as f64;
    eprintln!("taxonomy corpus: {ok}/{} correct = {:.2} %", c.len(), acc * 100.0);
    for (cat, (good, all)) in &per_cat {
        eprintln!("  {cat:<13} {good}/{all}");
    }
    if !wrong.is_empty() {
        eprintln!("misclassified:\n{}", wrong.join("\n"));
    }
    assert!(acc >= 0.98, "accuracy {:.2} % < 98 %", acc * 100.0);
}

/// Names written down (from public framework sources) after the rules were done and never
/// used to tune them. A lower bar than the corpus: it measures generalisation.
const HELD_OUT: &str = include_str!("../../../tests/fixtures/trace/kernel-names-heldout.tsv");

#[test]
fn held_out_names_generalise() {
    let tax = Taxonomy::embedded();
    let (mut ok, mut all) = (0, 0);
    for (i, line) in HELD_OUT.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut cols = line.split('\t');
        let name = cols.next().unwrap_or_default();
        let expected = Category::parse(cols.next().unwrap_or_default())
            .unwrap_or_else(|| panic!("kernel-names-heldout.tsv:{}: bad category", i + 1));
        all += 1;
        let (got, rule) = tax.classify_explained(name);
        if got == expected {
            ok += 1;
        } else {
            eprintln!(
                "  held-out line {}: expected {expected} got {got} (rule {rule}): {}",
                i + 1,
                tax.display_name(name, 90)
            );
        }
    }
    let acc = ok as f64 / all as f64;
    eprintln!("held-out: {ok}/{all} = {:.1} %", acc * 100.0);
    assert!(all >= 40);
    assert!(acc >= 0.85, "held-out accuracy {:.1} %", acc * 100.0);
}
