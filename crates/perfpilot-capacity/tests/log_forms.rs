//! Every real launch log, read coloured, UTF-16 (LE and BE), with CR-only line ends and
//! behind a 2 MiB first line, gives the same explanation as the original (issue 11 item 6).

#[path = "../../../tests/support/log_forms.rs"]
mod log_forms;

use std::path::{Path, PathBuf};

use log_forms::{differences, each_form, unshift};
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
    let mut want = Value::Null;
    each_form(&fixtures(), "pp-launch-forms", |log, copy, form, shift| {
        let got =
            report(copy, shift).unwrap_or_else(|e| panic!("{} as {form:?}: {e}", log.display()));
        if form.is_none() {
            want = got;
            return;
        }
        let diff = differences(&got, &want);
        assert!(diff.is_empty(), "{} as {form:?}: {diff:#?}", log.display());
    });
}
