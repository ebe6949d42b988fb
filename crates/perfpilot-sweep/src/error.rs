//! Errors of the sweep library.

use std::path::PathBuf;

/// Why a sweep (or its validation) could not go on.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The plan has errors (each with its YAML line); exit 2.
    #[error("{path}: the plan has {count} error(s); first: {first}")]
    BadPlan {
        /// The plan file.
        path: PathBuf,
        /// How many errors.
        count: usize,
        /// The first one, as printed.
        first: String,
    },
    /// The framework rules (TOML) are invalid.
    #[error("{path}: {message}")]
    Rules {
        /// The rules file (or `built-in`).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A results file line could not be read.
    #[error("{path}:{line}: {message}")]
    Results {
        /// The JSONL file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Anything else that stops the sweep.
    #[error("{0}")]
    Other(String),
}

impl SweepError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> SweepError {
        SweepError::Io { path: path.into(), source }
    }
}
