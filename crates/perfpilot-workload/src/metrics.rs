//! Aggregation: per-request records → the run's summary. Every definition is in
//! `docs/metrics.md` with the anchor it matches.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{RequestRecord, Stats, WorkloadError};

/// Latency service-level objectives. A request is *good* when it succeeded and every
/// given bound holds (DistServe/vLLM goodput). The run passes when the fraction of good
/// requests among all requests (failures included) is at least `min_attainment`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Slo {
    /// Bound on TTFT, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttft_ms: Option<f64>,
    /// Bound on TPOT (excluding the first token), ms. Requests of one token pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tpot_ms: Option<f64>,
    /// Bound on E2E latency, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e2e_ms: Option<f64>,
    /// Fraction of requests that must be good for the check to pass (default 0.99,
    /// i.e. "p99 within the bounds" when one bound is given).
    #[serde(default = "default_attainment")]
    pub min_attainment: f64,
}

fn default_attainment() -> f64 {
    0.99
}

impl std::str::FromStr for Slo {
    type Err = WorkloadError;
    /// Parse `ttft=MS,tpot=MS,e2e=MS[,attainment=F]` (any subset, at least one bound;
    /// attainment as a fraction or a percentage such as `99%`).
    fn from_str(s: &str) -> Result<Slo, WorkloadError> {
        let mut slo = Slo {
            ttft_ms: None,
            tpot_ms: None,
            e2e_ms: None,
            min_attainment: default_attainment(),
        };
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').ok_or_else(|| {
                WorkloadError::option("--slo", format!("`{part}` is not KEY=VALUE"))
            })?;
            let pct = v.trim().strip_suffix('%');
            let num: f64 = pct.unwrap_or(v.trim()).parse().map_err(|_| {
                WorkloadError::option("--slo", format!("`{v}` is not a number in `{part}`"))
            })?;
            if !num.is_finite() || num < 0.0 {
                return Err(WorkloadError::option("--slo", format!("`{part}`: negative or NaN")));
            }
            match k.trim() {
                "ttft" => slo.ttft_ms = Some(num),
                "tpot" => slo.tpot_ms = Some(num),
                "e2e" | "e2el" => slo.e2e_ms = Some(num),
                "attainment" => {
                    let f = if pct.is_some() || num > 1.0 { num / 100.0 } else { num };
                    if !(0.0..=1.0).contains(&f) {
                        return Err(WorkloadError::option("--slo", "attainment must be ≤ 100%"));
                    }
                    slo.min_attainment = f;
                }
                other => {
                    return Err(WorkloadError::option(
                        "--slo",
                        format!("unknown key `{other}` (expected ttft, tpot, e2e, attainment)"),
                    ));
                }
            }
        }
        if slo.ttft_ms.is_none() && slo.tpot_ms.is_none() && slo.e2e_ms.is_none() {
            return Err(WorkloadError::option("--slo", "give at least one of ttft, tpot, e2e"));
        }
        Ok(slo)
    }
}

impl Slo {
    /// True when `r` succeeded and meets every bound.
    pub fn is_good(&self, r: &RequestRecord) -> bool {
        if !r.ok() {
            return false;
        }
        let within = |bound: Option<f64>, v: Option<f64>| match bound {
            None => true,
            Some(b) => v.is_some_and(|v| v * 1e3 <= b),
        };
        within(self.ttft_ms, r.ttft_s)
            && within(self.tpot_ms, Some(r.tpot_s().unwrap_or(0.0)))
            && within(self.e2e_ms, r.e2e_s)
    }
}

/// Goodput and SLO attainment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Goodput {
    /// The objectives.
    pub slo: Slo,
    /// Requests that succeeded within every bound.
    pub good_requests: u64,
    /// Good requests per second over the window.
    pub request_goodput: Option<f64>,
    /// Output tokens of good requests per second over the window.
    pub output_token_goodput: Option<f64>,
    /// Good requests / all requests (failures count as not good).
    pub attainment: f64,
    /// Fraction of all requests within the TTFT bound alone.
    pub ttft_attainment: Option<f64>,
    /// Fraction of all requests within the TPOT bound alone.
    pub tpot_attainment: Option<f64>,
    /// Fraction of all requests within the E2E bound alone.
    pub e2e_attainment: Option<f64>,
    /// `attainment ≥ slo.min_attainment`.
    pub passed: bool,
}

/// The interval throughputs divide by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Window {
    /// Start (seconds from run start).
    pub start_s: f64,
    /// End (seconds from run start).
    pub end_s: f64,
    /// How it was chosen.
    pub definition: String,
}

/// Output-token accounting checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TokenCounts {
    /// Completed requests per output-count source (`usage`, `retokenized`, …).
    pub by_source: BTreeMap<String, u64>,
    /// Completed requests that stopped before the requested length.
    pub early_stops: u64,
    /// Requested output tokens of the completed requests.
    pub requested_output_tokens: u64,
    /// Completed requests whose usage count differs from the client recount.
    pub recount_disagreements: u64,
    /// Largest |usage − recount| / usage among them, percent.
    pub max_recount_diff_pct: Option<f64>,
}

impl TokenCounts {
    /// Completed requests whose output count came from `source` (its `by_source` entry).
    pub fn count(&self, source: crate::TokenCountSource) -> u64 {
        self.by_source.get(&source_key(source)).copied().unwrap_or(0)
    }
}

/// The `by_source` key of `source`: its serialized (kebab-case) name.
fn source_key(source: crate::TokenCountSource) -> String {
    serde_json::to_value(source)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// How to summarise.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SummaryOptions {
    /// Goodput objectives.
    pub slo: Option<Slo>,
    /// Override the throughput window (default: run start → last request ended).
    pub window: Option<Window>,
}

/// Everything the run measured, aggregated. Latency statistics cover successful,
/// non-warmup requests only (as in both anchors); counts cover all non-warmup requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    /// Requests recorded (warmup excluded).
    pub requests: u64,
    /// Succeeded.
    pub completed: u64,
    /// Failed.
    pub failed: u64,
    /// Failures by kind (`connect`, `http-status`, `timeout`, `stream-cut`, …).
    pub failures: BTreeMap<String, u64>,
    /// The throughput window.
    pub window: Window,
    /// Window length, seconds.
    pub duration_s: f64,
    /// Input tokens of completed requests: the server's `usage.prompt_tokens` where
    /// given, else the client count.
    pub total_input_tokens: u64,
    /// Client-side input tokens of completed requests.
    pub total_input_tokens_client: u64,
    /// Output tokens of completed requests (see `token_counts.by_source`).
    pub total_output_tokens: u64,
    /// Client recount of the output of completed requests, when a tokenizer was used.
    pub total_output_tokens_retokenized: Option<u64>,
    /// Completed requests per second.
    pub request_throughput: Option<f64>,
    /// Input tokens per second.
    pub input_throughput: Option<f64>,
    /// Output tokens per second.
    pub output_throughput: Option<f64>,
    /// Input + output tokens per second.
    pub total_throughput: Option<f64>,
    /// Most output tokens in any 1-second bucket from the run start.
    pub max_output_tokens_per_s: Option<f64>,
    /// Average requests in flight: Σ (time from send to end, all requests) / duration.
    pub mean_concurrency: Option<f64>,
    /// Most requests in flight at once (sweep over send → end of every request).
    pub max_concurrency: u64,
    /// Time to first token, ms.
    pub ttft_ms: Option<Stats>,
    /// Time per output token excluding the first, ms (requests with ≥ 2 tokens).
    pub tpot_ms: Option<Stats>,
    /// Gaps between consecutive content chunks, ms (one sample per chunk).
    pub itl_ms: Option<Stats>,
    /// Send → last content chunk, ms.
    pub e2e_ms: Option<Stats>,
    /// Send → `[DONE]`, ms (requests that sent it).
    pub e2e_incl_done_ms: Option<Stats>,
    /// Slot wait + send → last content chunk, ms (latency seen by a user behind the
    /// client's concurrency cap; vLLM `e2el_including_client_queue`).
    pub e2e_incl_queue_ms: Option<Stats>,
    /// Time waiting for a concurrency slot, ms (all requests).
    pub slot_wait_ms: Option<Stats>,
    /// Client dispatch lag (actual − scheduled send − slot wait), ms (all requests).
    pub dispatch_lag_ms: Option<Stats>,
    /// New-connection setup time (inside TTFT), ms, for requests that opened one.
    pub connect_ms: Option<Stats>,
    /// Output tokens per completed request.
    pub output_tokens_per_request: Option<Stats>,
    /// Tokens per content chunk (above 1 under speculative decoding).
    pub tokens_per_chunk: Option<Stats>,
    /// Output-token accounting.
    pub token_counts: TokenCounts,
    /// Goodput, when objectives were given.
    pub goodput: Option<Goodput>,
}

/// Aggregate `records` (warmup records are skipped).
pub fn summarize(records: &[RequestRecord], opts: &SummaryOptions) -> Summary {
    let all: Vec<&RequestRecord> = records.iter().filter(|r| !r.warmup).collect();
    let ok: Vec<&RequestRecord> = all.iter().copied().filter(|r| r.ok()).collect();
    let mut failures = BTreeMap::new();
    for r in all.iter().filter(|r| !r.ok()) {
        if let Some(e) = &r.error {
            *failures.entry(e.kind.as_str().to_string()).or_insert(0) += 1;
        }
    }
    let window = opts.window.clone().unwrap_or_else(|| Window {
        start_s: 0.0,
        end_s: all.iter().map(|r| r.end_abs_s()).fold(0.0, f64::max),
        definition: "run start (schedule origin) → last request ended".into(),
    });
    let duration_s = (window.end_s - window.start_s).max(0.0);
    let per_s = |x: f64| (duration_s > 0.0).then(|| x / duration_s);

    let total_input: u64 =
        ok.iter().map(|r| u64::from(r.prompt_tokens.unwrap_or(r.input_len))).sum();
    let total_input_client: u64 = ok.iter().map(|r| u64::from(r.input_len)).sum();
    let total_output: u64 = ok.iter().map(|r| u64::from(r.output_tokens.unwrap_or(0))).sum();
    let retok: Vec<u32> = ok.iter().filter_map(|r| r.retokenized_output_tokens).collect();
    let total_retok = (!retok.is_empty()).then(|| retok.iter().map(|&x| u64::from(x)).sum());

    // Output tokens per 1-second bucket of absolute time.
    let mut buckets: BTreeMap<i64, u64> = BTreeMap::new();
    for r in &ok {
        for (t, n) in r.chunk_times_s.iter().zip(&r.chunk_tokens) {
            *buckets.entry((r.sent_s + t).floor() as i64).or_insert(0) += u64::from(*n);
        }
    }
    let max_tok_s = buckets.values().max().map(|&m| m as f64);

    // Sweep line over [send, end) of every request.
    let mut events: Vec<(f64, i64)> = Vec::with_capacity(all.len() * 2);
    for r in &all {
        events.push((r.sent_s, 1));
        events.push((r.end_abs_s(), -1));
    }
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut cur, mut peak) = (0i64, 0i64);
    for (_, d) in events {
        cur += d;
        peak = peak.max(cur);
    }
    let in_flight: f64 = all.iter().map(|r| r.end_s).sum();

    let ms = |it: Vec<f64>| Stats::of(it).map(|s| s.scaled(1e3));
    let mut by_source = BTreeMap::new();
    for r in &ok {
        *by_source.entry(source_key(r.output_tokens_source)).or_insert(0) += 1;
    }
    let disagreements: Vec<f64> = ok
        .iter()
        .filter(|r| r.token_count_disagrees())
        .filter_map(|r| {
            let (u, t) = (r.usage_output_tokens?, r.retokenized_output_tokens?);
            Some(if u == 0 {
                100.0
            } else {
                (f64::from(u) - f64::from(t)).abs() / f64::from(u) * 100.0
            })
        })
        .collect();
    let token_counts = TokenCounts {
        by_source,
        early_stops: ok.iter().filter(|r| r.early_stop).count() as u64,
        requested_output_tokens: ok.iter().map(|r| u64::from(r.requested_output_len)).sum(),
        recount_disagreements: disagreements.len() as u64,
        max_recount_diff_pct: disagreements.iter().copied().reduce(f64::max),
    };

    let goodput = opts.slo.map(|slo| {
        let n_all = all.len().max(1) as f64;
        let good: Vec<&&RequestRecord> = ok.iter().filter(|r| slo.is_good(r)).collect();
        let frac = |bound: Option<f64>, f: &dyn Fn(&RequestRecord) -> Option<f64>| {
            bound.map(|b| {
                ok.iter().filter(|r| f(r).is_some_and(|v| v * 1e3 <= b)).count() as f64 / n_all
            })
        };
        let attainment = good.len() as f64 / n_all;
        Goodput {
            slo,
            good_requests: good.len() as u64,
            request_goodput: per_s(good.len() as f64),
            output_token_goodput: per_s(
                0.0 + good.iter().map(|r| f64::from(r.output_tokens.unwrap_or(0))).sum::<f64>(),
            ),
            attainment,
            ttft_attainment: frac(slo.ttft_ms, &|r| r.ttft_s),
            tpot_attainment: frac(slo.tpot_ms, &|r| Some(r.tpot_s().unwrap_or(0.0))),
            e2e_attainment: frac(slo.e2e_ms, &|r| r.e2e_s),
            passed: !all.is_empty() && attainment + 1e-12 >= slo.min_attainment,
        }
    });

    Summary {
        requests: all.len() as u64,
        completed: ok.len() as u64,
        failed: (all.len() - ok.len()) as u64,
        failures,
        duration_s,
        total_input_tokens: total_input,
        total_input_tokens_client: total_input_client,
        total_output_tokens: total_output,
        total_output_tokens_retokenized: total_retok,
        request_throughput: per_s(ok.len() as f64),
        input_throughput: per_s(total_input as f64),
        output_throughput: per_s(total_output as f64),
        total_throughput: per_s((total_input + total_output) as f64),
        max_output_tokens_per_s: max_tok_s,
        mean_concurrency: per_s(in_flight),
        max_concurrency: peak.max(0) as u64,
        ttft_ms: ms(ok.iter().filter_map(|r| r.ttft_s).collect()),
        tpot_ms: ms(ok.iter().filter_map(|r| r.tpot_s()).collect()),
        itl_ms: ms(ok.iter().flat_map(|r| r.itl_s()).collect()),
        e2e_ms: ms(ok.iter().filter_map(|r| r.e2e_s).collect()),
        e2e_incl_done_ms: ms(ok.iter().filter_map(|r| r.done_s).collect()),
        e2e_incl_queue_ms: ms(ok.iter().filter_map(|r| Some(r.e2e_s? + r.slot_wait_s)).collect()),
        slot_wait_ms: ms(all.iter().map(|r| r.slot_wait_s).collect()),
        dispatch_lag_ms: ms(all.iter().map(|r| r.dispatch_lag_s()).collect()),
        connect_ms: ms(all.iter().filter_map(|r| r.connect_s).collect()),
        output_tokens_per_request: Stats::of(
            ok.iter().filter_map(|r| r.output_tokens.map(f64::from)),
        ),
        tokens_per_chunk: Stats::of(
            ok.iter().flat_map(|r| r.chunk_tokens.iter().map(|&n| f64::from(n))),
        ),
        token_counts,
        goodput,
        window,
    }
}
