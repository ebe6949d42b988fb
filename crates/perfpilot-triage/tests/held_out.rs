//! Held-out cases constructed from known framework messages (tests/fixtures/triage/constructed,
//! see its SOURCES.md), and robustness of the real logs to prefixes, CRLF and interleaving.

use std::path::PathBuf;

use perfpilot_triage::{
    Catalogue, LogTriage, ProblemClass, TriageOptions, TriageReport, triage_logs,
};

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/triage").join(rel)
}

fn triage(rel: &[&str]) -> TriageReport {
    triage_logs(&TriageOptions::new(rel.iter().map(|r| fixture(r)).collect())).unwrap()
}

fn text(r: &TriageReport, lines: &[u64]) -> bool {
    lines.iter().all(|l| r.findings[0].signal.iter().any(|s| s.line == *l))
}

#[test]
fn constructed_cases_get_their_class() {
    let cases: &[(&str, ProblemClass, &[u64])] = &[
        ("constructed/c01-sglang-capture-oom.log", ProblemClass::OomGraphCapture, &[10]),
        ("constructed/c02-vllm-v0-load-oom.log", ProblemClass::OomWeights, &[8]),
        ("constructed/c03-device-assert.log", ProblemClass::DeviceAssert, &[8]),
        ("constructed/c04-uvicorn-port.log", ProblemClass::PortInUse, &[2]),
        ("constructed/c05-hf-model-not-found.log", ProblemClass::ModelNotFound, &[4]),
        ("constructed/c06-tokenizer-enum.log", ProblemClass::TokenizerError, &[4]),
        ("constructed/c07-sglang-watchdog.log", ProblemClass::Hang, &[2]),
        ("constructed/c08-tp-not-divisible.log", ProblemClass::ConfigInvalid, &[4]),
        ("constructed/c09-undefined-symbol.log", ProblemClass::DependencyMismatch, &[4]),
        (
            "constructed/c10-sglang-retract-new-wording.log",
            ProblemClass::KvPoolFullRetraction,
            &[2],
        ),
        ("constructed/c11-unclassified-assertion.log", ProblemClass::Unknown, &[1, 6]),
    ];
    for (file, class, lines) in cases {
        let r = triage(&[file]);
        assert_eq!(r.class, *class, "{file}: {}", r.headline);
        assert!(text(&r, lines), "{file}: signal {:?}", r.findings[0].signal);
    }
}

#[test]
fn capture_oom_folds_the_parent_notice() {
    let r = triage(&["constructed/c01-sglang-capture-oom.log"]);
    assert_eq!(r.findings.len(), 1);
    assert!(r.findings[0].consequences.iter().any(|c| c.text.contains("Received sigquit")));
}

#[test]
fn port_fact_from_uvicorn() {
    let r = triage(&["constructed/c04-uvicorn-port.log"]);
    assert_eq!(r.findings[0].facts.get("port").map(String::as_str), Some("8000"));
    assert!(r.findings[0].next_step.contains(":8000"));
}

#[test]
fn retraction_counts_over_time() {
    let r = triage(&["constructed/c10-sglang-retract-new-wording.log"]);
    assert!(!r.fatal);
    let f = &r.findings[0];
    assert_eq!(f.events, 3);
    let minutes: Vec<(&str, u64)> =
        f.over_time.iter().map(|m| (m.minute.as_str(), m.events)).collect();
    assert_eq!(minutes, vec![("2025-08-01 10:00", 2), ("2025-08-01 10:02", 1)]);
}

#[test]
fn unknown_shows_the_first_fatal_lines() {
    let r = triage(&["constructed/c11-unclassified-assertion.log"]);
    let f = &r.findings[0];
    assert!(r.fatal);
    assert!(f.signature.is_none());
    assert!(f.signal.iter().any(|s| s.text.contains("Scheduler hit an exception")));
    assert!(f.signal.iter().any(|s| s.text.contains("assert len(token_ids) == len(kv_indices)")));
}

#[test]
fn the_first_node_to_fail_is_the_cause() {
    // The NCCL timeout on node 1 comes ten minutes after the OOM on node 0: a consequence.
    let r = triage(&[
        "constructed/c12-node1-rank8-nccl-timeout.log",
        "constructed/c12-node0-tp0-runtime-oom.log",
    ]);
    assert_eq!(r.class, ProblemClass::OomRuntime, "{}", r.headline);
    assert_eq!(r.findings.len(), 1, "{:?}", r.findings.iter().map(|f| f.class).collect::<Vec<_>>());
    assert!(
        r.findings[0]
            .consequences
            .iter()
            .any(|c| c.text.contains("Watchdog caught collective operation timeout"))
    );
    // Alone, the NCCL log is an NCCL timeout.
    let alone = triage(&["constructed/c12-node1-rank8-nccl-timeout.log"]);
    assert_eq!(alone.class, ProblemClass::NcclTimeout);
}

fn run_text(name: &str, text: &str) -> TriageReport {
    let cat = Catalogue::builtin().unwrap();
    let mut t = LogTriage::new(&cat).unwrap();
    t.read_text(name, text);
    t.finish(40)
}

/// Every real failure keeps its class and its first signal line when each line gets a
/// container prefix, an ISO timestamp or CRLF endings.
#[test]
fn real_failures_survive_prefixes_and_crlf() {
    for entry in std::fs::read_dir(fixture("failures")).unwrap() {
        let path = entry.unwrap().path();
        let raw = std::fs::read_to_string(&path).unwrap();
        let base = run_text("base", &raw);
        let variants = [
            raw.lines().map(|l| format!("sglang-1  | {l}\n")).collect::<String>(),
            raw.lines()
                .map(|l| format!("2025-09-01T10:00:00.123456789Z {l}\n"))
                .collect::<String>(),
            raw.lines().map(|l| format!("{l}\r\n")).collect::<String>(),
        ];
        for (i, v) in variants.iter().enumerate() {
            let r = run_text("variant", v);
            assert_eq!(r.class, base.class, "{} variant {i}: {}", path.display(), r.headline);
            assert_eq!(r.fatal, base.fatal, "{} variant {i}", path.display());
            let first = |r: &TriageReport| r.findings.first().map(|f| f.first.line);
            assert_eq!(first(&r), first(&base), "{} variant {i}", path.display());
        }
    }
}

/// Two ranks' tracebacks interleaved line by line are assembled per rank.
#[test]
fn interleaved_rank_tracebacks() {
    let raw =
        std::fs::read_to_string(fixture("failures/vllm-19186-cudagraph-capture-oom-high-util.log"))
            .unwrap();
    let other: Vec<String> = raw
        .lines()
        .map(|l| l.replace("(VllmWorker rank=3 pid=1090)", "(VllmWorker rank=2 pid=1089)"))
        .collect();
    let mut mixed = String::new();
    for (a, b) in raw.lines().zip(&other) {
        mixed.push_str(a);
        mixed.push('\n');
        mixed.push_str(b);
        mixed.push('\n');
    }
    let r = run_text("mixed", &mixed);
    assert_eq!(r.class, ProblemClass::OomGraphCapture);
    let f = &r.findings[0];
    assert_eq!(f.ranks, vec!["rank=3".to_string(), "rank=2".to_string()]);
    assert_eq!(f.first.rank, "rank=3");
    // The signal of the first rank: its exception line is line 13 of the mixed log.
    assert!(
        f.signal
            .iter()
            .any(|s| s.line == 13 && s.text.contains("rank=3") && s.text.contains("out of memory"))
    );
}

/// Launch lines around a failure give it its phase and the timeline its order.
#[test]
fn launch_then_failure_has_phase_and_timeline() {
    let launch =
        std::fs::read_to_string(fixture("launch/sglang-6160-gemma3-27b-tp4-fp16.log")).unwrap();
    let failure =
        std::fs::read_to_string(fixture("failures/sglang-6160-flashinfer-version-missing.log"))
            .unwrap();
    let r = run_text("joined", &format!("{launch}{failure}"));
    assert_eq!(r.class, ProblemClass::DependencyMismatch);
    let f = &r.findings[0];
    assert_eq!(f.phase, perfpilot_triage::Phase::Init);
    let kinds: Vec<&str> = r.timeline.iter().map(|t| t.kind.as_str()).collect();
    assert!(kinds.contains(&"launch") && kinds.contains(&"failure"), "{kinds:?}");
    let fail_at =
        r.timeline.iter().position(|t| t.kind == perfpilot_triage::TimelineKind::Failure).unwrap();
    assert!(r.timeline[..fail_at].iter().any(|t| t.what.contains("weights loaded")));
}

/// A user catalogue replaces a built-in signature by id and can add new ones.
#[test]
fn user_catalogue_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("mine.toml");
    std::fs::write(
        &cat,
        r#"
[[signature]]
id = "radix-cache-assert"
class = "state-slots-exhausted"
title = "Radix cache bookkeeping assertion"
confidence = 0.7
exception = ['^AssertionError']
frames = ['radix_cache']
means = "The radix cache lost track of KV indices."
next_step = "Run with --disable-radix-cache to confirm."
risk = "The scheduler dies."
source = "local knowledge"
"#,
    )
    .unwrap();
    let mut opts = TriageOptions::new(vec![fixture("constructed/c11-unclassified-assertion.log")]);
    opts.signatures = vec![cat];
    let r = triage_logs(&opts).unwrap();
    assert_eq!(r.class, ProblemClass::StateSlotsExhausted);
    assert_eq!(r.findings[0].signature.as_deref(), Some("radix-cache-assert"));
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let missing =
        triage_logs(&TriageOptions::new(vec![fixture("nope.log")])).unwrap_err().to_string();
    assert!(missing.contains("nope.log"), "{missing}");
    let none = triage_logs(&TriageOptions::new(vec![])).unwrap_err().to_string();
    assert!(none.contains("no log file"), "{none}");
    let dir = triage_logs(&TriageOptions::new(vec![fixture("launch")])).unwrap_err().to_string();
    assert!(dir.contains("folder"), "{dir}");
    // Binary garbage and an empty file are logs without failures.
    let r = run_text("garbage", "\u{0}\u{1}\u{2}\n\u{7f}Error\u{0}: x\n");
    assert!(r.findings.iter().all(|f| f.class == ProblemClass::Unknown) || r.findings.is_empty());
    let r = run_text("empty", "");
    assert_eq!(r.class, ProblemClass::None);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Any mix of real log fragments and garbage: no panic, every line counted, the
    /// verdict is `none` exactly when there is no finding.
    #[test]
    fn arbitrary_logs_never_panic(parts in proptest::collection::vec(
        proptest::prop_oneof![
            proptest::strategy::Just("[2025-03-07 21:49:33 TP13] Decode out of memory happened. #retracted_reqs: 1, #new_token_ratio: 0.1474 -> 0.1845".to_string()),
            proptest::strategy::Just("Traceback (most recent call last):".to_string()),
            proptest::strategy::Just("  File \"a.py\", line 3, in f".to_string()),
            proptest::strategy::Just("    x()".to_string()),
            proptest::strategy::Just("RuntimeError: CUDA error: out of memory".to_string()),
            proptest::strategy::Just("Thread 1 (active): \"MainThread\"".to_string()),
            proptest::strategy::Just("    f (a.py:1)".to_string()),
            proptest::strategy::Just("(VllmWorker rank=3 pid=1) ERROR 06-05 06:18:13 [x.py:1] ValueError: No available memory for the cache blocks".to_string()),
            "\\PC{0,120}",
        ],
        0..40,
    )) {
        let text = parts.join("\n");
        let r = run_text("fuzz", &text);
        proptest::prop_assert_eq!(r.files[0].lines as usize, text.lines().count());
        proptest::prop_assert_eq!(r.class == ProblemClass::None, r.findings.is_empty());
    }
}

#[test]
fn simulator_serving_log_without_faults_is_none() {
    let r = triage(&["constructed/sim-sglang-healthy-serving.log"]);
    assert_eq!(r.class, ProblemClass::None, "{}", r.headline);
    assert!(!r.fatal);
    assert!(r.headline.contains("serving requests"), "{}", r.headline);
    assert!(r.timeline.iter().any(|t| t.what == "first request"));
}

/// The timeline's "last of N events" row survives a log path with spaces in it (the
/// location was once parsed back from `PATH:LINE STAMP` at the first space).
#[test]
fn last_of_repeats_row_with_a_spaced_path() {
    let rel = "failures/sglang-4184-dsr1-decode-out-of-memory-retract.log";
    let plain = triage(&[rel]);
    let dir = tempfile::tempdir().unwrap();
    let spaced = dir.path().join("incident logs").join("decode node 1.log");
    std::fs::create_dir_all(spaced.parent().unwrap()).unwrap();
    std::fs::copy(fixture(rel), &spaced).unwrap();
    let r = triage_logs(&TriageOptions::new(vec![spaced.clone()])).unwrap();
    let last = |r: &TriageReport| {
        r.timeline.iter().filter(|e| e.what.contains("last of")).map(|e| e.line).collect::<Vec<_>>()
    };
    assert!(!last(&plain).is_empty(), "the fixture has a repeated event");
    assert_eq!(last(&r), last(&plain));
    let row = r.timeline.iter().find(|e| e.what.contains("last of")).unwrap();
    assert_eq!(row.file, spaced.display().to_string());
}
