//! Errors of `trace export`: each names the path and what went wrong.

use std::path::PathBuf;

/// Why an export failed (nothing was written when it does).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A trace could not be found, read or analysed.
    #[error(transparent)]
    Trace(#[from] perfpilot_trace::TraceError),
    /// The output directory cannot hold the dataset.
    #[error("{}: {reason}", path.display())]
    Output {
        /// The path.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Writing a file failed.
    #[error("{}: cannot write: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The Parquet encoder refused the data.
    #[error("{}: cannot encode Parquet: {source}", path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The encoder's error.
        #[source]
        source: parquet::errors::ParquetError,
    },
}
