//! Errors of the capacity capability.

use std::path::PathBuf;

/// Everything that can go wrong in `explain` or `plan`. Each variant names the input and,
/// where it applies, the position and what was expected.
#[derive(Debug, thiserror::Error)]
pub enum CapacityError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A model config (HF `config.json`) is not valid JSON or lacks a needed field.
    #[error("model config {path}: {message}")]
    Config {
        /// The file (or `<inline>`).
        path: String,
        /// What is wrong, with the JSON position when known.
        message: String,
    },
    /// A data file (GPU table, framework rules) is invalid.
    #[error("data file {path}: {message}")]
    Data {
        /// The file.
        path: String,
        /// What is wrong, with line and column when known.
        message: String,
    },
    /// An unknown GPU name.
    #[error("unknown GPU `{name}`; known: {known}")]
    UnknownGpu {
        /// The name given.
        name: String,
        /// Comma-separated known names.
        known: String,
    },
    /// An nvidia-smi CSV that does not parse.
    #[error("nvidia-smi file {path} line {line}: {message}")]
    Smi {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// What was expected.
        message: String,
    },
    /// A bad option value (what-if, request tokens, dtype, …).
    #[error("{0}")]
    Invalid(String),
    /// The launch log contains no line this tool recognises.
    #[error(
        "{path}: no SGLang or vLLM launch line recognised in {lines} lines (expected lines such as \
         `Load weight end`, `KV Cache is allocated`, `max_total_num_tokens=`, `Model loading took`, \
         `Available KV cache memory`, `GPU KV cache size`)"
    )]
    NothingRecognised {
        /// The file.
        path: String,
        /// Lines read.
        lines: u64,
    },
}

impl CapacityError {
    /// A data file's TOML error, naming the file, the 1-based line and column and what
    /// was expected.
    pub(crate) fn toml(text: &str, path: &str, e: &toml::de::Error) -> CapacityError {
        let (line, col) = e.span().map_or((0, 0), |s| perfpilot_io::line_col(text, s.start));
        CapacityError::Data {
            path: path.into(),
            message: format!("line {line} column {col}: {}", e.message().trim_end()),
        }
    }

    /// An invalid-option error.
    pub fn invalid(msg: impl Into<String>) -> CapacityError {
        CapacityError::Invalid(msg.into())
    }
}
