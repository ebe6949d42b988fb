//! `perfpilot kernel`: the KDA-Pilot style A/B harness for kernels.
//!
//! A task directory holds a `task.toml` ([`task`]): the baseline and the candidate (two
//! commands, or one command with a variant argument), a frozen workload of named shapes,
//! the paths a candidate may touch, build commands, tolerances and timeouts. The harness
//! talks to the measured programs through a small, versioned protocol ([`protocol`]):
//! environment variables in, one JSON line per timed iteration out. Before any timing the
//! candidate's output must match the baseline's (or a reference command's) within the
//! per-dtype tolerance table ([`tolerance`], [`gate`], [`npy`]). Timing runs one process
//! per trial, trials interleaved ABBA ([`ab`]); verdicts come from `perfpilot-stats` with
//! a noise threshold measured by an A/A calibration ([`calibrate`]).
#![deny(missing_docs)]

pub mod ab;
pub mod boundary;
pub mod calibrate;
pub mod check;
pub mod csv;
pub mod dispatch;
pub mod flags;
pub mod flags_parse;
pub mod gate;
pub mod init;
pub mod ledger;
pub mod ncu;
pub mod ncu_digest;
pub mod ncu_rules;
pub mod npy;
pub mod protocol;
pub mod report;
pub mod runner;
pub mod session;
pub mod task;
pub mod tolerance;

pub use ab::{AbOptions, run_ab};
pub use boundary::check_boundary;
pub use calibrate::{CalibrateOptions, Calibration, run_calibrate};
pub use check::{CheckOptions, run_check};
pub use dispatch::{DispatchOptions, DispatchReport, run_dispatch};
pub use flags::{FlagsOptions, FlagsReport, run_flags};
pub use init::{InitOptions, InitReport, init_task};
pub use ledger::{NoteOptions, NoteReport, WikiOptions, WikiReport, run_note, run_wiki};
pub use ncu_digest::{NcuOptions, NcuReport, run_ncu};
pub use report::{AbReport, CheckReport, ResultsOptions, read_results, results_report};
pub use task::{Task, load_task};

/// Why a kernel command could not run (bad task, unreadable file): exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum KernelError {
    /// The task file is invalid; the message names file, line and key.
    #[error("{path}:{line}: {key}: {message}")]
    Task {
        /// The task file.
        path: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// The offending key (dotted path).
        key: String,
        /// What was expected.
        message: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A `.npy` file is malformed.
    #[error("{path}: byte {offset}: {message}")]
    Npy {
        /// The file.
        path: String,
        /// Byte offset of the problem.
        offset: usize,
        /// What was expected.
        message: String,
    },
    /// Any other invalid input (results file, calibration, tolerance table).
    #[error("{0}")]
    Invalid(String),
}

impl KernelError {
    /// An I/O error on `path`.
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> KernelError {
        KernelError::Io { path: path.as_ref().display().to_string(), source }
    }
}

/// The protocol version the harness speaks (`PERFPILOT_KERNEL_PROTOCOL`).
pub const PROTOCOL: &str = "perfpilot.kernel.protocol/1";
