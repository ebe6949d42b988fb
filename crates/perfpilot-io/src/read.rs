//! The bounded reader of whole-file inputs and the opener of streaming inputs.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

use crate::{IoError, run};

/// What a file system object is, in words.
pub(crate) fn kind_of(meta: &Metadata) -> &'static str {
    let ft = meta.file_type();
    if ft.is_file() {
        return "a regular file";
    }
    if ft.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Open `path` for reading without blocking (a FIFO opens at once instead of waiting for
/// a writer) and without following a final symlink when `nofollow`.
fn open_nonblocking(path: &Path, nofollow: bool) -> Result<File, IoError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK;
        if nofollow {
            flags |= libc::O_NOFOLLOW;
        }
        opts.custom_flags(flags);
    }
    #[cfg(not(unix))]
    let _ = nofollow;
    opts.open(path).map_err(|e| IoError::os(path, e))
}

/// Clear `O_NONBLOCK` again on an opened file (reads of a FIFO then block as usual).
#[cfg(unix)]
fn set_blocking(file: &File) {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a file descriptor we own; failure leaves the flags unchanged.
    #[allow(unsafe_code)]
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
        }
    }
}

/// Open a whole-file input: confined (when the process is), a regular file (checked on
/// the opened file, so a FIFO never blocks), recorded as an input of the run.
pub fn open_input(path: impl AsRef<Path>) -> std::io::Result<File> {
    open_input_checked(path.as_ref()).map_err(std::io::Error::from)
}

fn open_input_checked(path: &Path) -> Result<File, IoError> {
    let resolved = run::check_confined(path)?;
    let confined = run::confined_roots().is_some();
    let file = open_nonblocking(if confined { &resolved } else { path }, confined)?;
    let meta = file.metadata().map_err(|e| IoError::os(path, e))?;
    if !meta.is_file() {
        return Err(IoError::NotRegular { path: path.to_path_buf(), kind: kind_of(&meta) });
    }
    #[cfg(unix)]
    set_blocking(&file);
    run::note_input(path);
    Ok(file)
}

/// Open a streaming input (a trace, a log): confined (when the process is), uncapped;
/// a regular file or a FIFO the user named (a pipe from `<(zcat …)`); devices,
/// directories and sockets are refused.
pub fn open_stream(path: impl AsRef<Path>) -> std::io::Result<File> {
    open_stream_checked(path.as_ref()).map_err(std::io::Error::from)
}

fn open_stream_checked(path: &Path) -> Result<File, IoError> {
    let resolved = run::check_confined(path)?;
    let confined = run::confined_roots().is_some();
    let file = open_nonblocking(if confined { &resolved } else { path }, confined)?;
    let meta = file.metadata().map_err(|e| IoError::os(path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if !(meta.is_file() || meta.file_type().is_fifo()) {
            return Err(IoError::NotRegular { path: path.to_path_buf(), kind: kind_of(&meta) });
        }
        set_blocking(&file);
    }
    #[cfg(not(unix))]
    if !meta.is_file() {
        return Err(IoError::NotRegular { path: path.to_path_buf(), kind: kind_of(&meta) });
    }
    run::note_input(path);
    Ok(file)
}

/// Whether `path` (symlinks followed) is a regular file: for files discovered in a
/// directory, where a FIFO or device named `*.json` must be skipped, never opened.
pub fn is_regular_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// Read a whole-file input of at most [`crate::max_input_bytes`] bytes.
pub fn read_bounded(path: impl AsRef<Path>) -> std::io::Result<Vec<u8>> {
    read_bounded_with_cap(path, crate::max_input_bytes())
}

/// Read a whole data file (a dataset, a records file) of any size: a regular file only,
/// so a FIFO or device is refused instead of read forever.
pub fn read_regular(path: impl AsRef<Path>) -> std::io::Result<Vec<u8>> {
    let path = path.as_ref();
    let mut file = open_input_checked(path)?;
    let mut buf = Vec::new();
    file.read_to_end(&mut buf)?;
    Ok(buf)
}

/// Read a whole-file input of at most `cap` bytes; a larger file is an error naming the
/// cap and the file (the file is never read past `cap + 1` bytes).
pub fn read_bounded_with_cap(path: impl AsRef<Path>, cap: u64) -> std::io::Result<Vec<u8>> {
    read_capped(path.as_ref(), cap).map_err(std::io::Error::from)
}

fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, IoError> {
    let file = open_input_checked(path)?;
    let hint = file.metadata().map(|m| m.len()).unwrap_or(0);
    if hint > cap {
        return Err(IoError::TooLarge { path: path.to_path_buf(), cap });
    }
    let mut buf = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    file.take(cap.saturating_add(1)).read_to_end(&mut buf).map_err(|e| IoError::os(path, e))?;
    if buf.len() as u64 > cap {
        return Err(IoError::TooLarge { path: path.to_path_buf(), cap });
    }
    Ok(buf)
}

/// [`read_bounded`] as UTF-8 text; invalid UTF-8 is an error naming the file and offset.
pub fn read_to_string_bounded(path: impl AsRef<Path>) -> std::io::Result<String> {
    let path = path.as_ref();
    let bytes = read_bounded(path)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        std::io::Error::from(IoError::os(
            path,
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("not UTF-8 text (invalid byte at offset {at})"),
            ),
        ))
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("cfg.json");
        let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        #[allow(unsafe_code)]
        // SAFETY: a valid C string.
        let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
        assert_eq!(rc, 0);
        let err = read_bounded(&p).unwrap_err();
        assert!(err.to_string().contains("expected a regular file, found a FIFO"), "{err}");
        assert!(!is_regular_file(&p));
    }

    #[test]
    fn the_cap_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.toml");
        std::fs::write(&p, vec![b'a'; 1000]).unwrap();
        assert_eq!(read_bounded_with_cap(&p, 1000).unwrap().len(), 1000);
        let err = read_bounded_with_cap(&p, 999).unwrap_err().to_string();
        assert!(err.contains("big.toml") && err.contains("999 bytes"), "{err}");
        assert!(err.contains("PERFPILOT_MAX_INPUT_BYTES"), "{err}");
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_bounded(dir.path()).unwrap_err().to_string();
        assert!(err.contains("a directory") || err.contains("Is a directory"), "{err}");
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.toml");
        std::fs::write(&p, b"ab\xffcd").unwrap();
        let err = read_to_string_bounded(&p).unwrap_err().to_string();
        assert!(err.contains("offset 2"), "{err}");
    }
}
