//! Helpers the rule tests share: fixture text and the one-value events of a parse.

#![allow(dead_code)] // each test file uses some of them

use std::path::Path;

use perfpilot_launchlog::{EventKind, parse_log};

/// A file under the repository's `tests/fixtures`.
pub fn fixture(rel: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    std::fs::read_to_string(root.join(rel)).expect("fixture")
}

/// `(key, value)` of the one-value events: settings, words, sizes in GiB to 2 decimals, stage
/// times as `<stage>_s`.
pub fn values(text: &str) -> Vec<(String, String)> {
    parse_log(text)
        .events
        .into_iter()
        .filter_map(|e| match e.event {
            EventKind::Setting { key, value } => Some((key, value.to_string())),
            EventKind::Word { key, value } => Some((key, value)),
            EventKind::Size { key, size } => {
                Some((key, format!("{:.2}", size.bytes as f64 / (1u64 << 30) as f64)))
            }
            EventKind::StageTime { stage, seconds } => {
                Some((format!("{stage}_s"), seconds.to_string()))
            }
            _ => None,
        })
        .collect()
}

/// Whether `got` holds `key` = `value`.
pub fn has(got: &[(String, String)], key: &str, value: &str) -> bool {
    got.iter().any(|(k, v)| k == key && v == value)
}
