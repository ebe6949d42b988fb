//! JSONL written as it comes: one line per `write` call, so a reader (or a run killed
//! mid-way) never sees half a line from this process, with the output writer's checks.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::OutputFile;

/// A JSONL file open for writing line by line (through [`OutputFile::incremental`] or
/// [`OutputFile::append`]: refused where a result file would be).
pub struct JsonlFile {
    file: File,
    path: PathBuf,
    line: Vec<u8>,
}

impl JsonlFile {
    /// Create `path`, or truncate it.
    pub fn create(path: &Path) -> io::Result<JsonlFile> {
        Ok(JsonlFile::new(OutputFile::incremental(path)?, path))
    }

    /// Open `path` for appending (created when missing).
    pub fn append(path: &Path) -> io::Result<JsonlFile> {
        Ok(JsonlFile::new(OutputFile::append(path)?, path))
    }

    fn new(file: File, path: &Path) -> JsonlFile {
        JsonlFile { file, path: path.to_path_buf(), line: Vec::new() }
    }

    /// The path it was opened with.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Write `line` and a newline in one call.
    pub fn write_line(&mut self, line: &str) -> io::Result<()> {
        self.line.clear();
        self.line.extend_from_slice(line.as_bytes());
        self.line.push(b'\n');
        self.file.write_all(&self.line)
    }

    /// Write `value` as one JSON line in one call.
    pub fn write_value<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, value).map_err(io::Error::other)?;
        self.line.push(b'\n');
        self.file.write_all(&self.line)
    }

    /// Flush the written lines to the disk (`fdatasync`).
    pub fn sync(&self) -> io::Result<()> {
        self.file.sync_data()
    }
}

/// Append `line` and a newline to `path` in one write (created when missing).
pub fn append_line(path: &Path, line: &str) -> io::Result<()> {
    JsonlFile::append(path)?.write_line(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_written_whole_and_appended() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("rows.jsonl");
        let mut f = JsonlFile::create(&p).unwrap();
        f.write_value(&serde_json::json!({"a": 1})).unwrap();
        f.write_line("{\"b\":2}").unwrap();
        f.sync().unwrap();
        assert_eq!(f.path(), p);
        drop(f);
        append_line(&p, "{\"c\":3}").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n");
        // create truncates.
        JsonlFile::create(&p).unwrap().write_line("x").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "x\n");
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(JsonlFile::create(dir.path()).is_err());
        assert!(append_line(dir.path(), "x").is_err());
    }
}
