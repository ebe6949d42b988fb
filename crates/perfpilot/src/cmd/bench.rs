//! `perfpilot bench`: `serve` (benchmark an OpenAI-compatible server, or the in-process
//! simulator when no `--url` is given) and `compare`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use perfpilot_bench::{CompareOptions, NumberOrInf, ServeOptions, TokenizerChoice};
use perfpilot_report::{Envelope, InputRef, TerminalProgress, Warning};
use perfpilot_workload::{
    CompatFormat, DatasetSpec, Endpoint, JsonlSpec, RandomSpec, RangeMode, ShareGptSpec,
    SharedPrefixSpec, Slo,
};

use crate::output::{OutputArgs, emit};

/// Arguments of `perfpilot bench`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: BenchCommand,
}

#[derive(clap::Subcommand, Debug)]
enum BenchCommand {
    /// Benchmark an OpenAI-compatible server with streamed requests (the in-process
    /// simulator when --url is not given).
    Serve(Box<ServeArgs>),
    /// Compare result files side by side; refuses runs whose fairness settings differ.
    Compare(CompareArgs),
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum DatasetKind {
    Random,
    Sharegpt,
    SharedPrefix,
    Jsonl,
}

/// Arguments of `perfpilot bench serve`.
#[derive(clap::Args, Debug)]
struct ServeArgs {
    /// Server base URL (http://host:port). Without it, an in-process simulator is started.
    #[arg(long)]
    url: Option<String>,
    /// Simulator profile when --url is not given.
    #[arg(long, default_value = "sglang-h100-llama3.1-8b", value_name = "NAME|FILE")]
    sim_profile: String,
    /// Route: completions (/v1/completions) or chat (/v1/chat/completions).
    #[arg(long, default_value = "completions")]
    endpoint: Endpoint,
    /// Model to send (default: first of GET /v1/models).
    #[arg(long)]
    model: Option<String>,
    /// Dataset.
    #[arg(long, value_enum, default_value = "random")]
    dataset: DatasetKind,
    /// Dataset file (sharegpt JSON, jsonl).
    #[arg(long, value_name = "FILE")]
    dataset_path: Option<PathBuf>,
    /// Random: nominal input length (tokens).
    #[arg(long, default_value_t = 1024)]
    input_len: u32,
    /// Random: nominal output length (tokens); sharegpt: fixed output length if given.
    #[arg(long)]
    output_len: Option<u32>,
    /// Random: range ratio, read per --range-mode.
    #[arg(long, default_value_t = 0.0)]
    range_ratio: f64,
    /// Range-ratio semantics: vllm [L(1-r), L(1+r)] or sglang [L·r, L].
    #[arg(long, default_value = "vllm")]
    range_mode: RangeMode,
    /// Send token ids instead of text (completions only).
    #[arg(long)]
    token_ids: bool,
    /// Vocabulary size for token-id prompts without a tokenizer.
    #[arg(long)]
    vocab_size: Option<u32>,
    /// Sharegpt: drop conversations longer than this (prompt + output tokens).
    #[arg(long)]
    context_len: Option<u32>,
    /// Shared-prefix: number of groups (distinct system prompts).
    #[arg(long, default_value_t = 64)]
    gsp_num_groups: u32,
    /// Shared-prefix: system prompt length.
    #[arg(long, default_value_t = 2048)]
    gsp_system_prompt_len: u32,
    /// Shared-prefix: question length.
    #[arg(long, default_value_t = 128)]
    gsp_question_len: u32,
    /// Requests in the measured run.
    #[arg(long)]
    num_prompts: Option<usize>,
    /// Request rate (req/s) or inf (all at once).
    #[arg(long, default_value = "inf")]
    request_rate: String,
    /// Gamma burstiness: 1 = Poisson, <1 burstier, inf = constant.
    #[arg(long, default_value = "1")]
    burstiness: String,
    /// Client-side cap on requests in flight.
    #[arg(long)]
    max_concurrency: Option<u32>,
    /// Warmup requests before the clock starts.
    #[arg(long, default_value_t = 1)]
    warmup: usize,
    /// Stop sending new requests after S seconds.
    #[arg(long, value_name = "S")]
    duration: Option<f64>,
    /// Overall deadline in seconds: cancel everything and write the result.
    #[arg(long, value_name = "S")]
    deadline: Option<f64>,
    /// Per-request stall timeout in seconds (no byte for this long = failure).
    #[arg(long, default_value_t = 120.0, value_name = "S")]
    stall_timeout: f64,
    /// Seed of dataset and schedule.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Tokenizer: a tokenizer.json path, or `server` (the server's /tokenize).
    #[arg(long, value_name = "PATH|server")]
    tokenizer: Option<String>,
    /// Latency objectives, e.g. ttft=500,tpot=50,e2e=10000[,attainment=99%]; exit 1 when
    /// attainment falls below.
    #[arg(long, value_name = "SPEC")]
    slo: Option<String>,
    /// Do not send ignore_eos (lets the server stop early).
    #[arg(long)]
    no_ignore_eos: bool,
    /// Send min_tokens.
    #[arg(long)]
    min_tokens: Option<u32>,
    /// Temperature to send, or `none` to leave it to the server.
    #[arg(long, default_value = "0")]
    temperature: String,
    /// Extra JSON merged into every request body.
    #[arg(long, value_name = "JSON")]
    extra_body: Option<String>,
    /// Environment variable holding the API key (default OPENAI_API_KEY if set).
    #[arg(long, value_name = "VAR")]
    api_key_env: Option<String>,
    /// Write the result JSON here (also on deadline and Ctrl-C); records go to
    /// FILE's stem + .records.jsonl.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also write the SGLang or vLLM result keys (FILE stem + .sglang.json / .vllm.json).
    #[arg(long)]
    compat: Option<CompatFormat>,
    /// Path of the compat JSON.
    #[arg(long, value_name = "FILE")]
    compat_output: Option<PathBuf>,
    /// Per-request records JSONL path.
    #[arg(long, value_name = "FILE")]
    records: Option<PathBuf>,
    /// Save the request list (JSONL) for replay with --dataset jsonl.
    #[arg(long, value_name = "FILE")]
    save_requests: Option<PathBuf>,
    /// Keep generated text in the records.
    #[arg(long)]
    keep_text: bool,
    /// Client worker threads (default 1: one core).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    #[command(flatten)]
    out: OutputArgs,
}

/// Arguments of `perfpilot bench compare`.
#[derive(clap::Args, Debug)]
struct CompareArgs {
    /// Result files (first = baseline).
    #[arg(required = true, num_args = 2..)]
    inputs: Vec<PathBuf>,
    /// Compare even when fairness settings differ (a loud warning instead of a refusal).
    #[arg(long)]
    allow_unfair: bool,
    #[command(flatten)]
    out: OutputArgs,
}

/// Run `perfpilot bench`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        BenchCommand::Serve(a) => serve(*a),
        BenchCommand::Compare(a) => compare(a),
    }
}

fn number_or_inf(option: &str, s: &str) -> anyhow::Result<NumberOrInf> {
    if s.eq_ignore_ascii_case("inf") {
        return Ok(NumberOrInf::Text("inf".into()));
    }
    s.parse::<f64>()
        .map(NumberOrInf::Number)
        .map_err(|_| anyhow::anyhow!("{option}: `{s}` is not a number or inf"))
}

fn dataset_spec(a: &ServeArgs) -> anyhow::Result<DatasetSpec> {
    let need_path = || {
        a.dataset_path
            .clone()
            .ok_or_else(|| anyhow::anyhow!("--dataset {:?} needs --dataset-path FILE", a.dataset))
    };
    Ok(match a.dataset {
        DatasetKind::Random => DatasetSpec::Random(RandomSpec {
            input_len: a.input_len,
            output_len: a.output_len.unwrap_or(128),
            range_ratio: a.range_ratio,
            range_mode: a.range_mode,
            token_ids: a.token_ids,
            vocab_size: a.vocab_size,
        }),
        DatasetKind::Sharegpt => DatasetSpec::Sharegpt(ShareGptSpec {
            path: need_path()?,
            output_len: a.output_len,
            context_len: a.context_len,
        }),
        DatasetKind::SharedPrefix => DatasetSpec::SharedPrefix(SharedPrefixSpec {
            num_groups: a.gsp_num_groups,
            system_prompt_len: a.gsp_system_prompt_len,
            question_len: a.gsp_question_len,
            output_len: a.output_len.unwrap_or(256),
            token_ids: a.token_ids,
            vocab_size: a.vocab_size,
        }),
        DatasetKind::Jsonl => DatasetSpec::Jsonl(JsonlSpec { path: need_path()? }),
    })
}

fn serve(a: ServeArgs) -> anyhow::Result<ExitCode> {
    let mut warnings = Vec::new();
    let mut dataset = dataset_spec(&a)?;
    let mut inputs = Vec::new();
    // Without --url: the in-process simulator.
    let sim = match &a.url {
        Some(_) => None,
        None => {
            let cfg = perfpilot_sim::SimServerConfig::with_profile(&a.sim_profile)
                .with_context(|| format!("simulator profile `{}`", a.sim_profile))?;
            let handle = perfpilot_sim::spawn_server(cfg)
                .context("cannot start the in-process simulator")?;
            warnings.push(Warning::new(
                "simulated-server",
                format!(
                    "no --url: benchmarked the in-process simulator (profile {}) at {}",
                    a.sim_profile,
                    handle.url()
                ),
            ));
            // The simulator has no /detokenize: random text needs a local tokenizer, so
            // without one the prompts are token ids.
            if a.tokenizer.is_none() {
                match &mut dataset {
                    DatasetSpec::Random(r) if !r.token_ids => {
                        r.token_ids = true;
                        r.vocab_size = r.vocab_size.or(Some(32000));
                        warnings.push(Warning::new(
                            "token-id-prompts",
                            "no --tokenizer: random prompts are token ids (vocabulary 32000)",
                        ));
                    }
                    DatasetSpec::SharedPrefix(s) if !s.token_ids => {
                        s.token_ids = true;
                        s.vocab_size = s.vocab_size.or(Some(32000));
                        warnings.push(Warning::new("token-id-prompts", "no --tokenizer: shared-prefix prompts are token ids (vocabulary 32000)"));
                    }
                    _ => {}
                }
            }
            Some(handle)
        }
    };
    let url = match (&a.url, &sim) {
        (Some(u), _) => u.clone(),
        (None, Some(h)) => h.url(),
        (None, None) => unreachable!("a simulator was started when --url is absent"),
    };
    match &dataset {
        DatasetSpec::Sharegpt(s) => inputs.push(InputRef::file("dataset", &s.path)),
        DatasetSpec::Jsonl(j) => inputs.push(InputRef::file("dataset", &j.path)),
        _ => {}
    }
    inputs.push(InputRef::other("url", url.clone()));
    let mut opts = ServeOptions::new(url);
    opts.endpoint = a.endpoint;
    opts.model = a.model.clone();
    opts.dataset = dataset;
    opts.num_prompts = a.num_prompts.or(match opts.dataset {
        DatasetSpec::Random(_) | DatasetSpec::SharedPrefix(_) => Some(100),
        _ => None,
    });
    opts.request_rate = Some(number_or_inf("--request-rate", &a.request_rate)?);
    opts.burstiness = Some(number_or_inf("--burstiness", &a.burstiness)?);
    opts.max_concurrency = a.max_concurrency;
    opts.warmup = a.warmup;
    opts.duration_s = a.duration;
    opts.deadline_s = a.deadline;
    opts.stall_timeout_s = a.stall_timeout;
    opts.seed = a.seed;
    opts.tokenizer = a
        .tokenizer
        .as_deref()
        .map(|t| t.parse::<TokenizerChoice>())
        .transpose()
        .map_err(anyhow::Error::msg)?;
    if let Some(TokenizerChoice::Path(p)) = &opts.tokenizer {
        inputs.push(InputRef::file("tokenizer", p));
    }
    opts.slo = a.slo.as_deref().map(str::parse::<Slo>).transpose()?;
    opts.ignore_eos = !a.no_ignore_eos;
    opts.min_tokens = a.min_tokens;
    opts.temperature = if a.temperature.eq_ignore_ascii_case("none") {
        None
    } else {
        Some(a.temperature.parse().map_err(|_| {
            anyhow::anyhow!("--temperature: `{}` is not a number or none", a.temperature)
        })?)
    };
    opts.extra_body = match &a.extra_body {
        None => None,
        Some(s) => match serde_json::from_str::<serde_json::Value>(s)
            .context("--extra-body is not JSON")?
        {
            serde_json::Value::Object(m) => Some(m),
            _ => anyhow::bail!("--extra-body must be a JSON object"),
        },
    };
    opts.api_key_env = a.api_key_env.clone();
    opts.output = a.output.clone();
    opts.compat = a.compat;
    opts.compat_output = a.compat_output.clone();
    opts.records = a.records.clone();
    opts.save_requests = a.save_requests.clone();
    opts.keep_text = a.keep_text;
    opts.threads = a.threads;
    opts.handle_ctrl_c = true;

    let progress = TerminalProgress::new("requests");
    let result = perfpilot_bench::serve(&opts, &progress)?;
    if let Some(h) = sim {
        h.shutdown();
    }
    let env = Envelope::new("bench serve", result).with_inputs(inputs).with_warnings(warnings);
    emit(&env, &a.out)
}

fn compare(a: CompareArgs) -> anyhow::Result<ExitCode> {
    let opts = CompareOptions { inputs: a.inputs.clone(), allow_unfair: a.allow_unfair };
    let report = perfpilot_bench::compare(&opts)?;
    let mut warnings = Vec::new();
    if !report.fair {
        warnings.push(Warning::new(
            "unfair-comparison",
            "the runs differ in fairness settings (see the first section)",
        ));
    }
    let inputs = a.inputs.iter().map(|p| InputRef::file("result", p)).collect();
    emit(
        &Envelope::new("bench compare", report).with_inputs(inputs).with_warnings(warnings),
        &a.out,
    )
}
