//! `perfpilot bench`: `serve` (benchmark an OpenAI-compatible server, or the in-process
//! simulator when no `--url` is given) and `compare`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use perfpilot_bench::{CompareOptions, CompareReport, NumberOrInf, ServeOptions, TokenizerChoice};
use perfpilot_report::{Envelope, InputRef, TerminalProgress, Warning};
use perfpilot_workload::CompatFormat;

use crate::cmd::peer_args::PeerArgs;
use crate::cmd::workload_args::{DatasetKind, WorkloadArgs, dataset_input};
use crate::output::{OutputArgs, emit};

#[path = "bench_compare.rs"]
mod compare_cli;

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
    /// Compare result files (or run two servers interleaved with --run) with a speed
    /// verdict per metric; refuses runs whose fairness settings or cache-hit rates differ.
    Compare(Box<compare_cli::CompareArgs>),
    /// Launch server candidates from a plan, find the highest request rate meeting the
    /// SLA per scenario, and rank them (also: validate, render, status).
    Sweep(Box<crate::cmd::sweep::Args>),
}

/// Arguments of `perfpilot bench serve`.
#[derive(clap::Args, Debug)]
struct ServeArgs {
    /// Server base URL (http://host:port). Without it, an in-process simulator is started.
    #[arg(long, alias = "base-url")]
    url: Option<String>,
    /// Simulator profile when --url is not given.
    #[arg(long, default_value = "sglang-h100-llama3.1-8b", value_name = "NAME|FILE")]
    sim_profile: String,
    #[command(flatten)]
    workload: WorkloadArgs,
    /// Model to send (default: first of GET /v1/models).
    #[arg(long)]
    model: Option<String>,
    /// Send token ids instead of text (completions only).
    #[arg(long)]
    token_ids: bool,
    /// Vocabulary size for token-id prompts without a tokenizer.
    #[arg(long)]
    vocab_size: Option<u32>,
    /// Warmup requests before the clock starts.
    #[arg(long, default_value_t = 1, aliases = ["warmup-requests", "num-warmups"])]
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
    /// Tokenizer: a tokenizer.json path, or `server` (the server's /tokenize).
    #[arg(long, value_name = "PATH|server")]
    tokenizer: Option<String>,
    /// Temperature to send, or `none` to leave it to the server.
    #[arg(long, default_value = "0")]
    temperature: String,
    /// Extra JSON merged into every request body.
    #[arg(long, value_name = "JSON", alias = "extra-request-body")]
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
    /// Measured runs, each after its own warmup and cache flush (≥ 3 for a run-to-run
    /// noise estimate in `bench compare`).
    #[arg(long, default_value_t = 1, value_name = "N")]
    repeats: u32,
    /// Every repeat sends the same prompts (default: repeat i uses --seed + i).
    #[arg(long)]
    same_prompts: bool,
    /// Flush the server's prefix cache before each run and repeat (the default).
    #[arg(long, overrides_with = "no_flush_cache")]
    flush_cache: bool,
    /// Keep the server's prefix cache warm between runs.
    #[arg(long)]
    no_flush_cache: bool,
    /// Fraction of failed requests that still exits 0 (default 0: any failure exits 1;
    /// a run where none succeeded always exits 1).
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    max_failure_rate: f64,
    #[command(flatten)]
    peer: PeerArgs,
    #[command(flatten)]
    out: OutputArgs,
}

/// Run `perfpilot bench`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        BenchCommand::Serve(a) => serve(*a),
        BenchCommand::Compare(a) => compare_cli::compare(*a),
        BenchCommand::Sweep(a) => crate::cmd::sweep::run(*a),
    }
}

/// `inf` as the benchmark's options spell it.
fn rate(v: Option<f64>) -> NumberOrInf {
    v.map_or_else(|| NumberOrInf::Text("inf".into()), NumberOrInf::Number)
}

fn serve(a: ServeArgs) -> anyhow::Result<ExitCode> {
    let url = match (&a.url, a.peer.url()?) {
        (Some(u), _) => Some(u.clone()),
        (None, built) => built,
    };
    let (opts, sim, warnings) = serve_setup(&a, url)?;
    let progress = TerminalProgress::new("requests");
    let inputs = serve_inputs(&opts);
    let result = perfpilot_bench::serve(&opts, &progress);
    if let Some(h) = sim {
        h.shutdown();
    }
    let env = Envelope::new("bench serve", result?).with_inputs(inputs).with_warnings(warnings);
    emit(&env, &a.out)
}

/// The options `a` describes against `url` (None: an in-process simulator is started and
/// returned, to be shut down after the run), with the warnings to attach.
fn serve_setup(
    a: &ServeArgs,
    url: Option<String>,
) -> anyhow::Result<(ServeOptions, Option<perfpilot_sim::SimServerHandle>, Vec<Warning>)> {
    let mut warnings = Vec::new();
    let sim = match &url {
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
            if let Some(kind) = ids_for_sim(a, url.is_some()) {
                warnings.push(Warning::new(
                    "token-id-prompts",
                    format!("no --tokenizer: {kind} prompts are token ids (vocabulary 32000)"),
                ));
            }
            Some(handle)
        }
    };
    let target = url.clone().or_else(|| sim.as_ref().map(|h| h.url())).unwrap_or_default();
    let opts = serve_options(a, target, url.is_some())?;
    Ok((opts, sim, warnings))
}

/// Synthetic prompts are token ids against the in-process simulator when no tokenizer
/// is given (it has no /detokenize and no vocabulary file): the dataset's name, if so.
fn ids_for_sim(a: &ServeArgs, has_url: bool) -> Option<&'static str> {
    match a.workload.dataset {
        DatasetKind::Random => Some("random"),
        DatasetKind::SharedPrefix => Some("shared-prefix"),
        _ => None,
    }
    .filter(|_| !has_url && a.tokenizer.is_none() && !a.token_ids)
}

/// The benchmark options the flags describe (native and peer spellings alike), for the
/// server at `url`.
fn serve_options(a: &ServeArgs, url: String, has_url: bool) -> anyhow::Result<ServeOptions> {
    let w = &a.workload;
    let dataset = match ids_for_sim(a, has_url) {
        Some(_) => w.dataset_spec(true, a.vocab_size.or(Some(32000)))?,
        None => w.dataset_spec(a.token_ids, a.vocab_size)?,
    };
    let mut opts = ServeOptions::new(url);
    opts.endpoint = w.endpoint;
    opts.model = a.peer.served_model_name.clone().or_else(|| a.model.clone());
    opts.dataset = dataset;
    opts.num_prompts = w.num_prompts_for(&opts.dataset);
    opts.request_rate = Some(rate(w.request_rate()?));
    opts.burstiness = Some(rate(w.burstiness()?));
    opts.max_concurrency = w.max_concurrency;
    opts.warmup = a.warmup;
    opts.duration_s = a.duration;
    opts.deadline_s = a.deadline;
    opts.stall_timeout_s = a.stall_timeout;
    opts.seed = w.seed;
    // vLLM: with --served-model-name, --model names the tokenizer unless --tokenizer does.
    let tokenizer =
        a.tokenizer.clone().or_else(|| a.peer.served_model_name.as_ref().and(a.model.clone()));
    opts.tokenizer = tokenizer
        .as_deref()
        .map(|t| t.parse::<TokenizerChoice>())
        .transpose()
        .map_err(anyhow::Error::msg)?;
    opts.slo = match a.peer.slo_spec()? {
        Some(spec) => Some(spec.parse().map_err(|e| anyhow::anyhow!("--goodput: {e}"))?),
        None => w.slo()?,
    };
    opts.ignore_eos = !w.no_ignore_eos;
    opts.min_tokens = w.min_tokens;
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
    opts.repeats = a.repeats;
    opts.same_prompts = a.same_prompts;
    opts.flush_cache = !a.no_flush_cache || a.flush_cache;
    opts.max_failure_rate = a.max_failure_rate;
    a.peer.apply(&mut opts)?;
    Ok(opts)
}

/// The inputs of `bench serve` (CLI and MCP): the dataset file, the URL, the tokenizer file.
pub(crate) fn serve_inputs(opts: &ServeOptions) -> Vec<InputRef> {
    let mut inputs = Vec::new();
    inputs.extend(dataset_input(&opts.dataset));
    inputs.push(InputRef::other("url", opts.url.clone()));
    if let Some(TokenizerChoice::Path(p)) = &opts.tokenizer {
        inputs.push(InputRef::file("tokenizer", p));
    }
    inputs
}

/// The envelope of `bench compare` (CLI and MCP): the result files as inputs, a warning
/// when the runs were not run alike.
pub(crate) fn compare_envelope(
    opts: &CompareOptions,
    report: CompareReport,
) -> Envelope<CompareReport> {
    let mut warnings = Vec::new();
    if !report.fair {
        warnings.push(Warning::new(
            "unfair-comparison",
            "the runs differ in fairness settings (see the first section)",
        ));
    }
    if opts.paired && !report.paired {
        warnings.push(Warning::new(
            "unpaired",
            "--paired needs as many runs on each side: the groups were compared unpaired",
        ));
    }
    let inputs = opts.inputs.iter().chain(&opts.vs).map(|p| InputRef::file("result", p)).collect();
    Envelope::new("bench compare", report).with_inputs(inputs).with_warnings(warnings)
}

#[cfg(test)]
#[path = "bench_alias_tests.rs"]
mod alias_tests;
