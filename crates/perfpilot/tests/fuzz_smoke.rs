//! The CI side of the fuzz targets in `fuzz/`: the same parsers (launch log, failure log,
//! both `config.json` readers, GPU table and nvidia-smi CSV, trace events) fed seeded
//! random bytes and byte-level mutations of real fixtures. Any panic fails the test.
//! `cargo fuzz` (nightly) runs the same entry points for longer; see docs/reliability.md.

use std::path::Path;

use perfpilot_report::NoProgress;

/// xorshift64*: a small deterministic generator (no dependency, same cases every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens that steer mutations toward the parsers' interesting paths.
const TOKENS: &[&[u8]] = &[
    b"\n",
    b"\r",
    b"\x1b[31m",
    b"\xff\xfe",
    b"\0",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b":",
    b",",
    b"1e308",
    b"-1",
    b"18446744073709551615",
    b"NaN",
    b"null",
    b"true",
    b"\"num_hidden_layers\"",
    b"\"text_config\"",
    b"KV Cache is allocated",
    b"#tokens:",
    b"GPU blocks:",
    b"Traceback",
    b"CUDA out of memory",
    b"[TP0]",
    b"[gpu=",
    b"max_total_num_tokens=",
    b"[[gpu]]",
    b"=",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..=rng.below(8) {
        let at = rng.below(v.len() + 1);
        match rng.below(5) {
            0 if !v.is_empty() => {
                let end = (at + rng.below(64)).min(v.len());
                v.drain(at.min(end)..end);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                v.splice(at..at, t.iter().copied());
            }
            2 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] = rng.next() as u8;
            }
            3 if !v.is_empty() => {
                // Duplicate a slice (long lines, repeated keys).
                let end = (at + rng.below(4096)).min(v.len());
                let copy = v[at.min(end)..end].to_vec();
                v.splice(at..at, copy);
            }
            _ => {
                let n = rng.below(32);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                v.splice(at..at, bytes);
            }
        }
    }
    v
}

fn seed(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `PERFPILOT_FUZZ_SECS=N` runs each parser for N seconds instead of [`CASES`] cases
/// (a longer local run; the count is printed), with a seed from the clock unless
/// `PERFPILOT_FUZZ_SEED` is set.
fn budget() -> Option<(std::time::Duration, u64)> {
    let secs: u64 = std::env::var("PERFPILOT_FUZZ_SECS").ok()?.parse().ok()?;
    let seed = std::env::var("PERFPILOT_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        });
    Some((std::time::Duration::from_secs(secs), seed | 1))
}

fn run(name: &str, seeds: &[&str], cases: usize, parse: impl Fn(&[u8])) {
    let seeds: Vec<Vec<u8>> = seeds.iter().map(|s| seed(s)).collect();
    let budget = budget();
    let start = std::time::Instant::now();
    let mut rng = Rng(budget.map_or(0x9e37_79b9_7f4a_7c15 ^ name.len() as u64, |b| b.1));
    let cases = if budget.is_some() { usize::MAX } else { cases };
    for i in 0..cases {
        if let Some((limit, seed)) = budget
            && start.elapsed() > limit
        {
            eprintln!("{name}: {i} cases in {:?} (seed {seed}), no panic", start.elapsed());
            return;
        }
        let input = if i % 4 == 0 || seeds.is_empty() {
            (0..rng.below(2048)).map(|_| rng.next() as u8).collect()
        } else {
            let pick = rng.below(seeds.len());
            mutate(&mut rng, &seeds[pick])
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse(&input)));
        if outcome.is_err() {
            let dump = std::env::temp_dir().join(format!("perfpilot-fuzz-{name}-{i}.bin"));
            let _ = std::fs::write(&dump, &input);
            panic!("{name}: case {i} panicked; input saved to {}", dump.display());
        }
    }
}

const CASES: usize = 400;

#[test]
fn launch_log_parser_never_panics() {
    run(
        "launch_log",
        &[
            "tests/fixtures/capacity/launch/sglang-6160-gemma3-27b-tp4-fp16.log",
            "tests/fixtures/capacity/launch/vllm-10517-llama31-8b-rtx3090-v0.log",
        ],
        CASES,
        |data| {
            let text = String::from_utf8_lossy(data);
            let whole = perfpilot_launchlog::parse_log(&text);
            let read = perfpilot_launchlog::parse_reader(data).unwrap();
            assert_eq!(whole.recognised(), read.recognised());
        },
    );
}

#[test]
fn failure_log_reader_never_panics() {
    let cat = perfpilot_triage::Catalogue::builtin().unwrap();
    run(
        "failure_log",
        &["tests/fixtures/triage/failures/sglang-4184-dsr1-decode-out-of-memory-retract.log"],
        CASES,
        |data| {
            let mut t = perfpilot_triage::LogTriage::new(&cat).unwrap();
            t.read("fuzz.log", data, &NoProgress).unwrap();
            let _ = t.finish(20);
        },
    );
}

#[test]
fn config_readers_never_panic() {
    run(
        "hf_config",
        &[
            "tests/fixtures/capacity/model-configs/meta-llama__Llama-3.1-8B-Instruct/config.json",
            "tests/fixtures/layers/openai__gpt-oss-120b/config.json",
        ],
        CASES,
        |data| {
            let text = String::from_utf8_lossy(data);
            let _ = perfpilot_capacity::model::parse_config(&text, "f.json");
            let _ = perfpilot_trace::layers::config::parse_config(&text, Path::new("f.json"));
        },
    );
}

#[test]
fn plan_files_never_panic() {
    run("plan_files", &["crates/perfpilot-capacity/data/gpus.toml"], CASES, |data| {
        let text = String::from_utf8_lossy(data);
        let _ = perfpilot_capacity::gpu::GpuTable::parse(&text, "f.toml");
        let _ = perfpilot_capacity::smi::parse(&text, "f.csv");
    });
}
