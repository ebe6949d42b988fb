//! Generators of hostile inputs for the hostile-input suite: FIFOs (silent or endless),
//! symlinks, gzip bombs, oversized files, and a runner that treats a hang as a failure.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a bounded run of the binary produced.
pub struct Ran {
    /// Exit code (None: killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Run `perfpilot ARGS…` in `cwd` with `env`, killing it after `limit`: a hang panics
/// with the command line (the old code's failure mode for FIFOs and endless inputs).
pub fn run_bounded(args: &[&str], cwd: &Path, env: &[(&str, &str)], limit: Duration) -> Ran {
    let mut cmd = Command::new(super::common::bin());
    cmd.args(args).current_dir(cwd).stdin(Stdio::null());
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start perfpilot");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("perfpilot {args:?} hung for more than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ran {
        code: status.code(),
        stdout: String::from_utf8_lossy(&t_out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&t_err.join().unwrap()).into_owned(),
    }
}

/// Make a FIFO at `path`.
pub fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().expect("run mkfifo").success();
    assert!(ok, "mkfifo {}", path.display());
}

/// Whether `path` is a FIFO (not followed through a link).
pub fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

/// A FIFO fed by a writer thread with an endless stream (a `/dev/zero` stand-in that never
/// touches the real `/dev`). Dropping it unblocks and ends the writer.
pub struct EndlessFifo {
    /// The FIFO's path.
    pub path: PathBuf,
}

impl EndlessFifo {
    /// Create the FIFO and start its writer: `line` repeated forever.
    pub fn new(path: PathBuf, line: &'static [u8]) -> EndlessFifo {
        mkfifo(&path);
        let p = path.clone();
        std::thread::spawn(move || {
            // Blocks until a reader opens the FIFO; ends when the reader goes away.
            let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&p) else { return };
            let block: Vec<u8> = line.iter().copied().cycle().take(1 << 16).collect();
            while f.write_all(&block).is_ok() {}
        });
        EndlessFifo { path }
    }
}

impl Drop for EndlessFifo {
    fn drop(&mut self) {
        // A writer still waiting in open() is released by a reader that opens and leaves.
        use std::os::unix::fs::OpenOptionsExt;
        let _ = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(0o4000 /* O_NONBLOCK */)
            .open(&self.path);
    }
}

/// A gzip file of `size` zero bytes (compresses about 1000:1).
pub fn gzip_bomb(path: &Path, size: usize) {
    let f = std::fs::File::create(path).unwrap();
    let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::best());
    let block = vec![b' '; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(block.len());
        gz.write_all(&block[..n]).unwrap();
        left -= n;
    }
    gz.finish().unwrap();
}

/// The repository's committed fixture `rel`.
pub fn fixture(rel: &str) -> PathBuf {
    super::common::repo_root().join(rel)
}
