//! Errors of trace loading and analysis. Each names the file, the position and what was
//! expected, so the CLI can print it as is.

use std::path::PathBuf;

/// Why a trace could not be read or analysed.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// The file or directory could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The gzip stream is corrupt or ends early.
    #[error(
        "{}: gzip data is corrupt or truncated after {offset} bytes of decompressed JSON: {source}",
        path.display()
    )]
    Decompress {
        /// The path.
        path: PathBuf,
        /// Decompressed bytes produced before the failure.
        offset: u64,
        /// The decoder's error.
        #[source]
        source: std::io::Error,
    },
    /// The JSON is not well formed.
    #[error("{}: invalid JSON at byte {offset}: {message}", path.display())]
    Json {
        /// The path.
        path: PathBuf,
        /// Byte offset in the (decompressed) JSON.
        offset: u64,
        /// What was found and what was expected.
        message: String,
    },
    /// Well-formed JSON, but not a Chrome/Kineto trace.
    #[error("{}: not a torch-profiler trace: {reason}", path.display())]
    NotATrace {
        /// The path.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A directory without any trace file.
    #[error("{}: no trace files found (looked for *.trace.json[.gz], *.pt.trace.json[.gz] and other *.json[.gz] holding traceEvents)", path.display())]
    NoTraces {
        /// The directory.
        path: PathBuf,
    },
    /// The requested rank or stage is not in the input.
    #[error("{}: {message}", path.display())]
    Selection {
        /// The input.
        path: PathBuf,
        /// What was asked for and what exists.
        message: String,
    },
    /// `server_args.json` exists but is unreadable.
    #[error("{}: invalid server args: {message}", path.display())]
    ServerArgs {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A rules or catalogue file could not be loaded.
    #[error("{}: {message}", path.display())]
    Rules {
        /// The file.
        path: PathBuf,
        /// The loader's message (with line and column).
        message: String,
    },
    /// A time value (`ts`, `dur`) outside the range of i64 nanoseconds (±292 years).
    #[error(
        "{}: event at byte {offset}: `{field}` = {value} µs is out of range (expected at most \
         9223372036854775 µs, the i64 nanosecond range)",
        path.display()
    )]
    Overflow {
        /// The file.
        path: PathBuf,
        /// Byte offset of the event (in the decompressed JSON).
        offset: u64,
        /// The field (`ts` or `dur`).
        field: &'static str,
        /// The literal as written (at most 40 characters).
        value: String,
    },
    /// An option value is out of range.
    #[error("invalid option: {0}")]
    Options(String),
}

impl TraceError {
    /// Build an I/O error for a path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> TraceError {
        TraceError::Io { path: path.into(), source }
    }
}
