//! The git operations a loop needs: resolve, ancestry, cleanliness, diffs, content hashes
//! and exporting a commit's tree (so a benchmark never runs in the user's working tree).

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::LoopError;

/// Run `git -C repo ARGS`; its stdout, or an error quoting git's stderr.
pub fn git(repo: &Path, args: &[&str]) -> Result<String, LoopError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| LoopError::Invalid(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(LoopError::Invalid(format!(
            "git {} in {}: {}",
            args.join(" "),
            repo.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The repository's top-level directory.
pub fn toplevel(repo: &Path) -> Result<String, LoopError> {
    git(repo, &["rev-parse", "--show-toplevel"]).map(|s| s.trim().to_string()).map_err(|e| {
        LoopError::Invalid(format!("{} is not inside a git repository ({e})", repo.display()))
    })
}

/// The full commit id `rev` names.
pub fn commit_of(repo: &Path, rev: &str) -> Result<String, LoopError> {
    let spec = format!("{rev}^{{commit}}");
    git(repo, &["rev-parse", "--verify", "--quiet", &spec])
        .map(|s| s.trim().to_string())
        .map_err(|_| LoopError::Invalid(format!("`{rev}` is not a commit in {}", repo.display())))
}

/// Whether `ancestor` is an ancestor of (or equal to) `commit`.
pub fn is_ancestor(repo: &Path, ancestor: &str, commit: &str) -> Result<bool, LoopError> {
    let st = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["merge-base", "--is-ancestor", ancestor, commit])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| LoopError::Invalid(format!("cannot run git: {e}")))?;
    Ok(st.success())
}

/// Uncommitted changes and untracked files (`git status --porcelain`), except paths under
/// `ignore` (the state directory when it lies inside the repository).
pub fn dirty_paths(repo: &Path, ignore: Option<&str>) -> Result<Vec<String>, LoopError> {
    let out = git(repo, &["status", "--porcelain", "--untracked-files=normal"])?;
    Ok(out
        .lines()
        .filter(|l| l.len() > 3)
        .map(|l| l[3..].to_string())
        .filter(|p| ignore.is_none_or(|i| !(p == i || p.starts_with(&format!("{i}/")))))
        .collect())
}

/// Files changed between two commits, sorted.
pub fn changed_files(repo: &Path, from: &str, to: &str) -> Result<Vec<String>, LoopError> {
    let out = git(repo, &["diff", "--name-only", "--no-renames", from, to, "--"])?;
    let mut v: Vec<String> = out.lines().filter(|l| !l.is_empty()).map(str::to_string).collect();
    v.sort();
    Ok(v)
}

/// The unified diff between two commits (no colour, 0 context lines).
pub fn diff_text(repo: &Path, from: &str, to: &str) -> Result<String, LoopError> {
    git(repo, &["diff", "--no-color", "--no-ext-diff", "-U0", from, to, "--"])
}

/// The subject line of a commit.
pub fn subject(repo: &Path, commit: &str) -> String {
    git(repo, &["log", "-1", "--format=%s", commit])
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// The blob id of `path` at `commit`, or `missing`.
pub fn blob_id(repo: &Path, commit: &str, path: &str) -> String {
    git(repo, &["rev-parse", "--verify", "--quiet", &format!("{commit}:{path}")])
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "missing".into())
}

/// The git object id (SHA-1) of `text` as a blob: a stable content hash.
pub fn hash_text(repo: &Path, text: &str) -> Result<String, LoopError> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["hash-object", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| LoopError::Invalid(format!("cannot run git: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| LoopError::Invalid(format!("git hash-object: {e}")))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| LoopError::Invalid(format!("git hash-object: {e}")))?;
    if !out.status.success() {
        return Err(LoopError::Invalid(format!(
            "git hash-object: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Export the tree of `commit` into `dest` (removed first): `git archive | tar -x`.
pub fn export_tree(repo: &Path, commit: &str, dest: &Path) -> Result<(), LoopError> {
    if dest.exists() {
        std::fs::remove_dir_all(dest).map_err(|e| LoopError::io(dest, e))?;
    }
    std::fs::create_dir_all(dest).map_err(|e| LoopError::io(dest, e))?;
    let archive = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["archive", "--format=tar", commit])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| LoopError::Invalid(format!("cannot run git archive: {e}")))?;
    let stdout =
        archive.stdout.ok_or_else(|| LoopError::Invalid("git archive: no stdout".into()))?;
    let st = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(dest)
        .stdin(Stdio::from(stdout))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| LoopError::Invalid(format!("cannot run tar: {e}")))?;
    if !st.success() {
        return Err(LoopError::Invalid(format!(
            "exporting {commit} into {} failed (git archive | tar -x)",
            dest.display()
        )));
    }
    Ok(())
}
