//! The errors of this crate: each names the file and what was expected.

use std::path::PathBuf;

/// Why a file could not be read or written safely.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    /// An operating-system error on a file.
    // The OS error is part of the message and deliberately not a `#[source]`: a CLI that
    // prints the error chain would print it twice.
    #[error("{}: {error}", path.display())]
    Os {
        /// The file.
        path: PathBuf,
        /// The OS error.
        error: std::io::Error,
    },
    /// A whole-file input larger than the cap.
    #[error(
        "{}: larger than the input cap of {cap} bytes; raise it with {flag} BYTES (or {var}=BYTES) \
         if the file is really this large",
        path.display(),
        flag = crate::FLAG_MAX_INPUT_BYTES,
        var = crate::ENV_MAX_INPUT_BYTES
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The cap in bytes.
        cap: u64,
    },
    /// An input that is not a regular file (a FIFO, a device, a directory, a socket).
    #[error("{}: expected a regular file, found {kind}", path.display())]
    NotRegular {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        kind: &'static str,
    },
    /// An output that would replace a device node.
    #[error(
        "{}: is {kind}; perfpilot writes only regular files, FIFOs, /dev/stdout and /dev/stderr",
        path.display()
    )]
    Device {
        /// The output path.
        path: PathBuf,
        /// What was found.
        kind: &'static str,
    },
    /// An output that is an input of the same run.
    #[error("{}: is an input of this run ({}); refusing to overwrite it", path.display(), input.display())]
    SameAsInput {
        /// The output path.
        path: PathBuf,
        /// The input it would overwrite.
        input: PathBuf,
    },
    /// A path outside the confinement roots.
    #[error(
        "{}: resolves to {}, outside the allowed roots ({roots})",
        path.display(),
        resolved.display()
    )]
    Outside {
        /// The path as given.
        path: PathBuf,
        /// Where it resolves.
        resolved: PathBuf,
        /// The roots, comma-separated.
        roots: String,
    },
    /// An output path that is a symlink, under confinement.
    #[error("{}: is a symlink; under confinement outputs are never written through a link", path.display())]
    SymlinkOutput {
        /// The output path.
        path: PathBuf,
    },
}

impl IoError {
    pub(crate) fn os(path: impl Into<PathBuf>, source: std::io::Error) -> IoError {
        IoError::Os { path: path.into(), error: source }
    }
}

impl From<IoError> for std::io::Error {
    fn from(e: IoError) -> std::io::Error {
        let kind = match &e {
            IoError::Os { error, .. } => error.kind(),
            IoError::TooLarge { .. } => std::io::ErrorKind::FileTooLarge,
            IoError::Outside { .. } | IoError::SymlinkOutput { .. } => {
                std::io::ErrorKind::PermissionDenied
            }
            _ => std::io::ErrorKind::InvalidInput,
        };
        std::io::Error::new(kind, e)
    }
}
