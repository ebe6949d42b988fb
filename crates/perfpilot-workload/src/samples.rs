//! What a result keeps so that a later comparison can judge noise: the per-request
//! latency samples of each run, the prefix-cache accounting, the failure check and the
//! repeats of `bench serve --repeats N`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{ErrorKind, RequestRecord, RunStatus, Summary};

/// Per-request latency samples of one run, in milliseconds: successful, non-warmup
/// requests in id order. `bench compare` bootstraps these (and, over repeats, the runs).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequestSamples {
    /// Time to first token per request.
    pub ttft_ms: Vec<f64>,
    /// Time per output token (excluding the first) per request with ≥ 2 tokens.
    pub tpot_ms: Vec<f64>,
    /// Mean inter-chunk gap per request with ≥ 2 chunks.
    pub itl_ms: Vec<f64>,
    /// Send → last content chunk per request.
    pub e2e_ms: Vec<f64>,
}

impl RequestSamples {
    /// The samples of `records` (warmup and failed requests skipped).
    pub fn from_records(records: &[RequestRecord]) -> RequestSamples {
        let mut ok: Vec<&RequestRecord> = records.iter().filter(|r| !r.warmup && r.ok()).collect();
        ok.sort_by_key(|r| r.id);
        let ms = |x: f64| x * 1e3;
        RequestSamples {
            ttft_ms: ok.iter().filter_map(|r| r.ttft_s).map(ms).collect(),
            tpot_ms: ok.iter().filter_map(|r| r.tpot_s()).map(ms).collect(),
            itl_ms: ok
                .iter()
                .filter(|r| r.chunk_times_s.len() > 1)
                .map(|r| ms(r.itl_s().sum::<f64>() / (r.chunk_times_s.len() - 1) as f64))
                .collect(),
            e2e_ms: ok.iter().filter_map(|r| r.e2e_s).map(ms).collect(),
        }
    }

    /// The samples of a latency metric by its summary name (`ttft_ms`, `tpot_ms`,
    /// `itl_ms`, `e2e_ms`).
    pub fn metric(&self, name: &str) -> Option<&[f64]> {
        match name {
            "ttft_ms" => Some(&self.ttft_ms),
            "tpot_ms" => Some(&self.tpot_ms),
            "itl_ms" => Some(&self.itl_ms),
            "e2e_ms" => Some(&self.e2e_ms),
            _ => None,
        }
    }
}

/// How the server's prefix cache was handled before the measured run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CacheFlush {
    /// `POST /flush_cache` answered 2xx (SGLang, the simulator).
    FlushCache,
    /// `POST /reset_prefix_cache` answered 2xx (vLLM).
    ResetPrefixCache,
    /// llama.cpp: no flush-all endpoint; every request sent `cache_prompt: false`.
    CachePromptFalse,
    /// Asked to flush, but the server has no known endpoint: the cache was left as is.
    Unsupported,
    /// `--no-flush-cache`: the cache was kept on purpose.
    Kept,
    /// A new server started for the run (`sim run` in virtual time): the cache was empty.
    Fresh,
}

impl CacheFlush {
    /// Kebab-case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            CacheFlush::FlushCache => "flush-cache",
            CacheFlush::ResetPrefixCache => "reset-prefix-cache",
            CacheFlush::CachePromptFalse => "cache-prompt-false",
            CacheFlush::Unsupported => "unsupported",
            CacheFlush::Kept => "kept",
            CacheFlush::Fresh => "fresh",
        }
    }
}

/// Prefix-cache accounting of a run: how the cache was handled and how many prompt
/// tokens the server says it served from it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CacheSummary {
    /// What was done to the cache before the measured run.
    pub flush: CacheFlush,
    /// Σ `usage.prompt_tokens_details.cached_tokens` of completed requests.
    pub cached_tokens: u64,
    /// Σ `usage.prompt_tokens` of the completed requests that reported cached tokens.
    pub prompt_tokens: u64,
    /// Completed requests that reported `cached_tokens`.
    pub reporting_requests: u64,
    /// `cached_tokens / prompt_tokens`; absent when no request reported it.
    pub hit_rate: Option<f64>,
}

impl CacheSummary {
    /// The accounting of `records` (warmup and failed requests skipped).
    pub fn from_records(flush: CacheFlush, records: &[RequestRecord]) -> CacheSummary {
        let mut s = CacheSummary {
            flush,
            cached_tokens: 0,
            prompt_tokens: 0,
            reporting_requests: 0,
            hit_rate: None,
        };
        for r in records.iter().filter(|r| !r.warmup && r.ok()) {
            if let Some(c) = r.cached_tokens {
                s.cached_tokens += u64::from(c);
                s.prompt_tokens += u64::from(r.prompt_tokens.unwrap_or(r.input_len));
                s.reporting_requests += 1;
            }
        }
        s.hit_rate = (s.prompt_tokens > 0).then(|| s.cached_tokens as f64 / s.prompt_tokens as f64);
        s
    }

    /// The accounting of several runs together (repeats); `flush` of the first.
    pub fn merge(parts: &[CacheSummary]) -> Option<CacheSummary> {
        let first = parts.first()?;
        let mut s = CacheSummary { hit_rate: None, ..*first };
        s.cached_tokens = parts.iter().map(|p| p.cached_tokens).sum();
        s.prompt_tokens = parts.iter().map(|p| p.prompt_tokens).sum();
        s.reporting_requests = parts.iter().map(|p| p.reporting_requests).sum();
        s.hit_rate = (s.prompt_tokens > 0).then(|| s.cached_tokens as f64 / s.prompt_tokens as f64);
        Some(s)
    }
}

/// Whether the run's failures fail it: any failed request beyond `max_failure_rate`
/// fails it, and so does a run where no request succeeded. Requests cancelled by the
/// deadline or an interrupt are reported but never counted here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FailureCheck {
    /// Failed requests that count (every kind except `deadline` and `interrupted`).
    pub counted_failures: u64,
    /// Requests cancelled by the deadline or an interrupt (reported only).
    pub cancelled: u64,
    /// Requests that succeeded.
    pub completed: u64,
    /// counted_failures / (completed + counted_failures).
    pub failure_rate: f64,
    /// The allowed rate (`--max-failure-rate`, default 0).
    pub max_failure_rate: f64,
    /// The run passes the check.
    pub passed: bool,
    /// Why it failed, in words (absent when it passed).
    pub reason: Option<String>,
}

impl FailureCheck {
    /// Judge `summary` against `max_failure_rate` (a fraction).
    pub fn judge(summary: &Summary, max_failure_rate: f64) -> FailureCheck {
        let cancelled_kinds = [ErrorKind::Deadline.as_str(), ErrorKind::Interrupted.as_str()];
        let cancelled: u64 = summary
            .failures
            .iter()
            .filter(|(k, _)| cancelled_kinds.contains(&k.as_str()))
            .map(|(_, n)| n)
            .sum();
        let counted = summary.failed.saturating_sub(cancelled);
        let judged = summary.completed + counted;
        let rate = if judged > 0 { counted as f64 / judged as f64 } else { 0.0 };
        let reason = if summary.completed == 0 {
            Some(format!("no request succeeded ({} recorded)", summary.requests))
        } else if rate > max_failure_rate {
            let kinds: Vec<String> = summary
                .failures
                .iter()
                .filter(|(k, _)| !cancelled_kinds.contains(&k.as_str()))
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            Some(format!(
                "{counted} of {judged} requests failed ({}; {:.1}% > --max-failure-rate {:.1}%)",
                kinds.join(", "),
                rate * 100.0,
                max_failure_rate * 100.0
            ))
        } else {
            None
        };
        FailureCheck {
            counted_failures: counted,
            cancelled,
            completed: summary.completed,
            failure_rate: rate,
            max_failure_rate,
            passed: reason.is_none(),
            reason,
        }
    }
}

/// One repeat of `bench serve --repeats N`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RepeatRun {
    /// Stable id (`r1`, `r2`, …).
    pub id: String,
    /// The prompt seed of this repeat.
    pub seed: u64,
    /// How it ended.
    pub status: RunStatus,
    /// Its own summary.
    pub summary: Summary,
    /// Its per-request samples.
    pub samples: RequestSamples,
    /// Its cache accounting.
    pub cache: Option<CacheSummary>,
    /// Its per-request records file, when written.
    pub records_file: Option<String>,
}

/// One line on the cache: how it was handled and the hit rate.
pub(crate) fn describe_cache(c: &CacheSummary) -> String {
    let how = match c.flush {
        CacheFlush::FlushCache => "flushed (POST /flush_cache)",
        CacheFlush::ResetPrefixCache => "flushed (POST /reset_prefix_cache)",
        CacheFlush::CachePromptFalse => "bypassed (cache_prompt: false per request)",
        CacheFlush::Unsupported => "NOT flushed (the server has no known flush endpoint)",
        CacheFlush::Kept => "kept (--no-flush-cache)",
        CacheFlush::Fresh => "empty (fresh server)",
    };
    match c.hit_rate {
        Some(h) => format!(
            "{how}; {} of {} prompt tokens served from cache ({:.1}%)",
            c.cached_tokens,
            c.prompt_tokens,
            h * 100.0
        ),
        None => format!("{how}; the server reported no cached-token counts"),
    }
}

/// The failure breakdown, first in the document (before any figure it may invalidate).
pub(crate) fn push_failures(doc: &mut perfpilot_report::Document, r: &crate::BenchResult) {
    use perfpilot_report::{Section, Table};
    let sum = &r.summary;
    if sum.failures.is_empty() && r.failure_check.as_ref().is_none_or(|f| f.passed) {
        return;
    }
    let title = match &r.failure_check {
        Some(f) if !f.passed => "FAILED: failed requests",
        _ => "Failed requests",
    };
    let mut sec = Section::new(title);
    if let Some(reason) = r.failure_check.as_ref().and_then(|f| f.reason.clone()) {
        sec = sec.with_text(reason);
    }
    let mut ft = Table::new("failures", ["kind", "requests", "counts"]).right(&["requests"]);
    for (k, n) in &sum.failures {
        let counts = if k == ErrorKind::Deadline.as_str() || k == ErrorKind::Interrupted.as_str() {
            "no (cancelled)"
        } else {
            "yes"
        };
        ft.push_row(k.clone(), [k.clone(), n.to_string(), counts.to_string()]);
    }
    doc.push(sec.with_table(
        ft.with_footnote("counts = whether the kind fails the run (see --max-failure-rate)"),
    ));
}

/// One row per repeat: the spread a comparison will see.
pub(crate) fn push_repeats(doc: &mut perfpilot_report::Document, r: &crate::BenchResult) {
    use perfpilot_report::{Section, Table};
    if r.repeats.is_empty() {
        return;
    }
    let cols = [
        "repeat",
        "seed",
        "status",
        "ok/failed",
        "TTFT p50",
        "TPOT p50",
        "E2E p50",
        "out tok/s",
        "cache hit",
    ];
    let mut t = Table::new("repeats", cols).right(&cols[3..]);
    let med = |s: &Option<crate::Stats>| {
        s.as_ref().map(|x| format!("{:.2}", x.median)).unwrap_or_else(|| "–".into())
    };
    for rep in &r.repeats {
        let s = &rep.summary;
        t.push_row(
            rep.id.clone(),
            [
                rep.id.clone(),
                rep.seed.to_string(),
                format!("{:?}", rep.status).to_lowercase(),
                format!("{}/{}", s.completed, s.failed),
                med(&s.ttft_ms),
                med(&s.tpot_ms),
                med(&s.e2e_ms),
                s.output_throughput.map(|x| format!("{x:.1}")).unwrap_or_else(|| "–".into()),
                rep.cache
                    .and_then(|c| c.hit_rate)
                    .map(|h| format!("{:.1}%", h * 100.0))
                    .unwrap_or_else(|| "–".into()),
            ],
        );
    }
    doc.push(
        Section::new("Repeats")
            .with_table(t.with_footnote("latencies in ms; the summary below pools every repeat")),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{RequestError, SummaryOptions, summarize};

    fn rec(id: u64, error: Option<ErrorKind>, cached: Option<u32>) -> RequestRecord {
        let mut r = RequestRecord::new(id, 0.0, 0.0, 0.0, 100, 4);
        r.ttft_s = Some(0.1);
        r.chunk_times_s = vec![0.1, 0.2, 0.3, 0.4];
        r.chunk_tokens = vec![1; 4];
        r.e2e_s = Some(0.4);
        r.end_s = 0.4;
        r.output_tokens = Some(4);
        r.prompt_tokens = Some(100);
        r.cached_tokens = cached;
        r.error = error.map(|kind| RequestError { kind, message: "x".into() });
        r
    }

    #[test]
    fn failures_fail_but_cancellations_do_not() {
        let opts = SummaryOptions::default();
        let ok: Vec<RequestRecord> = (0..8).map(|i| rec(i, None, None)).collect();
        let mut recs = ok.clone();
        recs.push(rec(8, Some(ErrorKind::HttpStatus), None));
        recs.push(rec(9, Some(ErrorKind::Deadline), None));
        let s = summarize(&recs, &opts);
        let f = FailureCheck::judge(&s, 0.0);
        assert_eq!((f.counted_failures, f.cancelled, f.passed), (1, 1, false));
        assert!(f.reason.unwrap().contains("1 http-status"));
        assert!(FailureCheck::judge(&s, 0.2).passed);
        let mut cut = ok.clone();
        cut.push(rec(8, Some(ErrorKind::Interrupted), None));
        assert!(FailureCheck::judge(&summarize(&cut, &opts), 0.0).passed);
        let none = vec![rec(0, Some(ErrorKind::Connect), None)];
        let f = FailureCheck::judge(&summarize(&none, &opts), 1.0);
        assert!(!f.passed && f.reason.unwrap().contains("no request succeeded"));
    }

    #[test]
    fn cache_hit_rate_and_samples() {
        let recs = vec![rec(1, None, Some(50)), rec(0, None, Some(0)), rec(2, None, None)];
        let c = CacheSummary::from_records(CacheFlush::Kept, &recs);
        assert_eq!((c.cached_tokens, c.prompt_tokens, c.reporting_requests), (50, 200, 2));
        assert_eq!(c.hit_rate, Some(0.25));
        let m = CacheSummary::merge(&[c, c]).unwrap();
        assert_eq!((m.cached_tokens, m.hit_rate), (100, Some(0.25)));
        let s = RequestSamples::from_records(&recs);
        assert_eq!(s.e2e_ms.len(), 3);
        assert!((s.tpot_ms[0] - 100.0).abs() < 1e-9 && (s.itl_ms[0] - 100.0).abs() < 1e-9);
    }
}
