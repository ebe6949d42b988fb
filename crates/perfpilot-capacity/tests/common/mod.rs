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

/// A launch log of the corpus (`tests/fixtures/corpus/launch/<name>`).
pub fn corpus(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/corpus/launch")
        .join(name);
    String::from_utf8_lossy(&std::fs::read(&p).expect("corpus log")).into_owned()
}

/// The stated values of one key in `text`, as (launch, number to two decimals) pairs, in line
/// order.
pub fn numbers(text: &str, key: &str) -> Vec<(u32, f64)> {
    use perfpilot_capacity::stated::{Value, stated_values};
    stated_values(&perfpilot_launchlog::parse_log(text))
        .into_iter()
        .filter(|v| v.key == key)
        .filter_map(|v| match v.value {
            Value::Number(n) => Some((v.launch, (n * 100.0).round() / 100.0)),
            _ => None,
        })
        .collect()
}

/// The list values of `key` in `text`, in line order.
pub fn lists(text: &str, key: &str) -> Vec<Vec<u64>> {
    use perfpilot_capacity::stated::{Value, stated_values};
    stated_values(&perfpilot_launchlog::parse_log(text))
        .into_iter()
        .filter(|v| v.key == key)
        .filter_map(|v| match v.value {
            Value::List(l) => Some(l),
            _ => None,
        })
        .collect()
}
