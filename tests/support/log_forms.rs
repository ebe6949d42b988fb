//! Log transforms shared by the triage and capacity log-form tests (issue 11 item 6): the
//! same log coloured, UTF-16 encoded, with CR-only line ends and with a 2 MiB first line.
#![allow(dead_code)]

/// The ways a log arrives that must read the same as the original.
#[derive(Debug, Clone, Copy)]
pub enum Form {
    /// ANSI colour around every level word, exception name and time stamp.
    Coloured,
    /// UTF-16 LE with a byte-order mark (Windows PowerShell `>`).
    Utf16Le,
    /// UTF-16 BE with a byte-order mark.
    Utf16Be,
    /// `\r` line ends only.
    CrOnly,
    /// A 2 MiB first line before the log (line numbers shift by exactly one).
    LongFirstLine,
}

/// Every form.
pub const FORMS: [Form; 5] =
    [Form::Coloured, Form::Utf16Le, Form::Utf16Be, Form::CrOnly, Form::LongFirstLine];

/// `text` in `form`.
pub fn transform(text: &str, form: Form) -> Vec<u8> {
    match form {
        Form::Coloured => {
            let mut s = String::new();
            for line in text.split_inclusive('\n') {
                // Colour the first word (time stamp or level) and every word ending in
                // Error/Exception/error, as coloured loggers and rich tracebacks do.
                let mut first = true;
                for word in line.split_inclusive(' ') {
                    let bare = word.trim_end();
                    if first
                        || bare.ends_with("Error:")
                        || bare.ends_with("Error")
                        || bare.contains("rror")
                    {
                        s.push_str("\x1b[1;31m");
                        s.push_str(bare);
                        s.push_str("\x1b[0m");
                        s.push_str(&word[bare.len()..]);
                    } else {
                        s.push_str(word);
                    }
                    first = false;
                }
            }
            s.into_bytes()
        }
        Form::Utf16Le => {
            let mut b = vec![0xFF, 0xFE];
            b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            b
        }
        Form::Utf16Be => {
            let mut b = vec![0xFE, 0xFF];
            b.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            b
        }
        Form::CrOnly => text.replace("\r\n", "\n").replace('\n', "\r").into_bytes(),
        Form::LongFirstLine => {
            let mut s = "x".repeat(2 << 20);
            s.push('\n');
            s.push_str(text);
            s.into_bytes()
        }
    }
}

/// The `*.log` files of a fixture folder, sorted.
pub fn fixture_logs(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut logs: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    logs.sort();
    logs
}

/// Every fixture log of `dir` (at least 10), copied into a scratch folder named from `prefix`
/// and then rewritten there in each form in turn: the same path every time, as ids and file
/// names in the reports depend on it. `check(log, copy, form, shift)` runs on the original
/// (`form` None, `shift` 0) and then on each form; `shift` is the number of extra first lines.
pub fn each_form(
    dir: &std::path::Path,
    prefix: &str,
    mut check: impl FnMut(&std::path::Path, &std::path::Path, Option<Form>, u64),
) {
    let tmp = std::env::temp_dir().join(format!("{prefix}-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let logs = fixture_logs(dir);
    assert!(logs.len() >= 10, "fixtures: {}", logs.len());
    for log in &logs {
        let text = std::fs::read_to_string(log).unwrap();
        let copy = tmp.join(log.file_name().unwrap());
        std::fs::write(&copy, &text).unwrap();
        check(log, &copy, None, 0);
        for form in FORMS {
            std::fs::write(&copy, transform(&text, form)).unwrap();
            check(log, &copy, Some(form), u64::from(matches!(form, Form::LongFirstLine)));
        }
    }
    std::fs::remove_dir_all(&tmp).ok();
}

/// Make a report comparable across forms: drop byte counts, and for a log behind `shift`
/// extra first lines move every line number back by `shift` (in fields named as
/// `is_line_key` says, and in prose after `marker`, e.g. `line ` or `.log:`).
pub fn unshift(v: &mut serde_json::Value, shift: u64, is_line_key: fn(&str) -> bool, marker: &str) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            m.remove("bytes");
            for (k, x) in m.iter_mut() {
                if is_line_key(k)
                    && let Some(n) = x.as_u64()
                {
                    *x = Value::from(n - shift);
                } else {
                    unshift(x, shift, is_line_key, marker);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| unshift(x, shift, is_line_key, marker)),
        Value::String(s) if shift > 0 => *s = shift_refs(s, marker, shift),
        _ => {}
    }
}

/// `{marker}N` in prose, with N moved back by `shift`.
pub fn shift_refs(s: &str, marker: &str, shift: u64) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(marker) {
        out.push_str(&rest[..i + marker.len()]);
        rest = &rest[i + marker.len()..];
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
pub fn differences(a: &serde_json::Value, b: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    diff_into(a, b, "", &mut out);
    out
}

fn diff_into(a: &serde_json::Value, b: &serde_json::Value, at: &str, out: &mut Vec<String>) {
    use serde_json::Value;
    if out.len() >= 10 {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                let (l, r) = (x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null));
                if l != r {
                    diff_into(l, r, &format!("{at}.{k}"), out);
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (l, r)) in x.iter().zip(y).enumerate() {
                diff_into(l, r, &format!("{at}[{i}]"), out);
            }
        }
        _ if a != b => out.push(format!("{at}: {a} != {b}")),
        _ => {}
    }
}
