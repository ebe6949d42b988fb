//! The hand-labelled corpus's tables (`tests/fixtures/corpus`, see its SOURCES.md), shared by
//! the capacity and triage scoring tests: TSV rows without comments, and the split of each
//! source into `dev` and `held-out`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The corpus folder of the repository (both including crates sit in `crates/<name>`).
pub fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/corpus")
}

/// The rows of a TSV file below the corpus: blank and `#` lines skipped, columns split on tabs.
pub fn tsv_rows(rel: &str) -> Vec<Vec<String>> {
    let path: &Path = &corpus().join(rel);
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').map(|c| c.trim().to_string()).collect())
        .collect()
}

/// `source -> split` (`dev` or `held-out`) from `split.tsv`.
pub fn splits() -> BTreeMap<String, String> {
    tsv_rows("split.tsv")
        .into_iter()
        .filter_map(|mut c| (c.len() >= 2).then(|| (std::mem::take(&mut c[0]), c.swap_remove(1))))
        .collect()
}

/// The split of `source`; panics naming it when `split.tsv` lacks it.
pub fn split_of(splits: &BTreeMap<String, String>, source: &str) -> String {
    splits.get(source).cloned().unwrap_or_else(|| panic!("{source} not in split.tsv"))
}
