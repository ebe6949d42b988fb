//! Client overhead of `bench serve`, measured (`cargo bench -p perfpilot-bench --bench
//! client_overhead`; `PERFPILOT_BENCH_QUICK=1` for a short run).
//!
//! The server is the crate's in-process test server (a minimal hyper streaming server)
//! run in a **child process** (this binary re-executed), so the client's process holds
//! only client sockets and the client's CPU is read from its own thread
//! (`RUSAGE_THREAD`, one worker thread = one core).
//!
//! 1. Chunk-rate sweep: Poisson arrivals sized for N concurrent 1-second streams of 100
//!    chunks (10 ms apart); reports chunks/s achieved, dispatch lag p50/p99 (next to the
//!    machine's own sleep-wakeup floor), client CPU per
//!    chunk and the client core's utilisation. The highest rate with lag p99 < 1 ms is
//!    the figure for docs/performance.md.
//! 2. 10,000 concurrent streams on one core: all at once, 40 chunks 50 ms apart.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use perfpilot_bench::test_server::{TestServer, TestServerConfig};
use perfpilot_bench::{NumberOrInf, ServeOptions, serve};
use perfpilot_report::NoProgress;
use perfpilot_workload::{DatasetSpec, RandomSpec, RangeMode};

const CHILD_ENV: &str = "PERFPILOT_BENCH_CHILD_SERVER_ITL_MS";

fn child_server() {
    let itl: u64 = std::env::var(CHILD_ENV).ok().and_then(|v| v.parse().ok()).unwrap_or(10);
    let srv = TestServer::start(TestServerConfig {
        itl: Duration::from_millis(itl),
        ..Default::default()
    })
    .expect("test server");
    println!("{}", srv.url);
    std::io::stdout().flush().ok();
    // Serve until the parent closes our stdin.
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
}

struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(itl_ms: u64) -> Server {
        let mut child = Command::new(std::env::current_exe().expect("own path"))
            .env(CHILD_ENV, itl_ms.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn the server child");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("url");
        Server { child, url: line.trim().to_string() }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

fn options(url: &str, n: usize, output_len: u32) -> ServeOptions {
    let mut o = ServeOptions::new(url);
    o.dataset = DatasetSpec::Random(RandomSpec {
        input_len: 16,
        output_len,
        range_ratio: 0.0,
        range_mode: RangeMode::Vllm,
        token_ids: true,
        vocab_size: Some(32000),
    });
    o.num_prompts = Some(n);
    o.warmup = 0;
    o.stall_timeout_s = 60.0;
    o.connect_timeout_s = 30.0;
    o
}

fn main() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return child_server();
    }
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let quick = std::env::var_os("PERFPILOT_BENCH_QUICK").is_some();
    // The machine's floor: how late a bare thread wakes from a 5 ms sleep right now
    // (no client involved). Dispatch lag cannot be better than this.
    let mut over: Vec<f64> = (0..300)
        .map(|_| {
            let t = std::time::Instant::now();
            std::thread::sleep(Duration::from_millis(5));
            (t.elapsed().as_secs_f64() - 0.005) * 1e3
        })
        .collect();
    over.sort_by(f64::total_cmp);
    println!(
        "Machine floor: a bare 5 ms thread sleep overshoots by p50 {:.3} ms, p99 {:.3} ms\n",
        perfpilot_workload::percentile_sorted(&over, 50.0),
        perfpilot_workload::percentile_sorted(&over, 99.0)
    );
    println!("## Chunk-rate sweep (one client core, 100 chunks per stream, 10 ms apart)\n");
    println!(
        "| target streams | requests | chunks/s | mean in flight | dispatch lag p50 / p99 (ms) | client CPU/chunk (µs) | client core busy | failed |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    let srv = Server::start(10);
    let levels: &[usize] = if quick { &[100, 400] } else { &[50, 100, 200, 400, 800, 1600] };
    let seconds = if quick { 2.0 } else { 3.0 };
    for &streams in levels {
        let mut o = options(&srv.url, (streams as f64 * seconds) as usize, 100);
        // Little's law: `streams` in flight when each lasts ~1 s.
        o.request_rate = Some(NumberOrInf::Number(streams as f64));
        let r = serve(&o, &NoProgress).expect("bench run");
        let s = &r.summary;
        let c = r.client_overhead.expect("overhead");
        let chunks: f64 = s.itl_ms.map(|x| x.count as f64).unwrap_or(0.0) + s.completed as f64;
        let lag = s.dispatch_lag_ms.map(|x| (x.median, x.p99)).unwrap_or((f64::NAN, f64::NAN));
        println!(
            "| {streams} | {} | {:.0} | {:.0} | {:.3} / {:.3} | {:.2} | {:.0}% | {} |",
            s.requests,
            chunks / s.duration_s,
            s.mean_concurrency.unwrap_or(0.0),
            lag.0,
            lag.1,
            c.cpu_us_per_chunk.unwrap_or(f64::NAN),
            (c.cpu_user_s + c.cpu_system_s) / c.wall_s * 100.0,
            s.failed
        );
    }
    drop(srv);

    let n = if quick { 2000 } else { 10_000 };
    println!("\n## {n} concurrent streams on one core (all at once, 40 chunks 50 ms apart)\n");
    let srv = Server::start(50);
    let o = options(&srv.url, n, 40);
    let r = serve(&o, &NoProgress).expect("bench run");
    let s = &r.summary;
    let c = r.client_overhead.expect("overhead");
    println!(
        "| requests | completed | failed | peak in flight | wall (s) | TTFT p99 (ms) | ITL p99 (ms) | client CPU (s) | CPU/chunk (µs) | peak RSS (MiB) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {} | {} | {} | {:.2} | {:.1} | {:.1} | {:.2} | {:.2} | {:.0} |",
        s.requests,
        s.completed,
        s.failed,
        s.max_concurrency,
        s.duration_s,
        s.ttft_ms.map(|x| x.p99).unwrap_or(f64::NAN),
        s.itl_ms.map(|x| x.p99).unwrap_or(f64::NAN),
        c.cpu_user_s + c.cpu_system_s,
        c.cpu_us_per_chunk.unwrap_or(f64::NAN),
        c.max_rss_bytes.unwrap_or(0) as f64 / 1048576.0
    );
    if !s.failures.is_empty() {
        println!("\nfailures: {:?}", s.failures);
    }
}
