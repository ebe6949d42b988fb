//! `perfpilot triage` on a 1 GiB log vs `grep -c ERROR` on the same file, side by side.
//!
//! `cargo bench -p perfpilot-triage --bench big_log` builds the log under the temp dir by
//! repeating the real logs of tests/fixtures/triage (failures and launch logs) between
//! blocks of ordinary serving traffic (SGLang prefill/decode lines, uvicorn access lines,
//! vLLM stats lines, vLLM request errors), times both tools alternately, prints the medians
//! and the ratio, and deletes the file. `PERFPILOT_BIG_LOG_MB` changes the size (default
//! 1024), `PERFPILOT_BENCH_RUNS` the runs per tool (default 5).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use perfpilot_triage::{TriageOptions, triage_logs};

fn fixtures() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/triage");
    let mut out = Vec::new();
    for dir in ["failures", "launch"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .collect();
        paths.sort();
        for p in paths {
            out.push(std::fs::read_to_string(&p).expect("fixture"));
        }
    }
    out
}

/// A block of ordinary traffic: about 2,000 lines, 5 % of them vLLM request errors.
fn noise_block(seed: u64) -> String {
    let mut s = String::new();
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    for i in 0..2000u64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let (mm, ss) = ((i / 60) % 60, i % 60);
        let r = x % 100;
        let line = if r < 45 {
            format!(
                "[2025-03-07 21:{mm:02}:{ss:02} TP{}] Decode batch. #running-req: {}, #token: {}, token usage: 0.{:02}, cuda graph: True, gen throughput (token/s): {}.{}, #queue-req: {}\n",
                x % 8,
                x % 300,
                x % 90000,
                x % 99,
                x % 5000,
                x % 10,
                x % 5
            )
        } else if r < 60 {
            format!(
                "[2025-03-07 21:{mm:02}:{ss:02} TP{}] Prefill batch. #new-seq: 1, #new-token: {}, #cached-token: {}, token usage: 0.{:02}, #running-req: {}, #queue-req: 0\n",
                x % 8,
                x % 4000,
                x % 500,
                x % 99,
                x % 30
            )
        } else if r < 80 {
            format!(
                "[2025-03-07 21:{mm:02}:{ss:02}] INFO:     127.0.0.1:{} - \"POST /v1/chat/completions HTTP/1.1\" 200 OK\n",
                30000 + x % 20000
            )
        } else if r < 95 {
            format!(
                "(APIServer pid=1234) INFO 03-07 21:{mm:02}:{ss:02} [loggers.py:123] Engine 000: Avg prompt throughput: {}.3 tokens/s, Avg generation throughput: {}.1 tokens/s, Running: {} reqs, Waiting: 0 reqs, GPU KV cache usage: {}.1%, Prefix cache hit rate: 12.5%\n",
                x % 900,
                x % 700,
                x % 40,
                x % 90
            )
        } else {
            format!(
                "(APIServer pid=1234) ERROR 03-07 21:{mm:02}:{ss:02} [serving_chat.py:200] Error in preprocessing prompt inputs\n"
            )
        };
        s.push_str(&line);
    }
    s
}

fn build(path: &Path, bytes: u64) -> std::io::Result<()> {
    let logs = fixtures();
    let mut f = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let blocks: Vec<String> = (0..8).map(noise_block).collect();
    let (mut n, mut k) = (0u64, 0usize);
    while n < bytes {
        let log = &logs[k % logs.len()];
        let noise = &blocks[k % blocks.len()];
        f.write_all(log.as_bytes())?;
        if !log.ends_with('\n') {
            f.write_all(b"\n")?;
        }
        f.write_all(noise.as_bytes())?;
        n += (log.len() + noise.len() + 1) as u64;
        k += 1;
    }
    f.flush()
}

/// CPU seconds (user + system) of this process (`RUSAGE_SELF`) or of its waited-for
/// children (`RUSAGE_CHILDREN`).
// Stated exception to `unsafe_code = "deny"`: getrusage has no safe wrapper.
#[allow(unsafe_code)]
fn cpu_s(who: i32) -> f64 {
    // SAFETY: getrusage writes into the zeroed struct we pass; no other memory is touched.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(who, &mut ru) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

fn median_f(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    // cargo bench passes `--bench`; nothing else to parse.
    let mb: u64 =
        std::env::var("PERFPILOT_BIG_LOG_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(1024);
    let runs: usize =
        std::env::var("PERFPILOT_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    // PERFPILOT_BIG_LOG_FILE: use (and keep) an existing file, e.g. for profiling.
    let given = std::env::var_os("PERFPILOT_BIG_LOG_FILE").map(PathBuf::from);
    let path = given.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("perfpilot-triage-bench-{}.log", std::process::id()))
    });
    if given.is_none() || !path.exists() {
        build(&path, mb << 20).expect("build the big log");
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    // Warm the page cache for both tools.
    let _ = Command::new("cat").arg(&path).stdout(Stdio::null()).status();
    let mut grep = Vec::new();
    let mut triage = Vec::new();
    let (mut grep_cpu, mut triage_cpu) = (Vec::new(), Vec::new());
    let mut report = None;
    for _ in 0..runs {
        let c = cpu_s(libc::RUSAGE_CHILDREN);
        let t = Instant::now();
        // Output to a pipe, not /dev/null: GNU grep stops early when writing to /dev/null.
        let out = Command::new("grep").arg("-c").arg("ERROR").arg(&path).output().expect("grep");
        grep.push(t.elapsed());
        grep_cpu.push(cpu_s(libc::RUSAGE_CHILDREN) - c);
        let count = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let c = cpu_s(libc::RUSAGE_SELF);
        let t = Instant::now();
        let r = triage_logs(&TriageOptions::new(vec![path.clone()])).expect("triage");
        triage.push(t.elapsed());
        triage_cpu.push(cpu_s(libc::RUSAGE_SELF) - c);
        report = Some((count, r));
    }
    if given.is_none() {
        let _ = std::fs::remove_file(&path);
    }
    let (g, t) = (median(grep), median(triage));
    let (count, r) = report.expect("at least one run");
    println!(
        "log: {} MiB ({} bytes), {} lines, runs per tool: {runs}",
        size >> 20,
        size,
        r.files[0].lines
    );
    let (gc, tc) = (median_f(grep_cpu), median_f(triage_cpu));
    println!(
        "grep -c ERROR      median {:>8.3} s wall, {:>6.3} s CPU  ({} matching lines)",
        g.as_secs_f64(),
        gc,
        count
    );
    println!(
        "perfpilot triage   median {:>8.3} s wall, {:>6.3} s CPU  (class {}, {} findings)",
        t.as_secs_f64(),
        tc,
        r.class,
        r.findings.len()
    );
    println!(
        "ratio triage / grep: {:.2}x wall, {:.2}x CPU  ({:.0} MB/s)",
        t.as_secs_f64() / g.as_secs_f64(),
        tc / gc,
        size as f64 / 1e6 / t.as_secs_f64()
    );
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!("machine load average while measuring: {}", load.join(" "));
}
