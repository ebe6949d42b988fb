//! A fair, bounded, reproducible benchmark client for OpenAI-compatible LLM servers
//! (`perfpilot bench serve` and `bench compare`).
//!
//! * [`serve`] drives `/v1/completions` or `/v1/chat/completions` with streamed SSE,
//!   from a workload and arrival schedule built by [`perfpilot_workload`] (shared with
//!   the simulator), and returns a [`BenchResult`] (`perfpilot.bench.serve/2`).
//! * [`compare`] puts several results side by side and refuses runs whose fairness
//!   settings differ (unless told to warn instead).
//! * `test_server` (feature `test-server`, for this crate's tests and benches only) is a
//!   real in-process HTTP streaming server that can misbehave on demand (5xx, stalls, cut
//!   streams, malformed chunks).
//!
//! ```no_run
//! use perfpilot_bench::{ServeOptions, serve};
//! use perfpilot_report::NoProgress;
//!
//! let mut opts = ServeOptions::new("http://127.0.0.1:8080");
//! opts.num_prompts = Some(20);
//! let result = serve(&opts, &NoProgress).unwrap();
//! println!("{:?}", result.summary.ttft_ms);
//! ```
#![deny(missing_docs)]

mod body;
mod cache;
mod chunk;
mod compare;
mod cpu;
mod error;
mod http;
pub mod interrupt;
mod options;
mod postprocess;
mod profiler;
mod repeat;
mod runner;
mod serve;
mod server;
mod server_tokenizer;
mod sse;
mod startup;
mod stream;
#[cfg(feature = "test-server")]
#[doc(hidden)]
pub mod test_server;
mod verdict;

pub use compare::{CompareOptions, CompareReport, compare};
pub use cpu::{CpuUsage, cpu_usage, thread_cpu_usage};
pub use error::BenchError;
pub use http::CONNECTION_POLICY;
pub use options::{NumberOrInf, ServeOptions, TokenizerChoice};
pub use perfpilot_workload::BenchResult;
pub use serve::{peer_file_name, records_path, serve, write_outputs};
pub use sse::{SseEvent, SseParser};
pub use verdict::{DEFAULT_KEY_METRICS, MetricVerdict, VERDICT_METRICS};
