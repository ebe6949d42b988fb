//! Rule files given by a flag (`--fusions`, `--attribution`, `--stages`, `--passes`) that
//! replace an embedded data file: read through the bounded reader, errors naming the file,
//! the line and what was expected.

use std::ops::Range;
use std::path::Path;

use crate::error::TraceError;
use crate::taxonomy::line_col;

/// Read a user rule file (bounded, UTF-8).
pub(crate) fn read(path: &Path) -> Result<String, TraceError> {
    perfpilot_io::read_to_string_bounded(path)
        .map_err(|source| TraceError::Io { path: path.to_path_buf(), source })
}

/// A TOML error in `text` as [`TraceError::Rules`]: `line L, column C: what was expected`.
pub(crate) fn toml_error(origin: &Path, text: &str, e: &toml::de::Error) -> TraceError {
    let (line, column) = e.span().map(|r| line_col(text, r.start)).unwrap_or((0, 0));
    TraceError::Rules {
        path: origin.to_path_buf(),
        message: format!("line {line}, column {column}: {}", e.message().trim()),
    }
}

/// A well-formed value that is not usable, at `span` of `text`: `line L: message`.
pub(crate) fn invalid_at(
    origin: &Path,
    text: &str,
    span: Range<usize>,
    message: String,
) -> TraceError {
    let (line, _) = line_col(text, span.start);
    TraceError::Rules { path: origin.to_path_buf(), message: format!("line {line}: {message}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_file_and_line() {
        let text = "a = 1\nb = [\n";
        let e = toml::from_str::<toml::Table>(text).unwrap_err();
        let msg = toml_error(Path::new("r.toml"), text, &e).to_string();
        assert!(msg.starts_with("r.toml: line "), "{msg}");
        let msg = invalid_at(Path::new("r.toml"), text, 6..7, "bad".into()).to_string();
        assert_eq!(msg, "r.toml: line 2: bad");
        let e = read(Path::new("no/such/rules.toml")).unwrap_err().to_string();
        assert!(e.contains("no/such/rules.toml"), "{e}");
    }
}
