//! The real-time HTTP server: the engine on its own thread, hyper on a tokio runtime of
//! its own, SGLang's start-up log, faults on demand.

mod body;
mod faults;
mod http;
mod inbox;
mod log;
mod metrics;
mod openai;
mod realtime;
mod report;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::sync::watch;

pub use faults::Faults;
pub use log::LogSink;
pub(crate) use openai::chat_template;
pub use report::SimServeReport;

use crate::engine::{Engine, EngineConfig, EngineStats};
use crate::error::SimError;
use crate::overrides::Overrides;
use crate::profile::{Capacity, Profile};
use crate::text::{BuiltinTokenizer, PromptTokenizer};
use log::Logger;
use metrics::Metrics;
use realtime::{Cmd, Shared};

/// How to run the real-time server.
#[derive(Clone)]
pub struct SimServerConfig {
    /// The engine profile.
    pub profile: Profile,
    /// What-if changes on top of it.
    pub overrides: Overrides,
    /// Address to bind (default 127.0.0.1).
    pub host: IpAddr,
    /// Port (0 = any free port).
    pub port: u16,
    /// Faults to inject.
    pub faults: Faults,
    /// Seed of the simulated EOS and of fault choices.
    pub seed: u64,
    /// Where the server log goes.
    pub log: LogSink,
    /// Print uvicorn's access line for every request.
    pub access_log: bool,
    /// `/health_generate` waits this long before failing (SGLang: 20 s).
    pub health_check_timeout_s: f64,
    /// Tokio worker threads for HTTP (1 = a current-thread runtime).
    pub worker_threads: usize,
    /// Stop on Ctrl-C (the CLI's `sim serve`).
    pub stop_on_ctrl_c: bool,
    /// Prompt tokenizer (default: the built-in one).
    pub tokenizer: Option<Arc<dyn PromptTokenizer>>,
}

impl std::fmt::Debug for SimServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimServerConfig")
            .field("profile", &self.profile.name)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("faults", &self.faults)
            .finish_non_exhaustive()
    }
}

impl SimServerConfig {
    /// Defaults around `profile`: 127.0.0.1, an ephemeral port, no faults, no log.
    pub fn new(profile: Profile) -> SimServerConfig {
        SimServerConfig {
            profile,
            overrides: Overrides::default(),
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            faults: Faults::default(),
            seed: 42,
            log: LogSink::Off,
            access_log: true,
            health_check_timeout_s: 20.0,
            worker_threads: 1,
            stop_on_ctrl_c: false,
            tokenizer: None,
        }
    }

    /// Defaults around a shipped profile or a profile file.
    pub fn with_profile(name_or_path: &str) -> Result<SimServerConfig, SimError> {
        Ok(SimServerConfig::new(Profile::load(name_or_path)?))
    }
}

/// Server-wide state shared by the connection tasks.
pub(crate) struct State {
    pub cmd: Sender<Cmd>,
    pub shared: Arc<Shared>,
    pub log: Arc<Logger>,
    pub tokenizer: Arc<dyn PromptTokenizer>,
    pub faults: Faults,
    pub seed: u64,
    pub access_log: bool,
    pub health_timeout_s: f64,
    pub model: String,
    pub context_len: u32,
    pub max_total_tokens: u64,
    pub max_running: u32,
    pub max_req_input_len: u64,
    pub eos_mean: f64,
    pub created_unix: u64,
    pub server_args: Value,
    pub memory_usage: Value,
    pub gen_count: AtomicU64,
    pub next_id: AtomicU64,
    pub ready: AtomicBool,
    pub crashed: AtomicBool,
    pub stop: watch::Sender<bool>,
}

impl State {
    pub(crate) fn ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst) && !self.crashed.load(Ordering::SeqCst)
    }

    /// The crash fault: log as SGLang's scheduler does when it dies, stop everything.
    pub(crate) fn crash(&self, n: u64) {
        if self.crashed.swap(true, Ordering::SeqCst) {
            return;
        }
        self.log
            .line(&format!("[sim-fault] crash-after-requests: the scheduler dies at request {n}"));
        self.log.line("Scheduler hit an exception: Traceback (most recent call last):");
        self.log.raw("  File \"python/sglang/srt/managers/scheduler.py\", in run_scheduler_process\n    scheduler.event_loop_overlap()");
        self.log.raw(&format!(
            "RuntimeError: simulated scheduler crash after {n} requests (perfpilot sim fault)"
        ));
        self.log.line("Received sigquit from a child process. It usually means the child failed.");
        let _ = self.cmd.send(Cmd::Shutdown);
        let _ = self.stop.send(true);
    }
}

/// A running in-process server. Dropping it shuts the server down.
pub struct SimServerHandle {
    addr: SocketAddr,
    state: Arc<State>,
    capacity: Capacity,
    profile: String,
    started: Instant,
    runtime: Option<JoinHandle<()>>,
    engine: Option<JoinHandle<EngineStats>>,
}

impl SimServerHandle {
    /// Base URL, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The served model name.
    pub fn model(&self) -> &str {
        &self.state.model
    }

    /// True once start-up finished (after `slow_ready_s`) and until a crash.
    pub fn is_ready(&self) -> bool {
        self.state.ready()
    }

    /// True after the crash fault fired.
    pub fn has_crashed(&self) -> bool {
        self.state.crashed.load(Ordering::SeqCst)
    }

    /// Stop the server now and return what it did.
    pub fn shutdown(mut self) -> SimServeReport {
        let _ = self.state.stop.send(true);
        self.finish()
    }

    /// Block until the server stops by itself (Ctrl-C with `stop_on_ctrl_c`, or a crash).
    pub fn wait(mut self) -> SimServeReport {
        if let Some(t) = self.runtime.take() {
            let _ = t.join();
        }
        self.finish()
    }

    fn finish(&mut self) -> SimServeReport {
        if let Some(t) = self.runtime.take() {
            let _ = t.join();
        }
        let _ = self.state.cmd.send(Cmd::Shutdown);
        let stats = self.engine.take().and_then(|t| t.join().ok()).unwrap_or_default();
        SimServeReport {
            url: self.url(),
            profile: self.profile.clone(),
            model: self.state.model.clone(),
            capacity: self.capacity,
            faults: self.state.faults.clone(),
            uptime_s: self.started.elapsed().as_secs_f64(),
            generation_requests: self.state.gen_count.load(Ordering::SeqCst),
            crashed: self.state.crashed.load(Ordering::SeqCst),
            engine: stats,
        }
    }
}

impl Drop for SimServerHandle {
    fn drop(&mut self) {
        if self.runtime.is_some() || self.engine.is_some() {
            let _ = self.state.stop.send(true);
            self.finish();
        }
    }
}

/// Start the real-time server in-process: the engine on its own thread, HTTP on its own
/// tokio runtime thread. Returns once the port is bound (and, without `slow_ready_s`,
/// ready to serve).
pub fn spawn_server(cfg: SimServerConfig) -> Result<SimServerHandle, SimError> {
    cfg.faults.validate()?;
    if perfpilot_report::positive_seconds("health_check_timeout_s", cfg.health_check_timeout_s)
        .is_err()
    {
        return Err(SimError::Options(format!(
            "health_check_timeout_s must be > 0 and at most {:e}",
            perfpilot_report::MAX_SECONDS
        )));
    }
    let profile = cfg.overrides.apply(&cfg.profile)?;
    let cap = profile.capacity();
    let logger = Arc::new(
        Logger::new(cfg.log.clone()).map_err(|e| SimError::io("cannot open the log file", e))?,
    );
    let listener = std::net::TcpListener::bind((cfg.host, cfg.port))
        .map_err(|e| SimError::io(format!("cannot bind {}:{}", cfg.host, cfg.port), e))?;
    listener.set_nonblocking(true).map_err(|e| SimError::io("cannot configure the listener", e))?;
    let addr =
        listener.local_addr().map_err(|e| SimError::io("cannot read the bound address", e))?;

    let mut ecfg = EngineConfig::from_profile(&profile);
    ecfg.log = logger.enabled();
    let engine = Engine::new(ecfg.clone());
    let shared = Arc::new(Shared {
        metrics: Mutex::new(Metrics::new(engine.snapshot())),
        heartbeat: Mutex::new(SystemTime::now()),
    });
    let (cmd_tx, cmd_rx) = std::sync::mpsc::channel();
    let engine_thread = {
        let (shared, logger) = (shared.clone(), logger.clone());
        std::thread::Builder::new()
            .name("sim-engine".into())
            .spawn(move || realtime::run(engine, cmd_rx, shared, logger))
            .map_err(|e| SimError::io("cannot start the engine thread", e))?
    };
    let (stop_tx, stop_rx) = watch::channel(false);
    let state = Arc::new(State {
        cmd: cmd_tx,
        shared,
        log: logger,
        tokenizer: cfg.tokenizer.clone().unwrap_or_else(|| Arc::new(BuiltinTokenizer)),
        faults: cfg.faults.clone(),
        seed: cfg.seed,
        access_log: cfg.access_log,
        health_timeout_s: cfg.health_check_timeout_s,
        model: profile.model.served_name.clone(),
        context_len: profile.model.context_len,
        max_total_tokens: cap.max_total_num_tokens,
        max_running: cap.max_running_requests,
        max_req_input_len: cap.max_req_input_len,
        eos_mean: profile.generation.eos_mean_tokens,
        created_unix: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        server_args: server_args(&profile, &cap, addr, cfg.seed),
        memory_usage: json!({
            "weight": profile.memory.weights_gib,
            "kvcache": cap.kv_gib,
            "graph": profile.memory.cuda_graph_gib,
            "token_capacity": cap.max_total_num_tokens,
        }),
        gen_count: AtomicU64::new(0),
        next_id: AtomicU64::new(0),
        ready: AtomicBool::new(false),
        crashed: AtomicBool::new(false),
        stop: stop_tx,
    });
    let slow = cfg.faults.slow_ready_s.unwrap_or(0.0);
    if slow <= 0.0 {
        startup_log(&state, &profile, &cap, addr, Duration::ZERO);
        state.ready.store(true, Ordering::SeqCst);
    }
    let runtime = {
        let state = state.clone();
        let (workers, ctrl_c) = (cfg.worker_threads.max(1), cfg.stop_on_ctrl_c);
        let (profile, cap) = (profile.clone(), cap);
        let rt = if workers == 1 {
            tokio::runtime::Builder::new_current_thread().enable_all().build()
        } else {
            tokio::runtime::Builder::new_multi_thread().worker_threads(workers).enable_all().build()
        }
        .map_err(|e| SimError::io("cannot start the tokio runtime", e))?;
        std::thread::Builder::new()
            .name("sim-http".into())
            .spawn(move || {
                rt.block_on(async move {
                    if slow > 0.0 {
                        let st = state.clone();
                        tokio::spawn(async move {
                            let step = Duration::from_secs_f64(slow / 4.0);
                            let st2 = st.clone();
                            let _ = tokio::task::spawn_blocking(move || {
                                startup_log(&st2, &profile, &cap, addr, step)
                            })
                            .await;
                            st.ready.store(true, Ordering::SeqCst);
                        });
                    }
                    serve(listener, state, stop_rx, ctrl_c).await;
                });
            })
            .map_err(|e| SimError::io("cannot start the HTTP thread", e))?
    };
    Ok(SimServerHandle {
        addr,
        state,
        capacity: cap,
        profile: profile.name.clone(),
        started: Instant::now(),
        runtime: Some(runtime),
        engine: Some(engine_thread),
    })
}

async fn serve(
    listener: std::net::TcpListener,
    state: Arc<State>,
    mut stop: watch::Receiver<bool>,
    ctrl_c: bool,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
    let mut conns = tokio::task::JoinSet::new();
    let interrupt = async {
        if ctrl_c {
            let _ = tokio::signal::ctrl_c().await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::pin!(interrupt);
    loop {
        tokio::select! {
            res = listener.accept() => {
                let Ok((stream, peer)) = res else { continue };
                let _ = stream.set_nodelay(true);
                let st = state.clone();
                conns.spawn(async move {
                    let svc = service_fn(move |req| http::handle(st.clone(), req, peer));
                    // A client that never finishes its request head (slow-loris) is dropped.
                    let _ = http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(http::HEADER_TIMEOUT)
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
            _ = stop.changed() => break,
            _ = &mut interrupt => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.abort_all();
    while conns.join_next().await.is_some() {}
}

/// The `ServerArgs` fields `/get_server_info` reports (SGLang names).
fn server_args(p: &Profile, cap: &Capacity, addr: SocketAddr, seed: u64) -> Value {
    json!({
        "model_path": p.model.served_name,
        "tokenizer_path": p.model.served_name,
        "served_model_name": p.model.served_name,
        "host": addr.ip().to_string(),
        "port": addr.port(),
        "context_length": p.model.context_len,
        "mem_fraction_static": p.memory.mem_fraction_static,
        "max_running_requests": cap.max_running_requests,
        "max_total_tokens": p.memory.max_total_tokens,
        "chunked_prefill_size": p.engine.chunked_prefill_size,
        "max_prefill_tokens": p.engine.max_prefill_tokens,
        "schedule_policy": "fcfs",
        "schedule_conservativeness": p.engine.schedule_conservativeness,
        "page_size": p.engine.page_size,
        "tp_size": 1,
        "dp_size": 1,
        "disable_radix_cache": !p.engine.radix_cache,
        "enable_mixed_chunk": p.engine.batch_policy == crate::profile::BatchPolicy::Mixed,
        "decode_log_interval": p.engine.decode_log_interval,
        "random_seed": seed,
        "enable_metrics": true,
        "version": format!("perfpilot-sim {}", env!("CARGO_PKG_VERSION")),
        "sim_profile": p.name,
    })
}

/// SGLang's start-up lines (`capacity-formulas.md` 1.2), with `gap` between phases.
fn startup_log(state: &State, p: &Profile, cap: &Capacity, addr: SocketAddr, gap: Duration) {
    let l = &state.log;
    let m = &p.memory;
    let half = cap.kv_gib / 2.0;
    l.line(&format!(
        "server_args=ServerArgs(model_path='{0}', tokenizer_path='{0}', host='{1}', port={2}, mem_fraction_static={3}, max_running_requests={4}, max_total_tokens={5}, chunked_prefill_size={6}, max_prefill_tokens={7}, schedule_policy='fcfs', schedule_conservativeness={8}, page_size={9}, tp_size=1, disable_radix_cache={10}, random_seed={11})",
        p.model.served_name,
        addr.ip(),
        addr.port(),
        m.mem_fraction_static,
        p.engine.max_running_requests.map(|v| v.to_string()).unwrap_or_else(|| "None".into()),
        m.max_total_tokens.map(|v| v.to_string()).unwrap_or_else(|| "None".into()),
        p.engine.chunked_prefill_size,
        p.engine.max_prefill_tokens,
        p.engine.schedule_conservativeness,
        p.engine.page_size,
        if p.engine.radix_cache { "False" } else { "True" },
        state.seed,
    ));
    l.line(&format!("Load weight begin. avail mem={:.2} GB", m.avail_before_load_gib));
    std::thread::sleep(gap);
    l.line(&format!(
        "Load weight end. type={}, dtype=torch.{}, avail mem={:.2} GB, mem usage={:.2} GB.",
        p.model.architecture, p.model.dtype, cap.avail_after_weights_gib, m.weights_gib
    ));
    l.line(&format!(
        "KV Cache is allocated. #tokens: {}, K size: {half:.2} GB, V size: {half:.2} GB",
        cap.max_total_num_tokens
    ));
    l.line(&format!("Memory pool end. avail mem={:.2} GB", cap.avail_after_pool_gib));
    std::thread::sleep(gap);
    if m.cuda_graph_gib > 0.0 {
        l.line(&format!(
            "Capture cuda graph begin. This can take up to several minutes. avail mem={:.2} GB",
            cap.avail_after_pool_gib
        ));
        l.line(&format!(
            "Capture cuda graph end. Time elapsed: {:.2} s. mem usage={:.2} GB. avail mem={:.2} GB.",
            gap.as_secs_f64(),
            m.cuda_graph_gib,
            cap.avail_after_graphs_gib
        ));
    }
    l.line(&format!(
        "max_total_num_tokens={}, chunked_prefill_size={}, max_prefill_tokens={}, max_running_requests={}, context_len={}, available_gpu_mem={:.2} GB",
        cap.max_total_num_tokens,
        p.engine.chunked_prefill_size,
        p.engine.max_prefill_tokens,
        cap.max_running_requests,
        p.model.context_len,
        cap.avail_after_graphs_gib
    ));
    std::thread::sleep(gap);
    l.line(&format!("INFO:     Started server process [{}]", std::process::id()));
    l.line("INFO:     Waiting for application startup.");
    l.line("INFO:     Application startup complete.");
    l.line(&format!("INFO:     Uvicorn running on http://{addr} (Press CTRL+C to quit)"));
    std::thread::sleep(gap);
    l.line("The server is fired up and ready to roll!");
}
