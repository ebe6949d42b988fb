//! Why a `config.json` (or the rule file that says how to read it) was refused.

use std::path::PathBuf;

/// Every refusal names the file and, where it applies, the key or JSON position and what
/// was expected.
#[derive(Debug, thiserror::Error)]
pub enum ModelConfigError {
    /// The file could not be read (the OS error is the source, printed once by the caller).
    #[error("{}: cannot read", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not well-formed JSON.
    #[error("{path}: not valid JSON at line {line} column {column}: {detail}")]
    Syntax {
        /// The file (or `<inline>`).
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// Byte offset of the position.
        offset: u64,
        /// The parser's message.
        detail: String,
    },
    /// Well-formed JSON that lacks a needed key or holds an impossible value.
    #[error("{path}: {message}")]
    Invalid {
        /// The file (or `<inline>`).
        path: String,
        /// What is wrong, naming the key.
        message: String,
    },
    /// The rule file (`--model-rules`) is invalid.
    #[error("{path}: {message}")]
    Rules {
        /// The rule file.
        path: String,
        /// The loader's message (with line and column).
        message: String,
    },
}
