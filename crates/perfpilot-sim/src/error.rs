//! The simulator's error type.

/// Everything that can go wrong in the simulator.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A profile TOML could not be parsed or failed validation.
    #[error("{origin}:{line}:{column}: bad profile: {message}")]
    Profile {
        /// File path or `<builtin NAME>`.
        origin: String,
        /// 1-based line (0 when not known).
        line: usize,
        /// 1-based column (0 when not known).
        column: usize,
        /// What was expected.
        message: String,
    },
    /// No shipped profile of that name and no such file.
    #[error("unknown profile '{name}': not a file, and not one of the shipped profiles ({known})")]
    UnknownProfile {
        /// The name asked for.
        name: String,
        /// Shipped names.
        known: String,
    },
    /// Bad options (an override out of range, an empty workload, ...).
    #[error("{0}")]
    Options(String),
    /// A results file for `sim fit` could not be used.
    #[error("{path}: {message}")]
    Input {
        /// File path.
        path: String,
        /// What is wrong and where.
        message: String,
    },
    /// An I/O error with context.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The HTTP server could not start or failed.
    #[error("sim server: {0}")]
    Server(String),
}

impl SimError {
    /// An I/O error with context.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> SimError {
        SimError::Io { context: context.into(), source }
    }
}
