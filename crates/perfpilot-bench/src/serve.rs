//! `bench serve` end to end: preflight, workload, warmup, measured run, counts,
//! summary, files.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use perfpilot_report::{Envelope, NoProgress, Progress};
use perfpilot_workload::{
    ArrivalSpec, BenchResult, CacheFlush, CacheSummary, ClientOverhead, Endpoint, FailureCheck,
    RequestRecord, RequestSamples, RunLimits, RunSettings, RunStatus, SamplingSettings, Schedule,
    SummaryOptions, TextTokenizer, TokenizerFile, compat_json_with, generate, save_requests,
    summarize,
};

use crate::body::{body_bytes, request_body};
use crate::cpu::{cpu_usage, thread_cpu_usage};
use crate::http::{CONNECTION_POLICY, Target, build_request};
use crate::options::{ServeOptions, TokenizerChoice};
use crate::profiler::ProfilerClient;
use crate::runner::{Outcome, Plan, PlannedRequest, RecordWriter, run_phase};
use crate::server::PREFLIGHT_TIMEOUT;
use crate::server_tokenizer::ServerTokenizer;
use crate::stream::RequestContext;
use crate::{BenchError, postprocess};

fn positive(option: &str, v: f64) -> Result<Duration, BenchError> {
    perfpilot_report::positive_seconds(option, v).map_err(|_| {
        BenchError::option(
            option,
            format!(
                "{v} is not a positive number of seconds (at most {:e})",
                perfpilot_report::MAX_SECONDS
            ),
        )
    })
}

/// The per-request records path for these options.
pub fn records_path(opts: &ServeOptions) -> Option<PathBuf> {
    opts.records.clone().or_else(|| opts.output.as_ref().map(|o| with_suffix(o, "records.jsonl")))
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    p.with_file_name(format!("{stem}.{suffix}"))
}

fn api_key(opts: &ServeOptions) -> Result<Option<String>, BenchError> {
    match &opts.api_key_env {
        Some(name) => std::env::var(name).map(Some).map_err(|_| {
            BenchError::option("--api-key-env", format!("environment variable {name} is not set"))
        }),
        None => Ok(std::env::var("OPENAI_API_KEY").ok().filter(|k| !k.is_empty())),
    }
}

/// Run the benchmark described by `opts` against a real server. Blocking (it runs its
/// own async runtime): from async code, call it on a blocking thread.
///
/// Every path that gets past preflight returns a result, and writes it to
/// `opts.output` when set: normal end, `--duration`, the deadline, Ctrl-C. Failures of
/// single requests are counted by kind, never raised.
pub fn serve(opts: &ServeOptions, progress: &dyn Progress) -> Result<BenchResult, BenchError> {
    if opts.repeats != 1 {
        return crate::repeat::serve_repeats(opts, progress);
    }
    let (result, records) = serve_once(opts, progress)?;
    write_outputs(opts, &result, &records)?;
    Ok(result)
}

/// One measured run (after its warmup and cache flush); writes the records file but not
/// the result file. Returns the result and its records.
pub(crate) fn serve_once(
    opts: &ServeOptions,
    progress: &dyn Progress,
) -> Result<(BenchResult, Vec<RequestRecord>), BenchError> {
    if !(0.0..=1.0).contains(&opts.max_failure_rate) {
        return Err(BenchError::option(
            "--max-failure-rate",
            format!("{} is not a fraction in [0, 1]", opts.max_failure_rate),
        ));
    }
    let started = Instant::now();
    let started_unix_s = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    let stall = positive("--stall-timeout", opts.stall_timeout_s)?;
    let connect_timeout = positive("--connect-timeout", opts.connect_timeout_s)?;
    let deadline = match opts.deadline_s {
        Some(d) => Some(started + positive("--deadline", d)?),
        None => None,
    };
    if let Some(d) = opts.duration_s {
        positive("--duration", d)?;
    }
    if opts.threads == 0 || opts.threads > 256 {
        return Err(BenchError::option("--threads", "must be between 1 and 256"));
    }
    let rate = match &opts.request_rate {
        None => None,
        Some(r) => {
            Some(r.value().ok_or_else(|| BenchError::option("--request-rate", "a number or inf"))?)
        }
    };
    let burstiness = match &opts.burstiness {
        None => 1.0,
        Some(b) => {
            b.value().ok_or_else(|| BenchError::option("--burstiness", "a number or inf"))?
        }
    };
    let arrival = match opts.ramp_up {
        None => ArrivalSpec::new(rate, burstiness)?,
        Some(_) if rate.is_some_and(f64::is_finite) => {
            return Err(BenchError::option(
                "--ramp-up-strategy",
                "the rate is set by the ramp: leave --request-rate at inf (as vLLM)",
            ));
        }
        Some(r) => ArrivalSpec::ramp(r, burstiness)?,
    };
    let headers: Vec<(String, String)> =
        opts.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let target = Target::parse(&opts.url)?;
    let auth = api_key(opts)?;
    let redactor = match &auth {
        Some(k) => perfpilot_report::Redactor::from_env().with_secret(k),
        None => perfpilot_report::Redactor::from_env(),
    };

    let rt = if opts.threads == 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(opts.threads)
            .enable_all()
            .build()
    }
    .map_err(|e| BenchError::Runtime(e.to_string()))?;

    progress.message("preflight");
    let probe_timeout = stall.min(PREFLIGHT_TIMEOUT);
    let pre = rt
        .block_on(crate::startup::preflight(
            &target,
            connect_timeout,
            probe_timeout,
            auth.as_deref(),
            deadline,
            opts.handle_ctrl_c,
        ))
        // A refusal may echo the key in its body: the error message is redacted.
        .map_err(|e| match e {
            BenchError::Server { url, message } => {
                BenchError::Server { url, message: redactor.clean(&message) }
            }
            other => other,
        })?;
    let (pool, info) = match pre {
        crate::startup::Preflight::Ready(pool, info) => (pool, info),
        crate::startup::Preflight::Stopped(status) => {
            progress.finish();
            let r = crate::startup::stopped_result(opts, status, started_unix_s, &target, arrival);
            return Ok((r, Vec::new()));
        }
    };
    let llama = crate::cache::is_llama_cpp(&info);
    let mut extra_body = opts.extra_body.clone();
    let bypass = (opts.flush_cache && llama).then(|| crate::cache::bypass_body(&mut extra_body));
    let model = match (&opts.model, info.models.first()) {
        (Some(m), _) => m.clone(),
        (None, Some(m)) => m.clone(),
        (None, None) => {
            return Err(BenchError::Server {
                url: target.display.clone(),
                message: "GET /v1/models lists no model; pass --model".into(),
            });
        }
    };

    // Text prompts of exact lengths need a tokenizer: without one, the server's own.
    let text_prompts = match &opts.dataset {
        perfpilot_workload::DatasetSpec::Random(r) => !r.token_ids,
        perfpilot_workload::DatasetSpec::SharedPrefix(g) => !g.token_ids,
        _ => false,
    };
    let choice = opts.tokenizer.clone().or(text_prompts.then_some(TokenizerChoice::Server));
    let tokenizer: Option<Box<dyn TextTokenizer>> = match &choice {
        None => None,
        Some(TokenizerChoice::Path(p)) => Some(Box::new(TokenizerFile::open(p)?)),
        Some(TokenizerChoice::Server) => {
            let vocab = info
                .details
                .as_ref()
                .and_then(|d| d.pointer("/model_meta/n_vocab"))
                .and_then(|v| v.as_u64())
                .unwrap_or(0) as u32;
            Some(Box::new(ServerTokenizer::new(&target, &model, auth.as_deref(), vocab)?))
        }
    };

    progress.message("building requests");
    let dataset = generate(&opts.dataset, opts.num_prompts, opts.seed, tokenizer.as_deref())?;
    if let Some(p) = &opts.save_requests {
        save_requests(p, &dataset.requests)?;
    }
    let n = dataset.requests.len();
    let schedule = Schedule::generate(&arrival, n, opts.seed)?;
    let sampling = SamplingSettings {
        ignore_eos: opts.ignore_eos,
        min_tokens: opts.min_tokens,
        temperature: opts.temperature,
        extra_body,
        include_usage: true,
    };
    let path = opts.endpoint.path();
    let plan_request = |r: &perfpilot_workload::RequestSpec,
                        tag: &str|
     -> Result<PlannedRequest, BenchError> {
        let body = body_bytes(&request_body(r, opts.endpoint, &model, &sampling)?);
        let prepared = build_request(
            &target,
            hyper::Method::POST,
            path,
            Some(body),
            auth.as_deref(),
            Some(format!("perfpilot-{tag}{}-{}", opts.seed, r.id)),
        )
        .map_err(|e| BenchError::option("--url", e))?
        .with_headers(&headers)
        .map_err(|e| BenchError::option("--header", e))?;
        Ok(PlannedRequest { id: r.id, prepared, input_len: r.input_len, output_len: r.output_len })
    };
    let requests =
        dataset.requests.iter().map(|r| plan_request(r, "")).collect::<Result<Vec<_>, _>>()?;

    let records_file = records_path(opts);
    let mut writer = match &records_file {
        Some(p) => Some(RecordWriter::create(p)?),
        None => None,
    };
    let ctx = Arc::new(RequestContext {
        pool: pool.clone(),
        stall,
        keep_text: opts.keep_text || tokenizer.is_some(),
        redactor: redactor.clone(),
    });

    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut notes = Vec::new();
    if opts.tokenizer.is_none() && choice.is_some() {
        notes.push(
            "no tokenizer given: text prompts were measured with the server's /tokenize".into(),
        );
    }
    let mut status = RunStatus::Complete;
    if opts.warmup > 0 && n > 0 {
        progress.message("warmup");
        let mut first = dataset.requests[0].clone();
        first.output_len = first.output_len.min(32);
        let warm = (0..opts.warmup)
            .map(|_| plan_request(&first, "warmup-"))
            .collect::<Result<Vec<_>, _>>()?;
        let plan = Arc::new(Plan {
            requests: warm,
            send_at_s: vec![0.0; opts.warmup],
            max_concurrency: opts.max_concurrency,
            duration_s: None,
            deadline,
            handle_ctrl_c: opts.handle_ctrl_c,
            warmup: true,
        });
        let out = rt.block_on(run_phase(ctx.clone(), plan, &NoProgress, writer.as_mut()))?;
        if out.status == RunStatus::Complete && out.outcomes.iter().all(|o| !o.record.ok()) {
            let first = out
                .outcomes
                .iter()
                .find_map(|o| o.record.error.as_ref())
                .map(|e| format!("{}: {}", e.kind.as_str(), e.message))
                .unwrap_or_default();
            return Err(BenchError::Warmup { count: opts.warmup, first });
        }
        status = out.status;
        outcomes.extend(out.outcomes);
    }

    let flush = match bypass {
        Some(b) => b,
        None if !opts.flush_cache => CacheFlush::Kept,
        None => {
            progress.message("flushing the prefix cache");
            let (f, tried) =
                rt.block_on(crate::cache::flush(&pool, &target, auth.as_deref(), probe_timeout));
            if f == CacheFlush::Unsupported {
                notes.push(format!(
                    "the prefix cache could not be flushed ({}); cached prompts may make \
                     this run look faster than a cold one",
                    tried.join("; ")
                ));
            }
            f
        }
    };

    let mut wall = Duration::ZERO;
    // One worker: the whole client runs on this thread (block_on), so the thread's CPU
    // time is the client's alone, even with a server in the same process.
    let measure = if opts.threads == 1 { thread_cpu_usage } else { cpu_usage };
    let profiler = (opts.profile && status == RunStatus::Complete)
        .then(|| ProfilerClient::new(&target, auth.as_deref()));
    if let Some(p) = &profiler {
        progress.message("starting the server's profiler");
        rt.block_on(p.start(&pool))?;
    }
    let cpu0 = measure();
    if status == RunStatus::Complete {
        progress.set_total(n as u64);
        progress.message("benchmark");
        let plan = Arc::new(Plan {
            requests,
            send_at_s: schedule.send_at_s.clone(),
            max_concurrency: opts.max_concurrency,
            duration_s: opts.duration_s,
            deadline,
            handle_ctrl_c: opts.handle_ctrl_c,
            warmup: false,
        });
        let out = rt.block_on(run_phase(ctx.clone(), plan, progress, writer.as_mut()))?;
        status = out.status;
        wall = out.wall;
        if out.unsent > 0 {
            notes.push(format!(
                "{} of {n} scheduled requests were not sent ({status:?})",
                out.unsent
            ));
        }
        if let Some(e) = out.record_write_error {
            notes.push(format!("per-request records could not be written: {e}"));
        }
        outcomes.extend(out.outcomes);
    } else {
        notes.push(format!("stopped during warmup ({status:?}); no request was measured"));
    }
    let cpu1 = measure();
    if let Some(p) = &profiler {
        progress.message("stopping the server's profiler");
        if let Err(e) = rt.block_on(p.stop(&pool)) {
            notes.push(e.to_string());
        } else {
            notes.push("the server's profiler ran around the measured run (--profile)".into());
        }
    }
    progress.finish();
    drop(rt);

    progress.message("counting tokens");
    postprocess::finalize(&mut outcomes, tokenizer.as_deref(), opts.keep_text)?;
    let mut records: Vec<RequestRecord> = outcomes.into_iter().map(|o| o.record).collect();
    records.sort_by_key(|r| (!r.warmup, r.id));
    if let Some(p) = &records_file {
        let mut s = String::new();
        for r in &records {
            s.push_str(&serde_json::to_string(r).unwrap_or_default());
            s.push('\n');
        }
        perfpilot_report::write_atomic(p, s.as_bytes()).map_err(|e| BenchError::file(p, e))?;
    }

    let summary = summarize(&records, &SummaryOptions { slo: opts.slo, window: None });
    let measured: Vec<&RequestRecord> = records.iter().filter(|r| !r.warmup).collect();
    let chunks: usize = measured.iter().map(|r| r.chunk_times_s.len()).sum();
    let cpu = (cpu1.user + cpu1.system).saturating_sub(cpu0.user + cpu0.system).as_secs_f64();
    let per = |k: f64| (k > 0.0).then(|| cpu * 1e6 / k);
    let client_overhead = ClientOverhead {
        cpu_user_s: cpu1.user.saturating_sub(cpu0.user).as_secs_f64(),
        cpu_system_s: cpu1.system.saturating_sub(cpu0.system).as_secs_f64(),
        wall_s: wall.as_secs_f64(),
        cpu_us_per_output_token: per(measured
            .iter()
            .filter_map(|r| r.output_tokens)
            .map(f64::from)
            .sum()),
        cpu_us_per_chunk: per(chunks as f64),
        max_rss_bytes: Some(cpu1.max_rss_bytes),
        worker_threads: opts.threads as u32,
    };
    let tc = &summary.token_counts;
    if opts.ignore_eos && tc.early_stops > 0 {
        notes.push(format!(
            "{} requests stopped before the requested length although ignore_eos was sent \
             (the server may not honour it, or hit its context limit)",
            tc.early_stops
        ));
    }
    if tc.recount_disagreements > 0 {
        notes.push(format!(
            "{} requests: the server's usage and the client tokenizer's recount disagree (max \
             {:.1}%); metrics use usage",
            tc.recount_disagreements,
            tc.max_recount_diff_pct.unwrap_or(0.0)
        ));
    }
    let chunk_counted = tc.by_source.get("chunks").copied().unwrap_or(0);
    if chunk_counted > 0 {
        notes.push(format!(
            "{chunk_counted} requests had no usage and no tokenizer: output tokens = number of \
             content chunks (exact only for one-token-per-chunk servers)"
        ));
    }
    let retries: u32 = measured.iter().map(|r| r.retries).sum();
    if retries > 0 {
        notes.push(format!(
            "{retries} requests were retried after a reused connection closed before answering"
        ));
    }
    if opts.endpoint == Endpoint::Chat {
        notes.push("chat: TTFT is the first chunk with non-empty content (a role-only first chunk does not count)".into());
    }

    let failure_check = FailureCheck::judge(&summary, opts.max_failure_rate);
    let result = BenchResult {
        samples: Some(RequestSamples::from_records(&records)),
        cache: Some(CacheSummary::from_records(flush, &records)),
        failure_check: Some(failure_check),
        repeats: Vec::new(),
        status,
        started_unix_s,
        settings: RunSettings {
            client: format!("perfpilot bench serve {}", env!("CARGO_PKG_VERSION")),
            base_url: Some(target.display.clone()),
            endpoint: opts.endpoint,
            model: Some(model),
            server: Some(info),
            dataset: dataset.info,
            arrival,
            seed: opts.seed,
            num_prompts: n,
            warmup_requests: opts.warmup,
            max_concurrency: opts.max_concurrency,
            sampling,
            limits: RunLimits {
                duration_s: opts.duration_s,
                deadline_s: opts.deadline_s,
                stall_timeout_s: Some(opts.stall_timeout_s),
            },
            connection_policy: Some(CONNECTION_POLICY.into()),
            request_headers: opts.headers.keys().cloned().collect(),
        },
        summary,
        client_overhead: Some(client_overhead),
        records_file: records_file.map(|p| p.display().to_string()),
        notes,
    };
    Ok((result, records))
}

/// The file name the peer tool would choose when given only a directory: vLLM's
/// `{label}-{rate}qps[-concurrency{N}]-{model}-{YYYYmmdd-HHMMSS}.json` (label: our
/// client, UTC date), SGLang's `{backend}_{MMDD}_{num_prompts}_{in}_{out}.jsonl`.
pub fn peer_file_name(result: &BenchResult, fmt: perfpilot_workload::CompatFormat) -> String {
    let st = &result.settings;
    let model = st.model.as_deref().unwrap_or("model");
    let model = model.rsplit('/').next().unwrap_or(model);
    let date = perfpilot_workload::compat_json(
        result,
        perfpilot_workload::CompatFormat::Vllm,
        None,
    )["date"]
        .as_str()
        .unwrap_or("")
        .to_string();
    match fmt {
        perfpilot_workload::CompatFormat::Vllm => {
            let rate = st.arrival.request_rate.map_or("inf".to_string(), |r| {
                if r.fract() == 0.0 { format!("{r:.1}") } else { r.to_string() }
            });
            let conc = st.max_concurrency.map(|c| format!("-concurrency{c}")).unwrap_or_default();
            format!("perfpilot-{rate}qps{conc}-{model}-{date}.json")
        }
        perfpilot_workload::CompatFormat::Sglang => {
            let mmdd = date.get(4..8).unwrap_or("0000");
            let (i, o) = match &st.dataset.spec {
                perfpilot_workload::DatasetSpec::Random(r) => (r.input_len, r.output_len),
                _ => (0, 0),
            };
            format!("perfpilot_{mmdd}_{}_{i}_{o}.jsonl", st.num_prompts)
        }
    }
}

/// Append `line` and a newline to `path` in one write (created if absent), so a run never
/// leaves half a line behind for readers of the file.
fn append_line(path: &Path, line: &str) -> Result<(), BenchError> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| BenchError::file(path, e))?;
    f.write_all(format!("{line}\n").as_bytes()).map_err(|e| BenchError::file(path, e))
}

/// Write the result (and the compat JSON) where the options ask.
pub fn write_outputs(
    opts: &ServeOptions,
    result: &BenchResult,
    records: &[RequestRecord],
) -> Result<(), BenchError> {
    if let Some(p) = &opts.output {
        let env = Envelope::new("bench serve", result.clone());
        let s = perfpilot_report::render_to_string(&env, perfpilot_report::Format::Json)
            .map_err(|e| BenchError::file(p, e))?;
        perfpilot_report::write_atomic(p, s.as_bytes()).map_err(|e| BenchError::file(p, e))?;
    }
    if let Some(fmt) = opts.compat {
        let name = match fmt {
            perfpilot_workload::CompatFormat::Sglang => "sglang.jsonl",
            perfpilot_workload::CompatFormat::Vllm => "vllm.json",
        };
        let mut path = opts
            .compat_output
            .clone()
            .or_else(|| opts.output.as_ref().map(|o| with_suffix(o, name)))
            .ok_or_else(|| BenchError::option("--compat", "needs --output or --compat-output"))?;
        if path.as_os_str().to_string_lossy().ends_with('/') || path.is_dir() {
            std::fs::create_dir_all(&path).map_err(|e| BenchError::file(&path, e))?;
            path = path.join(peer_file_name(result, fmt));
        }
        let v = compat_json_with(result, fmt, Some(records), opts.vllm_percentiles.as_ref());
        let line = serde_json::to_string(&v).map_err(|e| BenchError::file(&path, e))?;
        match fmt {
            // SGLang appends one line per run to its --output-file.
            perfpilot_workload::CompatFormat::Sglang => append_line(&path, &line)?,
            perfpilot_workload::CompatFormat::Vllm => {
                perfpilot_report::write_atomic(&path, line.as_bytes())
                    .map_err(|e| BenchError::file(&path, e))?;
            }
        }
    }
    Ok(())
}
