//! `bench compare`: several results side by side, refusing unfair comparisons.

use std::path::PathBuf;

use perfpilot_report::{Document, Report, Section, Table};
use perfpilot_workload::{BENCH_SERVE_SCHEMA, BenchResult, Stats};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::BenchError;

/// Options of `bench compare`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareOptions {
    /// Result files (`bench serve --output` or `sim run` JSON), first = baseline.
    pub inputs: Vec<PathBuf>,
    /// Compare even when fairness settings differ (loud warning instead of refusal).
    #[serde(default)]
    pub allow_unfair: bool,
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

/// The comparison (`perfpilot.bench.compare/1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CompareReport {
    /// Runs in input order.
    pub runs: Vec<CompareRun>,
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
    let bytes = std::fs::read(path).map_err(|e| BenchError::file(path, e))?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        BenchError::file(path, format!("line {} column {}: not JSON: {e}", e.line(), e.column()))
    })?;
    let inner = match v.get("schema_version").and_then(|s| s.as_str()) {
        Some(BENCH_SERVE_SCHEMA) => v.get("result").cloned().unwrap_or(serde_json::Value::Null),
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

/// Compare result files. Runs whose fairness settings differ are refused unless
/// `allow_unfair` (then `fair` is false and the document says so first).
pub fn compare(opts: &CompareOptions) -> Result<CompareReport, BenchError> {
    if opts.inputs.len() < 2 {
        return Err(BenchError::option("bench compare", "give at least two result files"));
    }
    let results: Vec<BenchResult> = opts.inputs.iter().map(load).collect::<Result<_, _>>()?;
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
    let fairness: Vec<FairnessRow> = names
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
            let differs = values.windows(2).any(|w| w[0] != w[1]);
            FairnessRow { setting: name.to_string(), values, differs }
        })
        .collect();
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
                "the runs differ in settings that change the numbers, so they are not comparable \
                 (pass --allow-unfair to compare anyway):\n  {}",
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
    let runs = results
        .iter()
        .zip(&opts.inputs)
        .enumerate()
        .map(|(i, (r, p))| CompareRun {
            id: format!("run{}", i + 1),
            path: p.display().to_string(),
            client: r.settings.client.clone(),
            server_version: r.settings.server.as_ref().and_then(|s| s.version.clone()),
        })
        .collect();
    Ok(CompareReport { runs, metrics, fairness, fair })
}

impl Report for CompareReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.bench.compare/1"
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
