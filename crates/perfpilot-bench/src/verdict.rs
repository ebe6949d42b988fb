//! Speed verdicts of `bench compare`, from the shared statistics engine
//! ([`perfpilot_stats`]): per latency metric a bootstrap of the per-request samples
//! (hierarchical over runs when each side has at least three), per throughput metric a
//! bootstrap of the runs (needs repeats).

use perfpilot_stats::{Better, Comparison, Policy, Statistic, compare_groups, compare_paired};
use perfpilot_workload::BenchResult;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Key metrics whose SLOWER verdict fails `bench compare` (exit 1) by default.
pub const DEFAULT_KEY_METRICS: &[&str] = &["ttft_ms.median", "tpot_ms.median"];

/// Every metric a verdict can be asked for: latency samples × statistic, then the
/// per-run throughputs.
pub const VERDICT_METRICS: &[&str] = &[
    "ttft_ms.median",
    "ttft_ms.p99",
    "tpot_ms.median",
    "tpot_ms.p99",
    "itl_ms.median",
    "e2e_ms.median",
    "e2e_ms.p99",
    "output_throughput",
    "request_throughput",
];

/// One metric's verdict for one candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MetricVerdict {
    /// Stable id: `<candidate id>.<metric>`.
    pub id: String,
    /// The candidate (a run id, or `candidate` for a group).
    pub candidate: String,
    /// The metric (`ttft_ms.median`, `output_throughput`, …).
    pub metric: String,
    /// A key metric: SLOWER here fails the comparison.
    pub key: bool,
    /// The comparison (absent when it could not be made; see `note`).
    pub comparison: Option<Comparison>,
    /// Why there is no comparison, or what its interval covers.
    pub note: String,
}

fn split(metric: &str) -> Option<(&str, Statistic)> {
    let (m, st) = metric.split_once('.')?;
    let st = match st {
        "median" => Statistic::Median,
        "mean" => Statistic::Mean,
        p => Statistic::Percentile(p.strip_prefix('p')?.parse().ok()?),
    };
    Some((m, st))
}

/// Whether `metric` is one a verdict can be asked for.
pub fn is_verdict_metric(metric: &str) -> bool {
    VERDICT_METRICS.contains(&metric)
        || split(metric)
            .is_some_and(|(m, _)| ["ttft_ms", "tpot_ms", "itl_ms", "e2e_ms"].contains(&m))
}

/// The samples of `metric` per run of each result in `side`.
fn runs_of(side: &[&BenchResult], metric: &str) -> Result<Vec<Vec<f64>>, String> {
    let mut runs = Vec::new();
    for r in side {
        match metric {
            "output_throughput" | "request_throughput" => {
                for s in r.run_summaries() {
                    let v = if metric == "output_throughput" {
                        s.output_throughput
                    } else {
                        s.request_throughput
                    };
                    runs.push(v.into_iter().collect());
                }
            }
            _ => {
                let (m, _) = split(metric).ok_or_else(|| format!("unknown metric {metric}"))?;
                let per = r.runs_samples();
                if per.is_empty() {
                    return Err("a result has no per-request samples (written before schema \
                                perfpilot.bench.serve/2); rerun it"
                        .into());
                }
                for s in per {
                    runs.push(s.metric(m).unwrap_or_default().to_vec());
                }
            }
        }
    }
    Ok(runs)
}

/// Verdicts of `candidate` against `baseline` (each a group of results; a result with
/// repeats contributes each repeat as a run). `paired`: run `i` of each side ran next to
/// the other's run `i` (interleaved rounds), so the bootstrap resamples rounds
/// ([`compare_paired`]).
pub fn verdicts(
    candidate_id: &str,
    baseline: &[&BenchResult],
    candidate: &[&BenchResult],
    key_metrics: &[String],
    policy: &Policy,
    paired: bool,
) -> Vec<MetricVerdict> {
    let mut metrics: Vec<String> = VERDICT_METRICS.iter().map(|s| s.to_string()).collect();
    for k in key_metrics {
        if !metrics.contains(k) {
            metrics.push(k.clone());
        }
    }
    metrics
        .into_iter()
        .map(|metric| {
            let throughput = metric.ends_with("_throughput");
            let made = (|| {
                let b = runs_of(baseline, &metric)?;
                let c = runs_of(candidate, &metric)?;
                if throughput && (b.len() < 3 || c.len() < 3) {
                    return Err(format!(
                        "throughput is one number per run: a verdict needs at least 3 runs per \
                         side ({} vs {}; use --repeats 3 or groups)",
                        b.len(),
                        c.len()
                    ));
                }
                let (statistic, better) = if throughput {
                    (Statistic::Median, Better::Higher)
                } else {
                    let (_, st) =
                        split(&metric).ok_or_else(|| format!("unknown metric {metric}"))?;
                    (st, Better::Lower)
                };
                let compare = if paired { compare_paired } else { compare_groups };
                compare(&b, &c, statistic, better, policy).map_err(|e| e.to_string())
            })();
            let (comparison, note) = match made {
                Ok(c) => {
                    let mut note = if throughput {
                        "run-to-run noise (bootstrap of the runs' values)".to_string()
                    } else {
                        c.scope.label().to_string()
                    };
                    if paired && c.scope == perfpilot_stats::NoiseScope::RunToRun {
                        note.push_str(", paired by round");
                    }
                    (Some(c), note)
                }
                Err(e) => (None, e),
            };
            MetricVerdict {
                id: format!("{candidate_id}.{metric}"),
                candidate: candidate_id.to_string(),
                key: key_metrics.contains(&metric),
                metric,
                comparison,
                note,
            }
        })
        .collect()
}

/// The verdict table, first among the comparison's sections.
pub(crate) fn push_verdicts(doc: &mut perfpilot_report::Document, r: &crate::CompareReport) {
    use perfpilot_report::{Section, Table};
    if r.verdicts.is_empty() {
        return;
    }
    let cols = [
        "candidate",
        "metric",
        "baseline",
        "candidate value",
        "ratio",
        "95% interval",
        "verdict",
        "noise",
    ];
    let mut t = Table::new("verdicts", cols).right(&["baseline", "candidate value", "ratio"]);
    for v in &r.verdicts {
        let metric = if v.key { format!("{} (key)", v.metric) } else { v.metric.clone() };
        let cells = match &v.comparison {
            Some(c) => [
                v.candidate.clone(),
                metric,
                format!("{:.2}", c.baseline),
                format!("{:.2}", c.candidate),
                format!("{:.3} ({:+.1}%)", c.ratio, c.change_pct),
                format!("[{:.3}, {:.3}]", c.ci_low, c.ci_high),
                c.verdict.as_str().to_string(),
                format!("{} ({} vs {} runs)", v.note, c.runs[0], c.runs[1]),
            ],
            None => [
                v.candidate.clone(),
                metric,
                "–".into(),
                "–".into(),
                "–".into(),
                "–".into(),
                "–".into(),
                v.note.clone(),
            ],
        };
        t.push_row(v.id.clone(), cells);
    }
    let title = if r.slower_on_key { "Verdicts: SLOWER on a key metric" } else { "Verdicts" };
    doc.push(Section::new(title).with_table(t.with_footnote(format!(
        "ratio = candidate / baseline; FASTER/SLOWER when the whole 95% interval is beyond \
         ±{:.1}%, SAME when it lies within, NOISY otherwise (docs/bench.md)",
        r.threshold * 100.0
    ))));
}
