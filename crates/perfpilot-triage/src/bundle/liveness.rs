//! Busy or stuck: two samples of `/metrics` a few seconds apart. A server with requests
//! running whose generated-token counter moves is busy (however slow `/health_generate`
//! is, it waits in the same queue); one whose counter does not move while requests run
//! is stuck. One sample cannot tell them apart.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::config::BundleConfig;
use super::summary::{BundleReport, BundleSignal, MetricValue, SignalSeverity, read_metric};

/// One sample of the load counters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LoadSample {
    /// Requests running.
    pub running: Option<f64>,
    /// Requests waiting.
    pub waiting: Option<f64>,
    /// Generated tokens so far (a counter: `sglang:generation_tokens_total`,
    /// `vllm:generation_tokens_total`, `llamacpp:tokens_predicted_total`).
    pub generation_tokens_total: Option<f64>,
    /// Decode steps so far (`llamacpp:n_decode_total`: counted as they run, while
    /// llama.cpp's token counter moves only when a request ends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decode_steps_total: Option<f64>,
}

/// What two `/metrics` samples say about the scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LivenessVerdict {
    /// Tokens (or decode steps) generated between the samples.
    Busy,
    /// Requests running, no token generated.
    Stuck,
    /// Nothing running or waiting.
    Idle,
    /// The counters are missing.
    Unknown,
}

/// Busy, stuck or idle, from two samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Liveness {
    /// `busy` (tokens generated between the samples), `stuck`
    /// (requests running, no token generated), `idle` (nothing running or waiting) or
    /// `unknown` (the counters are missing).
    pub verdict: LivenessVerdict,
    /// Seconds between the samples.
    pub interval_s: f64,
    /// The first sample (the bundle's `/metrics`).
    pub first: LoadSample,
    /// The second sample.
    pub second: LoadSample,
    /// Generated tokens per second between the samples.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generation_tokens_per_s: Option<f64>,
    /// One sentence with the numbers.
    pub evidence: String,
}

/// The load counters of one `/metrics` body.
pub(crate) fn sample(body: &str, cfg: &BundleConfig) -> LoadSample {
    let (samples, _) = super::prom::parse(body);
    let mut values: Vec<MetricValue> = Vec::new();
    for def in cfg.metric.iter().filter(|d| {
        matches!(
            d.id.as_str(),
            "running" | "waiting" | "generation_tokens_total" | "decode_steps_total"
        )
    }) {
        read_metric(def, &samples, &mut values);
    }
    let get = |id: &str| values.iter().find(|m| m.id == id).map(|m| m.value);
    LoadSample {
        running: get("running"),
        waiting: get("waiting"),
        generation_tokens_total: get("generation_tokens_total"),
        decode_steps_total: get("decode_steps_total"),
    }
}

/// No request running or waiting in this sample.
fn quiet(s: &LoadSample) -> bool {
    s.running.is_some_and(|r| r <= 0.0) && s.waiting.unwrap_or(0.0) <= 0.0
}

/// The verdict of two samples `interval_s` apart.
pub(crate) fn judge(first: LoadSample, second: LoadSample, interval_s: f64) -> Liveness {
    let running = second.running.or(first.running);
    let waiting = second.waiting.or(first.waiting).unwrap_or(0.0);
    let delta = match (first.generation_tokens_total, second.generation_tokens_total) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    let rate = delta.filter(|_| interval_s > 0.0).map(|d| d / interval_s);
    // Progress: generated tokens, else decode steps (llama.cpp counts tokens at the end
    // of a request, steps as they run).
    let steps = match (first.decode_steps_total, second.decode_steps_total) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    let delta = match (delta, steps) {
        (Some(d), Some(s)) if d <= 0.0 && s > 0.0 => Some(s),
        (None, s) => s,
        (d, _) => d,
    };
    let load = format!(
        "{} running, {waiting:.0} waiting",
        running.map(|r| format!("{r:.0}")).unwrap_or_else(|| "?".into())
    );
    let (verdict, evidence) = match (running, delta) {
        (Some(r), Some(d)) if r > 0.0 && d <= 0.0 => (
            LivenessVerdict::Stuck,
            format!("{load}; no token generated in {interval_s:.1} s (generation counter flat)"),
        ),
        // Nothing in flight in either sample: idle (a few tokens from the bundle's own
        // /health_generate do not make a server busy).
        _ if quiet(&first) && quiet(&second) => {
            (LivenessVerdict::Idle, format!("{load} in both samples {interval_s:.1} s apart"))
        }
        (_, Some(d)) if d > 0.0 => (
            LivenessVerdict::Busy,
            format!(
                "{load}; counter moved by {d:.0} in {interval_s:.1} s ({:.0}/s; generated \
                 tokens, else decode steps)",
                d / interval_s
            ),
        ),
        _ => (
            LivenessVerdict::Unknown,
            format!("{load}; the server exports no generated-token counter"),
        ),
    };
    Liveness { verdict, interval_s, first, second, generation_tokens_per_s: rate, evidence }
}

/// Put the verdict into the report: `stuck` is a fatal signal; `busy` is one too but
/// informational, and a failed `/health_generate` of a busy server is no longer called
/// a dead scheduler.
pub(crate) fn apply(report: &mut BundleReport, l: Liveness) {
    match l.verdict {
        LivenessVerdict::Stuck => report.signals.insert(
            0,
            BundleSignal {
                id: "stuck".into(),
                severity: SignalSeverity::Fatal,
                evidence: l.evidence.clone(),
                next_step: "Requests run but no token is generated: the scheduler / engine is \
                    stuck. Take `py-spy dump --pid PID` of the scheduler processes and read the \
                    server log (`perfpilot triage LOG`)."
                    .into(),
            },
        ),
        LivenessVerdict::Busy => {
            for s in report.signals.iter_mut().filter(|s| s.id == "scheduler-path") {
                s.severity = SignalSeverity::Warning;
                s.evidence = format!(
                    "{}; but generation progresses ({}): busy, not stuck",
                    s.evidence, l.evidence
                );
                s.next_step = "/health_generate waits in the same queue as the traffic: the \
                    server is busy, not dead. Lower the offered load or add capacity; see the \
                    queueing and KV signals."
                    .into();
            }
            report.signals.push(BundleSignal {
                id: "busy".into(),
                severity: SignalSeverity::Info,
                evidence: l.evidence.clone(),
                next_step: "The server is working through its load.".into(),
            });
        }
        LivenessVerdict::Idle | LivenessVerdict::Unknown => {}
    }
    report.fatal = report.signals.iter().any(|s| s.severity == SignalSeverity::Fatal);
    report.headline = match report
        .signals
        .iter()
        .find(|s| s.severity == SignalSeverity::Fatal)
        .or(report.signals.first())
    {
        Some(s) => format!("{}: {}", s.id, s.evidence),
        None => "healthy; no signal rule fired".to_string(),
    };
    report.liveness = Some(l);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(running: f64, waiting: f64, tokens: f64) -> LoadSample {
        LoadSample {
            running: Some(running),
            waiting: Some(waiting),
            generation_tokens_total: Some(tokens),
            decode_steps_total: None,
        }
    }

    #[test]
    fn busy_stuck_idle_unknown() {
        assert_eq!(
            judge(s(45.0, 255.0, 1000.0), s(45.0, 250.0, 3000.0), 2.0).verdict,
            LivenessVerdict::Busy
        );
        assert_eq!(
            judge(s(3.0, 0.0, 1000.0), s(3.0, 0.0, 1000.0), 2.0).verdict,
            LivenessVerdict::Stuck
        );
        assert_eq!(judge(s(0.0, 0.0, 10.0), s(0.0, 0.0, 10.0), 2.0).verdict, LivenessVerdict::Idle);
        let none = LoadSample { running: Some(2.0), ..LoadSample::default() };
        assert_eq!(judge(none.clone(), none, 2.0).verdict, LivenessVerdict::Unknown);
        // llama.cpp: tokens counted at request end, decode steps as they run.
        let step = |n| LoadSample { decode_steps_total: Some(n), ..s(1.0, 0.0, 240.0) };
        assert_eq!(judge(step(100.0), step(130.0), 2.0).verdict, LivenessVerdict::Busy);
        assert_eq!(judge(step(100.0), step(100.0), 2.0).verdict, LivenessVerdict::Stuck);
        let b = judge(s(45.0, 255.0, 1000.0), s(45.0, 250.0, 3000.0), 2.0);
        assert_eq!(b.generation_tokens_per_s, Some(1000.0));
    }

    #[test]
    fn samples_read_the_configured_names() {
        let cfg = BundleConfig::builtin().unwrap();
        let body = "sglang:num_running_reqs{m=\"a\"} 3\nsglang:num_queue_reqs{m=\"a\"} 7\n\
                    sglang:generation_tokens_total{m=\"a\"} 1234\n";
        assert_eq!(sample(body, &cfg), s(3.0, 7.0, 1234.0));
    }
}
