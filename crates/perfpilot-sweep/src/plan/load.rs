//! YAML → [`Plan`], collecting every problem (with its line) instead of stopping at the
//! first.

use std::path::{Path, PathBuf};

use perfpilot_workload::Endpoint;
use yaml_serde::{Mapping, Value};

use super::{
    Benchmark, FlagValue, Framework, LineIndex, Plan, Problem, Qps, Scenario, Search, Severity, Sla,
};
use crate::SweepError;
use crate::rules::{FlagStyle, Rules, SequenceLimit};

/// A plan (when it could be built) and every problem found on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The plan; `None` when an error prevents building it. It may be `Some` with
    /// errors: check [`Loaded::has_errors`] before running it.
    pub plan: Option<Plan>,
    /// Problems in file order.
    pub problems: Vec<Problem>,
    /// The line index (for later checks).
    pub lines: LineIndex,
}

impl Loaded {
    /// True when any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }
}

const TOP: &[&str] = &[
    "schema_version",
    "source",
    "model",
    "hardware",
    "dataset",
    "benchmark",
    "sla",
    "search",
    "frameworks",
    "version_manifest",
];
const SOURCE: &[&str] = &["kind", "source_recipe_file", "translation"];
const MODEL: &[&str] = &["name", "tokenizer", "precision", "quantization"];
const DATASET: &[&str] = &[
    "kind",
    "num_prompts",
    "scenario_names",
    "input_len",
    "output_len",
    "canonical_jsonl",
    "vocab_size",
];
const BENCHMARK: &[&str] = &[
    "endpoint",
    "backend",
    "tokenizer",
    "max_concurrency",
    "extra_request_body",
    "qps",
    "sla",
    "output_dir",
    "request_rates",
    "warmup_requests",
    "seed",
];
const QPS: &[&str] = &["lower", "upper", "tolerance", "max_rounds"];
const SLA: &[&str] = &["max_p99_ttft_ms", "max_p99_tpot_ms", "max_p99_e2e_ms", "min_success_rate"];
const SLA_DEPRECATED: &[&str] = &["max_ttft_ms", "max_tpot_ms", "max_e2e_ms"];
const SEARCH: &[&str] =
    &["tier", "max_candidates_per_framework", "candidate_generation", "resume", "output_dir"];
const FRAMEWORK: &[&str] = &[
    "enabled",
    "server_command",
    "config_source",
    "base_server_flags",
    "search_space",
    "backend_policy",
    "flag_style",
    "model_arg",
    "model_flag_key",
    "health_path",
    "flush_path",
    "ready_timeout_s",
    "env",
    "sequence_limits",
    "help_file",
    "version_args",
    "host_flag",
    "port_flag",
];

struct Ctx<'a> {
    lines: &'a LineIndex,
    problems: Vec<Problem>,
}

impl Ctx<'_> {
    fn push(&mut self, severity: Severity, path: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            severity,
            path: path.to_string(),
            line: self.lines.line(path),
            message: message.into(),
        });
    }
    fn error(&mut self, path: &str, message: impl Into<String>) {
        self.push(Severity::Error, path, message);
    }
    fn warn(&mut self, path: &str, message: impl Into<String>) {
        self.push(Severity::Warning, path, message);
    }

    fn map<'v>(
        &mut self,
        v: Option<&'v Value>,
        path: &str,
        allowed: &[&str],
    ) -> Option<&'v Mapping> {
        match v {
            None | Some(Value::Null) => None,
            Some(Value::Mapping(m)) => {
                for k in m.keys() {
                    let key = key_str(k);
                    if !allowed.contains(&key.as_str()) {
                        self.error(
                            &join(path, &key),
                            format!(
                                "unknown key `{key}` (expected one of: {})",
                                allowed.join(", ")
                            ),
                        );
                    }
                }
                Some(m)
            }
            Some(_) => {
                self.error(path, "expected a mapping");
                None
            }
        }
    }

    fn num(&mut self, m: Option<&Mapping>, path: &str, key: &str) -> Option<f64> {
        match m.and_then(|m| m.get(key)) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => n.as_f64(),
            Some(_) => {
                self.error(&join(path, key), "expected a number");
                None
            }
        }
    }

    fn text(&mut self, m: Option<&Mapping>, path: &str, key: &str) -> Option<String> {
        match m.and_then(|m| m.get(key)) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => {
                self.error(&join(path, key), "expected a string");
                None
            }
        }
    }

    fn boolean(&mut self, m: Option<&Mapping>, path: &str, key: &str) -> Option<bool> {
        match m.and_then(|m| m.get(key)) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.error(&join(path, key), "expected true or false");
                None
            }
        }
    }

    fn uint_list(&mut self, m: Option<&Mapping>, path: &str, key: &str) -> Vec<u32> {
        let p = join(path, key);
        match m.and_then(|m| m.get(key)) {
            Some(Value::Sequence(s)) => s
                .iter()
                .enumerate()
                .filter_map(|(i, v)| match v.as_u64().and_then(|x| u32::try_from(x).ok()) {
                    Some(x) if x > 0 => Some(x),
                    _ => {
                        self.error(&p, format!("item {i}: expected a positive integer"));
                        None
                    }
                })
                .collect(),
            None | Some(Value::Null) => Vec::new(),
            Some(_) => {
                self.error(&p, "expected a list of integers");
                Vec::new()
            }
        }
    }
}

fn key_str(k: &Value) -> String {
    match k {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => "?".into(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn flag_value(v: &Value) -> Option<FlagValue> {
    Some(match v {
        Value::Null => FlagValue::Null,
        Value::Bool(b) => FlagValue::Bool(*b),
        Value::Number(n) => FlagValue::Text(n.to_string()),
        Value::String(s) => FlagValue::Text(s.clone()),
        Value::Sequence(s) => FlagValue::List(s.iter().map(flag_value).collect::<Option<_>>()?),
        Value::Mapping(_) | Value::Tagged(_) => return None,
    })
}

/// Read and check a plan file against `rules`.
pub fn load(path: &Path, rules: &Rules) -> Result<Loaded, SweepError> {
    let text = std::fs::read_to_string(path).map_err(|e| SweepError::io(path, e))?;
    Ok(load_text(&text, path, rules))
}

/// Check plan text; `path` names it and anchors relative paths (help files).
pub fn load_text(text: &str, path: &Path, rules: &Rules) -> Loaded {
    let lines = LineIndex::new(text);
    let mut cx = Ctx { lines: &lines, problems: Vec::new() };
    let root: Value = match yaml_serde::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let line = e.location().map(|l| l.line() as u64);
            cx.problems.push(Problem {
                severity: Severity::Error,
                path: String::new(),
                line,
                message: format!("not valid YAML: {e}"),
            });
            return Loaded { plan: None, problems: cx.problems, lines };
        }
    };
    let plan = build(&mut cx, &root, path, rules);
    let mut problems = cx.problems;
    problems.sort_by_key(|p| (p.line.unwrap_or(u64::MAX), p.severity));
    // The plan is kept even with errors so that later checks can report theirs too;
    // callers must look at `has_errors` before using it.
    Loaded { plan, problems, lines }
}

fn build(cx: &mut Ctx, root: &Value, path: &Path, rules: &Rules) -> Option<Plan> {
    let top = match root {
        Value::Mapping(_) => cx.map(Some(root), "", TOP),
        _ => {
            cx.error("", "expected a YAML mapping at the top level");
            return None;
        }
    };
    match cx.num(top, "", "schema_version") {
        Some(1.0) => {}
        Some(v) => cx.error("schema_version", format!("{v}: expected 1")),
        None => cx.error("schema_version", "missing (expected 1)"),
    }
    let source = cx.map(top.and_then(|m| m.get("source")), "source", SOURCE);
    if let Some(kind) = cx.text(source, "source", "kind")
        && kind != "llm_serving_cookbook"
    {
        cx.error("source.kind", format!("`{kind}`: expected llm_serving_cookbook"));
    }
    let model = cx.map(top.and_then(|m| m.get("model")), "model", MODEL);
    let model_name = cx.text(model, "model", "name");
    if model_name.is_none() {
        cx.error("model.name", "missing (the model every framework serves)");
    }
    let model_tokenizer = cx.text(model, "model", "tokenizer");
    let _ = cx.text(model, "model", "precision");
    let _ = cx.text(model, "model", "quantization");
    let hardware = top
        .and_then(|m| m.get("hardware"))
        .and_then(|v| serde_json::to_value(v).ok())
        .unwrap_or(serde_json::Value::Null);

    let (scenarios, num_prompts, vocab_size) = dataset(cx, top);
    let bench = cx.map(top.and_then(|m| m.get("benchmark")), "benchmark", BENCHMARK);
    let sla = sla(cx, top, bench);
    let benchmark = benchmark(cx, bench);
    let search = search(cx, top);
    let frameworks = frameworks(cx, top, path, rules);
    if frameworks.iter().all(|f| !f.enabled) {
        cx.error("frameworks", "no enabled framework");
    }
    Some(Plan {
        path: path.to_path_buf(),
        model: model_name?,
        model_tokenizer,
        scenarios,
        num_prompts,
        vocab_size,
        benchmark: benchmark?,
        sla,
        search,
        frameworks,
        hardware,
    })
}

fn dataset(cx: &mut Ctx, top: Option<&Mapping>) -> (Vec<Scenario>, usize, u32) {
    let d = cx.map(top.and_then(|m| m.get("dataset")), "dataset", DATASET);
    if d.is_none() {
        cx.error("dataset", "missing (input_len and output_len lists)");
    }
    if let Some(kind) = cx.text(d, "dataset", "kind")
        && kind != "random"
    {
        cx.error(
            "dataset.kind",
            format!("`{kind}`: this sweep drives the random dataset only (expected random)"),
        );
    }
    if d.is_some_and(|m| m.contains_key("canonical_jsonl")) {
        cx.warn("dataset.canonical_jsonl", "not used: scenarios come from input_len/output_len");
    }
    let input = cx.uint_list(d, "dataset", "input_len");
    let output = cx.uint_list(d, "dataset", "output_len");
    if d.is_some() && (input.is_empty() || output.is_empty()) {
        cx.error("dataset.input_len", "input_len and output_len must be non-empty lists");
    } else if input.len() != output.len() {
        cx.error(
            "dataset.output_len",
            format!(
                "{} output lengths for {} input lengths: the lists must be aligned (one scenario per index)",
                output.len(),
                input.len()
            ),
        );
    }
    let names: Vec<String> = match d.and_then(|m| m.get("scenario_names")) {
        Some(Value::Sequence(s)) => s.iter().map(key_str).collect(),
        None | Some(Value::Null) => Vec::new(),
        Some(_) => {
            cx.error("dataset.scenario_names", "expected a list of names");
            Vec::new()
        }
    };
    if !names.is_empty() && names.len() != input.len() {
        cx.error(
            "dataset.scenario_names",
            format!("{} names for {} scenarios", names.len(), input.len()),
        );
    }
    let scenarios = input
        .iter()
        .zip(&output)
        .enumerate()
        .map(|(i, (&inp, &out))| Scenario {
            name: names.get(i).cloned().unwrap_or_else(|| format!("s{i}-{inp}x{out}")),
            input_len: inp,
            output_len: out,
        })
        .collect();
    let num_prompts = match cx.num(d, "dataset", "num_prompts") {
        Some(n) if n >= 1.0 && n.fract() == 0.0 => n as usize,
        Some(n) => {
            cx.error("dataset.num_prompts", format!("{n}: expected an integer >= 1"));
            1
        }
        None => 80,
    };
    let vocab = match cx.num(d, "dataset", "vocab_size") {
        Some(n) if n >= 2.0 && n.fract() == 0.0 && n <= u32::MAX as f64 => n as u32,
        Some(n) => {
            cx.error("dataset.vocab_size", format!("{n}: expected an integer >= 2"));
            32000
        }
        None => 32000,
    };
    (scenarios, num_prompts, vocab)
}

fn sla(cx: &mut Ctx, top: Option<&Mapping>, bench: Option<&Mapping>) -> Sla {
    let (v, path) = match (bench.and_then(|b| b.get("sla")), top.and_then(|t| t.get("sla"))) {
        (Some(v), other) => {
            if other.is_some() {
                cx.warn("sla", "both benchmark.sla and a top-level sla: benchmark.sla is used");
            }
            (Some(v), "benchmark.sla")
        }
        (None, v) => (v, "sla"),
    };
    if let Some(Value::Mapping(m)) = v {
        for k in m.keys().map(key_str) {
            if SLA_DEPRECATED.contains(&k.as_str()) {
                cx.error(
                    &join(path, &k),
                    format!("`{k}` is deprecated: use max_p99_{}", &k["max_".len()..]),
                );
            } else if !SLA.contains(&k.as_str()) {
                cx.error(
                    &join(path, &k),
                    format!("unknown key `{k}` (expected one of: {})", SLA.join(", ")),
                );
            }
        }
    }
    let m = match v {
        Some(Value::Mapping(m)) => Some(m),
        None | Some(Value::Null) => None,
        Some(_) => {
            cx.error(path, "expected a mapping");
            None
        }
    };
    let mut s = Sla {
        max_p99_ttft_ms: cx.num(m, path, "max_p99_ttft_ms"),
        max_p99_tpot_ms: cx.num(m, path, "max_p99_tpot_ms"),
        max_p99_e2e_ms: cx.num(m, path, "max_p99_e2e_ms"),
        min_success_rate: cx.num(m, path, "min_success_rate").unwrap_or(0.99),
    };
    if !(0.0..=1.0).contains(&s.min_success_rate) {
        cx.error(&join(path, "min_success_rate"), "expected a fraction between 0 and 1");
        s.min_success_rate = 0.99;
    }
    for (k, b) in [
        ("max_p99_ttft_ms", s.max_p99_ttft_ms),
        ("max_p99_tpot_ms", s.max_p99_tpot_ms),
        ("max_p99_e2e_ms", s.max_p99_e2e_ms),
    ] {
        if b.is_some_and(|b| b.is_nan() || b <= 0.0) {
            cx.error(&join(path, k), "expected milliseconds > 0");
        }
    }
    if s.max_p99_ttft_ms.is_none() && s.max_p99_tpot_ms.is_none() && s.max_p99_e2e_ms.is_none() {
        cx.warn(path, "no latency bound: the SLA is the success rate alone");
    }
    s
}

fn benchmark(cx: &mut Ctx, b: Option<&Mapping>) -> Option<Benchmark> {
    let endpoint = match cx.text(b, "benchmark", "endpoint").as_deref() {
        None | Some("/v1/completions") => Endpoint::Completions,
        Some("/v1/chat/completions") => Endpoint::Chat,
        Some(other) => {
            cx.error(
                "benchmark.endpoint",
                format!("`{other}`: expected /v1/completions or /v1/chat/completions"),
            );
            Endpoint::Completions
        }
    };
    let max_concurrency = match b.and_then(|m| m.get("max_concurrency")) {
        None | Some(Value::Null) => vec![None],
        Some(Value::Sequence(s)) if !s.is_empty() => s
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Null => None,
                v => match v.as_u64().and_then(|x| u32::try_from(x).ok()).filter(|x| *x > 0) {
                    Some(x) => Some(x),
                    None => {
                        cx.error(
                            "benchmark.max_concurrency",
                            format!("item {i}: expected a positive integer or null"),
                        );
                        None
                    }
                },
            })
            .collect(),
        Some(v) => match v.as_u64().and_then(|x| u32::try_from(x).ok()).filter(|x| *x > 0) {
            Some(x) => vec![Some(x)],
            None => {
                cx.error("benchmark.max_concurrency", "expected a list of integers or null");
                vec![None]
            }
        },
    };
    let extra = match b.and_then(|m| m.get("extra_request_body")) {
        None | Some(Value::Null) => None,
        Some(v) => match serde_json::to_value(v) {
            Ok(serde_json::Value::Object(o)) => Some(o),
            _ => {
                cx.error("benchmark.extra_request_body", "expected a mapping");
                None
            }
        },
    };
    if b.is_some_and(|m| m.contains_key("request_rates")) {
        cx.warn("benchmark.request_rates", "not used: rates come from the qps bisection");
    }
    let q = cx.map(b.and_then(|m| m.get("qps")), "benchmark.qps", QPS);
    let lower = cx.num(q, "benchmark.qps", "lower").unwrap_or(0.25);
    let upper = cx.num(q, "benchmark.qps", "upper").unwrap_or(4.0);
    let tolerance = cx.num(q, "benchmark.qps", "tolerance").unwrap_or(0.1);
    let max_rounds = cx.num(q, "benchmark.qps", "max_rounds").unwrap_or(5.0);
    if !(lower > 0.0 && lower.is_finite()) {
        cx.error("benchmark.qps.lower", format!("{lower}: expected a rate > 0"));
    }
    if !(upper > lower && upper.is_finite()) {
        cx.error("benchmark.qps.upper", format!("{upper}: expected a rate above lower ({lower})"));
    }
    if tolerance.is_nan() || tolerance <= 0.0 {
        cx.error("benchmark.qps.tolerance", format!("{tolerance}: expected req/s > 0"));
    }
    if !(max_rounds >= 0.0 && max_rounds.fract() == 0.0 && max_rounds <= 50.0) {
        cx.error("benchmark.qps.max_rounds", format!("{max_rounds}: expected an integer 0..=50"));
    }
    let warmup = cx.num(b, "benchmark", "warmup_requests").unwrap_or(1.0);
    Some(Benchmark {
        endpoint,
        backend: cx.text(b, "benchmark", "backend"),
        tokenizer: cx.text(b, "benchmark", "tokenizer"),
        max_concurrency,
        extra_request_body: extra,
        qps: Qps { lower, upper, tolerance, max_rounds: max_rounds.max(0.0) as u32 },
        warmup_requests: warmup.max(0.0) as usize,
        seed: cx.num(b, "benchmark", "seed").unwrap_or(42.0).max(0.0) as u64,
        output_dir: cx.text(b, "benchmark", "output_dir").map(PathBuf::from),
    })
}

fn search(cx: &mut Ctx, top: Option<&Mapping>) -> Search {
    let s = cx.map(top.and_then(|m| m.get("search")), "search", SEARCH);
    let max = match cx.num(s, "search", "max_candidates_per_framework") {
        Some(n) if n >= 1.0 && n.fract() == 0.0 => n as usize,
        Some(n) => {
            cx.error(
                "search.max_candidates_per_framework",
                format!("{n}: expected an integer >= 1"),
            );
            8
        }
        None => 8,
    };
    let tier = cx.num(s, "search", "tier").map(|t| t.max(0.0) as u32);
    let generation = cx.text(s, "search", "candidate_generation");
    let _ = cx.text(s, "search", "output_dir");
    Search {
        tier,
        max_candidates_per_framework: max,
        candidate_generation: generation,
        resume: cx.boolean(s, "search", "resume").unwrap_or(false),
    }
}

fn frameworks(cx: &mut Ctx, top: Option<&Mapping>, plan: &Path, rules: &Rules) -> Vec<Framework> {
    let Some(v) = top.and_then(|m| m.get("frameworks")) else {
        cx.error("frameworks", "missing (at least one framework with a server_command)");
        return Vec::new();
    };
    let Value::Mapping(all) = v else {
        cx.error("frameworks", "expected a mapping of framework name to recipe");
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in all {
        let name = key_str(k);
        let path = format!("frameworks.{name}");
        if let Some(f) = framework(cx, &name, &path, v, plan, rules) {
            out.push(f);
        }
    }
    out
}

fn framework(
    cx: &mut Ctx,
    name: &str,
    path: &str,
    v: &Value,
    plan: &Path,
    rules: &Rules,
) -> Option<Framework> {
    let m = cx.map(Some(v), path, FRAMEWORK)?;
    let m = Some(m);
    let enabled = cx.boolean(m, path, "enabled").unwrap_or(true);
    let command: Vec<String> = match m.and_then(|m| m.get("server_command")) {
        Some(Value::String(s)) => s.split_whitespace().map(str::to_string).collect(),
        Some(Value::Sequence(s)) => s.iter().map(key_str).collect(),
        _ => Vec::new(),
    };
    if command.is_empty() {
        cx.error(&join(path, "server_command"), "missing: a command (string or argv list)");
    }
    let mut r = rules.for_framework(name).clone();
    if let Some(s) = cx.text(m, path, "flag_style") {
        match s.as_str() {
            "kebab" => r.flag_style = FlagStyle::Kebab,
            "snake" => r.flag_style = FlagStyle::Snake,
            "as-is" | "as_is" => r.flag_style = FlagStyle::AsIs,
            other => cx.error(
                &join(path, "flag_style"),
                format!("`{other}`: expected kebab, snake or as-is"),
            ),
        }
    }
    if let Some(s) = cx.text(m, path, "model_arg") {
        if s == "positional" || s == "none" || s.starts_with("flag:-") {
            r.model_arg = s;
        } else {
            cx.error(
                &join(path, "model_arg"),
                format!("`{s}`: expected positional, none or flag:--NAME"),
            );
        }
    }
    if let Some(s) = cx.text(m, path, "model_flag_key") {
        r.model_flag_key = Some(s);
    }
    for (key, slot) in [
        ("health_path", &mut r.health_path),
        ("host_flag", &mut r.host_flag),
        ("port_flag", &mut r.port_flag),
    ] {
        if let Some(s) = cx.text(m, path, key) {
            *slot = s;
        }
    }
    if let Some(s) = cx.text(m, path, "flush_path") {
        r.flush_path = (!s.is_empty() && s != "none").then_some(s);
    }
    if !r.health_path.starts_with('/') {
        cx.error(&join(path, "health_path"), "expected a path starting with /");
    }
    if let Some(t) = cx.num(m, path, "ready_timeout_s") {
        if t > 0.0 && t.is_finite() {
            r.ready_timeout_s = t
        } else {
            cx.error(&join(path, "ready_timeout_s"), "expected seconds > 0");
        }
    }
    if let Some(Value::Sequence(s)) = m.and_then(|m| m.get("version_args")) {
        r.version_args = s.iter().map(key_str).collect();
    }
    if let Some(v) = m.and_then(|m| m.get("sequence_limits")) {
        match serde_json::to_value(v).and_then(serde_json::from_value::<Vec<SequenceLimit>>) {
            Ok(l) => r.sequence_limit = l,
            Err(e) => cx.error(
                &join(path, "sequence_limits"),
                format!("expected a list of {{flag, divide_by?, divisor_default?, absent: ok|error, source}}: {e}"),
            ),
        }
    }
    let env = match m.and_then(|m| m.get("env")) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Mapping(e)) => e.iter().map(|(k, v)| (key_str(k), key_str(v))).collect(),
        Some(_) => {
            cx.error(&join(path, "env"), "expected a mapping NAME: value");
            Vec::new()
        }
    };
    let help_file = cx.text(m, path, "help_file").map(|h| {
        let p = PathBuf::from(h);
        if p.is_absolute() { p } else { plan.parent().unwrap_or(Path::new(".")).join(p) }
    });
    let base_path = join(path, "base_server_flags");
    let mut base_flags = Vec::new();
    match m.and_then(|m| m.get("base_server_flags")) {
        None | Some(Value::Null) => {}
        Some(Value::Mapping(b)) => {
            for (k, v) in b {
                let key = key_str(k);
                match flag_value(v) {
                    Some(fv) => base_flags.push((key, fv)),
                    None => cx.error(&join(&base_path, &key), "expected a scalar or a list"),
                }
            }
        }
        Some(_) => cx.error(&base_path, "expected a mapping flag: value"),
    }
    let space_path = join(path, "search_space");
    let mut search_space = Vec::new();
    match m.and_then(|m| m.get("search_space")) {
        None | Some(Value::Null) => {}
        Some(Value::Mapping(b)) => {
            for (k, v) in b {
                let key = key_str(k);
                let p = join(&space_path, &key);
                match v {
                    Value::Sequence(items) if !items.is_empty() => {
                        match items.iter().map(flag_value).collect::<Option<Vec<_>>>() {
                            Some(vals) => search_space.push((key, vals)),
                            None => cx.error(&p, "expected a list of scalars"),
                        }
                    }
                    _ => cx.error(&p, "expected a non-empty list of values"),
                }
            }
        }
        Some(_) => cx.error(&space_path, "expected a mapping flag: [values]"),
    }
    let _ = cx.text(m, path, "backend_policy");
    if r.name == "tensorrt_llm" {
        let backend = base_flags.iter().find(|(k, _)| k == "backend").map(|(_, v)| v.label());
        if backend.as_deref() != Some("pytorch") {
            cx.error(
                &join(&base_path, "backend"),
                "TensorRT-LLM: base_server_flags.backend must be pytorch (backend_policy fixed_pytorch)",
            );
        }
        if search_space.iter().any(|(k, _)| k == "backend") {
            cx.error(&join(&space_path, "backend"), "TensorRT-LLM: backend must not be searched");
        }
    }
    Some(Framework {
        name: name.to_string(),
        enabled,
        command,
        config_source: cx.text(m, path, "config_source"),
        base_flags,
        search_space,
        env,
        help_file,
        rules: r,
    })
}
