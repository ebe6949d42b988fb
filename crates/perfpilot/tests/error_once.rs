//! Each cause of an error is printed once (issue 12: library errors that quote their
//! OS error in their own message and also mark it `#[source]` printed it twice).

mod common;

#[test]
fn a_missing_file_names_its_os_error_once_for_every_reader() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.log");
    let m = missing.to_str().unwrap();
    for args in [
        vec!["capacity", "explain", m],
        vec!["triage", m],
        vec!["trace", "triage", m],
        vec!["bench", "compare", m, m],
    ] {
        let out = common::perfpilot(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(m), "{args:?} does not name the file: {err}");
        assert_eq!(err.matches("os error 2").count(), 1, "{args:?}: {err}");
    }
}

/// A reader that closes the pipe (`perfpilot … | head -c 0`) is not an error: exit 0 and
/// nothing on stderr, in every format (stdout is buffered; the closed pipe shows at the
/// flush or inside the JSON writer, and keeps its kind either way).
#[test]
fn a_closed_stdout_pipe_is_not_an_error() {
    use std::process::{Command, Stdio};
    let log = "tests/fixtures/capacity/launch/sglang-12978-tp2-cuda-graph-end.log";
    for format in ["json", "md", "table"] {
        let mut child = Command::new(common::bin())
            .args(["capacity", "explain", log, "--format", format])
            .current_dir(common::repo_root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run perfpilot");
        drop(child.stdout.take()); // the reader is gone before anything was written
        let out = child.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{format}: {err}");
        assert!(err.trim().is_empty(), "{format}: {err}");
    }
}
