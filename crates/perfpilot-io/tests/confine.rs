//! Confinement: one test binary (its own process) because confinement is process-wide.
#![cfg(unix)]

use std::os::unix::fs::symlink;

use perfpilot_io::{OutputFile, confine, open_stream, read_bounded, write_output};

#[test]
fn confined_opens_and_writes_stay_inside_the_roots() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(root.join("d")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("x.json"), b"secret").unwrap();
    std::fs::write(root.join("ok.json"), b"{}").unwrap();
    symlink(outside.join("x.json"), root.join("d/rank0.trace.json")).unwrap();
    symlink(outside.join("r.jsonl"), root.join("l.jsonl")).unwrap();
    symlink(&outside, root.join("out_dir")).unwrap();
    confine(std::slice::from_ref(&root));

    assert_eq!(read_bounded(root.join("ok.json")).unwrap(), b"{}");
    let err = read_bounded(root.join("d/rank0.trace.json")).unwrap_err().to_string();
    assert!(err.contains("outside the allowed roots"), "{err}");
    let err = open_stream(root.join("d/rank0.trace.json")).unwrap_err().to_string();
    assert!(err.contains("outside the allowed roots"), "{err}");
    let err = read_bounded(root.join("d/../../outside/x.json")).unwrap_err().to_string();
    assert!(err.contains("outside the allowed roots"), "{err}");

    // A dangling link inside the root creates nothing outside.
    let err = write_output(&root.join("l.jsonl"), b"x").unwrap_err().to_string();
    assert!(err.contains("symlink"), "{err}");
    assert!(OutputFile::append(&root.join("l.jsonl")).is_err());
    assert!(!outside.join("r.jsonl").exists());
    // A directory link out of the root.
    let err = write_output(&root.join("out_dir/y.json"), b"x").unwrap_err().to_string();
    assert!(err.contains("outside the allowed roots"), "{err}");
    assert!(!outside.join("y.json").exists());
    // Standard streams are outside the roots too (the worker's stdout is the protocol).
    assert!(write_output(std::path::Path::new("/dev/stdout"), b"x").is_err());
    write_output(&root.join("fine.json"), b"ok").unwrap();
    assert_eq!(std::fs::read(root.join("fine.json")).unwrap(), b"ok");
}
