//! Property tests: the launch-log parser never panics and is linear and order-preserving.

use std::path::PathBuf;

use perfpilot_launchlog::{LogParser, parse_log};
use proptest::prelude::*;

fn real_lines() -> &'static [String] {
    static LINES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    LINES.get_or_init(load_lines)
}

fn load_lines() -> Vec<String> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/capacity/launch");
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        out.extend(std::fs::read_to_string(p).unwrap().lines().map(str::to_string));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Arbitrary text, including bytes that look like log fragments, never panics.
    #[test]
    fn arbitrary_text_never_panics(s in "(\\PC|\\r|\\n|\\[TP[0-9]\\]| mem=| GB|KV Cache is allocated\\. |#tokens: |max_total_num_tokens=|non-default args: \\{|server_args=ServerArgs\\(|[0-9.,-]){0,400}") {
        let log = parse_log(&s);
        prop_assert!(log.lines as usize <= s.split('\n').count());
    }

    /// Real lines cut at any char boundary never panic, and a cut line yields no event with a
    /// line number beyond the input.
    #[test]
    fn truncated_real_lines(idx in 0usize..1000, cut in 0usize..2000) {
        let lines = real_lines();
        let line = &lines[idx % lines.len()];
        let mut end = cut.min(line.len());
        while !line.is_char_boundary(end) { end -= 1; }
        let log = parse_log(&line[..end]);
        prop_assert!(log.events.iter().all(|e| e.line == 1));
    }

    /// Parsing line by line equals parsing the whole text.
    #[test]
    fn streaming_equals_whole(picks in proptest::collection::vec(0usize..1000, 1..60)) {
        let lines = real_lines();
        let text: String = picks.iter().map(|i| format!("{}\n", lines[i % lines.len()])).collect();
        let whole = parse_log(&text);
        let mut p = LogParser::new();
        for l in text.lines() { p.push_line(l); }
        prop_assert_eq!(whole, p.finish());
    }
}
