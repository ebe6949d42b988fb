//! `bench serve` as the pinned benchmark (`loop init --from-bench RESULT.json`): the
//! result's recorded settings rebuilt into `bench serve` options and the equivalent command
//! line, the baseline's runs of the target metric taken from its repeats, and a round's
//! re-run through the `perfpilot-bench` library. The runs are the same ones `bench
//! compare` feeds the statistics engine: per repeat the per-request samples of a latency,
//! or the repeat's throughput.

use std::path::Path;

use perfpilot_bench::{NumberOrInf, ServeOptions, TokenizerChoice};
use perfpilot_stats::Better;
use perfpilot_workload::{
    BENCH_SERVE_SCHEMA, BENCH_SERVE_SCHEMA_COMPAT, BenchResult, CacheFlush, DatasetSpec,
};

use crate::LoopError;

/// Fewest repeats a pinned `bench serve` result must have: below three the statistics
/// engine has no run-to-run noise to judge a later round against.
pub const MIN_REPEATS: usize = 3;

/// Metrics a `bench serve` benchmark can target: per-request latencies (median over
/// pooled samples, runs = repeats) and per-run throughputs.
pub const METRICS: &[&str] = &[
    "ttft_ms.median",
    "tpot_ms.median",
    "itl_ms.median",
    "e2e_ms.median",
    "output_throughput",
    "request_throughput",
    "total_throughput",
];

/// Whether lower or higher is better for `metric` (`None`: not a `bench serve` metric).
pub fn better_of(metric: &str) -> Option<Better> {
    if !METRICS.contains(&metric) {
        return None;
    }
    Some(if metric.ends_with("_throughput") { Better::Higher } else { Better::Lower })
}

/// Read a `bench serve` result (the JSON envelope or the bare result).
pub fn load_result(path: &Path) -> Result<BenchResult, LoopError> {
    let bad = |what: String| LoopError::Invalid(format!("{}: {what}", path.display()));
    let bytes = perfpilot_io::read_bounded(path).map_err(|e| LoopError::io(path, e))?;
    let v: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| bad(format!("line {} column {}: not JSON: {e}", e.line(), e.column())))?;
    let inner = match v.get("schema_version").and_then(|s| s.as_str()) {
        Some(s) if s == BENCH_SERVE_SCHEMA || BENCH_SERVE_SCHEMA_COMPAT.contains(&s) => {
            v.get("result").cloned().unwrap_or_default()
        }
        Some(sweep) if sweep.starts_with("perfpilot.bench.sweep/") => {
            return Err(bad(
                "a sweep summary, not a `bench serve` result: pin its winner with --from-sweep (the winner's server is started and its workload re-run with repeats)".into(),
            ));
        }
        Some(other) => {
            return Err(bad(format!(
                "schema_version `{other}`, expected `{BENCH_SERVE_SCHEMA}` (a `perfpilot bench serve --output` file)"
            )));
        }
        None => v,
    };
    serde_json::from_value(inner)
        .map_err(|e| bad(format!("not a {BENCH_SERVE_SCHEMA} result: {e}")))
}

/// The runs of `metric` in `r`: one per repeat.
pub fn runs_of(r: &BenchResult, metric: &str) -> Result<Vec<Vec<f64>>, String> {
    let mut runs = Vec::new();
    if metric.ends_with("_throughput") {
        for s in r.run_summaries() {
            let v = match metric {
                "output_throughput" => s.output_throughput,
                "request_throughput" => s.request_throughput,
                _ => s.total_throughput,
            };
            runs.push(v.into_iter().filter(|x| x.is_finite()).collect::<Vec<f64>>());
        }
    } else {
        let (m, _) = metric.split_once('.').ok_or_else(|| format!("unknown metric {metric}"))?;
        let per = r.runs_samples();
        if per.is_empty() {
            return Err("the result has no per-request samples (written before schema \
                        perfpilot.bench.serve/2): rerun it"
                .into());
        }
        for s in per {
            runs.push(
                s.metric(m).unwrap_or_default().iter().copied().filter(|x| x.is_finite()).collect(),
            );
        }
    }
    if runs.iter().any(Vec::is_empty) {
        return Err(format!("a repeat has no `{metric}` value (failed requests only?)"));
    }
    Ok(runs)
}

/// Check a result can be pinned: a real server, repeats, the metric present.
pub fn check_pinnable(r: &BenchResult, metric: &str, file: &Path) -> Result<(), LoopError> {
    let bad = |what: String| LoopError::Invalid(format!("{}: {what}", file.display()));
    if better_of(metric).is_none() {
        return Err(bad(format!(
            "--target metric `{metric}` is not one a `bench serve` result can pin; expected one of {}",
            METRICS.join(", ")
        )));
    }
    if r.settings.base_url.is_none() {
        return Err(bad(
            "the result has no server URL (a simulated run): a round could not re-run it".into(),
        ));
    }
    if r.repeats.len() < MIN_REPEATS {
        return Err(bad(format!(
            "a single run ({} repeat(s)) has only within-run noise, and a loop judges every round against the baseline's run-to-run noise: rerun it with `perfpilot bench serve … --repeats {MIN_REPEATS}` (or more) and pin that",
            r.repeats.len()
        )));
    }
    runs_of(r, metric).map_err(bad)?;
    Ok(())
}

/// The `bench serve` options that reproduce `r` (its recorded settings).
pub fn options_of(r: &BenchResult) -> Result<ServeOptions, String> {
    let s = &r.settings;
    let url = s.base_url.clone().ok_or("the result has no server URL")?;
    let mut o = ServeOptions::new(url);
    o.endpoint = s.endpoint;
    o.model = s.model.clone();
    o.dataset = s.dataset.spec.clone();
    o.num_prompts = Some(s.num_prompts);
    o.request_rate = Some(match s.arrival.request_rate {
        Some(x) => NumberOrInf::Number(x),
        None => NumberOrInf::Text("inf".into()),
    });
    o.burstiness = s.arrival.burstiness.map(NumberOrInf::Number);
    o.max_concurrency = s.max_concurrency;
    o.warmup = s.warmup_requests;
    o.seed = s.seed;
    // Recorded as `server:URL/tokenize` for the server's endpoints, else the file's path.
    o.tokenizer = s.dataset.tokenizer.as_deref().map(|t| {
        if t == "server" || t.starts_with("server:") {
            TokenizerChoice::Server
        } else {
            TokenizerChoice::Path(t.into())
        }
    });
    o.ignore_eos = s.sampling.ignore_eos;
    o.min_tokens = s.sampling.min_tokens;
    o.temperature = s.sampling.temperature;
    o.extra_body = s.sampling.extra_body.clone();
    o.duration_s = s.limits.duration_s;
    o.deadline_s = s.limits.deadline_s;
    if let Some(st) = s.limits.stall_timeout_s {
        o.stall_timeout_s = st;
    }
    o.repeats = r.repeats.len().max(1) as u32;
    o.same_prompts = r.repeats.len() > 1 && r.repeats.iter().all(|x| x.seed == r.repeats[0].seed);
    o.flush_cache = !matches!(r.cache.map(|c| c.flush), Some(CacheFlush::Kept));
    Ok(o)
}

fn q(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=,@+".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The `perfpilot bench serve …` command line of `o` (to reproduce by hand).
pub fn command_of(o: &ServeOptions) -> String {
    let mut a = vec!["perfpilot bench serve".to_string(), format!("--url {}", q(&o.url))];
    a.push(format!("--endpoint {}", o.endpoint));
    if let Some(m) = &o.model {
        a.push(format!("--model {}", q(m)));
    }
    match &o.dataset {
        DatasetSpec::Random(r) => {
            a.push(format!(
                "--dataset random --input-len {} --output-len {} --range-ratio {} --range-mode {}",
                r.input_len, r.output_len, r.range_ratio, r.range_mode
            ));
            if r.token_ids {
                a.push("--token-ids".into());
            }
            if let Some(v) = r.vocab_size {
                a.push(format!("--vocab-size {v}"));
            }
        }
        DatasetSpec::Sharegpt(g) => {
            a.push(format!(
                "--dataset sharegpt --dataset-path {}",
                q(&g.path.display().to_string())
            ));
            if let Some(n) = g.output_len {
                a.push(format!("--output-len {n}"));
            }
            if let Some(n) = g.context_len {
                a.push(format!("--context-len {n}"));
            }
        }
        DatasetSpec::SharedPrefix(p) => {
            a.push(format!(
                "--dataset shared-prefix --gsp-num-groups {} --gsp-system-prompt-len {} --gsp-question-len {} --output-len {}",
                p.num_groups, p.system_prompt_len, p.question_len, p.output_len
            ));
            if p.token_ids {
                a.push("--token-ids".into());
            }
        }
        DatasetSpec::Jsonl(j) => {
            a.push(format!("--dataset jsonl --dataset-path {}", q(&j.path.display().to_string())));
        }
    }
    if let Some(n) = o.num_prompts {
        a.push(format!("--num-prompts {n}"));
    }
    match &o.request_rate {
        Some(NumberOrInf::Number(x)) => a.push(format!("--request-rate {x}")),
        _ => a.push("--request-rate inf".into()),
    }
    if let Some(NumberOrInf::Number(b)) = &o.burstiness {
        a.push(format!("--burstiness {b}"));
    }
    if let Some(c) = o.max_concurrency {
        a.push(format!("--max-concurrency {c}"));
    }
    a.push(format!("--warmup {} --seed {}", o.warmup, o.seed));
    match &o.tokenizer {
        Some(TokenizerChoice::Server) => a.push("--tokenizer server".into()),
        Some(TokenizerChoice::Path(p)) => {
            a.push(format!("--tokenizer {}", q(&p.display().to_string())))
        }
        None => {}
    }
    if !o.ignore_eos {
        a.push("--no-ignore-eos".into());
    }
    if let Some(m) = o.min_tokens {
        a.push(format!("--min-tokens {m}"));
    }
    if let Some(t) = o.temperature {
        a.push(format!("--temperature {t}"));
    }
    if let Some(b) = &o.extra_body {
        a.push(format!("--extra-body {}", q(&serde_json::Value::Object(b.clone()).to_string())));
    }
    if !o.flush_cache {
        a.push("--no-flush-cache".into());
    }
    a.push(format!("--repeats {}", o.repeats));
    if o.same_prompts {
        a.push("--same-prompts".into());
    }
    a.join(" ")
}

/// Run the pinned `bench serve` (options as JSON in `spec`) with its result under `work`;
/// the runs of `metric`.
pub fn run(spec: &str, metric: &str, work: &Path) -> Result<(Vec<Vec<f64>>, f64), String> {
    let o: ServeOptions = serde_json::from_str(spec)
        .map_err(|e| format!("the plan's bench serve options are not valid: {e}"))?;
    run_options(o, metric, work)
}

/// Run `bench serve` with `o` (its result under `work`); the runs of `metric`.
pub fn run_options(
    mut o: ServeOptions,
    metric: &str,
    work: &Path,
) -> Result<(Vec<Vec<f64>>, f64), String> {
    std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    o.output = Some(work.join("bench-serve.json"));
    o.records = None;
    o.handle_ctrl_c = false;
    let t0 = std::time::Instant::now();
    let r = perfpilot_bench::serve(&o, &perfpilot_report::NoProgress)
        .map_err(|e| format!("bench serve: {e}"))?;
    let wall = t0.elapsed().as_secs_f64();
    if r.summary.completed == 0 {
        return Err(format!("bench serve against {}: no request completed", o.url));
    }
    Ok((runs_of(&r, metric)?, wall))
}
