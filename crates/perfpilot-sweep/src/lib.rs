//! `perfpilot bench sweep`: the auto-benchmark orchestrator. From a plan (SGLang's v1
//! cookbook YAML plus launch keys) it designs candidates (baseline, one-at-a-time,
//! then a factorial over what moved beyond noise), launches each as a child process,
//! finds the highest request rate meeting the SLA per scenario × concurrency with the
//! `perfpilot-bench` client, optionally repeats the top two, and ranks them with the
//! verdicts of `perfpilot-stats`.
//!
//! * [`check_plan`]: validate and render a plan (no process started).
//! * [`run_sweep`]: run it, appending rows to `live_results.jsonl` (resumable).
//! * [`status`]: a sweep's summary rebuilt from its results folder.
//! * [`plan_work`]: the dry-run plan with an upper bound of the work (starts nothing).
#![deny(missing_docs)]

pub mod candidates;
mod error;
mod estimate;
mod meter;
pub mod plan;
pub mod process;
pub mod rows;
pub mod rules;
mod run;
pub mod search;
mod summary;
mod validate;

pub use candidates::{Candidate, Stage};
pub use error::SweepError;
pub use estimate::{FrameworkWork, SweepPlan, Work, plan_work};
pub use plan::{Plan, Problem, Severity};
pub use rules::Rules;
pub use run::{SweepOptions, results_path, run_sweep};
pub use summary::{Best, Handoff, SweepReport, Timing, ranked, status, summarize, write_summary};
pub use validate::{PlanReport, RenderedCandidate, check_plan, help_flags, render_argv};
