//! Round 18 of issue 15 (branch trifix18): the development misses of every scored split sorted by
//! what went wrong, and the wording families written for the largest groups.
//!
//! `round18_miss_table` (ignored: it triages the whole corpus; run it with
//! `cargo test -p perfpilot-triage --test corpus_round18 round18_miss_table -- --ignored --nocapture`)
//! sorts every labelled failure log whose verdict class is wrong into:
//!
//! - (a) no line of failure form: the label's signal column is `-` (no line of the excerpt shows
//!   the failure; the class came from the thread);
//! - (b) a failure line no rule catches: the labelled lines are not among the signal lines of any
//!   classified finding (an `unknown` finding showing them counts here: nothing named them);
//! - (c) the right evidence read, another class chosen: a classified finding shows a labelled
//!   line, but the verdict is another class (precedence) or the line was read as another class
//!   (phase);
//! - (d) a label the written rules of `docs/triage.md` would decide otherwise: listed by hand in
//!   [`LABEL_QUESTIONED`] after reading the excerpt and the thread's label note.
//!
//! It prints each miss with its group, then the counts per labelled class and per engine (the
//! file name's first word: the engine, or the project that wraps it).

#[path = "rules/class_training.rs"]
mod class_training;
#[path = "../../../tests/support/corpus.rs"]
mod corpus;
#[path = "rules/verdict.rs"]
mod verdict;

use std::collections::{BTreeMap, BTreeSet};

use corpus::{corpus, split_of, splits, tsv_rows};
use perfpilot_triage::{ProblemClass, TriageOptions, triage_logs};

/// Misses whose label the written rules would decide otherwise (group d): file and the rule.
const LABEL_QUESTIONED: &[(&str, &str)] = &[];

/// The labelled lines of a signal cell (`-` is none; `a-b` ranges, comma-separated).
fn labelled_lines(cell: &str) -> Option<BTreeSet<u64>> {
    if cell == "-" {
        return None;
    }
    let mut out = BTreeSet::new();
    for part in cell.split(',') {
        let num = |t: &str| t.trim().parse::<u64>().ok();
        match part.split_once('-') {
            Some((a, b)) => {
                if let (Some(a), Some(b)) = (num(a), num(b)) {
                    out.extend(a..=b);
                }
            }
            None => out.extend(num(part)),
        }
    }
    Some(out)
}

/// The group of one miss: `a`, `b`, `c` or `d`.
fn group(file: &str, cell: &str, r: &perfpilot_triage::TriageReport) -> char {
    if LABEL_QUESTIONED.iter().any(|(f, _)| *f == file) {
        return 'd';
    }
    let Some(want) = labelled_lines(cell) else { return 'a' };
    let read = r.findings.iter().any(|f| {
        !matches!(f.class, ProblemClass::Unknown | ProblemClass::None)
            && f.signal.iter().any(|s| want.contains(&s.line))
    });
    if read { 'c' } else { 'b' }
}

#[test]
#[ignore]
fn round18_miss_table() {
    let split = splits();
    let root = corpus().join("failures");
    let mut per_class: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    let mut per_engine: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    let (mut total, mut wrong) = (0, 0);
    for cols in tsv_rows("failures/labels.tsv") {
        let (file, class, source) = (cols[0].as_str(), cols[1].as_str(), cols[2].as_str());
        let side = split_of(&split, source);
        if !class_training::DEV_SPLITS.contains(&side.as_str()) {
            continue;
        }
        total += 1;
        let r = triage_logs(&TriageOptions::new(vec![root.join(file)]))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        if r.class.as_str() == class {
            continue;
        }
        wrong += 1;
        let cell = cols.get(5).map_or("-", String::as_str);
        let g = group(file, cell, &r);
        let (_, by, sig) = verdict::verdict(&r);
        println!(
            "miss ({g}) {side} {file}: labelled {class}, got {} by {by:?}; labelled lines {cell}; \
             verdict signal {:?}",
            r.class.as_str(),
            sig.iter().map(|s| s.chars().take(90).collect::<String>()).collect::<Vec<_>>()
        );
        let i = (g as u8 - b'a') as usize;
        per_class.entry(class.to_string()).or_default()[i] += 1;
        let engine = file.split('-').next().unwrap_or(file).to_string();
        per_engine.entry(engine).or_default()[i] += 1;
    }
    println!("development logs {total}, misses {wrong}");
    for (title, table) in [("class", &per_class), ("engine", &per_engine)] {
        println!("| {title} | a | b | c | d | all |");
        let mut rows: Vec<_> = table.iter().collect();
        rows.sort_by_key(|(k, v)| (std::cmp::Reverse(v.iter().sum::<usize>()), k.to_string()));
        for (k, v) in rows {
            let sum: usize = v.iter().sum();
            println!("| {k} | {} | {} | {} | {} | {sum} |", v[0], v[1], v[2], v[3]);
        }
    }
}
