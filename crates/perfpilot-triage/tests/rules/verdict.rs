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

/// Prints a round's set-aside thirds' score as counts only (per split and in all; no file, class
/// or line), for the one scoring of the set-aside at the round's end.
#[allow(dead_code)]
pub fn print_set_aside_score(round: &str, set_aside: &[&str]) {
    let split = crate::corpus::splits();
    let (mut right, mut total) = (std::collections::BTreeMap::new(), 0usize);
    for cols in crate::corpus::tsv_rows("failures/labels.tsv") {
        let (file, class, source) = (&cols[0], &cols[1], &cols[2]);
        if !set_aside.contains(&source.as_str()) {
            continue;
        }
        let side = crate::corpus::split_of(&split, source);
        let r = triage_file(file);
        let e: &mut (usize, usize) = right.entry(side).or_default();
        e.1 += 1;
        total += 1;
        if r.class.as_str() == class {
            e.0 += 1;
        }
    }
    for (side, (r, n)) in &right {
        println!("{round} set-aside, {side}: {r}/{n} classes right");
    }
    let all: usize = right.values().map(|v| v.0).sum();
    println!("{round} set-aside, all: {all}/{total} classes right");
}
