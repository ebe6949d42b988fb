//! The error type of the benchmark client.

use std::path::PathBuf;

use perfpilot_workload::WorkloadError;

/// Errors that stop a benchmark before it produces a result. Failures of single
/// requests are not errors: they are counted in the result.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// Building the workload failed (dataset, tokenizer, schedule, options).
    #[error(transparent)]
    Workload(#[from] WorkloadError),
    /// An option is invalid.
    #[error("invalid option {option}: {message}")]
    InvalidOption {
        /// The option, CLI spelling.
        option: String,
        /// What is allowed.
        message: String,
    },
    /// The server could not be reached or answered the preflight wrongly.
    #[error("server {url}: {message}")]
    Server {
        /// Base URL.
        url: String,
        /// What happened.
        message: String,
    },
    /// Every warmup request failed: the run would measure nothing.
    #[error("all {count} warmup requests failed; first error: {first}")]
    Warmup {
        /// Warmup requests sent.
        count: usize,
        /// The first failure.
        first: String,
    },
    /// A result or record file could not be written or read.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What happened.
        message: String,
    },
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(String),
}

impl BenchError {
    /// An [`BenchError::InvalidOption`].
    pub fn option(option: &str, message: impl Into<String>) -> BenchError {
        BenchError::InvalidOption { option: option.into(), message: message.into() }
    }

    /// A [`BenchError::File`].
    pub fn file(path: impl Into<PathBuf>, message: impl std::fmt::Display) -> BenchError {
        BenchError::File { path: path.into(), message: message.to_string() }
    }
}
