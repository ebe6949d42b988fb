//! The output writer against real FIFOs, symlinks, sockets and inputs in temporary
//! directories (unconfined process).
#![cfg(unix)]

use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};
use std::path::Path;

use perfpilot_io::{OutputFile, note_input, write_output, write_output_for};

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
    assert_eq!(rc, 0, "mkfifo {}", p.display());
}

#[test]
fn uncommitted_file_leaves_target_alone() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("out.json");
    std::fs::write(&p, b"old").unwrap();
    {
        let mut f = OutputFile::create(&p).unwrap();
        f.write_all(b"new").unwrap();
    }
    assert_eq!(std::fs::read(&p).unwrap(), b"old");
    write_output(&p, b"new").unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), b"new");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn new_files_are_world_readable_and_replacements_keep_their_mode() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("new.json");
    write_output(&p, b"x").unwrap();
    assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o644);
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    write_output(&p, b"y").unwrap();
    assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
}

#[test]
fn a_fifo_is_written_through_and_stays_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("out.fifo");
    mkfifo(&p);
    let reader_path = p.clone();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::fs::File::open(&reader_path).unwrap().read_to_string(&mut s).unwrap();
        s
    });
    write_output(&p, b"{\"ok\":true}\n").unwrap();
    assert_eq!(reader.join().unwrap(), "{\"ok\":true}\n");
    assert!(std::fs::symlink_metadata(&p).unwrap().file_type().is_fifo());
}

#[test]
fn a_symlink_keeps_the_link_and_replaces_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("sub/real.json");
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(&real, b"old").unwrap();
    let link = dir.path().join("link.json");
    symlink("sub/real.json", &link).unwrap();
    write_output(&link, b"new").unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(&real).unwrap(), b"new");
    // A dangling link gets its target created, and stays a link.
    let dangling = dir.path().join("dangling.json");
    symlink("sub/later.json", &dangling).unwrap();
    write_output(&dangling, b"made").unwrap();
    assert!(std::fs::symlink_metadata(&dangling).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(dir.path().join("sub/later.json")).unwrap(), b"made");
}

#[test]
fn an_input_of_the_run_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.json");
    std::fs::write(&input, b"precious").unwrap();
    let err = write_output_for(&input, &[&input], b"x").unwrap_err().to_string();
    assert!(err.contains("input of this run"), "{err}");
    // Through a symlink and through the registry of inputs read.
    let other = dir.path().join("other.json");
    std::fs::write(&other, b"also precious").unwrap();
    perfpilot_io::read_bounded(&other).unwrap();
    let link = dir.path().join("alias.json");
    symlink(&other, &link).unwrap();
    let err = write_output(&link, b"x").unwrap_err().to_string();
    assert!(err.contains("input of this run"), "{err}");
    assert_eq!(std::fs::read(&input).unwrap(), b"precious");
    assert_eq!(std::fs::read(&other).unwrap(), b"also precious");
    note_input(&input);
}

#[test]
fn a_socket_node_is_refused_and_left_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.sock");
    let _l = std::os::unix::net::UnixListener::bind(&p).unwrap();
    let err = write_output(&p, b"x").unwrap_err().to_string();
    assert!(err.contains("is a socket"), "{err}");
    assert!(std::fs::symlink_metadata(&p).unwrap().file_type().is_socket());
}

#[test]
fn a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = write_output(dir.path(), b"x").unwrap_err().to_string();
    assert!(err.contains("a directory"), "{err}");
}

#[test]
fn incremental_files_follow_the_same_rules() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.jsonl");
    let link = dir.path().join("link.jsonl");
    symlink(&real, &link).unwrap();
    let mut f = OutputFile::incremental(&link).unwrap();
    f.write_all(b"{}\n").unwrap();
    drop(f);
    assert_eq!(std::fs::read(&real).unwrap(), b"{}\n");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    let mut f = OutputFile::append(&link).unwrap();
    f.write_all(b"[]\n").unwrap();
    assert_eq!(std::fs::read(&real).unwrap(), b"{}\n[]\n");
    let sock = dir.path().join("s.sock");
    let _l = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    assert!(OutputFile::incremental(&sock).is_err());
}
