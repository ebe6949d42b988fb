//! Property tests: the launch-log parser never panics and is linear and order-preserving.

mod common;

use perfpilot_capacity::launch::{LogParser, parse_log};
use proptest::prelude::*;

fn real_lines() -> &'static [String] {
    static LINES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    LINES.get_or_init(load_lines)
}

fn load_lines() -> Vec<String> {
    let dir = common::fixture("launch");
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `explain` on hostile numbers (huge sizes, many pools, negative values) never panics.
    #[test]
    fn explain_never_panics_on_hostile_numbers(
        sizes in proptest::collection::vec(prop_oneof![Just("9999999.99".to_string()), Just("-5.00".to_string()), "[0-9]{1,7}\\.[0-9]{2}"], 1..40),
        tokens in proptest::collection::vec(prop_oneof![Just(u64::MAX), Just(0u64), 0u64..10_000_000], 1..40),
    ) {
        let mut text = String::from("[2025-01-01 00:00:00 TP0] Load weight end. type=X, dtype=torch.bfloat16, avail mem=9999999.99 GB, mem usage=9999999.99 GB.\n");
        for (i, s) in sizes.iter().enumerate() {
            let t = tokens[i % tokens.len()];
            text.push_str(&format!("[2025-01-01 00:00:00 TP0] KV Cache is allocated. #tokens: {t}, K size: {s} GB, V size: {s} GB\n"));
            text.push_str(&format!("[2025-01-01 00:00:00 TP0] Capture cuda graph end. Time elapsed: 1.00 s. mem usage={s} GB. avail mem={s} GB.\n"));
            text.push_str(&format!("# GPU blocks: {t}, # CPU blocks: {t}\nMaximum concurrency for {t} tokens per request: 1e308x\n"));
        }
        text.push_str(&format!("[2025-01-01 00:00:00 TP0] max_total_num_tokens={}, max_running_requests={}, context_len={}\n", tokens[0], tokens[0], tokens[0]));
        let log = parse_log(&text);
        let mut o = perfpilot_capacity::ExplainOptions::new("hostile.log");
        o.what_if = vec!["mem_fraction=0.9".into(), "kv_dtype=fp8".into(), "context_len=18446744073709551615".into()];
        o.request_tokens = vec![1, u64::MAX];
        let _ = perfpilot_capacity::explain_log(&log, &o);
    }
}
