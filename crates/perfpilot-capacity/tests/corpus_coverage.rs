//! The coverage matrix of the launch-log corpus (`docs/capacity.md`, "Corpus coverage"): every
//! launch log of `tests/fixtures/corpus/sources.tsv` has hand-set tags in
//! `tests/fixtures/corpus/launch-coverage.tsv` (engine, vendor, parallel setup), and the counts
//! per cell are the ones the page states. Run with `--nocapture` to print the matrix.

#[path = "../../../tests/support/corpus.rs"]
mod corpus;

use std::collections::{BTreeMap, BTreeSet};

use corpus::tsv_rows;

/// Engines, vendors and setups a tag may name.
const ENGINES: &[&str] =
    &["vllm-v0", "vllm-v1", "sglang-0.2-0.4", "sglang-0.5+", "tensorrt-llm", "llama.cpp"];
const VENDORS: &[&str] = &["nvidia", "amd", "other", "cpu"];
const SETUPS: &[&str] = &["tp", "pp", "dp", "ep", "multinode", "layersplit", "launches"];

/// `cell -> count` over the tag table, cells named `engine:…`, `vendor:…` and `setup:…`.
fn matrix() -> BTreeMap<String, usize> {
    let mut cells = BTreeMap::new();
    for row in tsv_rows("launch-coverage.tsv") {
        assert_eq!(row.len(), 4, "launch-coverage.tsv: 4 columns expected: {row:?}");
        assert!(ENGINES.contains(&row[1].as_str()), "{}: engine {:?}", row[0], row[1]);
        assert!(VENDORS.contains(&row[2].as_str()), "{}: vendor {:?}", row[0], row[2]);
        *cells.entry(format!("engine:{}", row[1])).or_insert(0) += 1;
        *cells.entry(format!("vendor:{}", row[2])).or_insert(0) += 1;
        for s in row[3].split(',').filter(|s| *s != "-") {
            assert!(SETUPS.contains(&s), "{}: setup {s:?}", row[0]);
            *cells.entry(format!("setup:{s}")).or_insert(0) += 1;
        }
    }
    cells
}

#[test]
fn every_launch_log_is_tagged_once() {
    let tagged: Vec<String> =
        tsv_rows("launch-coverage.tsv").into_iter().map(|r| r[0].clone()).collect();
    let unique: BTreeSet<&String> = tagged.iter().collect();
    assert_eq!(unique.len(), tagged.len(), "a log is tagged twice");
    let logs: BTreeSet<String> = tsv_rows("sources.tsv")
        .into_iter()
        .filter_map(|r| {
            r[0].strip_prefix("launch/").and_then(|f| f.strip_suffix(".log")).map(str::to_string)
        })
        .collect();
    let tagged: BTreeSet<String> = tagged.into_iter().collect();
    assert_eq!(logs, tagged, "launch logs and coverage tags differ");
}

#[test]
fn matrix_counts_are_the_documented_ones() {
    let m = matrix();
    for (cell, n) in &m {
        println!("corpus coverage {cell}: {n}");
    }
    // The figures of docs/capacity.md, "Corpus coverage" (863 launch logs after heldout-59).
    let documented = [
        ("engine:vllm-v0", 105),
        ("engine:vllm-v1", 357),
        ("engine:sglang-0.2-0.4", 47),
        ("engine:sglang-0.5+", 99),
        ("engine:tensorrt-llm", 49),
        ("engine:llama.cpp", 206),
        ("vendor:nvidia", 627),
        ("vendor:amd", 88),
        ("vendor:other", 120),
        ("vendor:cpu", 28),
        ("setup:tp", 317),
        ("setup:pp", 34),
        ("setup:dp", 41),
        ("setup:ep", 51),
        ("setup:multinode", 65),
        ("setup:layersplit", 50),
        ("setup:launches", 58),
    ];
    for (cell, n) in documented {
        assert_eq!(m.get(cell).copied().unwrap_or(0), n, "{cell}: update docs/capacity.md");
    }
}
