//! Errors of the triage capability.

use std::path::PathBuf;

/// Everything that can go wrong in `triage` and `triage bundle`. Each variant names the
/// input and, where it applies, the position and what was expected.
#[derive(Debug, thiserror::Error)]
pub enum TriageError {
    /// A file could not be read or written.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// `read`, `write`, `create`.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A signature catalogue (built-in or user file) is invalid.
    #[error("signature catalogue {path}: {message}")]
    Catalogue {
        /// The file (`<built-in>` for the embedded one).
        path: String,
        /// What is wrong, with line and column or the signature id.
        message: String,
    },
    /// A data file other than the catalogue (metric mapping) is invalid.
    #[error("data file {path}: {message}")]
    Data {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A saved bundle folder is missing or unreadable.
    #[error("bundle {path}: {message}")]
    Bundle {
        /// The folder.
        path: PathBuf,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A bad option value.
    #[error("{0}")]
    Invalid(String),
}

impl TriageError {
    /// A read error on `path`.
    pub(crate) fn read(path: impl Into<PathBuf>, source: std::io::Error) -> TriageError {
        TriageError::Io { action: "read", path: path.into(), source }
    }

    /// A write error on `path`.
    pub(crate) fn write(path: impl Into<PathBuf>, source: std::io::Error) -> TriageError {
        TriageError::Io { action: "write", path: path.into(), source }
    }
}
