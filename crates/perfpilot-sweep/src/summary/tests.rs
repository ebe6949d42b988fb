//! The repeat decision on rows as a sweep writes them: which verdict, and when the repeats
//! reverse the search's order.

use super::{Decision, repeat_verdict};
use crate::candidates::Stage;
use crate::plan::Sla;
use crate::rows::{Metrics, ProbeRow, Row, SearchOutcome, SearchRow, SlaCheck};

fn search(candidate: &str, rate: f64) -> SearchRow {
    SearchRow {
        id: format!("fw/{candidate}/chat/cinf"),
        framework: "fw".into(),
        candidate: candidate.into(),
        stage: Stage::Baseline,
        reason: String::new(),
        scenario: "chat".into(),
        max_concurrency: None,
        outcome: SearchOutcome::AtLeastUpper,
        best_rate: Some(rate),
        failed_rate: None,
        probes: 1,
        rounds: 0,
        best_metrics: Some(Metrics::default()),
        server_command: vec![],
        vs_baseline: None,
        vs_baseline_gain: None,
    }
}

/// `runs` repeat probes of `candidate`, run i's latencies spread around `center` ms.
fn repeats(candidate: &str, center: f64, runs: u32) -> Vec<Row> {
    (1..=runs)
        .map(|i| {
            let e2e: Vec<f64> =
                (0..16).map(|k| center * (1.0 + 0.002 * f64::from(i) + 0.001 * k as f64)).collect();
            Row::Probe(ProbeRow {
                id: format!("fw/{candidate}/chat/cinf/repeat/r8/{i}"),
                framework: "fw".into(),
                candidate: candidate.into(),
                scenario: "chat".into(),
                max_concurrency: None,
                request_rate: 8.0,
                metrics: Metrics::default(),
                sla: SlaCheck { sla: Sla::default(), passed: true, failed_on: vec![] },
                e2e_ms: e2e,
                wall_s: 1.0,
                repeat: i,
            })
        })
        .collect()
}

fn decide(w: (&str, f64, f64), ru: (&str, f64, f64)) -> Decision {
    let mut rows = repeats(w.0, w.2, 3);
    rows.extend(repeats(ru.0, ru.2, 3));
    repeat_verdict(&rows, &search(w.0, w.1), &search(ru.0, ru.1))
}

#[test]
fn a_slower_runner_up_keeps_the_winner_ahead() {
    match decide(("a", 8.0, 100.0), ("b", 8.0, 150.0)) {
        Decision::Keep(Some(v), Some(c)) => {
            assert_eq!(v, "ahead");
            assert_eq!(c.verdict, perfpilot_stats::Verdict::Slower);
        }
        _ => panic!("expected the winner kept ahead"),
    }
}

#[test]
fn a_runner_up_faster_at_the_same_rate_is_promoted_and_the_comparison_restated() {
    match decide(("a", 8.0, 150.0), ("b", 8.0, 100.0)) {
        Decision::Promote(c) => {
            // Restated as old winner / new winner: the old one is SLOWER.
            assert_eq!(c.verdict, perfpilot_stats::Verdict::Slower);
            assert!(c.ratio > 1.4, "{c:?}");
        }
        _ => panic!("expected the runner-up promoted"),
    }
}

#[test]
fn a_runner_up_faster_but_at_a_lower_rate_is_behind_and_the_rate_ranking_stands() {
    match decide(("a", 16.0, 150.0), ("b", 8.0, 100.0)) {
        Decision::Keep(Some(v), Some(c)) => {
            assert_eq!(v, "behind");
            assert_eq!(c.verdict, perfpilot_stats::Verdict::Faster);
        }
        _ => panic!("expected behind"),
    }
}

#[test]
fn equal_latencies_are_tied_and_missing_repeats_decide_nothing() {
    match decide(("a", 8.0, 100.0), ("b", 8.0, 100.0)) {
        Decision::Keep(Some(v), _) => assert_eq!(v, "tied"),
        _ => panic!("expected tied"),
    }
    let rows = repeats("a", 100.0, 3);
    assert!(matches!(
        repeat_verdict(&rows, &search("a", 8.0), &search("b", 8.0)),
        Decision::Keep(None, None)
    ));
}
