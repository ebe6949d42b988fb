//! Every real launch log, read coloured, UTF-16 (LE and BE), with CR-only line ends and
//! behind a 2 MiB first line, gives the same explanation as the original (issue 11 item 6).

#[path = "../../../tests/support/log_forms.rs"]
mod log_forms;

use std::path::{Path, PathBuf};

use log_forms::{FORMS, Form, transform};
use perfpilot_capacity::{ExplainOptions, explain};
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/capacity/launch")
}

fn report(path: &Path, shift: u64) -> Result<Value, String> {
    let r = explain(&ExplainOptions::new(path)).map_err(|e| e.to_string())?;
    let mut v = serde_json::to_value(&r).unwrap();
    fix(&mut v, shift);
    let dir = path.parent().unwrap().display().to_string();
    Ok(serde_json::from_str(&v.to_string().replace(&dir, "<dir>")).unwrap())
}

/// Drop byte counts; move line numbers back by `shift` (the extra first line).
fn fix(v: &mut Value, shift: u64) {
    match v {
        Value::Object(m) => {
            m.remove("bytes");
            for (k, x) in m.iter_mut() {
                if (k == "line" || k == "lines" || k.ends_with("_line"))
                    && let Some(n) = x.as_u64()
                {
                    *x = Value::from(n - shift);
                } else {
                    fix(x, shift);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| fix(x, shift)),
        // Settings and observations name lines in text: "log line N", "(line N, …".
        Value::String(s) if shift > 0 => *s = shift_line_refs(s, shift),
        _ => {}
    }
}

#[test]
fn every_launch_log_reads_the_same_in_every_form() {
    let tmp = std::env::temp_dir().join(format!("pp-launch-forms-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut logs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    logs.sort();
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
            let mut diff = Vec::new();
            differences(&got, &want, "", &mut diff);
            assert!(diff.is_empty(), "{} as {form:?}: {diff:#?}", log.display());
        }
    }
    std::fs::remove_dir_all(&tmp).ok();
}
/// `line N` in prose, with N moved back by `shift`.
fn shift_line_refs(s: &str, shift: u64) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("line ") {
        out.push_str(&rest[..i + 5]);
        rest = &rest[i + 5..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        match rest[..digits].parse::<u64>() {
            Ok(n) => out.push_str(&(n - shift).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// Leaf paths where `a` and `b` differ (at most 10), for a readable failure.
fn differences(a: &Value, b: &Value, at: &str, out: &mut Vec<String>) {
    if out.len() >= 10 {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                let (l, r) = (x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null));
                if l != r {
                    differences(l, r, &format!("{at}.{k}"), out);
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (l, r)) in x.iter().zip(y).enumerate() {
                differences(l, r, &format!("{at}[{i}]"), out);
            }
        }
        _ if a != b => out.push(format!("{at}: {a} != {b}")),
        _ => {}
    }
}
