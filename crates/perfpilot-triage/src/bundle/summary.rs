//! Summarising a snapshot: health, model and topology, capacity, load, Prometheus averages
//! (names mapped per framework by data), and the signal rules of the SGLang incident-triage
//! skill. Also the result type `perfpilot.triage.bundle/1` and its human view.

use perfpilot_report::{Document, Report, Section, Table};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::collect::{EndpointResult, Snapshot};
use super::config::{BundleConfig, MetricDef, MetricKind};
use super::prom::{self, Sample};

/// A fact read from an endpoint.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq)]
pub struct BundleFact {
    /// Stable key.
    pub key: String,
    /// Value as the server gave it.
    pub value: String,
    /// Endpoint it came from.
    pub from: String,
}

/// A common signal read from Prometheus.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq)]
pub struct MetricValue {
    /// Stable id (`ttft_avg`, `running`, `stage_avg[prefill_forward]`, …).
    pub id: String,
    /// What it is.
    pub description: String,
    /// The value.
    pub value: f64,
    /// The Prometheus name it was read from.
    pub metric: String,
}

/// How much a bundle signal matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SignalSeverity {
    /// The server cannot serve (`triage bundle` exits 1).
    Fatal,
    /// Degraded or at risk.
    Warning,
    /// For context.
    Info,
}

impl SignalSeverity {
    /// The serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            SignalSeverity::Fatal => "fatal",
            SignalSeverity::Warning => "warning",
            SignalSeverity::Info => "info",
        }
    }
}

/// A rule that fired.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq)]
pub struct BundleSignal {
    /// Stable id: `unreachable`, `unhealthy`, `scheduler-path`, `queueing`, `kv-pressure`,
    /// `prefill-path`, `prefill-dominates`, `idle-capture`, `no-metrics`, `stuck`, `busy`.
    pub id: String,
    /// `fatal` (exit 1), `warning` or `info`.
    pub severity: SignalSeverity,
    /// The numbers or answers that made it fire.
    pub evidence: String,
    /// What to do next.
    pub next_step: String,
}

/// The result of `perfpilot triage bundle`.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq)]
pub struct BundleReport {
    /// The URL collected from, or the folder read.
    pub source: String,
    /// Where the bundle was saved, when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saved_to: Option<String>,
    /// `sglang`, `vllm` or `llamacpp`, from the metric names or endpoints.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    /// One sentence.
    pub headline: String,
    /// True when a fatal signal fired (exit 1).
    pub fatal: bool,
    /// What each endpoint answered.
    pub endpoints: Vec<EndpointResult>,
    /// Model facts.
    pub model: Vec<BundleFact>,
    /// Parallelism and backends.
    pub topology: Vec<BundleFact>,
    /// Capacity (KV tokens, request slots, context).
    pub capacity: Vec<BundleFact>,
    /// Point-in-time load: running, waiting, token usage.
    pub load: Vec<BundleFact>,
    /// Prometheus averages and totals.
    pub metrics: Vec<MetricValue>,
    /// Signal rules that fired.
    pub signals: Vec<BundleSignal>,
    /// Prometheus lines that could not be read.
    pub malformed_metric_lines: usize,
    /// Busy or stuck, from a second `/metrics` sample (live collection only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness: Option<super::liveness::Liveness>,
}

impl Report for BundleReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.triage.bundle/1"
    }

    fn check_failed(&self) -> bool {
        self.fatal
    }

    fn document(&self) -> Document {
        let mut doc = Document::new("Triage bundle")
            .with_fact("source", self.source.clone())
            .with_fact("verdict", self.headline.clone());
        if let Some(fw) = &self.framework {
            doc = doc.with_fact("framework", fw.clone());
        }
        if let Some(s) = &self.saved_to {
            doc = doc.with_fact("saved to", s.clone());
        }
        let mut sig = Table::new("signals", ["signal", "severity", "evidence", "next step"]);
        for s in &self.signals {
            sig.push_row(
                s.id.clone(),
                [
                    s.id.clone(),
                    s.severity.as_str().to_string(),
                    s.evidence.clone(),
                    s.next_step.clone(),
                ],
            );
        }
        doc.push(Section::new("Signals").with_table(sig));
        let mut ep = Table::new("endpoints", ["endpoint", "path", "status", "ms", "result"])
            .right(&["status", "ms"]);
        for e in &self.endpoints {
            ep.push_row(
                e.name.clone(),
                [
                    e.name.clone(),
                    e.path.clone(),
                    e.status.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
                    e.elapsed_ms.map(|s| s.to_string()).unwrap_or_default(),
                    if e.ok {
                        format!("ok, {} bytes", e.bytes)
                    } else {
                        e.error.clone().unwrap_or_default()
                    },
                ],
            );
        }
        doc.push(Section::new("Health").with_table(ep));
        for (title, facts) in [
            ("Model", &self.model),
            ("Topology", &self.topology),
            ("Capacity", &self.capacity),
            ("Load", &self.load),
        ] {
            if !facts.is_empty() {
                doc.push(Section::new(title).with_facts(
                    facts.iter().map(|f| (f.key.clone(), format!("{} ({})", f.value, f.from))),
                ));
            }
        }
        if !self.metrics.is_empty() {
            let mut t = Table::new("metrics", ["signal", "value", "metric"]).right(&["value"]);
            for m in &self.metrics {
                t.push_row(
                    m.id.clone(),
                    [m.description.clone(), fmt_num(m.value), m.metric.clone()],
                );
            }
            doc.push(Section::new("Prometheus").with_table(t));
        }
        doc
    }
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{v:.0}") } else { format!("{v:.4}") }
}

/// Summarise a snapshot.
pub(crate) fn summarize(
    snap: &Snapshot,
    cfg: &BundleConfig,
    source: String,
    saved_to: Option<String>,
) -> BundleReport {
    let (samples, malformed) = snap.body("metrics").map(prom::parse).unwrap_or_default();
    let framework = framework(snap, &samples);
    let json = |name: &str| snap.body(name).and_then(|b| serde_json::from_str::<Value>(b).ok());
    let (server_info, models, props, loads, slots, model_info) = (
        json("server_info"),
        json("models"),
        json("props"),
        json("loads"),
        json("slots"),
        json("model_info"),
    );

    let mut model = Vec::new();
    let mut topology = Vec::new();
    let mut capacity = Vec::new();
    if let Some(m) = models.as_ref().and_then(|v| v["data"].get(0)) {
        fact(&mut model, "served_model", &m["id"], "models");
        fact(&mut model, "model_path", &m["root"], "models");
        fact(&mut capacity, "max_model_len", &m["max_model_len"], "models");
    }
    for (v, from) in [(&server_info, "server_info"), (&model_info, "model_info")] {
        let Some(v) = v else { continue };
        for k in &cfg.facts.model {
            fact(&mut model, k, find(v, k), from);
        }
        for k in &cfg.facts.topology {
            fact(&mut topology, k, find(v, k), from);
        }
        for k in &cfg.facts.capacity {
            fact(&mut capacity, k, find(v, k), from);
        }
        if let Some(mu) = Some(find(v, "memory_usage")).filter(|m| m.is_object()) {
            for k in &cfg.facts.memory_usage {
                fact(&mut capacity, &format!("{k}_gb"), &mu[k.as_str()], from);
            }
        }
    }
    if let Some(p) = &props {
        fact(&mut model, "model_path", &p["model_path"], "props");
        fact(&mut model, "build_info", &p["build_info"], "props");
        fact(&mut topology, "total_slots", &p["total_slots"], "props");
        fact(&mut capacity, "n_ctx", find(p, "n_ctx"), "props");
    }

    // Metrics.
    let mut metrics = Vec::new();
    for def in &cfg.metric {
        read_metric(def, &samples, &mut metrics);
    }
    let metric = |id: &str| metrics.iter().find(|m| m.id == id).map(|m| m.value);

    // Load: metrics first, then /v1/loads, then llama.cpp slots.
    let mut load = Vec::new();
    let mut running = metric("running").map(|v| (v, "metrics"));
    let mut waiting = metric("waiting").map(|v| (v, "metrics"));
    let mut usage = metric("token_usage").map(|v| (v, "metrics"));
    if let Some(l) = &loads {
        running = running.or_else(|| sum_key(l, "num_running_reqs").map(|v| (v, "loads")));
        waiting = waiting.or_else(|| sum_key(l, "num_waiting_reqs").map(|v| (v, "loads")));
        usage = usage.or_else(|| max_key(l, "token_usage").map(|v| (v, "loads")));
    }
    if let Some(Value::Array(slots)) = &slots {
        let busy = slots.iter().filter(|s| s["is_processing"].as_bool() == Some(true)).count();
        running = running.or(Some((busy as f64, "slots")));
    }
    for (k, v) in [("running", running), ("waiting", waiting), ("token_usage", usage)] {
        if let Some((v, from)) = v {
            load.push(BundleFact { key: k.into(), value: fmt_num(v), from: from.into() });
        }
    }
    let signals =
        rules(snap, cfg, &metrics, running.map(|r| r.0), waiting.map(|w| w.0), usage.map(|u| u.0));
    let fatal = signals.iter().any(|s| s.severity == SignalSeverity::Fatal);
    let headline =
        match signals.iter().find(|s| s.severity == SignalSeverity::Fatal).or(signals.first()) {
            Some(s) => format!("{}: {}", s.id, s.evidence),
            None => "healthy; no signal rule fired".to_string(),
        };
    BundleReport {
        source,
        saved_to,
        framework,
        headline,
        fatal,
        endpoints: snap.endpoints.clone(),
        model: dedup(model),
        topology: dedup(topology),
        capacity: dedup(capacity),
        load,
        metrics,
        signals,
        malformed_metric_lines: malformed,
        liveness: None,
    }
}

fn dedup(mut v: Vec<BundleFact>) -> Vec<BundleFact> {
    let mut seen = std::collections::BTreeSet::new();
    v.retain(|f| seen.insert(f.key.clone()));
    v
}

fn framework(snap: &Snapshot, samples: &[Sample]) -> Option<String> {
    for (prefix, name) in [("sglang:", "sglang"), ("vllm:", "vllm"), ("llamacpp:", "llamacpp")] {
        if samples.iter().any(|s| s.name.starts_with(prefix)) {
            return Some(name.into());
        }
    }
    if snap.body("server_info").is_some() {
        return Some("sglang".into());
    }
    if snap.body("props").is_some() {
        return Some("llamacpp".into());
    }
    None
}

fn fact(out: &mut Vec<BundleFact>, key: &str, v: &Value, from: &str) {
    let value = match v {
        Value::Null => return,
        Value::String(s) if s.is_empty() => return,
        Value::String(s) => s.clone(),
        Value::Object(_) | Value::Array(_) => return,
        other => other.to_string(),
    };
    out.push(BundleFact { key: key.into(), value, from: from.into() });
}

/// The first value under `key` anywhere in `v` (depth-first).
fn find<'a>(v: &'a Value, key: &str) -> &'a Value {
    fn go<'a>(v: &'a Value, key: &str, depth: usize) -> Option<&'a Value> {
        if depth > 6 {
            return None;
        }
        match v {
            Value::Object(m) => {
                m.get(key).or_else(|| m.values().find_map(|c| go(c, key, depth + 1)))
            }
            Value::Array(a) => a.iter().find_map(|c| go(c, key, depth + 1)),
            _ => None,
        }
    }
    go(v, key, 0).unwrap_or(&Value::Null)
}

fn all_numbers(v: &Value, key: &str, out: &mut Vec<f64>, depth: usize) {
    if depth > 6 {
        return;
    }
    match v {
        Value::Object(m) => {
            if let Some(n) = m.get(key).and_then(Value::as_f64) {
                out.push(n);
                return;
            }
            for c in m.values() {
                all_numbers(c, key, out, depth + 1);
            }
        }
        Value::Array(a) => a.iter().for_each(|c| all_numbers(c, key, out, depth + 1)),
        _ => {}
    }
}

fn sum_key(v: &Value, key: &str) -> Option<f64> {
    if let Some(n) = v.get("aggregate").and_then(|a| a.get(key)).and_then(Value::as_f64) {
        return Some(n);
    }
    let mut nums = Vec::new();
    all_numbers(v, key, &mut nums, 0);
    (!nums.is_empty()).then(|| nums.iter().sum())
}

fn max_key(v: &Value, key: &str) -> Option<f64> {
    let mut nums = Vec::new();
    all_numbers(v, key, &mut nums, 0);
    nums.into_iter().reduce(f64::max)
}

/// The values of one configured metric found in the scraped samples, appended to `out`.
pub(super) fn read_metric(def: &MetricDef, samples: &[Sample], out: &mut Vec<MetricValue>) {
    let MetricDef { id, kind, description, names, scale } = def;
    let (id, kind, description) = (id.as_str(), *kind, description.as_str());
    let scale = scale.unwrap_or(1.0);
    for name in names {
        let push = |out: &mut Vec<MetricValue>, id: String, value: f64| {
            out.push(MetricValue {
                id,
                description: description.to_string(),
                value: value * scale,
                metric: name.clone(),
            })
        };
        let (sum_name, count_name) = (format!("{name}_sum"), format!("{name}_count"));
        match kind {
            MetricKind::Gauge
            | MetricKind::Counter
            | MetricKind::GaugeMax
            | MetricKind::RatioGauge => {
                let vals: Vec<f64> = samples
                    .iter()
                    .filter(|s| &s.name == name && s.value.is_finite())
                    .map(|s| s.value)
                    .collect();
                if vals.is_empty() {
                    continue;
                }
                let v = match kind {
                    MetricKind::Gauge | MetricKind::Counter => vals.iter().sum(),
                    _ => vals.iter().copied().fold(f64::MIN, f64::max),
                };
                push(out, id.to_string(), v);
                return;
            }
            MetricKind::HistogramAvg => {
                let sum: f64 = samples.iter().filter(|s| s.name == sum_name).map(|s| s.value).sum();
                let count: f64 =
                    samples.iter().filter(|s| s.name == count_name).map(|s| s.value).sum();
                if samples.iter().any(|s| s.name == count_name) {
                    if count > 0.0 {
                        push(out, id.to_string(), sum / count);
                    }
                    return;
                }
            }
            MetricKind::HistogramAvgByStage => {
                let mut per_stage: std::collections::BTreeMap<String, f64> =
                    std::collections::BTreeMap::new();
                for s in samples.iter().filter(|s| s.name == sum_name) {
                    let stage = s.label("stage").unwrap_or("").to_string();
                    let count = samples
                        .iter()
                        .find(|c| c.name == count_name && c.labels == s.labels)
                        .map_or(0.0, |c| c.value);
                    if count > 0.0 {
                        let avg = s.value / count;
                        let e = per_stage.entry(stage).or_insert(f64::MIN);
                        *e = e.max(avg);
                    }
                }
                if per_stage.is_empty() {
                    continue;
                }
                for (stage, v) in per_stage {
                    push(out, format!("{id}[{stage}]"), v);
                }
                return;
            }
        }
    }
}

fn signal(id: &str, severity: SignalSeverity, evidence: String, next_step: &str) -> BundleSignal {
    BundleSignal { id: id.into(), severity, evidence, next_step: next_step.into() }
}

fn rules(
    snap: &Snapshot,
    cfg: &BundleConfig,
    metrics: &[MetricValue],
    running: Option<f64>,
    waiting: Option<f64>,
    usage: Option<f64>,
) -> Vec<BundleSignal> {
    let r = &cfg.rules;
    let mut out = Vec::new();
    let metric = |id: &str| metrics.iter().find(|m| m.id == id).map(|m| m.value);
    let health = snap.result("health");
    let hg = snap.result("health_generate");
    if !snap.endpoints.is_empty() && snap.endpoints.iter().all(|e| e.status.is_none() && !e.ok) {
        let why = health.and_then(|h| h.error.clone()).unwrap_or_default();
        out.push(signal(
            "unreachable",
            SignalSeverity::Fatal,
            format!("no endpoint answered ({why})"),
            "Check the URL and that the server process is alive; read its log with `perfpilot triage LOG`.",
        ));
        return out;
    }
    match health {
        Some(h) if !h.ok => out.push(signal(
            "unhealthy",
            SignalSeverity::Fatal,
            format!("/health failed: {}", h.error.clone().unwrap_or_default()),
            "Start-up or crash path: read the server log (`perfpilot triage LOG`); a server still loading answers 503 until ready.",
        )),
        _ => {}
    }
    let health_ok = health.is_some_and(|h| h.ok);
    if let Some(g) = hg {
        let unsupported = matches!(g.status, Some(404 | 405 | 501));
        if health_ok && !g.ok && !unsupported {
            out.push(signal(
                "scheduler-path",
                SignalSeverity::Fatal,
                format!("/health is ok but /health_generate failed: {}", g.error.clone().unwrap_or_default()),
                "The HTTP server lives but generation does not complete: the scheduler / engine is stuck or dead. Take `py-spy dump --pid PID` of the scheduler processes and read the server log (`perfpilot triage LOG`).",
            ));
        }
    }
    if let Some(w) = waiting.filter(|w| *w > 0.0) {
        out.push(signal(
            "queueing",
            SignalSeverity::Warning,
            format!("{w:.0} request(s) waiting{}", running.map(|r| format!(", {r:.0} running")).unwrap_or_default()),
            "Requests queue: the server is at its concurrency or KV limit. Check max_running_requests / --max-num-seqs and KV usage; add replicas or lower offered load.",
        ));
    }
    if let Some(u) = usage.filter(|u| *u >= r.token_usage_high) {
        out.push(signal(
            "kv-pressure",
            SignalSeverity::Warning,
            format!("KV-cache usage {u:.2} >= {}", r.token_usage_high),
            "KV pressure: expect retraction/preemption. Give the KV pool more memory (--mem-fraction-static / --gpu-memory-utilization, fp8 KV) or cap concurrency.",
        ));
    }
    if let (Some(ttft), Some(q)) = (metric("ttft_avg"), metric("queue_avg"))
        && ttft > r.ttft_high_s
        && q < r.queue_low_s
    {
        out.push(signal(
                "prefill-path",
                SignalSeverity::Warning,
                format!("average TTFT {ttft:.2} s with average queue time {q:.3} s"),
                "TTFT is spent in prefill / the request path, not in the queue: check prompt lengths, --chunked-prefill-size, and profile a prefill (`perfpilot trace`).",
            ));
    }
    if let (Some(pf), Some(rp)) =
        (metric("stage_avg[prefill_forward]"), metric("stage_avg[request_process]"))
        && pf > r.prefill_forward_min_s.max(r.prefill_forward_factor * rp)
    {
        out.push(signal(
                "prefill-dominates",
                SignalSeverity::Warning,
                format!("prefill_forward {pf:.3} s vs request_process {rp:.3} s"),
                "The prefill forward dominates request latency: profile the prefill kernels (`perfpilot trace`).",
            ));
    }
    if running == Some(0.0) && waiting.is_none_or(|w| w == 0.0) {
        out.push(signal(
            "idle-capture",
            SignalSeverity::Info,
            "nothing running or waiting at capture time".into(),
            "The snapshot shows an idle server: collect again while the problem traffic is running.",
        ));
    }
    match snap.result("metrics") {
        Some(m) if m.ok => {}
        _ => out.push(signal(
            "no-metrics",
            SignalSeverity::Info,
            "no Prometheus metrics".into(),
            "Enable metrics to get latency averages (SGLang `--enable-metrics`, llama.cpp `--metrics`; vLLM exports them by default).",
        )),
    }
    out
}
