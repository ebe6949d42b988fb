//! Shared by the export tests: the fixture traces and triage's per-category sums.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use perfpilot_report::NoProgress;
use perfpilot_trace::{TriageOptions, triage};

/// `(stage, category)` → (summed GPU ns, launches).
pub type Sums = BTreeMap<(String, String), (i64, u64)>;

/// The repository's fixture folder of traces.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/trace")
}

/// Every fixture trace input, sorted: a folder holding one trace, or each file of a
/// folder holding several rank files (`param_dlrm_v100_8ranks`), so that every input is
/// one rank.
pub fn trace_dirs() -> Vec<PathBuf> {
    let is_trace = |n: &str| n.ends_with(".json.gz") || n.ends_with(".json");
    let mut dirs: Vec<PathBuf> = Vec::new();
    for d in std::fs::read_dir(fixtures()).unwrap() {
        let d = d.unwrap().path();
        if !d.is_dir() {
            continue;
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().is_some_and(|n| is_trace(&n.to_string_lossy())))
            .collect();
        match files.len() {
            0 => {}
            1 => dirs.push(d),
            _ => dirs.append(&mut files),
        }
    }
    dirs.sort();
    assert!(dirs.len() >= 10, "fixture traces missing: {dirs:?}");
    dirs
}

/// The rank `trace triage` analyses and its per-(stage, category) sums.
pub fn triage_sums(input: &Path) -> (u32, Sums) {
    let r = triage(&TriageOptions::new(input), &NoProgress).unwrap();
    let mut sums = Sums::new();
    for s in &r.stages {
        for k in &s.kernels {
            let e = sums.entry((s.stage.as_str().into(), k.category.as_str().into())).or_default();
            e.0 += k.gpu_time_ns;
            e.1 += k.launches;
        }
    }
    (r.rank.unwrap_or(0), sums)
}
