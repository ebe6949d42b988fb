//! Simulator speed, side by side with its peers in one run (figures for
//! `docs/performance.md`, "Simulator throughput"):
//!
//! 1. virtual time: generated tokens simulated per CPU second (`sim run` engine);
//! 2. real time: tokens streamed per second by the in-process HTTP server with the
//!    zero-cost profile (one HTTP thread + the engine thread), and the server's own CPU
//!    per token, read from `/proc/self/task/*/stat`;
//! 3. the peer: the same client against a minimal Python standard-library SSE server
//!    (`benches/mock_sse_server.py`).
//!
//! Run: `nice cargo bench -p perfpilot-sim --bench sim_throughput` (about 30 s).

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::Instant;

use perfpilot_sim::{Profile, SimRunOptions, SimServerConfig, run_virtual, spawn_server};
use perfpilot_workload::{DatasetSpec, RandomSpec, RangeMode};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("sim_throughput: benchmark");
        return;
    }
    virtual_time();
    let (streams, tokens) = (32usize, 8192u32);
    let sim =
        spawn_server(SimServerConfig::new(Profile::load("zero-cost").expect("shipped profile")))
            .expect("server");
    let before = server_cpu();
    let (n, wall) = stream(&sim.url(), streams, tokens);
    let cpu = server_cpu() - before;
    println!(
        "real time (sim, zero-cost): {n} tokens in {wall:.3} s wall = {:.0} tokens/s; server CPU {cpu:.3} s = {:.0} tokens per server-CPU-second",
        n as f64 / wall,
        n as f64 / cpu.max(1e-9)
    );
    drop(sim);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/mock_sse_server.py");
    let mut child =
        match Command::new("python3").args([script, "18931"]).stdout(Stdio::piped()).spawn() {
            Ok(c) => c,
            Err(e) => {
                println!("peer skipped: cannot start python3: {e}");
                return;
            }
        };
    if let Some(out) = child.stdout.take() {
        let mut line = String::new();
        let _ = std::io::BufReader::new(out).read_line(&mut line);
    }
    let peer_pid = child.id();
    let cpu0 = proc_cpu(&format!("/proc/{peer_pid}/stat"));
    let (pn, pwall) = stream("http://127.0.0.1:18931", streams, tokens / 8);
    let pcpu = proc_cpu(&format!("/proc/{peer_pid}/stat")) - cpu0;
    let _ = child.kill();
    let _ = child.wait();
    println!(
        "real time (peer: python stdlib SSE server): {pn} tokens in {pwall:.3} s wall = {:.0} tokens/s; server CPU {pcpu:.3} s = {:.0} tokens per server-CPU-second",
        pn as f64 / pwall,
        pn as f64 / pcpu.max(1e-9)
    );
    println!(
        "ratio sim / peer: {:.1}x tokens/s wall, {:.1}x tokens per server-CPU-second",
        (n as f64 / wall) / (pn as f64 / pwall),
        (n as f64 / cpu.max(1e-9)) / (pn as f64 / pcpu.max(1e-9))
    );
}

fn virtual_time() {
    let spec = DatasetSpec::Random(RandomSpec {
        input_len: 512,
        output_len: 1024,
        range_ratio: 0.0,
        range_mode: RangeMode::Vllm,
        token_ids: true,
        vocab_size: Some(32000),
    });
    let mut o = SimRunOptions::new("sglang-h100-llama3.1-8b", spec, Some(2000));
    o.max_concurrency = Some(256);
    let t = Instant::now();
    let cpu0 = thread_cpu();
    let r = run_virtual(&o).expect("virtual run");
    let cpu = thread_cpu() - cpu0;
    let wall = t.elapsed().as_secs_f64();
    let n = r.result.summary.total_output_tokens;
    println!(
        "virtual time: {n} generated tokens ({} simulated s) in {cpu:.3} CPU s ({wall:.3} s wall) = {:.0} tokens per CPU second, {:.0}x faster than real time",
        r.virtual_duration_s.round(),
        n as f64 / cpu.max(1e-9),
        r.virtual_duration_s / wall
    );
}

/// Stream `streams` concurrent completions of `tokens` tokens; returns (tokens, wall s).
fn stream(base: &str, streams: usize, tokens: u32) -> (u64, f64) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let url = format!("{base}/v1/completions");
    rt.block_on(async move {
        let client = reqwest::Client::new();
        let t = Instant::now();
        let mut tasks = Vec::new();
        for i in 0..streams {
            let (client, url) = (client.clone(), url.clone());
            tasks.push(tokio::spawn(async move {
                let body = serde_json::json!({"prompt": [i as u32 + 1, 2, 3], "max_tokens": tokens,
                    "ignore_eos": true, "stream": true, "stream_options": {"include_usage": true}});
                let mut resp = client.post(url).json(&body).send().await.expect("request");
                let (mut events, mut last) = (0u64, 0u8);
                while let Ok(Some(chunk)) = resp.chunk().await {
                    for &b in chunk.iter() {
                        if b == b'\n' && last == b'\n' {
                            events += 1;
                        }
                        last = b;
                    }
                }
                events.saturating_sub(2) // the usage chunk and [DONE]
            }));
        }
        let mut n = 0;
        for t in tasks {
            n += t.await.unwrap_or(0);
        }
        (n, t.elapsed().as_secs_f64())
    })
}

fn ticks() -> f64 {
    100.0 // USER_HZ on Linux
}

/// utime + stime of a /proc stat file, seconds.
fn proc_cpu(path: &str) -> f64 {
    let Ok(s) = std::fs::read_to_string(path) else { return 0.0 };
    let Some(rest) = s.rsplit_once(')').map(|x| x.1) else { return 0.0 };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let get = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (get(11) + get(12)) / ticks()
}

/// CPU seconds of this process's simulator threads (`sim-http`, `sim-engine`).
fn server_cpu() -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else { return 0.0 };
    dir.flatten()
        .filter(|e| {
            let comm = std::fs::read_to_string(e.path().join("comm")).unwrap_or_default();
            comm.starts_with("sim-")
        })
        .map(|e| proc_cpu(&e.path().join("stat").display().to_string()))
        .sum()
}

/// CPU seconds of the calling thread.
fn thread_cpu() -> f64 {
    proc_cpu("/proc/thread-self/stat")
}
