//! Explain where a GPU's memory went at launch (SGLang and vLLM logs), and plan what-ifs
//! from a model config.
//!
//! Three layers, each usable on its own:
//!
//! * [`launch`] — the launch-log parser shared with `perfpilot triage`.
//!   [`launch::parse_log`] (a whole text) or [`launch::LogParser`] (line by line, for
//!   multi-GB logs; [`launch::parse_reader`] drives it from any `BufRead`) returns a
//!   [`launch::LaunchLog`]: the framework, every memory / KV / CUDA-graph event
//!   ([`launch::EventKind`]) with its 1-based line number, raw text and per-rank prefix
//!   ([`launch::RankId`]: SGLang `[TP3]`, `DP1 TP2 EP2`; vLLM `(VllmWorker rank=3 pid=…)`,
//!   `(Worker_TP1 pid=…)`, `(EngineCore_DP0 pid=…)`), and the printed argument sets
//!   ([`launch::ServerArgs`]: `server_args=ServerArgs(…)`, dict forms, vLLM
//!   `non-default args: {…}`, engine `with config:` and `Namespace(…)`). It never fails and
//!   never panics: unknown lines are skipped. One Aho-Corasick pass gates every line.
//! * [`explain::explain`] — a per-rank memory breakdown (each row with its log line), KV
//!   detail (bytes per token from the log and from the config), a concurrency table, a
//!   replay of the framework's sizing rule, tuning notes and what-ifs.
//! * [`plan::plan`] — the same breakdown predicted from a HF `config.json` and a GPU
//!   spec (`data/gpus.toml`) with SGLang's or vLLM's own sizing rules (`data/frameworks.toml`).
//!
//! All sizes are integer bytes; GiB means 2^30 bytes (SGLang prints "GB" for GiB).
//!
//! ```
//! use perfpilot_capacity::launch::{parse_log, EventKind, Framework};
//!
//! let log = parse_log(
//!     "[2025-03-10 16:21:21 TP1] KV Cache is allocated. #tokens: 10240, K size: 0.47 GB, V size: 0.47 GB\n",
//! );
//! assert_eq!(log.framework, Some(Framework::Sglang));
//! let ev = &log.events[0];
//! assert_eq!((ev.line, ev.rank.tp), (1, Some(1)));
//! match &ev.event {
//!     EventKind::KvCacheAllocated { tokens, k_size, .. } => {
//!         assert_eq!(*tokens, 10240);
//!         assert_eq!(k_size.as_ref().unwrap().bytes, 504_658_657); // 0.47 x 2^30
//!     }
//!     other => panic!("{other:?}"),
//! }
//! ```
#![deny(missing_docs)]

pub mod common;
mod error;
pub mod explain;
pub mod gpu;
pub mod launch;
pub mod model;
mod notes;
pub mod plan;
mod render_common;
pub mod rules;
pub mod scenario;
pub mod smi;
mod units;
pub mod whatif;

pub use error::CapacityError;
pub use explain::{ExplainOptions, ExplainReport, explain, explain_log, explain_with_progress};
pub use plan::{PlanOptions, PlanReport, plan};
pub use units::{GIB, LoggedBytes, parse_gib_exact};
