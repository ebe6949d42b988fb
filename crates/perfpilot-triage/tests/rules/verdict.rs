//! What the round tests (`corpus_round4.rs` …) read from a triage report: the verdict's class,
//! the rule that decided it and its signal lines, for a corpus log or a pasted text.

use perfpilot_triage::{Catalogue, LogTriage, TriageOptions, TriageReport, triage_logs};

/// The verdict finding's class, `decided_by` (or signature id) and signal texts.
#[allow(dead_code)]
pub fn verdict(r: &TriageReport) -> (String, String, Vec<String>) {
    let f = r.findings.iter().find(|f| f.class == r.class);
    let by = f
        .and_then(|f| f.facts.get("decided_by").cloned().or_else(|| f.signature.clone()))
        .unwrap_or_default();
    let sig = f.map(|f| f.signal.iter().map(|s| s.text.clone()).collect()).unwrap_or_default();
    (r.class.as_str().to_string(), by, sig)
}

/// Triage of one corpus failure log (`tests/fixtures/corpus/failures/FILE`).
#[allow(dead_code)]
pub fn triage_file(file: &str) -> TriageReport {
    let path = crate::corpus::corpus().join("failures").join(file);
    triage_logs(&TriageOptions::new(vec![path])).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Triage of a pasted text, read alone with the built-in catalogue.
#[allow(dead_code)]
pub fn triage_text(text: &str) -> TriageReport {
    let cat = Catalogue::builtin().unwrap();
    let mut t = LogTriage::new(&cat).unwrap();
    t.read_text("paste.log", text);
    t.finish(40)
}

/// Each `(file, class, rule, line)`: the corpus log's verdict is `class`, decided by a rule whose
/// id holds `rule`, with a signal line holding `line`.
#[allow(dead_code)]
pub fn assert_files_decide(cases: &[(&str, &str, &str, &str)]) {
    for (file, class, by, line) in cases {
        let (got, decided, signal) = verdict(&triage_file(file));
        assert_eq!(got, *class, "{file}: decided_by {decided:?}");
        assert!(decided.contains(by), "{file}: decided_by {decided:?}");
        assert!(signal.iter().any(|s| s.contains(line)), "{file}: signal {signal:?}");
    }
}

/// Each `(text, class, rule)`: the pasted text, read alone, gets the verdict `class`, decided by a
/// rule whose id holds `rule`.
#[allow(dead_code)]
pub fn assert_texts_decide(cases: &[(&str, &str, &str)]) {
    for (text, class, by) in cases {
        let r = triage_text(text);
        let (got, decided, _) = verdict(&r);
        assert_eq!(got, *class, "{text}: {}", r.headline);
        assert!(decided.contains(by), "{text}: decided_by {decided:?}");
    }
}
