//! `bench compare`: several results side by side, refusing unfair comparisons, with a
//! speed verdict per metric from the shared statistics engine.

use std::path::PathBuf;

use perfpilot_report::{Document, Report, Section, Table};
use perfpilot_stats::{NoiseScope, Policy, Verdict};
use perfpilot_workload::{BENCH_SERVE_SCHEMA, BENCH_SERVE_SCHEMA_COMPAT, BenchResult, Stats};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::BenchError;
use crate::verdict::{MetricVerdict, is_verdict_metric, verdicts};

/// Options of `bench compare`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareOptions {
    /// Result files (`bench serve --output` or `sim run` JSON). Without `vs`: the first
    /// is the baseline and each other one a candidate. With `vs`: the baseline group.
    pub inputs: Vec<PathBuf>,
    /// The candidate group (one run per file, or files with repeats): compared as a
    /// whole against the group in `inputs`, hierarchically when each side has ≥ 3 runs.
    #[serde(default)]
    pub vs: Vec<PathBuf>,
    /// Compare even when fairness settings or cache-hit rates differ (loud warning
    /// instead of refusal).
    #[serde(default)]
    pub allow_unfair: bool,
    /// Smallest relative change that matters, as a fraction (default 0.02 = 2%).
    #[serde(default = "default_threshold")]
    pub threshold: f64,
    /// Metrics whose SLOWER verdict fails the comparison (default `ttft_ms.median`,
    /// `tpot_ms.median`).
    #[serde(default = "default_keys")]
    pub key_metrics: Vec<String>,
    /// Largest difference of prefix-cache hit rates (absolute fraction, default 0.05)
    /// still called fair.
    #[serde(default = "default_cache_tolerance")]
    pub cache_tolerance: f64,
    /// Run `i` of `inputs` ran next to run `i` of `vs` (interleaved rounds, as `bench
    /// compare --run` makes them): the interval resamples whole rounds, so a slow spell
    /// of the machine that both runs of a round share cancels instead of widening it.
    /// Needs equal run counts on both sides (else the groups are compared unpaired).
    #[serde(default)]
    pub paired: bool,
}

fn default_threshold() -> f64 {
    Policy::default().threshold
}
fn default_keys() -> Vec<String> {
    crate::verdict::DEFAULT_KEY_METRICS.iter().map(|s| s.to_string()).collect()
}
fn default_cache_tolerance() -> f64 {
    0.05
}

impl CompareOptions {
    /// Options for comparing `inputs` (first = baseline) with every default.
    pub fn new(inputs: Vec<PathBuf>) -> CompareOptions {
        CompareOptions {
            inputs,
            vs: Vec::new(),
            allow_unfair: false,
            threshold: default_threshold(),
            key_metrics: default_keys(),
            cache_tolerance: default_cache_tolerance(),
            paired: false,
        }
    }
}

/// One run's column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CompareRun {
    /// Stable id (`run1`, `run2`, … in input order).
    pub id: String,
    /// The file.
    pub path: String,
    /// Who produced it.
    pub client: String,
    /// Server version, when known.
    pub server_version: Option<String>,
    /// `baseline` or `candidate` (group comparisons), else absent.
    pub side: Option<String>,
    /// Measured runs in the file (repeats, or 1).
    pub repeats: u32,
    /// Prefix-cache hit rate, when the server reported cached tokens.
    pub cache_hit_rate: Option<f64>,
}

/// One metric across runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CompareMetric {
    /// Stable id (the summary key, e.g. `ttft_ms.p99`).
    pub id: String,
    /// Whether lower is better.
    pub lower_is_better: bool,
    /// Value per run (absent when the run lacks it).
    pub values: Vec<Option<f64>>,
    /// Change of each run vs the first, percent.
    pub change_pct: Vec<Option<f64>>,
}

/// A fairness setting across runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FairnessRow {
    /// The setting.
    pub setting: String,
    /// Value per run.
    pub values: Vec<String>,
    /// Not all equal.
    pub differs: bool,
}

/// The comparison (`perfpilot.bench.compare/3`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CompareReport {
    /// The group verdicts paired run `i` of the baseline with run `i` of the candidate
    /// (interleaved rounds; see [`CompareOptions::paired`]).
    pub paired: bool,
    /// Runs in input order (baseline group, then candidate group).
    pub runs: Vec<CompareRun>,
    /// Speed verdicts per candidate and metric.
    pub verdicts: Vec<MetricVerdict>,
    /// The practical threshold (fraction).
    pub threshold: f64,
    /// Metrics whose SLOWER verdict fails the comparison.
    pub key_metrics: Vec<String>,
    /// A candidate is SLOWER on a key metric by a run-to-run interval (exit 1).
    pub slower_on_key: bool,
    /// Metrics.
    pub metrics: Vec<CompareMetric>,
    /// Every fairness setting.
    pub fairness: Vec<FairnessRow>,
    /// All fairness settings equal.
    pub fair: bool,
}

/// `perfpilot sim run`'s output (its `result.result` is a bench result).
const SIM_RUN_SCHEMA: &str = "perfpilot.sim.run/1";

fn load(path: &PathBuf) -> Result<BenchResult, BenchError> {
    let bytes = perfpilot_io::read_bounded(path).map_err(|e| BenchError::file(path, e))?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        BenchError::file(path, format!("line {} column {}: not JSON: {e}", e.line(), e.column()))
    })?;
    let inner = match v.get("schema_version").and_then(|s| s.as_str()) {
        Some(s) if s == BENCH_SERVE_SCHEMA || BENCH_SERVE_SCHEMA_COMPAT.contains(&s) => {
            v.get("result").cloned().unwrap_or(serde_json::Value::Null)
        }
        // `sim run` wraps the same benchmark record with engine counters.
        Some(SIM_RUN_SCHEMA) => v.pointer("/result/result").cloned().unwrap_or_default(),
        Some(other) => {
            return Err(BenchError::file(
                path,
                format!("schema {other}, expected {BENCH_SERVE_SCHEMA}"),
            ));
        }
        None => v,
    };
    serde_json::from_value(inner)
        .map_err(|e| BenchError::file(path, format!("not a {BENCH_SERVE_SCHEMA} result: {e}")))
}

type Getter = fn(&BenchResult) -> Option<f64>;

fn metric_table() -> Vec<(&'static str, bool, Getter)> {
    fn st(s: Option<Stats>, f: fn(&Stats) -> f64) -> Option<f64> {
        s.as_ref().map(f)
    }
    vec![
        ("completed", false, |r| Some(r.summary.completed as f64)),
        ("failed", true, |r| Some(r.summary.failed as f64)),
        ("duration_s", true, |r| Some(r.summary.duration_s)),
        ("request_throughput", false, |r| r.summary.request_throughput),
        ("output_throughput", false, |r| r.summary.output_throughput),
        ("total_throughput", false, |r| r.summary.total_throughput),
        ("request_goodput", false, |r| r.summary.goodput.as_ref().and_then(|g| g.request_goodput)),
        ("ttft_ms.mean", true, |r| st(r.summary.ttft_ms, |s| s.mean)),
        ("ttft_ms.median", true, |r| st(r.summary.ttft_ms, |s| s.median)),
        ("ttft_ms.p99", true, |r| st(r.summary.ttft_ms, |s| s.p99)),
        ("tpot_ms.mean", true, |r| st(r.summary.tpot_ms, |s| s.mean)),
        ("tpot_ms.median", true, |r| st(r.summary.tpot_ms, |s| s.median)),
        ("tpot_ms.p99", true, |r| st(r.summary.tpot_ms, |s| s.p99)),
        ("itl_ms.mean", true, |r| st(r.summary.itl_ms, |s| s.mean)),
        ("itl_ms.p99", true, |r| st(r.summary.itl_ms, |s| s.p99)),
        ("e2e_ms.mean", true, |r| st(r.summary.e2e_ms, |s| s.mean)),
        ("e2e_ms.p99", true, |r| st(r.summary.e2e_ms, |s| s.p99)),
        ("mean_concurrency", false, |r| r.summary.mean_concurrency),
        ("client_cpu_us_per_token", true, |r| {
            r.client_overhead.and_then(|c| c.cpu_us_per_output_token)
        }),
    ]
}

/// Compare result files. Runs whose fairness settings (or prefix-cache hit rates)
/// differ are refused unless `allow_unfair` (then `fair` is false and the document says
/// so first). Each candidate (or the candidate group) gets a verdict per metric.
pub fn compare(opts: &CompareOptions) -> Result<CompareReport, BenchError> {
    let group = !opts.vs.is_empty();
    if group && opts.inputs.is_empty() {
        return Err(BenchError::option("--vs", "give the baseline group's files before --vs"));
    }
    if !group && opts.inputs.len() < 2 {
        return Err(BenchError::option("bench compare", "give at least two result files"));
    }
    if opts.paired && !group {
        return Err(BenchError::option("--paired", "pairs a baseline group with a --vs group"));
    }
    let policy = Policy { threshold: opts.threshold, ..Policy::default() };
    policy.validate().map_err(|e| BenchError::option("--threshold", e.to_string()))?;
    if !(0.0..=1.0).contains(&opts.cache_tolerance) {
        return Err(BenchError::option("--cache-tolerance", "a fraction in [0, 1]"));
    }
    if let Some(k) = opts.key_metrics.iter().find(|k| !is_verdict_metric(k)) {
        return Err(BenchError::option(
            "--key-metric",
            format!(
                "`{k}` has no verdict (one of {} or <ttft_ms|tpot_ms|itl_ms|e2e_ms>.pNN)",
                crate::verdict::VERDICT_METRICS.join(", ")
            ),
        ));
    }
    let paths: Vec<&PathBuf> = opts.inputs.iter().chain(&opts.vs).collect();
    let results: Vec<BenchResult> = paths.iter().map(|p| load(p)).collect::<Result<_, _>>()?;
    let n_base = opts.inputs.len();
    let settings: Vec<Vec<(&str, String)>> =
        results.iter().map(|r| r.settings.fairness()).collect();
    let mut names: Vec<&str> = Vec::new();
    for s in &settings {
        for (k, _) in s {
            if !names.contains(k) {
                names.push(k);
            }
        }
    }
    // In a group comparison, runs within a group may use different prompt seeds: those
    // rows need only match pairwise (baseline i vs candidate i).
    let pairwise = |name: &str| group && matches!(name, "seed" | "dataset.fingerprint");
    let mut fairness: Vec<FairnessRow> = names
        .iter()
        .map(|name| {
            let values: Vec<String> = settings
                .iter()
                .map(|s| {
                    s.iter()
                        .find(|(k, _)| k == name)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_else(|| "–".into())
                })
                .collect();
            let differs = if pairwise(name) {
                let (a, b) = values.split_at(n_base);
                a.len() != b.len() || a.iter().zip(b).any(|(x, y)| x != y)
            } else {
                values.windows(2).any(|w| w[0] != w[1])
            };
            FairnessRow { setting: name.to_string(), values, differs }
        })
        .collect();
    let hit: Vec<Option<f64>> = results.iter().map(|r| r.cache.and_then(|c| c.hit_rate)).collect();
    if hit.iter().any(Option::is_some) {
        let known: Vec<f64> = hit.iter().flatten().copied().collect();
        let spread = known.iter().copied().fold(f64::MIN, f64::max)
            - known.iter().copied().fold(f64::MAX, f64::min);
        fairness.push(FairnessRow {
            setting: "prefix_cache_hit_rate".into(),
            values: results
                .iter()
                .map(|r| match r.cache {
                    Some(c) => format!(
                        "{} ({})",
                        c.hit_rate.map(|h| format!("{:.1}%", h * 100.0)).unwrap_or("–".into()),
                        c.flush.as_str()
                    ),
                    None => "–".into(),
                })
                .collect(),
            differs: spread > opts.cache_tolerance,
        });
    }
    let fair = fairness.iter().all(|f| !f.differs);
    if !fair && !opts.allow_unfair {
        let diffs: Vec<String> = fairness
            .iter()
            .filter(|f| f.differs)
            .map(|f| format!("{}: {}", f.setting, f.values.join(" | ")))
            .collect();
        return Err(BenchError::option(
            "bench compare",
            format!(
                "the runs differ in settings that change the numbers (or their prefix-cache hit \
                 rates differ by more than {:.0} points), so they are not comparable (pass \
                 --allow-unfair to compare anyway):\n  {}",
                opts.cache_tolerance * 100.0,
                diffs.join("\n  ")
            ),
        ));
    }
    let metrics = metric_table()
        .into_iter()
        .map(|(id, lower, get)| {
            let values: Vec<Option<f64>> = results.iter().map(get).collect();
            let base = values[0];
            let change_pct = values
                .iter()
                .map(|v| match (base, v) {
                    (Some(b), Some(v)) if b != 0.0 => Some((v - b) / b * 100.0),
                    _ => None,
                })
                .collect();
            CompareMetric { id: id.to_string(), lower_is_better: lower, values, change_pct }
        })
        .collect();
    let all: Vec<&BenchResult> = results.iter().collect();
    let runs_in =
        |side: &[&BenchResult]| -> usize { side.iter().map(|r| r.run_summaries().len()).sum() };
    let paired = opts.paired && runs_in(&all[..n_base]) == runs_in(&all[n_base..]);
    let verdicts: Vec<MetricVerdict> = if group {
        verdicts("candidate", &all[..n_base], &all[n_base..], &opts.key_metrics, &policy, paired)
    } else {
        (1..all.len())
            .flat_map(|i| {
                verdicts(
                    &format!("run{}", i + 1),
                    &all[..1],
                    &all[i..=i],
                    &opts.key_metrics,
                    &policy,
                    false,
                )
            })
            .collect()
    };
    // Only an interval that covers run-to-run noise can fail the comparison: a
    // within-run interval says nothing about how a rerun would differ.
    let slower_on_key = verdicts.iter().any(|v| {
        v.key
            && v.comparison
                .as_ref()
                .is_some_and(|c| c.verdict == Verdict::Slower && c.scope == NoiseScope::RunToRun)
    });
    let runs = results
        .iter()
        .zip(&paths)
        .enumerate()
        .map(|(i, (r, p))| CompareRun {
            id: format!("run{}", i + 1),
            path: p.display().to_string(),
            client: r.settings.client.clone(),
            server_version: r.settings.server.as_ref().and_then(|s| s.version.clone()),
            side: group.then(|| if i < n_base { "baseline" } else { "candidate" }.to_string()),
            repeats: r.repeats.len().max(1) as u32,
            cache_hit_rate: hit[i],
        })
        .collect();
    Ok(CompareReport {
        paired,
        runs,
        verdicts,
        threshold: opts.threshold,
        key_metrics: opts.key_metrics.clone(),
        slower_on_key,
        metrics,
        fairness,
        fair,
    })
}

impl Report for CompareReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.bench.compare/3"
    }

    fn check_failed(&self) -> bool {
        self.slower_on_key
    }

    fn document(&self) -> Document {
        let mut doc = Document::new("Benchmark comparison");
        for r in &self.runs {
            doc = doc.with_fact(
                r.id.clone(),
                format!(
                    "{} ({})",
                    r.path,
                    r.server_version.clone().unwrap_or_else(|| r.client.clone())
                ),
            );
        }
        if !self.fair {
            let diffs: Vec<String> = self
                .fairness
                .iter()
                .filter(|f| f.differs)
                .map(|f| format!("{}: {}", f.setting, f.values.join(" | ")))
                .collect();
            doc.push(
                Section::new("WARNING: runs are not comparable")
                    .with_text("These settings differ between the runs, so differences in the numbers below are not only the servers':")
                    .with_list(diffs),
            );
        }
        crate::verdict::push_verdicts(&mut doc, self);
        let mut cols = vec!["metric".to_string()];
        cols.extend(self.runs.iter().map(|r| r.id.clone()));
        let right: Vec<String> = self.runs.iter().map(|r| r.id.clone()).collect();
        let right_refs: Vec<&str> = right.iter().map(String::as_str).collect();
        let mut t = Table::new("metrics", cols).right(&right_refs);
        for m in &self.metrics {
            let mut cells = vec![m.id.clone()];
            for (i, v) in m.values.iter().enumerate() {
                cells.push(match (v, m.change_pct[i]) {
                    (None, _) => "–".into(),
                    (Some(v), Some(c)) if i > 0 => format!("{v:.2} ({c:+.1}%)"),
                    (Some(v), _) => format!("{v:.2}"),
                });
            }
            t.push_row(m.id.clone(), cells);
        }
        doc.push(Section::new("Metrics").with_table(t.with_footnote("(±%) = change vs run1")));
        let mut ft = Table::new(
            "fairness",
            std::iter::once("setting".to_string()).chain(self.runs.iter().map(|r| r.id.clone())),
        );
        for f in &self.fairness {
            let mut cells = vec![if f.differs {
                format!("{} (DIFFERS)", f.setting)
            } else {
                f.setting.clone()
            }];
            cells.extend(f.values.iter().map(|v| {
                if v.len() > 60 {
                    format!(
                        "{}…",
                        &v[..v.char_indices().nth(60).map(|(i, _)| i).unwrap_or(v.len())]
                    )
                } else {
                    v.clone()
                }
            }));
            ft.push_row(f.setting.clone(), cells);
        }
        doc.push(Section::new("Fairness settings").with_table(ft));
        doc
    }
}
