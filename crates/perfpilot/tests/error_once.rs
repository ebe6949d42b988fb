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
