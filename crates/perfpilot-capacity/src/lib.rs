//! Explain where a GPU's memory went at launch (SGLang and vLLM logs), and plan what-ifs
//! from a model config.
//!
//! Three layers, each usable on its own:
//!
//! * the launch-log parser, shared with `perfpilot triage`, is the crate `perfpilot_launchlog`:
//!   it returns a `LaunchLog` (framework, every memory / KV / CUDA-graph event with its line
//!   and rank, the printed argument sets).
//! * [`explain::explain`] — a per-rank memory breakdown (each row with its log line), KV
//!   detail (bytes per token from the log and from the config), a concurrency table, a
//!   replay of the framework's sizing rule, tuning notes and what-ifs.
//! * [`plan::plan`] — the same breakdown predicted from a HF `config.json` and a GPU
//!   spec (`data/gpus.toml`) with SGLang's or vLLM's own sizing rules (`data/frameworks.toml`).
//!
//! All sizes are integer bytes; GiB means 2^30 bytes (SGLang prints "GB" for GiB).
#![deny(missing_docs)]

mod command_carry;
pub mod common;
mod error;
pub mod explain;
pub mod gpu;
mod launches;
pub mod model;
mod notes;
pub mod plan;
mod render_common;
pub mod rules;
pub mod scenario;
pub mod smi;
mod sorted_pools;
mod start_process;
pub mod stated;
mod streams;
mod units;
pub mod whatif;

pub use error::CapacityError;
pub use explain::{ExplainOptions, ExplainReport, explain, explain_log, explain_with_progress};
pub use plan::{PlanOptions, PlanReport, plan};
pub use units::{GIB, LoggedBytes, parse_gib_exact};
