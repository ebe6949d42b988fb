//! A replacement rule file (`--launch-rules FILE`) changes what the parser reads, only for
//! the parses given it: the built-in set and other replacement sets in the same process
//! (the MCP server serves many calls) are unaffected, also from several threads at once.

use std::path::PathBuf;
use std::sync::Arc;

use perfpilot_launchlog::{EventKind, LaunchLog, LaunchRules, parse_log, parse_log_with};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A real llama-cpp-python start-up (CPU, `n_ctx = 4096`).
fn llama_log() -> String {
    std::fs::read_to_string(
        root().join("tests/fixtures/corpus/launch/llamacpp-python-89-cpu-ctx4096.log"),
    )
    .unwrap()
}

fn embedded_rules() -> String {
    std::fs::read_to_string(root().join("crates/perfpilot-launchlog/src/rules.toml")).unwrap()
}

/// Every `Setting` the log states, as (key, value).
fn settings(log: &LaunchLog) -> Vec<(String, f64)> {
    log.events
        .iter()
        .filter_map(|e| match &e.event {
            EventKind::Setting { key, value } => Some((key.clone(), *value)),
            _ => None,
        })
        .collect()
}

/// The `: n_ctx` rule states its value under `context_window` instead of `n_ctx`.
fn renamed_rules() -> Arc<LaunchRules> {
    let text = embedded_rules();
    let from = "phrase = \": n_ctx\"\nkey = \"n_ctx\"";
    assert!(text.contains(from), "rules.toml no longer holds {from:?}");
    let text = text.replacen(from, "phrase = \": n_ctx\"\nkey = \"context_window\"", 1);
    Arc::new(LaunchRules::parse(&text, "renamed.toml").unwrap())
}

#[test]
fn a_replacement_rule_changes_the_value_read_and_nothing_else() {
    let text = llama_log();
    let builtin = settings(&parse_log(&text));
    assert!(builtin.contains(&("n_ctx".into(), 4096.0)), "{builtin:?}");
    let renamed = renamed_rules();
    let over = settings(&parse_log_with(&text, &renamed));
    assert!(over.contains(&("context_window".into(), 4096.0)), "{over:?}");
    assert!(!over.iter().any(|(k, _)| k == "n_ctx"), "{over:?}");
    // Every other setting is read as before.
    let rest = |s: &[(String, f64)]| -> Vec<(String, f64)> {
        s.iter().filter(|(k, _)| k != "n_ctx" && k != "context_window").cloned().collect()
    };
    assert_eq!(rest(&builtin), rest(&over));
    // The built-in parse after the override is unchanged (no process-wide state).
    assert_eq!(settings(&parse_log(&text)), builtin);
}

#[test]
fn parses_with_different_rules_in_one_process_do_not_mix() {
    let text = Arc::new(llama_log());
    let renamed = renamed_rules();
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let text = Arc::clone(&text);
            let rules = if i % 2 == 0 { LaunchRules::builtin() } else { Arc::clone(&renamed) };
            std::thread::spawn(move || {
                let key = if i % 2 == 0 { "n_ctx" } else { "context_window" };
                for _ in 0..5 {
                    let s = settings(&parse_log_with(&text, &rules));
                    assert!(s.iter().any(|(k, v)| k == key && *v == 4096.0), "{i}: {s:?}");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn a_rule_file_without_a_source_is_refused_with_its_line() {
    let text = embedded_rules();
    let from = "source = \"llama.cpp llama_context / llama_init_from_model";
    assert!(text.contains(from));
    let bad = text.replacen(from, "source = \" \"\ncomment = \"", 1);
    let err = LaunchRules::parse(&bad, "bad.toml").unwrap_err().to_string();
    assert!(err.contains("bad.toml") && err.contains("line "), "{err}");
    let bad = text.replacen(
        "source = \"llama.cpp llama_context / llama_init_from_model",
        "source = \" \"\n#",
        1,
    );
    let err = LaunchRules::parse(&bad, "bad.toml").unwrap_err().to_string();
    // The `[[rule]]` line of the `: n_ctx` rule (1-based: the line before its phrase).
    let at = text.lines().position(|l| l == "phrase = \": n_ctx\"").expect("n_ctx rule");
    assert!(err.contains("empty `source`") && err.contains(&format!("line {at}:")), "{err}");
}
