//! The one error type of this crate.

use std::path::PathBuf;

/// Errors from building a workload (datasets, tokenizers, schedules).
///
/// Every variant that comes from outside input names the file, the position and what
/// was expected.
#[derive(Debug, thiserror::Error)]
pub enum WorkloadError {
    /// A file could not be read or written.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error (part of the message, so not repeated as a cause).
        error: std::io::Error,
    },
    /// A file's content is not what the format expects.
    #[error("{path}:{position}: {message}")]
    BadInput {
        /// The file.
        path: PathBuf,
        /// Where: `line N`, `record N`, `byte N`.
        position: String,
        /// What was expected and what was found.
        message: String,
    },
    /// A tokenizer could not be loaded or failed on a text.
    #[error("tokenizer {name}: {message}")]
    Tokenizer {
        /// Path or description of the tokenizer.
        name: String,
        /// What went wrong.
        message: String,
    },
    /// An option value is out of range or options contradict each other.
    #[error("invalid option {option}: {message}")]
    InvalidOption {
        /// The option (CLI spelling, e.g. `--range-ratio`).
        option: String,
        /// What is allowed.
        message: String,
    },
}

impl WorkloadError {
    /// An [`WorkloadError::InvalidOption`].
    pub fn option(option: &str, message: impl Into<String>) -> WorkloadError {
        WorkloadError::InvalidOption { option: option.to_string(), message: message.into() }
    }

    /// A [`WorkloadError::BadInput`].
    pub fn bad_input(
        path: impl Into<PathBuf>,
        position: impl Into<String>,
        message: impl Into<String>,
    ) -> WorkloadError {
        WorkloadError::BadInput {
            path: path.into(),
            position: position.into(),
            message: message.into(),
        }
    }

    /// A [`WorkloadError::Io`].
    pub fn io(path: impl Into<PathBuf>, error: std::io::Error) -> WorkloadError {
        WorkloadError::Io { path: path.into(), error }
    }
}
