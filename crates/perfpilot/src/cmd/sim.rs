//! `perfpilot sim`: `serve` (real-time OpenAI server), `run` (a benchmark in virtual
//! time, with sweeps), `fit` (cost parameters from `bench serve` results) and `profiles`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use perfpilot_report::{Document, Envelope, InputRef, Report, Section, Table, Warning};
use perfpilot_sim::{
    Faults, FitOptions, LogSink, Overrides, Profile, SimRunOptions, SimRunReport, SimServerConfig,
    builtin_profile_names, fit, run_virtual, run_virtual_with_records, spawn_server,
};
use schemars::JsonSchema;
use serde::Serialize;

use crate::cmd::workload_args::{WorkloadArgs, dataset_input};
use crate::output::{OutputArgs, emit};

/// Arguments of `perfpilot sim`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: SimCommand,
}

#[derive(clap::Subcommand, Debug)]
enum SimCommand {
    /// Serve the simulated engine over HTTP in real time (OpenAI API, SGLang endpoints
    /// and log) until Ctrl-C.
    Serve(Box<ServeArgs>),
    /// Run a benchmark in virtual time and return the `bench serve` record; `--sweep`
    /// runs one what-if per value.
    Run(Box<RunArgs>),
    /// Fit a profile's cost parameters to `bench serve` results from a real server.
    Fit(FitArgs),
    /// List the shipped profiles, or show one with its capacity.
    Profiles(ProfilesArgs),
}

#[derive(clap::Args, Debug)]
struct ServeArgs {
    /// Profile: a shipped name (see `sim profiles`) or a TOML file.
    #[arg(long, default_value = "sglang-h100-llama3.1-8b", value_name = "NAME|FILE")]
    profile: String,
    /// Port (0 = any free port).
    #[arg(long, default_value_t = 30000)]
    port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// What-if change, KEY=VALUE (repeatable): max_running_requests, max_total_tokens,
    /// mem_fraction_static, page_size, chunked_prefill_size, max_prefill_tokens,
    /// batch_policy, radix_cache, schedule_conservativeness, context_len, cost_scale.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Seed of the simulated EOS and of fault choices.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Write the server log here instead of standard error.
    #[arg(long, value_name = "FILE")]
    log_file: Option<PathBuf>,
    /// Do not print uvicorn-style access lines.
    #[arg(long)]
    no_access_log: bool,
    /// HTTP worker threads (1 = one core).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Fault: fraction of generation requests answered with --fault-error-status.
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    fault_error_rate: f64,
    /// Fault: HTTP status of injected errors.
    #[arg(long, value_name = "STATUS")]
    fault_error_status: Option<u16>,
    /// Fault: close streams after N tokens.
    #[arg(long, value_name = "N")]
    fault_disconnect_after_tokens: Option<u32>,
    /// Fault: freeze the scheduler for S seconds (once, see --fault-stall-after-requests).
    #[arg(long, value_name = "S")]
    fault_stall: Option<f64>,
    /// Fault: the stall starts at this generation request (default 1).
    #[arg(long, value_name = "N")]
    fault_stall_after_requests: Option<u64>,
    /// Fault: send a malformed SSE chunk in place of token N.
    #[arg(long, value_name = "N")]
    fault_malformed_chunk_at: Option<u32>,
    /// Fault: not ready (503 on /health) for S seconds after start.
    #[arg(long, value_name = "S")]
    fault_slow_ready: Option<f64>,
    /// Fault: the scheduler crashes at generation request N (exit status 1).
    #[arg(long, value_name = "N")]
    fault_crash_after_requests: Option<u64>,
    /// Fault: at generation request N, a share of the KV pool goes out of service.
    #[arg(long, value_name = "N")]
    fault_kv_exhaust_after_requests: Option<u64>,
    /// Fault: the share lost by --fault-kv-exhaust-after-requests (default 0.9).
    #[arg(long, value_name = "FRACTION")]
    fault_kv_exhaust_fraction: Option<f64>,
    /// Fault: die at start-up (out of memory while loading the weights, exit status 1),
    /// before the port is bound.
    #[arg(long)]
    fault_exit_at_start: bool,
    /// Fault: bind the port but never become healthy (503 on /health forever).
    #[arg(long, conflicts_with = "fault_slow_ready")]
    fault_never_healthy: bool,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct RunArgs {
    /// Profile: a shipped name (see `sim profiles`) or a TOML file.
    #[arg(long, default_value = "sglang-h100-llama3.1-8b", value_name = "NAME|FILE")]
    profile: String,
    /// What-if change, KEY=VALUE (repeatable; see `sim serve --help`).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Sweep one knob: KEY=V1,V2,... (one run per value, on top of --set).
    #[arg(long, value_name = "KEY=V1,V2,...")]
    sweep: Option<String>,
    #[command(flatten)]
    workload: WorkloadArgs,
    /// Vocabulary size for token-id prompts (random and shared-prefix without a tokenizer).
    #[arg(long, default_value_t = 32000)]
    vocab_size: u32,
    /// A tokenizer.json (sharegpt and text prompts need one).
    #[arg(long, value_name = "FILE")]
    tokenizer: Option<PathBuf>,
    /// Write the per-request records (JSONL) here (single runs).
    #[arg(long, value_name = "FILE")]
    records: Option<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct FitArgs {
    /// `bench serve` result files (JSON) to fit on.
    #[arg(required = true)]
    results: Vec<PathBuf>,
    /// Held-out result files to predict with the fitted profile.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    predict: Vec<PathBuf>,
    /// Base profile (capacity and scheduler of the real server).
    #[arg(long, value_name = "NAME|FILE")]
    profile: String,
    /// Scheduler or capacity change, KEY=VALUE (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Fail (exit 1) when a prediction error exceeds this fraction.
    #[arg(long, default_value_t = 0.15)]
    tolerance: f64,
    /// Name of the fitted profile.
    #[arg(long)]
    name: Option<String>,
    /// Write the fitted profile TOML here.
    #[arg(long = "profile-out", value_name = "FILE")]
    profile_out: Option<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(clap::Args, Debug)]
struct ProfilesArgs {
    /// Show this profile (a shipped name or a file) instead of listing.
    name: Option<String>,
    #[command(flatten)]
    out: OutputArgs,
}

/// Run `perfpilot sim`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        SimCommand::Serve(a) => serve(*a),
        SimCommand::Run(a) => run_cmd(*a),
        SimCommand::Fit(a) => fit_cmd(a),
        SimCommand::Profiles(a) => profiles(a),
    }
}

fn overrides(set: &[String]) -> anyhow::Result<Overrides> {
    let mut o = Overrides::default();
    for pair in set {
        o.set_pair(pair)?;
    }
    Ok(o)
}

fn serve(a: ServeArgs) -> anyhow::Result<ExitCode> {
    if a.fault_exit_at_start {
        return exit_at_start(&a);
    }
    let mut cfg = SimServerConfig::with_profile(&a.profile)?;
    cfg.overrides = overrides(&a.set)?;
    cfg.host = a.host;
    cfg.port = a.port;
    cfg.seed = a.seed;
    cfg.access_log = !a.no_access_log;
    cfg.worker_threads = a.threads;
    cfg.stop_on_ctrl_c = true;
    cfg.log = match &a.log_file {
        Some(p) => LogSink::File(p.clone()),
        None => LogSink::Stderr,
    };
    cfg.faults = Faults {
        error_rate: a.fault_error_rate,
        error_status: a.fault_error_status,
        disconnect_after_tokens: a.fault_disconnect_after_tokens,
        stall_s: a.fault_stall,
        stall_after_requests: a.fault_stall_after_requests,
        malformed_chunk_at_token: a.fault_malformed_chunk_at,
        // Never healthy: a start-up that does not finish in any test's lifetime.
        slow_ready_s: if a.fault_never_healthy { Some(1e9) } else { a.fault_slow_ready },
        crash_after_requests: a.fault_crash_after_requests,
        kv_exhaust_after_requests: a.fault_kv_exhaust_after_requests,
        kv_exhaust_fraction: a.fault_kv_exhaust_fraction,
    };
    let handle = spawn_server(cfg).context("cannot start the simulated server")?;
    let report = handle.wait();
    let env = Envelope::new("sim serve", report)
        .with_inputs(vec![InputRef::other("profile", a.profile.clone())]);
    emit(&env, &a.out)
}

/// The exit-at-start fault: the log lines SGLang prints when the weights do not fit,
/// then exit status 1 (no port is ever bound).
fn exit_at_start(a: &ServeArgs) -> anyhow::Result<ExitCode> {
    let text = "[sim-fault] exit-at-start: the server dies while loading the weights\n\
        Load weight begin. avail mem=0.45 GB\n\
        torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 896.00 MiB. GPU 0 has a \
        total capacity of 79.19 GiB of which 449.06 MiB is free.\n";
    match &a.log_file {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => eprint!("{text}"),
    }
    Ok(ExitCode::from(1))
}

fn run_options(a: &RunArgs) -> anyhow::Result<SimRunOptions> {
    let w = &a.workload;
    // Without a tokenizer, synthetic prompts are token ids.
    let dataset = w.dataset_spec(a.tokenizer.is_none(), Some(a.vocab_size))?;
    let n = w.num_prompts_for(&dataset);
    let mut o = SimRunOptions::new(&a.profile, dataset, n);
    o.overrides = overrides(&a.set)?;
    o.seed = w.seed;
    o.request_rate = w.request_rate()?;
    o.burstiness = w.burstiness()?.unwrap_or(f64::INFINITY);
    o.max_concurrency = w.max_concurrency;
    o.endpoint = w.endpoint;
    o.tokenizer = a.tokenizer.clone();
    o.ignore_eos = !w.no_ignore_eos;
    o.min_tokens = w.min_tokens;
    o.slo = w.slo()?;
    Ok(o)
}

/// The inputs of `sim run` (CLI and MCP): the profile, then the dataset and tokenizer files.
pub(crate) fn run_inputs(opts: &SimRunOptions) -> Vec<InputRef> {
    let mut inputs = vec![InputRef::other("profile", opts.profile.clone())];
    inputs.extend(dataset_input(&opts.dataset));
    if let Some(p) = &opts.tokenizer {
        inputs.push(InputRef::file("tokenizer", p));
    }
    inputs
}

/// The warnings of one `sim run` (CLI and MCP): the dataset's notes, less the virtual-time
/// one.
pub(crate) fn run_warnings(report: &SimRunReport) -> Vec<Warning> {
    report
        .result
        .notes
        .iter()
        .filter(|n| !n.starts_with("virtual time"))
        .map(|n| Warning::new("dataset", n.clone()))
        .collect()
}

/// The inputs of `sim fit` (CLI and MCP): the fitted result files, then the predicted ones.
pub(crate) fn fit_inputs(opts: &FitOptions) -> Vec<InputRef> {
    let mut inputs: Vec<InputRef> =
        opts.results.iter().map(|p| InputRef::file("result", p)).collect();
    inputs.extend(opts.predict.iter().map(|p| InputRef::file("predict", p)));
    inputs
}

fn run_cmd(a: RunArgs) -> anyhow::Result<ExitCode> {
    let base = run_options(&a)?;
    let inputs = run_inputs(&base);
    let Some(sweep) = &a.sweep else {
        let (mut report, records) = run_virtual_with_records(&base)?;
        if let Some(p) = &a.records {
            let mut text = String::new();
            for r in &records {
                text.push_str(&serde_json::to_string(r)?);
                text.push('\n');
            }
            perfpilot_report::write_atomic(p, text.as_bytes())
                .with_context(|| format!("cannot write {}", p.display()))?;
            report.result.records_file = Some(p.display().to_string());
        }
        let warnings = run_warnings(&report);
        return emit(
            &Envelope::new("sim run", report).with_inputs(inputs).with_warnings(warnings),
            &a.out,
        );
    };
    if a.records.is_some() {
        anyhow::bail!("--records writes one run's records; it cannot be combined with --sweep");
    }
    let (key, values) = sweep
        .split_once('=')
        .ok_or_else(|| anyhow::anyhow!("--sweep {sweep}: expected KEY=V1,V2,..."))?;
    let mut runs = Vec::new();
    let values: Vec<&str> = values.split(',').map(str::trim).filter(|v| !v.is_empty()).collect();
    // A bar with an ETA on a terminal (stderr only): the runs of a sweep cost about the
    // same, so the rate of finished runs predicts the rest.
    let progress = perfpilot_report::TerminalProgress::new("runs");
    perfpilot_report::Progress::set_total(&progress, values.len() as u64);
    for v in values {
        perfpilot_report::Progress::message(&progress, &format!("{key}={v}"));
        let mut o = base.clone();
        o.overrides.set(key, v)?;
        let r = run_virtual(&o).with_context(|| format!("--sweep {key}={v}"));
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                perfpilot_report::Progress::finish(&progress);
                return Err(e);
            }
        };
        perfpilot_report::Progress::advance(&progress, 1);
        runs.push(SweepPoint { value: v.to_string(), run: r });
    }
    perfpilot_report::Progress::finish(&progress);
    if runs.is_empty() {
        anyhow::bail!("--sweep {sweep}: no values");
    }
    let report = SweepReport { knob: key.to_string(), points: runs };
    emit(&Envelope::new("sim run", report).with_inputs(inputs), &a.out)
}

/// One value of a sweep.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct SweepPoint {
    /// The knob's value.
    value: String,
    /// The run.
    run: SimRunReport,
}

/// `sim run --sweep` (`perfpilot.sim.sweep/1`): one virtual run per value of a knob.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct SweepReport {
    /// The knob swept.
    knob: String,
    /// One run per value, in the order given.
    points: Vec<SweepPoint>,
}

impl Report for SweepReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.sim.sweep/1"
    }

    fn document(&self) -> Document {
        let mut t = Table::new(
            "sweep",
            [
                self.knob.as_str(),
                "req/s",
                "out tok/s",
                "mean TTFT ms",
                "p99 TTFT ms",
                "mean TPOT ms",
                "p99 TPOT ms",
                "retracted",
                "peak KV %",
            ],
        )
        .right(&[
            "req/s",
            "out tok/s",
            "mean TTFT ms",
            "p99 TTFT ms",
            "mean TPOT ms",
            "p99 TPOT ms",
            "retracted",
            "peak KV %",
        ]);
        let f = |x: Option<f64>| x.map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into());
        for p in &self.points {
            let s = &p.run.result.summary;
            let kv = p.run.engine.peak_used_tokens as f64
                / p.run.capacity.max_total_num_tokens.max(1) as f64
                * 100.0;
            t.push_row(
                format!("{}={}", self.knob, p.value),
                [
                    p.value.clone(),
                    f(s.request_throughput),
                    f(s.output_throughput),
                    f(s.ttft_ms.as_ref().map(|x| x.mean)),
                    f(s.ttft_ms.as_ref().map(|x| x.p99)),
                    f(s.tpot_ms.as_ref().map(|x| x.mean)),
                    f(s.tpot_ms.as_ref().map(|x| x.p99)),
                    p.run.engine.retracted_requests.to_string(),
                    format!("{kv:.1}"),
                ],
            );
        }
        let first = &self.points[0].run;
        Document::new("Simulated what-if sweep (virtual time)")
            .with_fact("profile", &first.profile)
            .with_fact("knob", &self.knob)
            .with_fact("dataset", first.result.settings.dataset.fingerprint.clone())
            .with_fact("arrival", first.result.settings.arrival.describe())
            .with_section(Section::new("Results").with_table(t))
    }

    fn check_failed(&self) -> bool {
        self.points.iter().any(|p| p.run.check_failed())
    }
}

fn fit_cmd(a: FitArgs) -> anyhow::Result<ExitCode> {
    let opts = FitOptions {
        profile: a.profile.clone(),
        overrides: overrides(&a.set)?,
        results: a.results.clone(),
        predict: a.predict.clone(),
        tolerance: a.tolerance,
        name: a.name.clone(),
    };
    let report = fit(&opts)?;
    if let Some(p) = &a.profile_out {
        perfpilot_report::write_atomic(p, report.profile_toml.as_bytes())
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    emit(&Envelope::new("sim fit", report).with_inputs(fit_inputs(&opts)), &a.out)
}

/// `sim profiles` (`perfpilot.sim.profiles/1`).
#[derive(Debug, Serialize, JsonSchema)]
struct ProfilesReport {
    profiles: Vec<ProfileEntry>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct ProfileEntry {
    profile: Profile,
    capacity: perfpilot_sim::Capacity,
}

impl Report for ProfilesReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.sim.profiles/1"
    }

    fn document(&self) -> Document {
        let mut t = Table::new(
            "profiles",
            [
                "name",
                "model",
                "max_total_num_tokens",
                "max_running",
                "policy",
                "overhead ms",
                "source",
            ],
        )
        .right(&["max_total_num_tokens", "max_running", "overhead ms"]);
        for e in &self.profiles {
            let p = &e.profile;
            t.push_row(
                p.name.clone(),
                [
                    p.name.clone(),
                    p.model.served_name.clone(),
                    e.capacity.max_total_num_tokens.to_string(),
                    e.capacity.max_running_requests.to_string(),
                    format!("{:?}", p.engine.batch_policy).to_lowercase(),
                    format!("{:.3}", p.cost.step_overhead_s * 1000.0),
                    p.source.clone(),
                ],
            );
        }
        Document::new("Simulator profiles").with_section(Section::new("Profiles").with_table(t))
    }
}

fn profiles(a: ProfilesArgs) -> anyhow::Result<ExitCode> {
    let names: Vec<String> = match &a.name {
        Some(n) => vec![n.clone()],
        None => builtin_profile_names().into_iter().map(String::from).collect(),
    };
    let mut entries = Vec::new();
    for n in &names {
        let profile = Profile::load(n)?;
        entries.push(ProfileEntry { capacity: profile.capacity(), profile });
    }
    emit(&Envelope::new("sim profiles", ProfilesReport { profiles: entries }), &a.out)
}
