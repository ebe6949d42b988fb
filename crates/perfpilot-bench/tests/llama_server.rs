//! Against a real llama.cpp `llama-server` (gemma-3-270m Q4_K_M, started by
//! `scripts/llama-server.sh`, URL in PERFPILOT_LLAMA_URL; `scripts/test` sets it).
//! Without the variable these tests fail when CI is set, else skip with a reason.
//!
//! Tolerances (documented in docs/bench.md): requests go one at a time (no queueing in
//! the server); client TTFT must contain the server's `timings.prompt_ms` and E2E to
//! `[DONE]` must contain `prompt_ms + predicted_ms`, each exceeding it by at most
//! 250 ms + 25 % (HTTP and the server's own loop on a 2-core machine it shares with us).

#[path = "../../../tests/support/llama.rs"]
mod llama;

use std::path::PathBuf;

use llama::llama_url;
use perfpilot_bench::{ServeOptions, TokenizerChoice, serve};
use perfpilot_report::NoProgress;
use perfpilot_workload::*;

/// The server's tokenizer: the gemma-3 tokenizer.json when fetched, else /tokenize.
fn tokenizer() -> TokenizerChoice {
    match std::env::var("PERFPILOT_LLAMA_TOKENIZER") {
        Ok(p) if !p.is_empty() && PathBuf::from(&p).exists() => TokenizerChoice::Path(p.into()),
        _ => TokenizerChoice::Server,
    }
}

fn options(
    url: &str,
    n: usize,
    input_len: u32,
    output_len: u32,
) -> (ServeOptions, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut o = ServeOptions::new(url);
    o.dataset = DatasetSpec::Random(RandomSpec {
        input_len,
        output_len,
        range_ratio: 0.0,
        range_mode: RangeMode::Vllm,
        token_ids: false,
        vocab_size: None,
    });
    o.num_prompts = Some(n);
    o.max_concurrency = Some(1);
    o.tokenizer = Some(tokenizer());
    o.stall_timeout_s = 60.0;
    o.deadline_s = Some(300.0);
    o.output = Some(dir.path().join("run.json"));
    (o, dir)
}

fn records(dir: &tempfile::TempDir) -> Vec<RequestRecord> {
    std::fs::read_to_string(dir.path().join("run.records.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<RequestRecord>(l).unwrap())
        .filter(|r| !r.warmup)
        .collect()
}

fn within(client_ms: f64, server_ms: f64, what: &str, id: u64) {
    assert!(
        client_ms + 1.0 >= server_ms,
        "request {id}: client {what} {client_ms:.1} ms < server's {server_ms:.1} ms"
    );
    let slack = 250.0 + 0.25 * server_ms;
    assert!(
        client_ms - server_ms <= slack,
        "request {id}: client {what} {client_ms:.1} ms exceeds server's {server_ms:.1} ms by more than {slack:.0} ms"
    );
}

#[test]
fn completions_counts_and_timings_agree_with_the_server() {
    let Some(url) = llama_url() else { return };
    let (o, dir) = options(&url, 6, 24, 12);
    let r = serve(&o, &NoProgress).unwrap();
    assert_eq!((r.summary.completed, r.summary.failed), (6, 0), "{:?}", r.summary.failures);
    assert!(
        r.settings
            .server
            .as_ref()
            .unwrap()
            .version
            .as_deref()
            .unwrap_or("")
            .starts_with("llama.cpp")
    );
    for rec in records(&dir) {
        // ignore_eos: exactly the requested tokens, from usage, one token per chunk.
        assert_eq!(rec.output_tokens_source, TokenCountSource::Usage);
        assert_eq!(rec.output_tokens, Some(12));
        assert_eq!(rec.chunk_times_s.len(), 12);
        assert!(!rec.early_stop);
        // The server sees exactly the requested 24 tokens: the text leaves room for the
        // BOS it adds (as SGLang's random dataset), and input_len counts that BOS.
        if matches!(o.tokenizer, Some(TokenizerChoice::Path(_))) {
            assert_eq!(rec.input_len, 24);
        }
        assert_eq!(rec.prompt_tokens, Some(rec.input_len), "request {}", rec.id);
        // The server's own timings bound ours.
        let t = rec.server_timings.expect("llama.cpp sends timings");
        assert_eq!(t.predicted_n, Some(12));
        let (pm, dm) = (t.prompt_ms.unwrap(), t.predicted_ms.unwrap());
        within(rec.ttft_s.unwrap() * 1e3, pm, "TTFT", rec.id);
        // The server stamps its timings after the last token; [DONE] follows them.
        within(rec.done_s.unwrap() * 1e3, pm + dm, "E2E to [DONE]", rec.id);
        assert!(rec.done_s.unwrap() >= rec.e2e_s.unwrap());
    }
    // The client's recount of the generated text is reported next to usage.
    assert!(r.summary.total_output_tokens_retokenized.is_some());
    assert!(r.client_overhead.unwrap().cpu_us_per_output_token.is_some());
}

#[test]
fn chat_counts_right_and_ignores_the_role_chunk() {
    let Some(url) = llama_url() else { return };
    let (mut o, dir) = options(&url, 4, 16, 8);
    o.endpoint = Endpoint::Chat;
    let r = serve(&o, &NoProgress).unwrap();
    assert_eq!((r.summary.completed, r.summary.failed), (4, 0), "{:?}", r.summary.failures);
    for rec in records(&dir) {
        assert_eq!(rec.output_tokens, Some(8));
        assert_eq!(rec.chunk_times_s.len(), 8, "the role-only chunk is not content");
        // The chat template adds tokens: the server's count is larger than the client's.
        assert!(rec.prompt_tokens.unwrap() > rec.input_len);
        let t = rec.server_timings.unwrap();
        within(
            rec.done_s.unwrap() * 1e3,
            t.prompt_ms.unwrap() + t.predicted_ms.unwrap(),
            "E2E to [DONE]",
            rec.id,
        );
    }
}

#[test]
fn early_stop_is_counted_from_usage_and_flagged() {
    let Some(url) = llama_url() else { return };
    // Eight prompts: a request whose first token is a stop string streams nothing (an
    // empty response, below); with three, all of them sometimes did.
    let (mut o, dir) = options(&url, 8, 16, 48);
    o.ignore_eos = false;
    // A stop string that greedy output of a base model hits quickly.
    o.extra_body = Some(serde_json::from_str(r#"{"stop": [" ", "\n", "."]}"#).unwrap());
    // No warmup: a warmup request stopped at its first token is an empty response, which
    // (rightly) aborts a run before measuring; the measured requests are what is tested.
    o.warmup = 0;
    let r = serve(&o, &NoProgress).unwrap();
    // A request whose very first token is a stop string streams no content at all: it
    // is an `empty-response` failure (no TTFT exists), never a silent success.
    assert_eq!(
        r.summary.failed,
        r.summary.failures.get("empty-response").copied().unwrap_or(0),
        "{:?}",
        r.summary.failures
    );
    let recs = records(&dir);
    assert!(recs.iter().any(|x| x.early_stop), "no request stopped early");
    for rec in recs {
        let usage = rec.usage_output_tokens.expect("usage is always requested");
        // A prompt whose greedy output holds no stop string runs to the requested length:
        // not an early stop, and counted as such.
        if rec.finish_reason.as_deref() == Some("length") {
            assert_eq!(usage, 48);
            assert!(!rec.early_stop);
            continue;
        }
        assert_eq!(rec.finish_reason.as_deref(), Some("stop"));
        assert!(usage < 48, "the server stopped early");
        if rec.ok() {
            assert_eq!(
                rec.output_tokens,
                Some(usage),
                "counted from usage, never the requested max"
            );
            assert!(rec.early_stop);
            // Held-back partial stop matches can put two tokens in one chunk.
            assert_eq!(rec.chunk_tokens.iter().sum::<u32>(), usage);
        }
    }
    assert!(r.summary.token_counts.early_stops >= 1);
    assert_eq!(
        r.summary.total_output_tokens,
        r.summary.output_tokens_per_request.map(|s| s.mean * s.count as f64).unwrap_or(0.0).round()
            as u64
    );
}

#[test]
fn server_tokenizer_builds_exact_prompts() {
    let Some(url) = llama_url() else { return };
    let (mut o, dir) = options(&url, 2, 20, 4);
    o.tokenizer = Some(TokenizerChoice::Server);
    o.warmup = 0;
    let r = serve(&o, &NoProgress).unwrap();
    assert_eq!(r.summary.completed, 2, "{:?}", r.summary.failures);
    for rec in records(&dir) {
        // The server's /tokenize says it adds BOS: the prompt leaves room for it.
        assert_eq!(rec.prompt_tokens, Some(20));
        assert_eq!(rec.prompt_tokens, Some(rec.input_len));
        assert_eq!(rec.output_tokens, rec.retokenized_output_tokens.or(rec.output_tokens));
    }
}
