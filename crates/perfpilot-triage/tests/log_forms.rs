//! Every real failure log, read coloured, UTF-16 (LE and BE), with CR-only line ends and
//! behind a 2 MiB first line, gives the same report as the original (issue 11 item 6).

#[path = "../../../tests/support/log_forms.rs"]
mod log_forms;

use std::path::{Path, PathBuf};

use log_forms::{differences, each_form, unshift};
use perfpilot_triage::{TriageOptions, triage_logs};
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/triage/failures")
}

/// The report as JSON, with the file's folder removed and, for a log behind one extra first
/// line, every line number moved back by one.
fn report(path: &Path, shift: u64) -> Value {
    let r = triage_logs(&TriageOptions::new(vec![path.to_path_buf()])).unwrap();
    let mut v = serde_json::to_value(&r).unwrap();
    // Prose cites `FILE.log:N`.
    unshift(&mut v, shift, |k| k == "line" || k == "lines", ".log:");
    let dir = path.parent().unwrap().display().to_string();
    serde_json::from_str(&v.to_string().replace(&dir, "<dir>")).unwrap()
}

#[test]
fn every_failure_log_reads_the_same_in_every_form() {
    let mut original = Value::Null;
    each_form(&fixtures(), "pp-log-forms", |log, copy, form, shift| {
        let mut got = report(copy, shift);
        if form.is_none() {
            assert!(
                got["findings"].as_array().is_some_and(|f| !f.is_empty()),
                "{}: the original has findings",
                log.display()
            );
            original = got;
            return;
        }
        let mut want = original.clone();
        if shift > 0 {
            // Prose with line numbers and byte counts, and ids hashed from line numbers.
            for v in [&mut got, &mut want] {
                let m = v.as_object_mut().unwrap();
                m.remove("checked");
                m.remove("headline");
                for t in m["timeline"].as_array_mut().unwrap() {
                    t.as_object_mut().unwrap().remove("id");
                }
            }
        }
        let diff = differences(&got, &want);
        assert!(diff.is_empty(), "{} as {form:?}: {diff:#?}", log.display());
    });
}
