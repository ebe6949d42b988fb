//! Run one measured process: `sh -c COMMAND` in its own process group, stdout read line
//! by line, a wall-clock limit after which the whole group is killed. A crash or a
//! timeout is a result, never a hang.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Exit {
    /// It exited with this status.
    Code(i32),
    /// It was killed by this signal (a crash).
    Signal(i32),
    /// It ran past the limit and its process group was killed.
    Timeout,
}

impl Exit {
    /// True for exit status 0.
    pub fn ok(self) -> bool {
        self == Exit::Code(0)
    }

    /// A phrase for a failure row.
    pub fn describe(self, limit_s: f64) -> String {
        match self {
            // `sh -c` reports a child killed by signal N as status 128 + N.
            Exit::Code(c) if (129..160).contains(&c) => {
                format!(
                    "exited with status {c} (killed by signal {} ({}))",
                    c - 128,
                    signal_name(c - 128)
                )
            }
            Exit::Code(c) => format!("exited with status {c}"),
            Exit::Signal(s) => format!("killed by signal {s} ({})", signal_name(s)),
            Exit::Timeout => format!("timed out after {limit_s} s (process group killed)"),
        }
    }
}

fn signal_name(s: i32) -> &'static str {
    match s {
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGILL => "SIGILL",
        libc::SIGKILL => "SIGKILL",
        libc::SIGTERM => "SIGTERM",
        _ => "signal",
    }
}

/// What one process did.
#[derive(Debug, Clone)]
pub struct ProcessRun {
    /// How it ended.
    pub exit: Exit,
    /// Its stdout lines.
    pub stdout: Vec<String>,
    /// The last 2 KiB of its stderr.
    pub stderr_tail: String,
    /// Wall-clock seconds from spawn to exit.
    pub wall_s: f64,
}

const STDERR_TAIL: usize = 2048;

/// Run `command` with `sh -c` in `dir` with `env` added, killing its process group after
/// `timeout`.
pub fn run(
    command: &str,
    dir: &Path,
    env: &[(String, String)],
    timeout: Duration,
) -> std::io::Result<ProcessRun> {
    let start = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()?;
    let pgid = child.id() as libc::pid_t;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let out_thread = std::thread::spawn(move || {
        let mut lines = Vec::new();
        if let Some(s) = stdout {
            for line in BufReader::new(s).split(b'\n') {
                match line {
                    Ok(l) => lines.push(String::from_utf8_lossy(&l).trim_end().to_string()),
                    Err(_) => break,
                }
            }
        }
        lines
    });
    let err_thread = std::thread::spawn(move || {
        let mut tail = Vec::new();
        if let Some(mut s) = stderr {
            let mut buf = [0u8; 4096];
            while let Ok(n) = s.read(&mut buf) {
                if n == 0 {
                    break;
                }
                tail.extend_from_slice(&buf[..n]);
                if tail.len() > 2 * STDERR_TAIL {
                    tail.drain(..tail.len() - STDERR_TAIL);
                }
            }
        }
        let from = tail.len().saturating_sub(STDERR_TAIL);
        String::from_utf8_lossy(&tail[from..]).into_owned()
    });
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    let status = match rx.recv_timeout(timeout) {
        Ok(s) => Some(s?),
        Err(_) => None,
    };
    // Kill whatever is left of the group (all of it on a timeout; stray grandchildren
    // that would hold the pipes open otherwise).
    // SAFETY: killpg only sends a signal; ESRCH (no such group) is ignored.
    // Stated exception to the workspace's `unsafe_code = "deny"`.
    #[allow(unsafe_code)]
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
    let exit = match status {
        Some(s) => match (s.code(), s.signal()) {
            (Some(c), _) => Exit::Code(c),
            (None, Some(sig)) => Exit::Signal(sig),
            (None, None) => Exit::Code(-1),
        },
        None => {
            let _ = rx.recv();
            Exit::Timeout
        }
    };
    let wall_s = start.elapsed().as_secs_f64();
    let stdout = out_thread.join().unwrap_or_default();
    let stderr_tail = err_thread.join().unwrap_or_default();
    Ok(ProcessRun { exit, stdout, stderr_tail, wall_s })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeout_kills_the_group_fast() {
        let t = Instant::now();
        let r =
            run("sleep 30 & sleep 30", Path::new("."), &[], Duration::from_millis(200)).unwrap();
        assert_eq!(r.exit, Exit::Timeout);
        assert!(t.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn codes_signals_and_lines() {
        let r =
            run("echo a; echo b >&2; exit 3", Path::new("."), &[], Duration::from_secs(5)).unwrap();
        assert_eq!(
            (r.exit, r.stdout.clone(), r.stderr_tail.trim()),
            (Exit::Code(3), vec!["a".into()], "b")
        );
        let r = run("kill -SEGV $$", Path::new("."), &[], Duration::from_secs(5)).unwrap();
        assert_eq!(r.exit, Exit::Signal(libc::SIGSEGV));
    }
}
