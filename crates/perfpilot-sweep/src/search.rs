//! Rate search: the highest offered rate whose SLA (recomputed) holds. `upper` is probed
//! first (every candidate then has a measurement at the same heavy rate, which stage 2's
//! noise verdicts use), then `lower`, then bisection until the bracket is narrower than
//! `tolerance` or `max_rounds` rounds are spent.

use crate::plan::{Qps, Sla};
use crate::rows::{ProbeRow, SearchOutcome, check_sla};

/// What a finished search found.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// How it ended.
    pub outcome: SearchOutcome,
    /// Highest passing rate.
    pub best: Option<ProbeRow>,
    /// Lowest failing rate.
    pub failed_rate: Option<f64>,
    /// Bisection rounds.
    pub rounds: u32,
    /// Probes used.
    pub probes: u32,
}

/// Round a rate to 1e-4 req/s so ids and resumed probes match exactly.
pub fn round_rate(r: f64) -> f64 {
    (r * 1e4).round() / 1e4
}

/// Search with `probe(rate)`; the SLA is recomputed from each probe's metrics.
pub fn search<E>(
    qps: &Qps,
    sla: &Sla,
    mut probe: impl FnMut(f64) -> Result<ProbeRow, E>,
) -> Result<Found, E> {
    let mut probes = 0;
    let mut run = |r: f64, probes: &mut u32| {
        *probes += 1;
        probe(round_rate(r)).map(|p| {
            let ok = check_sla(sla, &p.metrics).passed;
            (p, ok)
        })
    };
    let (up, up_ok) = run(qps.upper, &mut probes)?;
    if up_ok {
        return Ok(Found {
            outcome: SearchOutcome::AtLeastUpper,
            best: Some(up),
            failed_rate: None,
            rounds: 0,
            probes,
        });
    }
    let (low, low_ok) = run(qps.lower, &mut probes)?;
    if !low_ok {
        return Ok(Found {
            outcome: SearchOutcome::LowerFails,
            best: None,
            failed_rate: Some(low.request_rate),
            rounds: 0,
            probes,
        });
    }
    let (mut lo, mut hi) = (low, qps.upper);
    let mut rounds = 0;
    while hi - lo.request_rate > qps.tolerance && rounds < qps.max_rounds {
        rounds += 1;
        let mid = round_rate((lo.request_rate + hi) / 2.0);
        if mid <= lo.request_rate || mid >= hi {
            break;
        }
        let (p, ok) = run(mid, &mut probes)?;
        if ok {
            lo = p;
        } else {
            hi = mid;
        }
    }
    Ok(Found {
        outcome: SearchOutcome::Bracketed,
        best: Some(lo),
        failed_rate: Some(hi),
        rounds,
        probes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rows::Metrics;

    fn row(rate: f64, p99_ttft: f64, passed_field: bool) -> ProbeRow {
        let sla = Sla { max_p99_ttft_ms: Some(100.0), min_success_rate: 0.99, ..Sla::default() };
        let metrics = Metrics {
            requests: 10,
            completed: 10,
            success_rate: Some(1.0),
            p99_ttft_ms: Some(p99_ttft),
            ..Metrics::default()
        };
        let mut check = check_sla(&sla, &metrics);
        check.passed = passed_field; // a lying field: the search must not read it
        ProbeRow {
            id: format!("r{rate}"),
            framework: "f".into(),
            candidate: "c".into(),
            scenario: "s".into(),
            max_concurrency: None,
            request_rate: rate,
            metrics,
            sla: check,
            e2e_ms: vec![],
            wall_s: 0.0,
            repeat: 0,
        }
    }

    fn sla() -> Sla {
        Sla { max_p99_ttft_ms: Some(100.0), min_success_rate: 0.99, ..Sla::default() }
    }

    #[test]
    fn bisects_to_the_knee_and_ignores_lying_passed_fields() {
        // Latency crosses 100 ms at 5.3 req/s; every row claims `passed: true`.
        let qps = Qps { lower: 1.0, upper: 9.0, tolerance: 0.25, max_rounds: 10 };
        let f =
            search::<()>(&qps, &sla(), |r| Ok(row(r, if r <= 5.3 { 50.0 } else { 150.0 }, true)))
                .unwrap();
        assert_eq!(f.outcome, SearchOutcome::Bracketed);
        let best = f.best.unwrap().request_rate;
        let failed = f.failed_rate.unwrap();
        assert!(best <= 5.3 && failed > 5.3 && failed - best <= 0.25, "{best} {failed}");
    }

    #[test]
    fn lower_fails_and_at_least_upper() {
        let qps = Qps { lower: 1.0, upper: 9.0, tolerance: 0.25, max_rounds: 5 };
        let f = search::<()>(&qps, &sla(), |r| Ok(row(r, 500.0, true))).unwrap();
        assert_eq!(f.outcome, SearchOutcome::LowerFails);
        assert!(f.best.is_none());
        let f = search::<()>(&qps, &sla(), |r| Ok(row(r, 5.0, false))).unwrap();
        assert_eq!(f.outcome, SearchOutcome::AtLeastUpper);
        assert_eq!(f.probes, 1);
    }

    #[test]
    fn max_rounds_caps_the_bisection() {
        let qps = Qps { lower: 1.0, upper: 100.0, tolerance: 0.001, max_rounds: 3 };
        let f =
            search::<()>(&qps, &sla(), |r| Ok(row(r, if r < 40.0 { 1.0 } else { 999.0 }, false)))
                .unwrap();
        assert_eq!(f.rounds, 3);
        assert_eq!(f.probes, 5);
    }
}
