//! The server side of a tool call: start `perfpilot mcp --exec-tool NAME` in the first
//! root, hand it the arguments, forward its progress lines, and bound it in time. A call
//! that runs past the limit or is cancelled by the client is killed, not abandoned.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use super::exec::{ProgressLine, parse_progress};
use super::registry::ToolOutput;

/// Error text kept from a worker's stderr.
const MAX_ERROR_TEXT: usize = 16 * 1024;

/// Why a call produced no output.
#[derive(Debug)]
pub enum CallError {
    /// It ran past the per-call limit and was killed.
    TimedOut(Duration),
    /// The client cancelled it; it was killed.
    Cancelled,
    /// The capability reported an error (bad input, unreadable file, …): its message.
    Failed(String),
    /// The worker could not be started or answered garbage.
    Internal(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::TimedOut(d) => write!(
                f,
                "the call ran past the per-call limit of {} s and was stopped \
                 (raise it with `perfpilot mcp --call-timeout-s N`, or narrow the request)",
                d.as_secs()
            ),
            CallError::Cancelled => write!(f, "the call was cancelled by the client"),
            CallError::Failed(msg) => write!(f, "{msg}"),
            CallError::Internal(msg) => write!(f, "internal error: {msg}"),
        }
    }
}

/// Run one tool call in a worker process, in the first of `roots` and confined to all of
/// them (every file the worker opens through `perfpilot-io` is checked at open time).
pub async fn call(
    exe: &Path,
    roots: &[PathBuf],
    tool: &str,
    args: &Value,
    timeout: Duration,
    cancelled: impl Future<Output = ()>,
    mut on_progress: impl FnMut(ProgressLine),
) -> Result<ToolOutput, CallError> {
    let cwd = roots.first().ok_or_else(|| CallError::Internal("no root".into()))?;
    let confine = std::env::join_paths(roots)
        .map_err(|e| CallError::Internal(format!("a root cannot be passed on: {e}")))?;
    let mut child = tokio::process::Command::new(exe)
        .args(["mcp", "--exec-tool", tool])
        .current_dir(cwd)
        .env(perfpilot_io::ENV_CONFINE_ROOTS, confine)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| CallError::Internal(format!("cannot start {}: {e}", exe.display())))?;

    let input = serde_json::to_vec(args).map_err(|e| CallError::Internal(e.to_string()))?;
    let mut stdin = child.stdin.take().ok_or_else(|| CallError::Internal("no stdin".into()))?;
    let stdout = child.stdout.take().ok_or_else(|| CallError::Internal("no stdout".into()))?;
    let stderr = child.stderr.take().ok_or_else(|| CallError::Internal("no stderr".into()))?;
    let writer = tokio::spawn(async move {
        // A worker that exits early closes its stdin; that shows up as its exit status.
        let _ = stdin.write_all(&input).await;
        let _ = stdin.shutdown().await;
    });
    let reader = tokio::spawn(async move {
        let mut buf = Vec::new();
        let mut stdout = stdout;
        stdout.read_to_end(&mut buf).await.map(|_| buf)
    });

    let deadline = tokio::time::sleep(timeout);
    tokio::pin!(deadline);
    tokio::pin!(cancelled);
    let mut lines = BufReader::new(stderr).lines();
    let mut error_text = String::new();
    let mut stderr_open = true;
    let status = loop {
        tokio::select! {
            line = lines.next_line(), if stderr_open => match line {
                Ok(Some(line)) => match parse_progress(&line) {
                    Some(p) => on_progress(p),
                    None => push_capped(&mut error_text, &line),
                },
                Ok(None) | Err(_) => stderr_open = false,
            },
            status = child.wait(), if !stderr_open => break status,
            () = &mut deadline => {
                let _ = child.kill().await;
                return Err(CallError::TimedOut(timeout));
            }
            () = &mut cancelled => {
                let _ = child.kill().await;
                return Err(CallError::Cancelled);
            }
        }
    };
    let _ = writer.await;
    let status = status.map_err(|e| CallError::Internal(format!("waiting for the worker: {e}")))?;
    let stdout = match reader.await {
        Ok(Ok(buf)) => buf,
        Ok(Err(e)) => return Err(CallError::Internal(format!("reading the worker: {e}"))),
        Err(e) => return Err(CallError::Internal(format!("reading the worker: {e}"))),
    };
    if !status.success() {
        let text = error_text.trim();
        return Err(if text.is_empty() {
            CallError::Internal(format!("the worker exited with {status} and no message"))
        } else {
            CallError::Failed(text.to_string())
        });
    }
    serde_json::from_slice(&stdout)
        .map_err(|e| CallError::Internal(format!("the worker's output is not a tool result: {e}")))
}

fn push_capped(buf: &mut String, line: &str) {
    if buf.len() >= MAX_ERROR_TEXT {
        return;
    }
    if !buf.is_empty() {
        buf.push('\n');
    }
    let room = MAX_ERROR_TEXT - buf.len();
    if line.len() <= room {
        buf.push_str(line);
    } else {
        let mut end = room;
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        buf.push_str(&line[..end]);
        buf.push('…');
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A stand-in worker: a shell script (it ignores `mcp --exec-tool NAME`).
    fn script(dir: &Path, body: &str) -> std::path::PathBuf {
        let path = dir.join("worker.sh");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    fn run(exe: &Path, timeout: Duration) -> (Result<ToolOutput, CallError>, Vec<ProgressLine>) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let mut seen = Vec::new();
        let out = rt.block_on(call(
            exe,
            &[exe.parent().unwrap().to_path_buf()],
            "t",
            &serde_json::json!({"a": 1}),
            timeout,
            std::future::pending(),
            |p| seen.push(p),
        ));
        (out, seen)
    }

    #[test]
    fn output_and_progress_come_back_and_stdin_carries_the_arguments() {
        let dir = tempfile::tempdir().unwrap();
        let exe = script(
            dir.path(),
            r#"args=$(cat)
printf '\036perfpilot-progress {"progress":1,"total":2,"message":"half"}\n' >&2
printf '{"envelope":"%s","summary":"ok"}\n' "$(echo "$args" | sed 's/"/\\"/g')""#,
        );
        let (out, seen) = run(&exe, Duration::from_secs(20));
        let out = out.unwrap();
        assert_eq!(out.envelope, r#"{"a":1}"#);
        assert_eq!(out.summary, "ok");
        assert_eq!(
            seen,
            [ProgressLine { progress: 1, total: Some(2), message: Some("half".into()) }]
        );
    }

    #[test]
    fn an_error_exit_returns_the_error_text() {
        let dir = tempfile::tempdir().unwrap();
        let exe =
            script(dir.path(), "cat >/dev/null; echo 'error: cannot open x.json' >&2; exit 2");
        let (out, _) = run(&exe, Duration::from_secs(20));
        match out {
            Err(CallError::Failed(msg)) => assert_eq!(msg, "error: cannot open x.json"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_call_past_the_limit_is_killed_promptly() {
        let dir = tempfile::tempdir().unwrap();
        let exe = script(dir.path(), "exec sleep 30");
        let t0 = std::time::Instant::now();
        let (out, _) = run(&exe, Duration::from_millis(500));
        assert!(matches!(out, Err(CallError::TimedOut(_))), "{out:?}");
        assert!(t0.elapsed() < Duration::from_secs(10), "took {:?}", t0.elapsed());
        let msg = out.unwrap_err().to_string();
        assert!(msg.contains("--call-timeout-s"), "{msg}");
    }

    #[test]
    fn garbage_output_is_an_internal_error() {
        let dir = tempfile::tempdir().unwrap();
        let exe = script(dir.path(), "cat >/dev/null; echo not-json");
        let (out, _) = run(&exe, Duration::from_secs(20));
        assert!(matches!(out, Err(CallError::Internal(_))), "{out:?}");
    }

    #[test]
    fn error_text_is_capped_on_a_char_boundary() {
        let mut buf = String::new();
        let line = "é".repeat(MAX_ERROR_TEXT);
        push_capped(&mut buf, "error: first");
        push_capped(&mut buf, &line);
        push_capped(&mut buf, "dropped");
        assert!(buf.starts_with("error: first\n"));
        assert!(buf.len() <= MAX_ERROR_TEXT + '…'.len_utf8());
        assert!(!buf.contains("dropped"));
    }
}
