//! The one output writer: atomic replace for regular files, write-through for the
//! standard streams and FIFOs, refusal for device nodes and for inputs of the same run.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::read::kind_of;
use crate::{IoError, run};

/// A result file. Regular files are written under a temporary name in the target's
/// directory and renamed into place on [`OutputFile::commit`] (dropped without commit,
/// the target is untouched); `/dev/stdout`, `/dev/stderr` and FIFOs are written through.
pub struct OutputFile {
    inner: Inner,
}

enum Inner {
    Atomic { target: PathBuf, tmp: Option<tempfile::NamedTempFile> },
    Through(Box<dyn Write + Send>),
}

/// The standard stream a path names literally, if any (`/dev/stdout`, `/dev/fd/1`, …).
fn standard_stream(path: &Path) -> Option<Box<dyn Write + Send>> {
    match path.to_str()? {
        "/dev/stdout" | "/dev/fd/1" | "/proc/self/fd/1" => Some(Box::new(io::stdout())),
        "/dev/stderr" | "/dev/fd/2" | "/proc/self/fd/2" => Some(Box::new(io::stderr())),
        // Writing to /dev/null opens nothing: the bytes are dropped.
        "/dev/null" => Some(Box::new(io::sink())),
        _ => None,
    }
}

/// Follow a symlink chain to the file it finally names (which may not exist yet: a
/// dangling link given on the command line gets its target created).
fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut cur = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&cur)?;
                cur = match cur.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            _ => return Ok(cur),
        }
    }
    Err(io::Error::other(format!("{}: too many levels of symbolic links", path.display())))
}

/// Under confinement, an output path: never a symlink (not even inside a root), and
/// resolved inside a root.
fn confined_output(path: &Path) -> Result<PathBuf, IoError> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(IoError::SymlinkOutput { path: path.to_path_buf() });
    }
    run::check_confined(path)
}

fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

impl OutputFile {
    /// Start writing `path` (inputs recorded by this crate's readers are protected).
    pub fn create(path: &Path) -> io::Result<OutputFile> {
        OutputFile::create_for(path, &[]).map_err(io::Error::from)
    }

    /// Start writing `path`, refusing it when it is one of `inputs` or an input this run
    /// read through this crate.
    pub fn create_for(path: &Path, inputs: &[&Path]) -> Result<OutputFile, IoError> {
        let confined = run::confined_roots().is_some();
        let target = if confined {
            confined_output(path)?
        } else {
            if let Some(stream) = standard_stream(path) {
                return Ok(OutputFile { inner: Inner::Through(stream) });
            }
            follow_links(path).map_err(|e| IoError::os(path, e))?
        };
        if let Some(input) = inputs.iter().find(|i| same_file(i, &target)) {
            return Err(IoError::SameAsInput { path: path.to_path_buf(), input: input.into() });
        }
        if let Some(input) = run::input_matching(&target) {
            return Err(IoError::SameAsInput { path: path.to_path_buf(), input });
        }
        match std::fs::metadata(&target) {
            Ok(meta) if meta.is_file() => atomic(path, &target, Some(&meta)),
            Ok(meta) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::FileTypeExt;
                    if meta.file_type().is_fifo() {
                        let mut opts = std::fs::OpenOptions::new();
                        opts.write(true);
                        if confined {
                            use std::os::unix::fs::OpenOptionsExt;
                            opts.custom_flags(libc::O_NOFOLLOW);
                        }
                        let f = opts.open(&target).map_err(|e| IoError::os(path, e))?;
                        return Ok(OutputFile { inner: Inner::Through(Box::new(f)) });
                    }
                }
                if meta.is_dir() {
                    return Err(IoError::NotRegular {
                        path: path.to_path_buf(),
                        kind: "a directory",
                    });
                }
                Err(IoError::Device { path: path.to_path_buf(), kind: kind_of(&meta) })
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => atomic(path, &target, None),
            Err(e) => Err(IoError::os(path, e)),
        }
    }

    /// Flush and finish: fsync and rename into place for a regular file.
    pub fn commit(self) -> io::Result<()> {
        match self.inner {
            Inner::Atomic { target, mut tmp } => {
                let tmp = tmp.take().ok_or_else(|| io::Error::other("already committed"))?;
                tmp.as_file().sync_all()?;
                tmp.persist(&target).map_err(|e| e.error)?;
                Ok(())
            }
            Inner::Through(mut w) => w.flush(),
        }
    }

    fn writer(&mut self) -> io::Result<&mut dyn Write> {
        match &mut self.inner {
            Inner::Atomic { tmp, .. } => tmp
                .as_mut()
                .map(|t| t.as_file_mut() as &mut dyn Write)
                .ok_or_else(|| io::Error::other("already committed")),
            Inner::Through(w) => Ok(w.as_mut()),
        }
    }
}

/// A temporary file beside `target`, with the mode of the file it replaces (or 0644).
fn atomic(
    given: &Path,
    target: &Path,
    existing: Option<&std::fs::Metadata>,
) -> Result<OutputFile, IoError> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".perfpilot-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| IoError::os(given, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = existing.map(|m| m.permissions().mode()).unwrap_or(0o644);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode & 0o777))
            .map_err(|e| IoError::os(given, e))?;
    }
    #[cfg(not(unix))]
    let _ = existing;
    Ok(OutputFile { inner: Inner::Atomic { target: target.to_path_buf(), tmp: Some(tmp) } })
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer()?.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer()?.flush()
    }
}

/// Write `bytes` to `path` through [`OutputFile`].
pub fn write_output(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = OutputFile::create(path)?;
    f.write_all(bytes)?;
    f.commit()
}

/// Write `bytes` to `path` through [`OutputFile`], refusing any of `inputs`.
pub fn write_output_for(path: &Path, inputs: &[&Path], bytes: &[u8]) -> Result<(), IoError> {
    let mut f = OutputFile::create_for(path, inputs)?;
    f.write_all(bytes).map_err(|e| IoError::os(path, e))?;
    f.commit().map_err(|e| IoError::os(path, e))
}

impl OutputFile {
    /// Open `path` for appending (a server log): refused where [`OutputFile::create`]
    /// would be; a regular file is created or appended to, never replaced.
    pub fn append(path: &Path) -> io::Result<File> {
        incremental(path, true).map_err(io::Error::from)
    }

    /// Open `path` for incremental writing (JSONL records, flushed as they come), truncated:
    /// the same checks as [`OutputFile::create`]; `/dev/stdout`, `/dev/stderr` and FIFOs
    /// are written through.
    pub fn incremental(path: &Path) -> io::Result<File> {
        incremental(path, false).map_err(io::Error::from)
    }
}

/// A `File` on this process's stdout or stderr (a duplicate descriptor).
#[cfg(unix)]
fn standard_file(path: &Path) -> Option<io::Result<File>> {
    use std::os::fd::AsFd;
    let fd = match path.to_str()? {
        "/dev/stdout" | "/dev/fd/1" | "/proc/self/fd/1" => {
            io::stdout().as_fd().try_clone_to_owned()
        }
        "/dev/stderr" | "/dev/fd/2" | "/proc/self/fd/2" => {
            io::stderr().as_fd().try_clone_to_owned()
        }
        _ => return None,
    };
    Some(fd.map(File::from))
}

fn incremental(path: &Path, append: bool) -> Result<File, IoError> {
    let confined = run::confined_roots().is_some();
    let target = if confined {
        confined_output(path)?
    } else {
        #[cfg(unix)]
        if let Some(f) = standard_file(path) {
            return f.map_err(|e| IoError::os(path, e));
        }
        follow_links(path).map_err(|e| IoError::os(path, e))?
    };
    if let Some(input) = run::input_matching(&target) {
        return Err(IoError::SameAsInput { path: path.to_path_buf(), input });
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true);
    match std::fs::metadata(&target) {
        Ok(meta) if meta.is_file() => {}
        Ok(meta) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::FileTypeExt;
                if meta.file_type().is_fifo() {
                    return opts.open(&target).map_err(|e| IoError::os(path, e));
                }
            }
            if meta.is_dir() {
                return Err(IoError::NotRegular { path: path.to_path_buf(), kind: "a directory" });
            }
            return Err(IoError::Device { path: path.to_path_buf(), kind: kind_of(&meta) });
        }
        Err(_) => {}
    }
    opts.create(true);
    if append {
        opts.append(true);
    } else {
        opts.truncate(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW);
    }
    opts.open(&target).map_err(|e| IoError::os(path, e))
}
