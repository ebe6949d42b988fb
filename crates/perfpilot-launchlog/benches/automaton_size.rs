//! The automaton-size effect, so it cannot regress silently again.
//!
//! `cargo bench -p perfpilot-launchlog --bench automaton_size` measures, on a 32 MiB
//! synthetic serving log (real fixture lines of `tests/fixtures/capacity/launch/`, one per 50
//! scheduler noise lines, as `parse_vs_grep.sh` builds it):
//!
//! - `cliff/64` vs `cliff/65`: one aho-corasick automaton (DFA, leftmost-longest, as the
//!   parser builds it) over 64 and 65 phrases of the embedded `rules.toml`. aho-corasick's
//!   packed SIMD prefilter (Teddy) takes at most 64 patterns; the 65th turns it off and the
//!   scan steps the DFA over every byte (several times slower).
//! - `scan/automaton/N` vs `scan/auto/N`: `LogParser::push_block` with the full automaton
//!   over every byte (`BlockScan::Automaton`, the parser before the prefilter) and with the
//!   parser's own choice (`BlockScan::Auto`: the candidate-line prefilter, backing off to the
//!   automaton where it does not pay), for the embedded rule set (86 handler phrases + the
//!   data rules) and with up to 300 and 2,500 more rules whose phrases are runs of words of
//!   real log lines. `auto` must be well ahead with the embedded set and never behind.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use perfpilot_launchlog::{BlockScan, LaunchRules, LogParser};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture_lines() -> Vec<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/capacity/launch"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .iter()
        .flat_map(|p| {
            std::fs::read_to_string(p)
                .unwrap_or_default()
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn synthetic(mb: usize, real: &[String]) -> Vec<u8> {
    let noise = [
        "[2025-11-30 11:20:01 TP0] Decode batch. #running-req: 37, #token: 81234, token usage: 0.04, cuda graph: True, gen throughput (token/s): 4123.55, #queue-req: 0",
        "[2025-11-30 11:20:01 TP0] Prefill batch. #new-seq: 1, #new-token: 2048, #cached-token: 0, token usage: 0.04, #running-req: 36, #queue-req: 0",
        "[2025-11-30 11:20:01] INFO:     127.0.0.1:53312 - \"POST /v1/chat/completions HTTP/1.1\" 200 OK",
    ];
    let mut out = Vec::with_capacity(mb << 20);
    let mut i = 0usize;
    while out.len() < mb << 20 {
        out.extend_from_slice(noise[i % noise.len()].as_bytes());
        out.push(b'\n');
        if i.is_multiple_of(50) && !real.is_empty() {
            out.extend_from_slice(real[(i / 50) % real.len()].as_bytes());
            out.push(b'\n');
        }
        i += 1;
    }
    out
}

fn embedded_rules() -> String {
    std::fs::read_to_string(root().join("crates/perfpilot-launchlog/src/rules.toml"))
        .unwrap_or_default()
}

/// The phrases of the embedded rule table, in file order.
fn embedded_phrases() -> Vec<String> {
    embedded_rules()
        .lines()
        .filter_map(|l| l.strip_prefix("phrase = "))
        .filter_map(|q| q.strip_prefix('"').and_then(|q| q.strip_suffix('"')))
        .map(|p| p.replace("\\\"", "\""))
        .collect()
}

/// The embedded rules plus `n` rules whose phrases are runs of 2–3 words of real lines.
fn with_synthetic_rules(n: usize, real: &[String]) -> Arc<LaunchRules> {
    let mut seen = BTreeSet::new();
    let mut text = embedded_rules();
    let mut added = 0;
    'outer: for line in real {
        let words: Vec<&str> = line.split_whitespace().collect();
        for w in 2..=3 {
            for run in words.windows(w) {
                let phrase = run.join(" ");
                if added == n {
                    break 'outer;
                }
                if phrase.len() >= 8
                    && phrase.bytes().all(|b| (0x20..0x7f).contains(&b))
                    && seen.insert(phrase.clone())
                {
                    text.push_str(&format!(
                        "\n[[rule]]\nphrase = {phrase:?}\nkey = \"synthetic_{added}\"\n\
                         form = \"number\"\nframework = \"other\"\nsource = \"synthetic\"\n"
                    ));
                    added += 1;
                }
            }
        }
    }
    Arc::new(LaunchRules::parse(&text, "synthetic.toml").expect("synthetic rules"))
}

fn bench(c: &mut Criterion) {
    let real = fixture_lines();
    let text = synthetic(32, &real);

    let mut g = c.benchmark_group("cliff");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);
    let phrases = embedded_phrases();
    for n in [64usize, 65] {
        let Some(set) = phrases.get(..n) else { continue };
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(set)
            .expect("automaton");
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| ac.find_iter(&text[..]).count())
        });
    }
    g.finish();

    let mut g = c.benchmark_group("scan");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);
    for extra in [0usize, 300, 2500] {
        let rules =
            if extra == 0 { LaunchRules::builtin() } else { with_synthetic_rules(extra, &real) };
        let label = format!("{}_rules", rules.len());
        for (name, scan) in [("automaton", BlockScan::Automaton), ("auto", BlockScan::Auto)] {
            g.bench_function(BenchmarkId::new(name, &label), |b| {
                b.iter(|| {
                    let mut p = LogParser::with_rules(Arc::clone(&rules));
                    p.set_block_scan(scan);
                    // Blocks of whole lines of about 4 MiB, as parse_reader hands them over.
                    let mut rest = &text[..];
                    while !rest.is_empty() {
                        let cut = rest.len().min(4 << 20);
                        let end =
                            memchr::memrchr(b'\n', &rest[..cut]).map_or(rest.len(), |i| i + 1);
                        p.push_block(&rest[..end]);
                        rest = &rest[end..];
                    }
                    p.finish().events.len()
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
