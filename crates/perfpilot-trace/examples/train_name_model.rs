//! Development tool: write the token model (`data/name_model.tsv`) from the labelled corpora
//! (`tests/heldout_batch/training.rs`: every scored corpus without the set-aside thirds), or
//! with `--cv` choose its thresholds by leave-one-source-out cross-validation.
//!
//! `cargo run -q -p perfpilot-trace --example train_name_model > crates/perfpilot-trace/data/name_model.tsv`
//! `cargo run -q -p perfpilot-trace --example train_name_model -- --cv`
//!
//! The cross-validation holds out one source repository at a time, trains on the others
//! (same `MIN_REPOS`), and asks the held-out repository's names that no rule knows: per
//! threshold pair, how many the model decides (coverage), how many of those it gets right
//! (precision), and how many labelled `other` it would turn wrong.

use std::collections::BTreeMap;

use perfpilot_trace::taxonomy::model::{NameModel, TrainRow};
use perfpilot_trace::taxonomy::{Category, Taxonomy};

#[path = "../tests/heldout_batch/set_aside.rs"]
#[allow(dead_code)]
mod set_aside;
#[path = "../tests/heldout_batch/training.rs"]
mod training;

fn main() {
    let tax = Taxonomy::embedded();
    let mode = std::env::args().nth(1);
    if mode.as_deref() == Some("--cv-weak") {
        return cv_weak(&tax);
    }
    if mode.as_deref() != Some("--cv") {
        print!("{}", training::model_file(&tax));
        return;
    }
    let rows = training::labelled(&tax);
    let mut by_repo: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, l) in rows.iter().enumerate() {
        by_repo.entry(l.row.repo.as_str()).or_default().push(i);
    }
    // (label, vote) of every unknown-to-rules name, its repository held out.
    let mut votes = Vec::new();
    for (repo, idx) in &by_repo {
        if !idx.iter().any(|&i| rows[i].unknown_to_rules) {
            continue;
        }
        let train: Vec<TrainRow> =
            rows.iter().filter(|l| l.row.repo != *repo).map(|l| l.row.clone()).collect();
        let model = NameModel::train(&train, training::MIN_REPOS);
        for &i in idx.iter().filter(|&&i| rows[i].unknown_to_rules) {
            votes.push((rows[i].row.category, model.vote(&rows[i].row.tokens)));
        }
    }
    let n = votes.len();
    let other = votes.iter().filter(|(c, _)| *c == Category::Other).count();
    println!(
        "leave-one-source-out over {} repositories: {n} names no rule knows ({other} labelled other)",
        by_repo.len()
    );
    println!(
        "min_posterior\tmin_margin\tmin_tokens\tdecided\tright\tprecision\tcoverage\tother_broken\tnet"
    );
    for p in [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95] {
        for (m, k) in [(0.0, 1), (1.0, 1), (2.0, 1), (1.0, 2), (1.0, 3)] {
            let fired: Vec<(Category, Category)> = votes
                .iter()
                .filter_map(|(label, v)| {
                    let v = v.as_ref()?;
                    let ok = v.category != Category::Other
                        && v.posterior >= p
                        && v.margin >= m
                        && v.known >= k;
                    ok.then_some((*label, v.category))
                })
                .collect();
            let right = fired.iter().filter(|(l, g)| l == g).count();
            let broken = fired.iter().filter(|(l, _)| *l == Category::Other).count();
            println!(
                "{p}\t{m}\t{k}\t{}\t{right}\t{:.3}\t{:.3}\t{broken}\t{}",
                fired.len(),
                right as f64 / fired.len().max(1) as f64,
                fired.len() as f64 / n.max(1) as f64,
                right as i64 - broken as i64
            );
        }
    }
}

/// Leave-one-source-out on the names a weak generic rule decided (memory / elementwise /
/// reduction families and vocabulary): how often a specific category the model favours would
/// be right, and how many right rule decisions it would turn wrong.
fn cv_weak(tax: &Taxonomy) {
    const WEAK: &[&str] = &[
        "memory.family",
        "elementwise.family",
        "reduction.family",
        "vocab.memory",
        "vocab.elementwise",
        "vocab.reduction",
    ];
    const GENERIC: &[Category] =
        &[Category::Memory, Category::Elementwise, Category::Reduction, Category::Other];
    let rows = training::labelled(tax);
    let mut by_repo: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, l) in rows.iter().enumerate() {
        by_repo.entry(l.row.repo.as_str()).or_default().push(i);
    }
    let weak = |i: usize| WEAK.contains(&rows[i].decided.1.as_str());
    let mut votes = Vec::new();
    for (repo, idx) in &by_repo {
        if !idx.iter().any(|&i| weak(i)) {
            continue;
        }
        let train: Vec<TrainRow> =
            rows.iter().filter(|l| l.row.repo != *repo).map(|l| l.row.clone()).collect();
        let model = NameModel::train(&train, training::MIN_REPOS);
        for &i in idx.iter().filter(|&&i| weak(i)) {
            votes.push((rows[i].row.category, rows[i].decided.0, model.vote(&rows[i].row.tokens)));
        }
    }
    let wrong = votes.iter().filter(|(l, g, _)| l != g).count();
    println!("weak decisions: {} ({wrong} wrong)", votes.len());
    println!("min_posterior\tmin_tokens\tchanged\tright\tbroken\tnet");
    for p in [0.6, 0.7, 0.8, 0.9, 0.95, 0.99] {
        for k in [1, 2, 3] {
            let fired: Vec<_> = votes
                .iter()
                .filter(|(_, _, v)| {
                    v.as_ref().is_some_and(|v| {
                        !GENERIC.contains(&v.category) && v.posterior >= p && v.known >= k
                    })
                })
                .collect();
            let right =
                fired.iter().filter(|(l, _, v)| Some(*l) == v.as_ref().map(|v| v.category)).count();
            let broken = fired.iter().filter(|(l, g, _)| l == g).count();
            println!(
                "{p}\t{k}\t{}\t{right}\t{broken}\t{}",
                fired.len(),
                right as i64 - broken as i64
            );
        }
    }
}
