//! Scores `triage` against the hand-labelled failure corpus in
//! `tests/fixtures/corpus/failures` (labels in `labels.tsv`, written from each thread before the
//! tool was run; see `tests/fixtures/corpus/SOURCES.md`). Prints the share of logs whose verdict
//! class is right on the dev split and on the held-out split (`tests/fixtures/corpus/split.tsv`);
//! `unknown` counts as wrong and its rate is printed apart. Fails when the dev split falls below
//! its floor.
//!
//! Splits: `dev` and `heldout` (the first held-out third, scored once and since then development
//! data) are scored by default. A fresh held-out batch (`heldout-3`, see `split.tsv`) is never run
//! by default: it is scored alone, once, with `PERFPILOT_CORPUS_SPLIT=heldout-3`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use perfpilot_triage::{ProblemClass, TriageOptions, triage_logs};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/corpus")
}

#[derive(Default)]
struct Score {
    right: usize,
    total: usize,
    undecided: usize,
    misses: Vec<String>,
}

/// Fresh held-out splits: not run unless named in `PERFPILOT_CORPUS_SPLIT`.
const FRESH: &[&str] = &["heldout-3"];

/// The split named in `PERFPILOT_CORPUS_SPLIT`, if any.
fn only_split() -> Option<String> {
    std::env::var("PERFPILOT_CORPUS_SPLIT").ok().filter(|s| !s.trim().is_empty())
}

/// Whether logs of `side` are scored in this run.
fn wanted(side: &str) -> bool {
    match only_split() {
        Some(only) => side == only,
        None => !FRESH.contains(&side),
    }
}

fn score() -> BTreeMap<String, Score> {
    let root = corpus();
    let split: BTreeMap<String, String> = std::fs::read_to_string(root.join("split.tsv"))
        .expect("split.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t').map(|(a, b)| (a.to_string(), b.trim().to_string())))
        .collect();
    let mut out: BTreeMap<String, Score> = BTreeMap::new();
    let labels = std::fs::read_to_string(root.join("failures/labels.tsv")).expect("labels.tsv");
    for l in labels.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = l.split('\t').collect();
        let (file, class, source) = (cols[0], cols[1], cols[2]);
        let side = split.get(source).unwrap_or_else(|| panic!("{source} not in split.tsv"));
        if !wanted(side) {
            continue;
        }
        let r = triage_logs(&TriageOptions::new(vec![root.join("failures").join(file)]))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let s = out.entry(side.clone()).or_default();
        s.total += 1;
        if r.class.as_str() == class {
            s.right += 1;
        } else {
            if r.class == ProblemClass::Unknown {
                s.undecided += 1;
            }
            s.misses.push(format!("{file}: expected {class}, got {}", r.class.as_str()));
        }
    }
    out
}

#[test]
fn failure_classes_score() {
    let s = score();
    for (split, sc) in &s {
        let pct = 100.0 * sc.right as f64 / sc.total.max(1) as f64;
        let und = 100.0 * sc.undecided as f64 / sc.total.max(1) as f64;
        println!(
            "triage corpus {split}: {}/{} classes right ({pct:.1}%), undecided {}/{} ({und:.1}%)",
            sc.right, sc.total, sc.undecided, sc.total
        );
        for m in &sc.misses {
            println!("  miss {m}");
        }
    }
    if only_split().is_some() {
        return;
    }
    let dev = &s["dev"];
    assert!(dev.right * 1000 >= dev.total * DEV_FLOOR_PERMILLE, "dev score fell below its floor");
}

/// Dev-split floor in per mille.
const DEV_FLOOR_PERMILLE: usize = 473;

/// Prints the findings of the corpus files named in `PERFPILOT_CORPUS_SHOW` (comma-separated),
/// for working on a miss: `PERFPILOT_CORPUS_SHOW=a.log cargo test … show -- --ignored --nocapture`.
#[test]
#[ignore]
fn show() {
    let root = corpus();
    for f in std::env::var("PERFPILOT_CORPUS_SHOW").unwrap_or_default().split(',') {
        let r = triage_logs(&TriageOptions::new(vec![root.join("failures").join(f.trim())]))
            .expect("triage");
        println!("== {f}: {} — {}", r.class.as_str(), r.headline);
        for x in &r.findings {
            println!(
                "  {} {:?} conf {} facts {:?}",
                x.class.as_str(),
                x.signature,
                x.confidence,
                x.facts
            );
            for s in &x.signal {
                println!("    signal {}: {}", s.line, s.text);
            }
        }
    }
}
