//! The state directory's lock: `DIR/lock`, created exclusively, holding the owner's pid.
//! A lock whose owner is gone (a crash, `kill -9`) is taken over and the takeover
//! journalled; a live owner's lock is refused with a message naming it.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::LoopError;

/// The lock file's name.
pub const LOCK_FILE: &str = "lock";

/// A held lock; dropping it releases it.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    /// The pid of a dead owner whose lock was taken over.
    pub took_over_from: Option<u32>,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Take the lock of `dir`.
pub fn acquire(dir: &Path) -> Result<Lock, LoopError> {
    let path = dir.join(LOCK_FILE);
    let mut took_over_from = None;
    for _ in 0..3 {
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                let text = format!("{}\n{}\n", std::process::id(), crate::now_unix());
                f.write_all(text.as_bytes()).map_err(|e| LoopError::io(&path, e))?;
                return Ok(Lock { path, took_over_from });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = perfpilot_io::read_to_string_bounded(&path).unwrap_or_default();
                let mut lines = text.lines();
                let pid: Option<u32> = lines.next().and_then(|l| l.trim().parse().ok());
                let since = lines.next().unwrap_or("?").trim().to_string();
                match pid {
                    Some(p) if p != std::process::id() && alive(p) => {
                        return Err(LoopError::Locked(format!(
                            "{} is held by process {p} (since unix time {since}): another `perfpilot loop` command is running on this loop; wait for it, or remove the file if that process is not perfpilot",
                            path.display()
                        )));
                    }
                    // A dead owner, or a lock torn before its pid was written.
                    _ => {
                        took_over_from = pid.or(Some(0));
                        std::fs::remove_file(&path).map_err(|e| LoopError::io(&path, e))?;
                    }
                }
            }
            Err(e) => return Err(LoopError::io(&path, e)),
        }
    }
    Err(LoopError::Locked(format!("{}: could not take the lock", path.display())))
}
