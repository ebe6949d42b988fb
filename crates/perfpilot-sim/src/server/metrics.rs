//! `/metrics`: Prometheus text with SGLang's metric names (`python/sglang/srt/metrics/
//! collector.py`, docs `references/production_metrics.md`), same buckets.

use std::fmt::Write;

use crate::engine::Snapshot;

const TTFT_BUCKETS: &[f64] = &[
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
    15.0, 20.0, 25.0, 30.0,
];
const E2E_BUCKETS: &[f64] =
    &[0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0];
const TPOT_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75,
    1.0, 2.5,
];

/// A cumulative histogram.
#[derive(Debug, Clone)]
pub(crate) struct Histogram {
    bounds: &'static [f64],
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Histogram {
        Histogram { bounds, counts: vec![0; bounds.len()], sum: 0.0, count: 0 }
    }

    pub(crate) fn observe(&mut self, v: f64) {
        self.sum += v;
        self.count += 1;
        if let Some(i) = self.bounds.iter().position(|b| v <= *b) {
            self.counts[i] += 1;
        }
    }

    fn render(&self, out: &mut String, name: &str, help: &str, label: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let _ = writeln!(out, "{name}_sum{{{label}}} {}", float(self.sum));
        let mut cum = 0;
        for (b, c) in self.bounds.iter().zip(&self.counts) {
            cum += c;
            let _ = writeln!(
                out,
                "{name}_bucket{{le=\"{}\",{label}}} {}",
                float(*b),
                float(cum as f64)
            );
        }
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\",{label}}} {}", float(self.count as f64));
        let _ = writeln!(out, "{name}_count{{{label}}} {}", float(self.count as f64));
    }
}

/// Python's float repr for the values we print (`7.0`, `0.28`, `1e-05`-free).
fn float(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{v:.1}") } else { format!("{v}") }
}

/// Counters and histograms the engine thread updates.
#[derive(Debug, Clone)]
pub(crate) struct Metrics {
    pub prompt_tokens: u64,
    pub generation_tokens: u64,
    pub requests: u64,
    pub retracted: u64,
    pub ttft: Histogram,
    pub e2e: Histogram,
    pub tpot: Histogram,
    pub queue: Histogram,
    pub snapshot: Snapshot,
    pub gen_throughput: f64,
}

impl Metrics {
    pub(crate) fn new(snapshot: Snapshot) -> Metrics {
        Metrics {
            prompt_tokens: 0,
            generation_tokens: 0,
            requests: 0,
            retracted: 0,
            ttft: Histogram::new(TTFT_BUCKETS),
            e2e: Histogram::new(E2E_BUCKETS),
            tpot: Histogram::new(TPOT_BUCKETS),
            queue: Histogram::new(TTFT_BUCKETS),
            snapshot,
            gen_throughput: 0.0,
        }
    }

    /// The Prometheus text page.
    pub(crate) fn render(&self, model: &str, max_total: u64, max_running: u32, ctx: u32) -> String {
        let label = format!("model_name=\"{}\"", model.replace('"', "\\\""));
        let mut o = String::with_capacity(8192);
        let mut put = |name: &str, kind: &str, help: &str, v: f64| {
            let _ = writeln!(
                o,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name}{{{label}}} {}",
                float(v)
            );
        };
        let s = &self.snapshot;
        put(
            "sglang:prompt_tokens_total",
            "counter",
            "Number of prefill tokens processed.",
            self.prompt_tokens as f64,
        );
        put(
            "sglang:generation_tokens_total",
            "counter",
            "Number of generation tokens processed.",
            self.generation_tokens as f64,
        );
        put(
            "sglang:num_requests_total",
            "counter",
            "Number of requests processed.",
            self.requests as f64,
        );
        put(
            "sglang:num_running_reqs",
            "gauge",
            "The number of running requests",
            f64::from(s.running),
        );
        put(
            "sglang:num_queue_reqs",
            "gauge",
            "The number of requests in the waiting queue",
            f64::from(s.queued),
        );
        put("sglang:num_used_tokens", "gauge", "The number of used tokens", s.used_tokens as f64);
        put("sglang:token_usage", "gauge", "The token usage", s.token_usage);
        put(
            "sglang:gen_throughput",
            "gauge",
            "The generate throughput (token/s)",
            self.gen_throughput,
        );
        put("sglang:cache_hit_rate", "gauge", "The cache hit rate", s.cache_hit_rate);
        put(
            "sglang:max_total_num_tokens",
            "gauge",
            "Maximum total number of tokens",
            max_total as f64,
        );
        put(
            "sglang:max_running_requests",
            "gauge",
            "Maximum running requests",
            f64::from(max_running),
        );
        put("sglang:context_len", "gauge", "Context length", f64::from(ctx));
        self.ttft.render(
            &mut o,
            "sglang:time_to_first_token_seconds",
            "Histogram of time to first token in seconds.",
            &label,
        );
        self.e2e.render(
            &mut o,
            "sglang:e2e_request_latency_seconds",
            "Histogram of End-to-end request latency in seconds",
            &label,
        );
        self.tpot.render(
            &mut o,
            "sglang:time_per_output_token_seconds",
            "Histogram of time per output token in seconds.",
            &label,
        );
        self.queue.render(
            &mut o,
            "sglang:queue_time_seconds",
            "Histogram of queueing time in seconds.",
            &label,
        );
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative_with_inf_and_count() {
        let snap = Snapshot {
            running: 2,
            queued: 1,
            used_tokens: 10,
            token_usage: 0.28,
            cache_hit_rate: 0.0,
            new_token_ratio: 0.7,
        };
        let mut m = Metrics::new(snap);
        m.ttft.observe(0.03);
        m.ttft.observe(0.5);
        m.ttft.observe(100.0);
        let text = m.render("m", 100, 8, 4096);
        assert!(text.contains(
            "sglang:time_to_first_token_seconds_bucket{le=\"0.04\",model_name=\"m\"} 1.0"
        ));
        assert!(text.contains(
            "sglang:time_to_first_token_seconds_bucket{le=\"0.5\",model_name=\"m\"} 2.0"
        ));
        assert!(text.contains(
            "sglang:time_to_first_token_seconds_bucket{le=\"+Inf\",model_name=\"m\"} 3.0"
        ));
        assert!(text.contains("sglang:time_to_first_token_seconds_count{model_name=\"m\"} 3.0"));
        assert!(text.contains("sglang:token_usage{model_name=\"m\"} 0.28"));
        assert!(text.contains(
            "# TYPE sglang:num_running_reqs gauge\nsglang:num_running_reqs{model_name=\"m\"} 2.0"
        ));
    }
}
