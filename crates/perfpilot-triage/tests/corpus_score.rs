//! Scores `triage` against the hand-labelled failure corpus in
//! `tests/fixtures/corpus/failures` (labels in `labels.tsv`, written from each thread before the
//! tool was run; see `tests/fixtures/corpus/SOURCES.md`). Prints the share of logs whose verdict
//! class is right on the dev split and on the held-out split (`tests/fixtures/corpus/split.tsv`);
//! `unknown` counts as wrong and its rate is printed apart. Fails when the dev split falls below
//! its floor.

#[path = "../../../tests/support/corpus.rs"]
mod corpus;

use std::collections::BTreeMap;

use corpus::{corpus, split_of, splits, tsv_rows};
use perfpilot_triage::{ProblemClass, TriageOptions, triage_logs};

#[derive(Default)]
struct Score {
    right: usize,
    total: usize,
    undecided: usize,
    misses: Vec<String>,
}

fn score() -> BTreeMap<String, Score> {
    let root = corpus();
    let split = splits();
    let mut out: BTreeMap<String, Score> = BTreeMap::new();
    for cols in tsv_rows("failures/labels.tsv") {
        let (file, class, source) = (cols[0].as_str(), cols[1].as_str(), cols[2].as_str());
        let side = split_of(&split, source);
        let r = triage_logs(&TriageOptions::new(vec![root.join("failures").join(file)]))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let s = out.entry(side).or_default();
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
        // The held-out split is scored once, at the end (PERFPILOT_CORPUS_HELDOUT=1); while rules
        // are developed only the dev split is printed.
        if split != "dev" && std::env::var_os("PERFPILOT_CORPUS_HELDOUT").is_none() {
            continue;
        }
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
