//! A simulated continuous-batching LLM serving engine that speaks the OpenAI API.
//!
//! * [`Engine`]: the scheduler model (waiting queue, running batch, paged KV pool with a
//!   prefix cache, chunked prefill, retraction) and [`CostModel`] for step times, both
//!   configured by a [`Profile`] (TOML data, shipped ones in `data/profiles/`) plus
//!   [`Overrides`].
//! * [`spawn_server`]: the engine in real time behind an OpenAI-compatible HTTP server
//!   (SGLang endpoints, metrics and log lines, [`Faults`] on demand).
//! * [`run_virtual`]: the engine in virtual time on a `perfpilot-workload` benchmark,
//!   returning the same `BenchResult` as `bench serve` inside a [`SimRunReport`].
//! * [`fit`]: cost parameters fitted to `bench serve` results of a real server.
//!
//! ```
//! use perfpilot_sim::{Engine, EngineConfig, Profile, SimRequest};
//!
//! let profile = Profile::load("sglang-h100-llama3.1-8b").unwrap();
//! let mut engine = Engine::new(EngineConfig::from_profile(&profile));
//! let req = SimRequest { id: 1, prompt: vec![7; 512], max_new_tokens: 4, min_new_tokens: 0, eos_after: None };
//! engine.add(req).unwrap();
//! let (mut t, mut tokens) = (0.0, 0);
//! while let Some(step) = engine.step(t) {
//!     t += step.duration_s;
//!     tokens += step.tokens.len();
//! }
//! assert_eq!(tokens, 4);
//! assert!(t > 0.025 && t < 0.04, "one prefill and three decode steps of ~6.5 ms: {t}");
//! ```
#![deny(missing_docs)]

mod cost;
mod engine;
mod error;
mod fit;
mod kv;
mod overrides;
mod profile;
mod request;
mod run;
mod server;
mod text;
mod virtual_time;

pub use cost::{CostModel, StepShape};
pub use engine::{Emitted, Engine, EngineConfig, EngineStats, Snapshot, StepKind, StepOutcome};
pub use error::SimError;
pub use fit::{FitOptions, FitReport, FitRole, FitRun, RunMetrics, fit};
pub use overrides::Overrides;
pub use profile::{BatchPolicy, Capacity, Profile, builtin_profile_names};
pub use request::{FinishReason, Reject, SimRequest};
pub use run::{SimRunOptions, SimRunReport, run_virtual, run_virtual_with_records};
pub use server::{Faults, LogSink, SimServeReport, SimServerConfig, SimServerHandle, spawn_server};
pub use text::PromptTokenizer;
