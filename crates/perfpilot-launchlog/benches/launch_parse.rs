//! Launch-log parsing throughput on a large synthetic log: the real fixture lines (every
//! recognised shape) interleaved with the per-request scheduler lines that dominate real
//! multi-GB logs. Run: `cargo bench -p perfpilot-launchlog --bench launch_parse`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use perfpilot_launchlog::{parse_log, parse_reader};

fn synthetic(mb: usize) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/capacity/launch");
    let mut real = Vec::new();
    let mut paths: Vec<_> =
        std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    paths.sort();
    for p in paths {
        real.extend(std::fs::read_to_string(p).unwrap_or_default().lines().map(str::to_string));
    }
    let noise = [
        "[2025-11-30 11:20:01 TP0] Decode batch. #running-req: 37, #token: 81234, token usage: 0.04, cuda graph: True, gen throughput (token/s): 4123.55, #queue-req: 0",
        "[2025-11-30 11:20:01 TP0] Prefill batch. #new-seq: 1, #new-token: 2048, #cached-token: 0, token usage: 0.04, #running-req: 36, #queue-req: 0",
        "[2025-11-30 11:20:01] INFO:     127.0.0.1:53312 - \"POST /v1/chat/completions HTTP/1.1\" 200 OK",
    ];
    let mut out = String::with_capacity(mb << 20);
    let mut i = 0usize;
    while out.len() < mb << 20 {
        out.push_str(noise[i % noise.len()]);
        out.push('\n');
        if i.is_multiple_of(50) && !real.is_empty() {
            out.push_str(&real[(i / 50) % real.len()]);
            out.push('\n');
        }
        i += 1;
    }
    out
}

fn bench(c: &mut Criterion) {
    let text = synthetic(64);
    let mut g = c.benchmark_group("launch_parse");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);
    g.bench_function("parse_log_64MiB", |b| b.iter(|| parse_log(&text).events.len()));
    g.bench_function("parse_reader_64MiB", |b| {
        b.iter(|| {
            parse_reader(std::io::Cursor::new(text.as_bytes())).map(|l| l.events.len()).unwrap_or(0)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
