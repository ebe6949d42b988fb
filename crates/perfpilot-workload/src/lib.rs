//! Workloads for serving benchmarks — **shared by `perfpilot-bench` (the real HTTP
//! client) and `perfpilot-sim` (the simulator's virtual-time runs)**, so both produce the
//! same result record from the same datasets, arrivals and metrics code. Its public API
//! only grows (additive changes); both crates depend on it.
//!
//! The pieces, in the order a run uses them:
//!
//! * [`DatasetSpec`] + [`generate`] → a [`Dataset`]: the request list
//!   ([`RequestSpec`]: id, prompt text / token ids / messages, input and output length,
//!   extra body). Random (both range-ratio modes, [`RangeMode`]), ShareGPT,
//!   shared-prefix and canonical JSONL. Same seed ⇒ byte-identical list
//!   ([`save_requests`] / [`load_requests`] replay it).
//! * [`TextTokenizer`], implemented by [`TokenizerFile`] (a local `tokenizer.json`).
//! * [`ArrivalSpec`] + [`Schedule::generate`]: seeded send times (Poisson, gamma
//!   burstiness, constant, all at once; vLLM-style normalization).
//! * [`RequestRecord`]: what happened to one request (scheduled and actual send, slot
//!   wait, TTFT, chunk times and tokens per chunk, E2E, `[DONE]` time, output tokens
//!   and their source, error kind).
//! * [`summarize`] → [`Summary`] (throughputs, [`Stats`] with NumPy-style
//!   percentiles and population std, goodput against an [`Slo`]).
//! * [`BenchResult`]: settings that matter for fairness ([`RunSettings`]) + summary;
//!   implements [`perfpilot_report::Report`] (`perfpilot.bench.serve/2`);
//!   [`compat_json`] writes the SGLang or vLLM keys.
//!
//! ```
//! use perfpilot_workload::*;
//!
//! // 8 random token-id prompts (no tokenizer needed for ids), Poisson at 4 req/s.
//! let spec = DatasetSpec::Random(RandomSpec {
//!     input_len: 32, output_len: 16, range_ratio: 0.0, range_mode: RangeMode::Vllm,
//!     token_ids: true, vocab_size: Some(32000),
//! });
//! let data = generate(&spec, Some(8), 42, None).unwrap();
//! assert_eq!(data.requests.len(), 8);
//! assert!(data.requests.iter().all(|r| r.input_len == 32));
//! let schedule = Schedule::generate(&ArrivalSpec::new(Some(4.0), 1.0).unwrap(), 8, 42).unwrap();
//! assert!((schedule.send_at_s[7] - 2.0).abs() < 1e-9); // normalized: last at N/rate
//!
//! // A simulator (or the client) fills one record per request…
//! let records: Vec<RequestRecord> = data.requests.iter().zip(&schedule.send_at_s).map(|(r, &t)| {
//!     let mut rec = RequestRecord::new(r.id, t, 0.0, t, r.input_len, r.output_len);
//!     rec.chunk_times_s = (0..16).map(|k| 0.1 + 0.02 * k as f64).collect();
//!     rec.chunk_tokens = vec![1; 16];
//!     rec.ttft_s = Some(0.1);
//!     rec.e2e_s = Some(0.1 + 0.02 * 15.0);
//!     rec.end_s = rec.e2e_s.unwrap();
//!     rec.output_tokens = Some(16);
//!     rec.output_tokens_source = TokenCountSource::Exact;
//!     rec
//! }).collect();
//! // …and the same code summarises it.
//! let s = summarize(&records, &SummaryOptions::default());
//! assert_eq!(s.completed, 8);
//! assert!((s.tpot_ms.unwrap().mean - 20.0).abs() < 1e-9);
//! ```
#![deny(missing_docs)]

mod compat;
mod dataset;
mod document;
mod error;
mod hf_cache;
mod lengths;
mod metrics;
mod record;
mod request;
mod result;
mod samples;
mod schedule;
mod settings;
mod stats;
mod tokenizer;

pub use compat::{
    CompatFormat, VllmPercentiles, bucketed_max_concurrent_requests, compat_json, compat_json_with,
};
pub use dataset::{
    Dataset, DatasetInfo, DatasetSpec, JsonlSpec, LengthSummary, RandomSpec, ShareGptSpec,
    SharedPrefixSpec, fingerprint, generate, load_requests, parse_requests, requests_to_jsonl,
    save_requests,
};
pub use error::WorkloadError;
pub use hf_cache::{find_in_hub_cache, hub_cache_dirs, looks_like_model_id};
pub use lengths::{RangeMode, length_range};
pub use metrics::{Goodput, Slo, Summary, SummaryOptions, TokenCounts, Window, summarize};
pub use record::{ErrorKind, RequestError, RequestRecord, ServerTimings, TokenCountSource};
pub use request::{ChatMessage, Prompt, RequestSpec};
pub use result::{
    BENCH_SERVE_SCHEMA, BENCH_SERVE_SCHEMA_COMPAT, BenchResult, ClientOverhead, RunStatus,
};
pub use samples::{CacheFlush, CacheSummary, FailureCheck, RepeatRun, RequestSamples};
pub use schedule::{ArrivalPattern, ArrivalSpec, RampUp, RampUpStrategy, Schedule};
pub use settings::{Endpoint, RunLimits, RunSettings, SamplingSettings, ServerInfo, dataset_kind};
pub use stats::{Stats, percentile_sorted};
pub use tokenizer::{TextTokenizer, TokenizerFile};
