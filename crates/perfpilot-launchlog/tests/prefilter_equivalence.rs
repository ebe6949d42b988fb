//! The candidate-line prefilter changes the speed of a parse, never its result: every real
//! log of the repository parses to the same `LaunchLog` with the prefilter as with the full
//! automaton over every byte, with the embedded rules and with much larger rule sets built
//! from real log text (hundreds and thousands of phrases, past the 64 patterns one packed
//! searcher takes).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use perfpilot_launchlog::{BlockScan, LaunchLog, LaunchRules, LogParser, parse_reader_with};
use proptest::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every log under the launch, corpus and triage fixtures, as bytes, sorted by path.
fn fixture_logs() -> &'static [(String, Vec<u8>)] {
    static LOGS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let mut out = Vec::new();
        let mut dirs = vec![root().join("tests/fixtures/capacity/launch")];
        for top in ["tests/fixtures/corpus", "tests/fixtures/triage"] {
            dirs.push(root().join(top));
        }
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "log" || x == "txt") {
                    out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
                }
            }
        }
        out.sort();
        assert!(out.len() >= 40, "only {} fixture logs found", out.len());
        out
    })
}

fn parse(rules: &Arc<LaunchRules>, text: &[u8], scan: BlockScan) -> LaunchLog {
    let mut p = LogParser::with_rules(Arc::clone(rules));
    p.set_block_scan(scan);
    p.push_block(text);
    p.finish()
}

fn embedded_rules() -> String {
    std::fs::read_to_string(root().join("crates/perfpilot-launchlog/src/rules.toml")).unwrap()
}

/// The embedded rules plus `n` synthetic ones whose phrases are runs of two or three words
/// of real fixture lines (printable ASCII, at least 8 bytes), in file order.
fn big_rules(n: usize) -> Arc<LaunchRules> {
    let mut phrases = BTreeSet::new();
    let mut ordered = Vec::new();
    'outer: for (_, bytes) in fixture_logs() {
        for line in String::from_utf8_lossy(bytes).lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            for w in 2..=3 {
                for run in words.windows(w) {
                    let phrase = run.join(" ");
                    let printable = phrase.bytes().all(|b| (0x20..0x7f).contains(&b));
                    if phrase.len() >= 8 && printable && phrases.insert(phrase.clone()) {
                        ordered.push(phrase);
                        if ordered.len() == n {
                            break 'outer;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(ordered.len(), n, "not enough distinct phrases in the fixtures");
    let mut text = embedded_rules();
    for (i, phrase) in ordered.iter().enumerate() {
        // Printable ASCII: Rust's debug escaping (\" and \\) is TOML's.
        text.push_str(&format!(
            "\n[[rule]]\nphrase = {phrase:?}\nkey = \"synthetic_{i}\"\nform = \"number\"\n\
             framework = \"other\"\nsource = \"synthetic: fixture log text\"\n"
        ));
    }
    Arc::new(LaunchRules::parse(&text, "synthetic.toml").unwrap())
}

fn assert_same(rules: &Arc<LaunchRules>, what: &str, logs: usize) {
    let mut events = 0;
    for (path, bytes) in fixture_logs().iter().step_by(fixture_logs().len().div_ceil(logs)) {
        let full = parse(rules, bytes, BlockScan::Automaton);
        let pre = parse(rules, bytes, BlockScan::Prefilter);
        assert_eq!(full, pre, "{what}: {path} parses differently with the prefilter");
        events += full.events.len();
    }
    assert!(events > 100, "{what}: only {events} events in all fixtures");
}

#[test]
fn embedded_rules_parse_every_fixture_the_same_with_the_prefilter() {
    let rules = LaunchRules::builtin();
    assert_same(&rules, "embedded rules", usize::MAX);
    // Handlers + rules are past the 64 patterns aho-corasick gives one packed searcher; their
    // anchors share few enough 4-byte heads for at most two passes (the heads are placed in the
    // fingerprint buckets against the background, at most 7 a bucket, 112 a pass: the 32 a pass
    // of before kept the buckets uncrowded when Teddy placed them itself; the passes' candidate
    // lines are merged, and the parse above is still the same).
    assert!(rules.len() + 80 > 64);
    if let Some((anchors, heads, passes)) = rules.prefilter_shape() {
        assert!(
            passes <= 2 && heads <= 112 * passes && anchors >= heads,
            "{anchors}/{heads}/{passes}"
        );
    }
}

#[test]
fn large_rule_sets_from_real_text_parse_the_same_with_the_prefilter() {
    // 300: anchors merged down to at most 64; 2500: past the reduction's limit (2048), the
    // phrases themselves in many packed searchers. The larger set is checked on every 4th log.
    for (n, logs) in [(300, usize::MAX), (2500, 60)] {
        let rules = big_rules(n);
        assert_same(&rules, &format!("{n} synthetic rules"), logs);
        // The block reader (automatic choice, backing off to the automaton where most lines
        // are candidates) agrees too, on blocks past the automatic threshold.
        let mut text = Vec::new();
        for (_, bytes) in fixture_logs().iter().cycle().take(400) {
            text.extend_from_slice(bytes);
            text.push(b'\n');
        }
        let reader = parse_reader_with(std::io::Cursor::new(&text), &rules).unwrap();
        assert_eq!(reader, parse(&rules, &text, BlockScan::Automaton), "{n} synthetic rules");
        if let Some((anchors, heads, passes)) = rules.prefilter_shape() {
            assert!(passes >= 1 && anchors >= heads, "{anchors}/{heads}/{passes}");
        }
    }
}

#[test]
fn the_block_reader_uses_the_prefilter_and_agrees() {
    // Larger than the automatic threshold (256 KiB): parse_reader takes the prefilter path.
    let mut text = Vec::new();
    let noise = b"[2025-11-30 11:20:01 TP0] Decode batch. #running-req: 37, #token: 81234, \
                  token usage: 0.04, cuda graph: True, gen throughput (token/s): 4123.55\r\n";
    while text.len() < 3 << 20 {
        for (_, bytes) in fixture_logs().iter().take(12) {
            text.extend_from_slice(bytes);
            for _ in 0..40 {
                text.extend_from_slice(noise);
            }
        }
    }
    let rules = LaunchRules::builtin();
    let reader = parse_reader_with(std::io::Cursor::new(&text), &rules).unwrap();
    assert_eq!(reader, parse(&rules, &text, BlockScan::Automaton));
    assert!(reader.events.len() > 100);
}

fn fragments() -> &'static [String] {
    static F: OnceLock<Vec<String>> = OnceLock::new();
    F.get_or_init(|| {
        let mut v: Vec<String> = [
            "KV Cache is allocated. #tokens: 1024, K size: 0.5 GB",
            " --max-model-len 4096",
            "# GPU blocks: 2000",
            "Memory pool end. avail mem=3.2 GB",
            "cuda graph: True",
            "[TP1] ",
            "\r",
            "\n",
            "\u{fffd}",
            "x",
            "llama_kv_cache: size = 512.00 MiB",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        for (_, bytes) in fixture_logs().iter().take(6) {
            v.extend(String::from_utf8_lossy(bytes).lines().take(30).map(|l| format!("{l}\n")));
        }
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Any mix of real lines, phrase fragments, CR and LF parses the same both ways.
    #[test]
    fn mixed_text_parses_the_same(picks in proptest::collection::vec((0usize..10_000, 0usize..200), 0..120)) {
        let f = fragments();
        let mut text = String::new();
        for (i, cut) in picks {
            let s = &f[i % f.len()];
            let mut end = s.len().min(cut.max(1) * 4);
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            text.push_str(&s[..end]);
        }
        let rules = LaunchRules::builtin();
        prop_assert_eq!(
            parse(&rules, text.as_bytes(), BlockScan::Automaton),
            parse(&rules, text.as_bytes(), BlockScan::Prefilter)
        );
    }
}
