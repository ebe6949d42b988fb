//! Errors of the taxonomy and fusion-catalogue loaders: every one names the file and,
//! where the TOML says it, the line.

use std::ops::Range;

/// Why a rule or catalogue file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    /// The file could not be read.
    #[error("cannot read {file}: {cause}")]
    Io {
        /// The file as given.
        file: String,
        /// The OS error (part of the message, not a separate source, so it prints once).
        cause: std::io::Error,
    },
    /// The file is not valid TOML or does not have the expected shape.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// The file as given (`<embedded taxonomy>` for the built-in one).
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// A value is well-formed TOML but not usable (unknown category, bad regex, duplicate id).
    #[error("{file}:{line}: {message}")]
    Invalid {
        /// The file as given.
        file: String,
        /// 1-based line of the offending value (0 when unknown).
        line: usize,
        /// What is wrong and what was expected.
        message: String,
    },
}

/// 1-based (line, column) of a byte offset in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, column)
}

/// Turn a `toml` parse error into [`TaxonomyError::Syntax`].
pub(crate) fn syntax_error(file: &str, text: &str, err: &toml::de::Error) -> TaxonomyError {
    let (line, column) = err.span().map(|r| line_col(text, r.start)).unwrap_or((0, 0));
    TaxonomyError::Syntax {
        file: file.to_string(),
        line,
        column,
        message: err.message().trim().to_string(),
    }
}

/// An [`TaxonomyError::Invalid`] located at a span of `text`.
pub(crate) fn invalid_at(
    file: &str,
    text: &str,
    span: Range<usize>,
    message: String,
) -> TaxonomyError {
    let (line, _) = line_col(text, span.start);
    TaxonomyError::Invalid { file: file.to_string(), line, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let t = "a\nbc\nd";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 2));
        assert_eq!(line_col(t, 5), (3, 1));
        assert_eq!(line_col(t, 99), (3, 2));
    }
}
