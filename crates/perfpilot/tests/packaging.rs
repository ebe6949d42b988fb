//! What a crate embeds is inside the crate (so `cargo package` / `cargo install` from a
//! registry work), and capability crates build without the terminal crates.

use std::path::{Component, Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `a/b/../c` → `a/c`, without following links (a link inside the crate stays inside).
fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The literal path (or the literal start of a `concat!`) of every `include_str!` /
/// `include_bytes!` in a source file.
fn includes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for marker in ["include_str!(", "include_bytes!("] {
        for (at, _) in text.match_indices(marker) {
            let rest = &text[at + marker.len()..];
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            if text[line_start..at].trim_start().starts_with("//") {
                continue;
            }
            if let Some(q) = rest.find('"') {
                let lit = &rest[q + 1..];
                if let Some(end) = lit.find('"') {
                    out.push(lit[..end].to_string());
                }
            }
        }
    }
    out
}

#[test]
fn every_embedded_file_is_inside_its_crate() {
    let crates = repo().join("crates");
    let mut checked = 0;
    for entry in std::fs::read_dir(&crates).unwrap() {
        let krate = entry.unwrap().path();
        let src = krate.join("src");
        if !src.is_dir() {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for inc in includes(&text) {
                let target = lexical(&f.parent().unwrap().join(&inc));
                assert!(
                    target.starts_with(&krate),
                    "{} embeds {inc:?}, which resolves to {} outside {}",
                    f.display(),
                    target.display(),
                    krate.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 15, "only {checked} embedded files found");
}

#[test]
fn the_crate_links_are_the_repository_copies() {
    let r = repo();
    // The user-facing folders stay where they were; the crates reach them through links.
    let pairs = [
        ("crates/perfpilot/skills", "skills"),
        ("crates/perfpilot-kernel/data/kernel.c", "examples/kernel-protocol/kernel.c"),
    ];
    for (inside, outside) in pairs {
        let a = r.join(inside).canonicalize().unwrap_or_else(|e| panic!("{inside}: {e}"));
        let b = r.join(outside).canonicalize().unwrap();
        assert_eq!(a, b, "{inside} must lead to {outside}");
    }
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(repo());
    c
}

#[test]
fn cargo_package_lists_the_embedded_files() {
    let out = cargo()
        .args(["package", "-p", "perfpilot", "--list", "--allow-dirty", "--offline"])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let skills = std::fs::read_dir(repo().join("skills")).unwrap().count();
    let packaged = list.lines().filter(|l| l.starts_with("skills/") && l.ends_with("/SKILL.md"));
    assert_eq!(packaged.count(), skills, "{list}");
    let out = cargo()
        .args(["package", "-p", "perfpilot-kernel", "--list", "--allow-dirty", "--offline"])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(list.lines().any(|l| l == "data/kernel.c"), "{list}");
}

/// Every crate packages (`cargo package --workspace --no-verify`, offline): each path
/// dependency carries a version (the workspace's `[workspace.dependencies]` entries), and
/// every packaged crate finds its siblings in the local overlay. Takes about 2 s.
#[test]
fn the_whole_workspace_packages_offline() {
    let dir = tempfile::tempdir().unwrap();
    let out = cargo()
        .args(["package", "--workspace", "--no-verify", "--allow-dirty", "--offline", "--locked"])
        .arg("--target-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let members = std::fs::read_dir(repo().join("crates")).unwrap().count();
    let crates = std::fs::read_dir(dir.path().join("package"))
        .unwrap()
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "crate")))
        .count();
    assert_eq!(crates, members, "{err}");
}

#[test]
fn capability_crates_do_not_build_terminal_crates() {
    for krate in [
        "perfpilot-trace",
        "perfpilot-capacity",
        "perfpilot-bench",
        "perfpilot-sim",
        "perfpilot-triage",
        "perfpilot-workload",
        "perfpilot-kernel",
        "perfpilot-sweep",
        "perfpilot-modelconfig",
    ] {
        let out = cargo()
            .args(["tree", "-p", krate, "-e", "normal", "--prefix", "none", "--offline"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let tree = String::from_utf8_lossy(&out.stdout);
        for terminal in ["indicatif ", "comfy-table ", "terminal_size "] {
            assert!(!tree.contains(terminal), "{krate} depends on {terminal}");
        }
    }
    // The binary still draws tables and progress bars.
    let out = cargo()
        .args(["tree", "-p", "perfpilot", "-e", "normal", "--prefix", "none", "--offline"])
        .output()
        .unwrap();
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(tree.contains("indicatif ") && tree.contains("comfy-table "), "{tree}");
}
