//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

pub use perfpilot_capacity::explain::StageId;
use perfpilot_capacity::explain::{ExplainReport, RankReport};
use perfpilot_capacity::{ExplainOptions, explain, parse_gib_exact};

/// `tests/fixtures/capacity/<rel>` of the repository.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/capacity").join(rel)
}

/// Exact bytes of a GiB figure as a log prints it.
pub fn gib(s: &str) -> i64 {
    parse_gib_exact(s).expect("a GiB literal")
}

/// Explain a fixture log, optionally with a fixture config.
pub fn explain_fixture(log: &str, config: Option<&str>) -> ExplainReport {
    let mut o = ExplainOptions::new(fixture(&format!("launch/{log}")));
    o.config = config.map(|c| fixture(&format!("model-configs/{c}/config.json")));
    explain(&o).expect("explain")
}

/// The rank with this label.
pub fn rank<'a>(r: &'a ExplainReport, label: &str) -> &'a RankReport {
    r.ranks.iter().find(|k| k.rank == label).unwrap_or_else(|| {
        panic!(
            "no rank {label}; have {:?}",
            r.ranks.iter().map(|k| k.rank.as_str()).collect::<Vec<_>>()
        )
    })
}

/// Free bytes after a stage.
pub fn stage(k: &RankReport, id: StageId) -> Option<i64> {
    k.stages.iter().find(|s| s.id == id).map(|s| s.free_bytes)
}

/// A setting's value.
pub fn setting<'a>(r: &'a ExplainReport, key: &str) -> Option<&'a str> {
    r.settings.iter().find(|s| s.key == key).map(|s| s.value.as_str())
}

/// Assert the config's bytes/token lies in the log's rounding window.
pub fn assert_per_token(k: &RankReport, expected: u64) {
    let d = k.kv.log_bytes_per_token.as_ref().expect("log bytes per token");
    assert!(
        (expected as f64) >= d.min - 0.5 && (expected as f64) <= d.max + 0.5,
        "{expected} B/token outside the log's window {:.1}..{:.1}",
        d.min,
        d.max
    );
}
