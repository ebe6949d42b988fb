//! Every real launch log, read coloured, UTF-16 (LE and BE), with CR-only line ends and
//! behind a 2 MiB first line, gives the same explanation as the original (issue 11 item 6).

#[path = "../../../tests/support/log_forms.rs"]
mod log_forms;

use std::path::{Path, PathBuf};

use log_forms::{FORMS, Form, differences, fixture_logs, transform, unshift};
use perfpilot_capacity::{ExplainOptions, explain};
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/capacity/launch")
}

fn report(path: &Path, shift: u64) -> Result<Value, String> {
    let r = explain(&ExplainOptions::new(path)).map_err(|e| e.to_string())?;
    let mut v = serde_json::to_value(&r).unwrap();
    // Settings and observations name lines in text: "log line N", "(line N, …".
    unshift(&mut v, shift, is_line_key, "line ");
    let dir = path.parent().unwrap().display().to_string();
    Ok(serde_json::from_str(&v.to_string().replace(&dir, "<dir>")).unwrap())
}

/// Line-number fields of an explain report.
fn is_line_key(k: &str) -> bool {
    k == "line" || k == "lines" || k.ends_with("_line")
}

#[test]
fn every_launch_log_reads_the_same_in_every_form() {
    let tmp = std::env::temp_dir().join(format!("pp-launch-forms-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let logs = fixture_logs(&fixtures());
    assert!(logs.len() >= 10, "fixtures: {}", logs.len());
    for log in &logs {
        let text = std::fs::read_to_string(log).unwrap();
        let copy = tmp.join(log.file_name().unwrap());
        std::fs::write(&copy, &text).unwrap();
        let want = report(&copy, 0).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
        for form in FORMS {
            std::fs::write(&copy, transform(&text, form)).unwrap();
            let shift = u64::from(matches!(form, Form::LongFirstLine));
            let got = report(&copy, shift)
                .unwrap_or_else(|e| panic!("{} as {form:?}: {e}", log.display()));
            let diff = differences(&got, &want);
            assert!(diff.is_empty(), "{} as {form:?}: {diff:#?}", log.display());
        }
    }
    std::fs::remove_dir_all(&tmp).ok();
}
