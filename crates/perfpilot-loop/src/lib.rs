//! `perfpilot loop`: chasing a performance target as a repeatable process.
//!
//! A loop lives in a state directory. `init` writes a machine-readable plan
//! ([`plan::Plan`], TOML, rendered to `plan.md`), pins the benchmark (command, the hash of
//! its configuration, the baseline's measurement with its noise) and starts the journal.
//! Each `round` takes a candidate commit that descends from the baseline, checks the tree
//! is clean, the diff stays inside the path boundaries and the benchmark is unchanged,
//! runs the acceptance tests and the pinned benchmark, and judges the candidate against
//! the best so far with `perfpilot-stats` (ADVANCED / STALLED / REGRESSED / REJECTED).
//! The stop rules ([`stop`]) decide after every round. `status`, `review` (the section-6
//! checklist from the round's diff) and `report` (the PR description) only read.
//!
//! Every file is written atomically through `perfpilot-io`; `state.json` is the one source
//! of truth, the ledgers are rewritten from it, the journal is appended. A lock file keeps
//! two processes apart; a round interrupted by a crash is redone by the next `round`.
#![deny(missing_docs)]

pub mod bench;
pub mod checklist;
pub mod git;
pub mod init;
pub mod kernel_bench;
pub mod ledger;
pub mod lock;
pub mod plan;
pub mod profile;
pub mod report;
pub mod review;
pub mod round;
pub mod serve_bench;
pub mod state;
pub mod status;
pub mod stop;
pub mod sweep_bench;
pub mod verdict;

pub use init::{InitOptions, InitReport, init_loop, replan};
pub use report::{PrReport, pr_report};
pub use review::{ReviewOptions, ReviewReport, run_review};
pub use round::{RoundOptions, RoundReport, run_round};
pub use status::{StatusReport, loop_status};

/// Why a loop command could not run: exit status 2 (bad input, refused precondition).
#[derive(Debug, thiserror::Error)]
pub enum LoopError {
    /// Bad input: the message names the file or flag and what was expected.
    #[error("{0}")]
    Invalid(String),
    /// The state directory is locked by another live process.
    #[error("{0}")]
    Locked(String),
    /// A precondition of the round failed (dirty tree, frozen plan edited, stopped loop).
    #[error("{0}")]
    Refused(String),
    /// An I/O error on a named file.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
}

impl LoopError {
    /// An I/O error on `path`.
    pub fn io(path: &std::path::Path, source: std::io::Error) -> LoopError {
        LoopError::Io { path: path.display().to_string(), source }
    }
}

/// Seconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
