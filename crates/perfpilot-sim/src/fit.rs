//! `sim fit`: fit a profile's cost parameters to `bench serve` results from a real
//! server, by replaying each run's requests (lengths, send schedule, concurrency cap) in
//! virtual time and minimising the log-errors of mean TTFT, mean TPOT and output
//! throughput (Nelder–Mead over the logarithms of the four cost parameters). Held-out
//! runs (`predict`) are simulated with the fitted profile and their errors reported.

use std::path::{Path, PathBuf};

use perfpilot_report::{Document, Report, Section, Table};
use perfpilot_workload::{BenchResult, RequestRecord, SummaryOptions, summarize};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::cost::CostModel;
use crate::engine::EngineConfig;
use crate::error::SimError;
use crate::overrides::Overrides;
use crate::profile::Profile;
use crate::virtual_time::{VirtualRequest, simulate};

/// Options of `sim fit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FitOptions {
    /// Base profile (capacity and scheduler; its costs are the starting point).
    pub profile: String,
    /// Scheduler or capacity changes applied before fitting.
    #[serde(default)]
    pub overrides: Overrides,
    /// `bench serve` result files (JSON envelopes) to fit on.
    pub results: Vec<PathBuf>,
    /// Result files to predict with the fitted profile (held out).
    #[serde(default)]
    pub predict: Vec<PathBuf>,
    /// A prediction error above this fraction fails the check (default 0.15).
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
    /// Name of the fitted profile.
    #[serde(default)]
    pub name: Option<String>,
}

fn default_tolerance() -> f64 {
    0.15
}

/// Mean TTFT, mean TPOT and output throughput of one run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RunMetrics {
    /// Mean TTFT, ms.
    pub mean_ttft_ms: f64,
    /// Mean TPOT (excluding the first token), ms.
    pub mean_tpot_ms: f64,
    /// Output tokens per second.
    pub output_throughput: f64,
}

/// Whether a run fitted the costs or only checks the prediction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FitRole {
    /// The run's metrics were fitted.
    Fit,
    /// Held out: the fitted costs predict it.
    Predict,
}

impl FitRole {
    /// The serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            FitRole::Fit => "fit",
            FitRole::Predict => "predict",
        }
    }
}

/// One run, observed and simulated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FitRun {
    /// The result file.
    pub file: String,
    /// `fit` or `predict`.
    pub role: FitRole,
    /// Client concurrency cap of the run.
    pub max_concurrency: Option<u32>,
    /// Successful requests replayed.
    pub requests: usize,
    /// Measured on the real server.
    pub observed: RunMetrics,
    /// Simulated with the fitted profile.
    pub simulated: RunMetrics,
    /// Relative errors (simulated / observed − 1) of TTFT, TPOT and throughput.
    pub error_ttft: f64,
    /// See `error_ttft`.
    pub error_tpot: f64,
    /// See `error_ttft`.
    pub error_throughput: f64,
}

/// The result of `sim fit` (`perfpilot.sim.fit/1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FitReport {
    /// Base profile.
    pub base_profile: String,
    /// Fitted cost parameters.
    pub cost: CostModel,
    /// The fitted profile as TOML (write it with `--out`).
    pub profile_toml: String,
    /// Every run, fitted and predicted.
    pub runs: Vec<FitRun>,
    /// Objective evaluations used.
    pub evaluations: u32,
    /// Final value of the objective (sum of squared log-errors over the fit runs).
    pub loss: f64,
    /// Largest absolute relative error over the predicted runs.
    pub max_prediction_error: Option<f64>,
    /// Tolerance of the check.
    pub tolerance: f64,
}

impl Report for FitReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.sim.fit/1"
    }

    fn document(&self) -> Document {
        let c = &self.cost;
        let mut t = Table::new(
            "runs",
            [
                "file",
                "role",
                "conc",
                "reqs",
                "TTFT ms (real / sim)",
                "err",
                "TPOT ms (real / sim)",
                "err",
                "out tok/s (real / sim)",
                "err",
            ],
        )
        .right(&["conc", "reqs", "err"]);
        for r in &self.runs {
            let pct = |e: f64| format!("{:+.1}%", e * 100.0);
            t.push_row(
                format!("{}-{}", r.role.as_str(), slug(&r.file)),
                [
                    r.file.clone(),
                    r.role.as_str().to_string(),
                    r.max_concurrency.map(|v| v.to_string()).unwrap_or_else(|| "–".into()),
                    r.requests.to_string(),
                    format!("{:.1} / {:.1}", r.observed.mean_ttft_ms, r.simulated.mean_ttft_ms),
                    pct(r.error_ttft),
                    format!("{:.2} / {:.2}", r.observed.mean_tpot_ms, r.simulated.mean_tpot_ms),
                    pct(r.error_tpot),
                    format!(
                        "{:.2} / {:.2}",
                        r.observed.output_throughput, r.simulated.output_throughput
                    ),
                    pct(r.error_throughput),
                ],
            );
        }
        Document::new("perfpilot sim fit")
            .with_fact("base profile", &self.base_profile)
            .with_fact("evaluations", self.evaluations.to_string())
            .with_fact("loss", format!("{:.5}", self.loss))
            .with_section(Section::new("Fitted cost").with_facts([
                ("step_overhead_s", format!("{:.6e}", c.step_overhead_s)),
                ("prefill_token_s", format!("{:.6e}", c.prefill_token_s)),
                ("decode_seq_s", format!("{:.6e}", c.decode_seq_s)),
                ("attended_token_s", format!("{:.6e}", c.attended_token_s)),
            ]))
            .with_section(Section::new("Runs").with_table(t).with_text(
                match self.max_prediction_error {
                    Some(e) => format!(
                        "largest prediction error {:.1}% (tolerance {:.0}%)",
                        e * 100.0,
                        self.tolerance * 100.0
                    ),
                    None => "no held-out runs to predict".into(),
                },
            ))
    }

    fn check_failed(&self) -> bool {
        self.max_prediction_error.is_some_and(|e| e > self.tolerance)
    }
}

fn slug(s: &str) -> String {
    Path::new(s).file_stem().map(|f| f.to_string_lossy().into_owned()).unwrap_or_else(|| s.into())
}

/// A run loaded from disk, ready to replay.
struct Run {
    file: String,
    cap: Option<u32>,
    requests: Vec<VirtualRequest>,
    observed: RunMetrics,
}

/// Fit the cost model.
pub fn fit(opts: &FitOptions) -> Result<FitReport, SimError> {
    if opts.results.is_empty() {
        return Err(SimError::Options("sim fit needs at least one result file to fit on".into()));
    }
    let base = opts.overrides.apply(&Profile::load(&opts.profile)?)?;
    let fit_runs = opts.results.iter().map(|p| load_run(p)).collect::<Result<Vec<_>, _>>()?;
    let pred_runs = opts.predict.iter().map(|p| load_run(p)).collect::<Result<Vec<_>, _>>()?;
    let ecfg = EngineConfig::from_profile(&base);
    let prior = base.cost.to_array().map(|v| v.max(1e-12).ln());
    let loss = |x: &[f64; 4]| -> f64 {
        let mut cfg = ecfg.clone();
        cfg.cost = CostModel::from_array(x.map(f64::exp));
        let pull: f64 = x.iter().zip(&prior).map(|(a, b)| (a - b).powi(2)).sum();
        PRIOR_WEIGHT * pull
            + fit_runs
                .iter()
                .map(|r| {
                    let s = replay(&cfg, r);
                    sq_log(s.mean_ttft_ms, r.observed.mean_ttft_ms)
                        + sq_log(s.mean_tpot_ms, r.observed.mean_tpot_ms)
                        + sq_log(s.output_throughput, r.observed.output_throughput)
                })
                .sum::<f64>()
    };
    let start = initial_guess(&fit_runs).map(|v| v.max(1e-12).ln());
    let (best, value, evals) = nelder_mead(loss, start, 600);
    let cost = CostModel::from_array(best.map(f64::exp));
    let mut fitted = base.clone();
    fitted.cost = cost;
    fitted.name = opts.name.clone().unwrap_or_else(|| format!("{}-fitted", base.name));
    fitted.source = format!(
        "perfpilot sim fit on {}",
        opts.results.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    );
    let mut cfg = ecfg.clone();
    cfg.cost = cost;
    let mut runs = Vec::new();
    let mut max_pred: Option<f64> = None;
    for (role, list) in [(FitRole::Fit, &fit_runs), (FitRole::Predict, &pred_runs)] {
        for r in list.iter() {
            let s = replay(&cfg, r);
            let e = |a: f64, b: f64| if b > 0.0 { a / b - 1.0 } else { 0.0 };
            let fr = FitRun {
                file: r.file.clone(),
                role,
                max_concurrency: r.cap,
                requests: r.requests.len(),
                observed: r.observed,
                simulated: s,
                error_ttft: e(s.mean_ttft_ms, r.observed.mean_ttft_ms),
                error_tpot: e(s.mean_tpot_ms, r.observed.mean_tpot_ms),
                error_throughput: e(s.output_throughput, r.observed.output_throughput),
            };
            if role == FitRole::Predict {
                let m = fr.error_ttft.abs().max(fr.error_tpot.abs()).max(fr.error_throughput.abs());
                max_pred = Some(max_pred.map_or(m, |p| p.max(m)));
            }
            runs.push(fr);
        }
    }
    let profile_toml = toml::to_string(&fitted)
        .map_err(|e| SimError::Options(format!("cannot write the profile: {e}")))?;
    Ok(FitReport {
        base_profile: base.name.clone(),
        cost,
        profile_toml,
        runs,
        evaluations: evals,
        loss: value,
        max_prediction_error: max_pred,
        tolerance: opts.tolerance,
    })
}

/// Weight of the pull towards the base profile's costs, per squared log-ratio.
///
/// Two runs rarely pin down all four costs: at concurrency 1 and 4 a decode step's time is
/// matched equally well by a per-sequence cost, by a per-attended-token cost, or by any mix
/// (the batch and its context grow together), and Nelder–Mead stops at whichever it meets
/// first, which then mispredicts other concurrencies. A weak ridge prior in log space picks,
/// among the costs that fit equally well, those closest to the base profile. At 1e-3 a
/// factor-of-10 departure costs 0.0053, about what a 7 % error on one metric costs, so the
/// data decides every direction it determines.
const PRIOR_WEIGHT: f64 = 1e-3;

fn sq_log(sim: f64, obs: f64) -> f64 {
    if sim <= 0.0 || obs <= 0.0 {
        return 100.0;
    }
    (sim / obs).ln().powi(2)
}

fn replay(cfg: &EngineConfig, run: &Run) -> RunMetrics {
    let out = simulate(cfg, &run.requests, run.cap);
    metrics_of(&out.records)
}

fn metrics_of(records: &[RequestRecord]) -> RunMetrics {
    let s = summarize(records, &SummaryOptions::default());
    RunMetrics {
        mean_ttft_ms: s.ttft_ms.map(|x| x.mean).unwrap_or(0.0),
        mean_tpot_ms: s.tpot_ms.map(|x| x.mean).unwrap_or(0.0),
        output_throughput: s.output_throughput.unwrap_or(0.0),
    }
}

/// A starting point from the runs themselves: decode step ≈ TPOT at the lowest
/// concurrency (split between overhead and per-sequence cost), prefill from
/// (TTFT − TPOT) / prompt length.
fn initial_guess(runs: &[Run]) -> [f64; 4] {
    let low = runs.iter().min_by_key(|r| r.cap.unwrap_or(u32::MAX)).map(|r| r.observed);
    let Some(m) = low else { return [1e-2, 1e-4, 1e-3, 1e-7] };
    let tpot = (m.mean_tpot_ms / 1000.0).max(1e-6);
    let prompt: f64 =
        runs.iter().flat_map(|r| r.requests.iter().map(|q| q.prompt.len() as f64)).sum::<f64>()
            / runs.iter().map(|r| r.requests.len()).sum::<usize>().max(1) as f64;
    let prefill = ((m.mean_ttft_ms / 1000.0 - tpot).max(tpot * 0.1) / prompt.max(1.0)).max(1e-7);
    [tpot * 0.6, prefill, tpot * 0.3, tpot * 1e-4]
}

/// Load a `bench serve` result (JSON envelope or bare result) and its records.
fn load_run(path: &Path) -> Result<Run, SimError> {
    let shown = path.display().to_string();
    let bad = |message: String| SimError::Input { path: shown.clone(), message };
    let text = perfpilot_io::read_to_string_bounded(path)
        .map_err(|e| SimError::io(format!("cannot read {shown}"), e))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| bad(format!("line {}, column {}: not JSON: {e}", e.line(), e.column())))?;
    let inner = v.get("result").cloned().unwrap_or(v);
    let result: BenchResult = serde_json::from_value(inner).map_err(|e| {
        bad(format!("not a bench serve result (perfpilot.bench.serve/1 or /2): {e}"))
    })?;
    let rec_path = result.records_file.as_ref().map(PathBuf::from).ok_or_else(|| {
        bad("the result names no records_file; run bench serve with --output or --records".into())
    })?;
    let rec_path = if rec_path.exists() {
        rec_path
    } else {
        path.parent().map(|d| d.join(rec_path.file_name().unwrap_or_default())).unwrap_or(rec_path)
    };
    let records = read_records(&rec_path)?;
    let ok: Vec<RequestRecord> = records.into_iter().filter(|r| !r.warmup && r.ok()).collect();
    if ok.len() < 2 {
        return Err(bad(format!("{} has fewer than 2 successful requests", rec_path.display())));
    }
    let observed = metrics_of(&ok);
    if observed.mean_tpot_ms <= 0.0 || observed.mean_ttft_ms <= 0.0 {
        return Err(bad("the run has no TTFT/TPOT (requests of one token?)".into()));
    }
    let mut requests: Vec<VirtualRequest> = ok
        .iter()
        .enumerate()
        .map(|(k, r)| {
            // Prompt tokens the server computed: llama.cpp reports them (`timings.prompt_n`)
            // and they exclude what its own prompt cache reused.
            let plen = r
                .server_timings
                .and_then(|t| t.prompt_n)
                .filter(|&n| n > 0)
                .unwrap_or(r.prompt_tokens.unwrap_or(r.input_len))
                .max(1);
            // Distinct synthetic ids: the replay assumes no prefix sharing between prompts.
            let base = (k as u32).wrapping_mul(7919) << 12;
            VirtualRequest {
                id: r.id,
                scheduled_s: r.scheduled_s,
                prompt: (0..plen).map(|t| base.wrapping_add(t)).collect(),
                input_len: r.input_len,
                max_new_tokens: r.output_tokens.unwrap_or(r.requested_output_len).max(1),
                min_new_tokens: 0,
                eos_after: None,
            }
        })
        .collect();
    requests.sort_by(|a, b| a.scheduled_s.total_cmp(&b.scheduled_s).then(a.id.cmp(&b.id)));
    Ok(Run { file: shown, cap: result.settings.max_concurrency, requests, observed })
}

fn read_records(path: &Path) -> Result<Vec<RequestRecord>, SimError> {
    let shown = path.display().to_string();
    let bytes = perfpilot_io::read_regular(path)
        .map_err(|e| SimError::io(format!("cannot read records {shown}"), e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        SimError::io(
            format!("cannot read records {shown}"),
            std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()),
        )
    })?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str::<RequestRecord>(l).map_err(|e| SimError::Input {
                path: shown.clone(),
                message: format!("line {}: not a request record: {e}", i + 1),
            })
        })
        .collect()
}

/// Minimise `f` from `x0` with the Nelder–Mead simplex method (standard coefficients);
/// returns the best point, its value and the number of evaluations.
fn nelder_mead(f: impl Fn(&[f64; 4]) -> f64, x0: [f64; 4], max_evals: u32) -> ([f64; 4], f64, u32) {
    let evals = std::cell::Cell::new(0u32);
    let eval = |x: &[f64; 4]| {
        evals.set(evals.get() + 1);
        let v = f(x);
        if v.is_finite() { v } else { f64::MAX }
    };
    let mut simplex: Vec<([f64; 4], f64)> = Vec::with_capacity(5);
    simplex.push((x0, eval(&x0)));
    for i in 0..4 {
        let mut x = x0;
        x[i] += 0.7; // about a factor of 2 in each parameter
        simplex.push((x, eval(&x)));
    }
    while evals.get() < max_evals {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        if (simplex[4].1 - simplex[0].1).abs() < 1e-10 * (1.0 + simplex[0].1.abs()) {
            break;
        }
        let mut c = [0.0; 4];
        for (x, _) in &simplex[..4] {
            for k in 0..4 {
                c[k] += x[k] / 4.0;
            }
        }
        let worst = simplex[4];
        let along =
            |t: f64| -> [f64; 4] { std::array::from_fn(|k| c[k] + t * (worst.0[k] - c[k])) };
        let xr = along(-1.0);
        let fr = eval(&xr);
        if fr < simplex[0].1 {
            let xe = along(-2.0);
            let fe = eval(&xe);
            simplex[4] = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < simplex[3].1 {
            simplex[4] = (xr, fr);
        } else {
            let xc = if fr < worst.1 { along(-0.5) } else { along(0.5) };
            let fc = eval(&xc);
            if fc < worst.1.min(fr) {
                simplex[4] = (xc, fc);
            } else {
                let best = simplex[0].0;
                for s in simplex.iter_mut().skip(1) {
                    let x: [f64; 4] = std::array::from_fn(|k| best[k] + 0.5 * (s.0[k] - best[k]));
                    *s = (x, eval(&x));
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    (simplex[0].0, simplex[0].1, evals.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nelder_mead_finds_a_quadratic_minimum() {
        let (x, v, _) = nelder_mead(
            |x| {
                (x[0] - 1.0).powi(2)
                    + 2.0 * (x[1] + 2.0).powi(2)
                    + (x[2] - 0.5).powi(2)
                    + (x[3] - 3.0).powi(2)
            },
            [0.0; 4],
            2000,
        );
        assert!(v < 1e-6, "{v}");
        assert!((x[0] - 1.0).abs() < 1e-2 && (x[1] + 2.0).abs() < 1e-2);
    }
}
