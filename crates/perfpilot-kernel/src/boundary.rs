//! The task boundary: every file a candidate changed (`git diff --name-only BASE` plus
//! untracked files) must lie under one of the task's `allowed_paths`.

use std::path::{Path, PathBuf};
use std::process::Command;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::KernelError;
use crate::task::Task;

/// Files the harness itself writes into a task directory (never violations).
pub const GENERATED: &[&str] =
    &["results.jsonl", "calibration.json", "calibration.jsonl", "out/", "ledger.jsonl"];

/// One changed file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChangedFile {
    /// Path relative to the repository root.
    pub path: String,
    /// Under an allowed path.
    pub allowed: bool,
}

/// The boundary check's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Boundary {
    /// Repository root (empty when not checked).
    pub repo: String,
    /// The revision diffed against.
    pub base: String,
    /// The allowed path prefixes.
    pub allowed_paths: Vec<String>,
    /// Whether git was consulted.
    pub checked: bool,
    /// Changed files, sorted.
    pub changed: Vec<ChangedFile>,
    /// Changed files outside the boundary.
    pub violations: u32,
    /// One sentence.
    pub summary: String,
}

fn git(repo: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Check the boundary of the task in `dir` against revision `base`.
pub fn check_boundary(dir: &Path, task: &Task, base: &str) -> Result<Boundary, KernelError> {
    let repo = dir.join(&task.repo);
    let allowed: Vec<String> =
        task.allowed_paths.iter().map(|p| p.trim_start_matches("./").to_string()).collect();
    let top = match git(&repo, &["rev-parse", "--show-toplevel"]) {
        Ok(t) => PathBuf::from(t.trim()),
        Err(e) if allowed.is_empty() => {
            return Ok(Boundary {
                repo: String::new(),
                base: base.into(),
                allowed_paths: allowed,
                checked: false,
                changed: Vec::new(),
                violations: 0,
                summary: format!(
                    "not checked: no allowed_paths and {} is not a git repository ({e})",
                    repo.display()
                ),
            });
        }
        Err(e) => {
            return Err(KernelError::Invalid(format!(
                "{}: repo `{}` is not inside a git repository, so allowed_paths cannot be checked: {e}",
                dir.join(crate::task::TASK_FILE).display(),
                task.repo
            )));
        }
    };
    let diff = git(&top, &["diff", "--name-only", base, "--"]).map_err(|e| {
        KernelError::Invalid(format!("git diff --name-only {base} in {}: {e}", top.display()))
    })?;
    let untracked = git(&top, &["ls-files", "--others", "--exclude-standard"])
        .map_err(|e| KernelError::Invalid(format!("git ls-files in {}: {e}", top.display())))?;
    let task_rel = std::fs::canonicalize(dir)
        .ok()
        .zip(std::fs::canonicalize(&top).ok())
        .and_then(|(d, t)| d.strip_prefix(&t).ok().map(Path::to_path_buf))
        .unwrap_or_default();
    let generated: Vec<String> = GENERATED
        .iter()
        .map(|g| {
            let p = task_rel.join(g).display().to_string();
            if g.ends_with('/') && !p.ends_with('/') { format!("{p}/") } else { p }
        })
        .collect();
    let mut paths: Vec<String> = diff
        .lines()
        .chain(untracked.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter(|l| {
            !generated.iter().any(|g| *l == g || (g.ends_with('/') && l.starts_with(g.as_str())))
        })
        .map(str::to_string)
        .collect();
    paths.sort();
    paths.dedup();
    let under = |p: &str| {
        allowed.iter().any(|a| {
            let a = a.trim_end_matches('/');
            a.is_empty() || p == a || p.strip_prefix(a).is_some_and(|r| r.starts_with('/'))
        })
    };
    let changed: Vec<ChangedFile> =
        paths.into_iter().map(|p| ChangedFile { allowed: under(&p), path: p }).collect();
    let violations = changed.iter().filter(|c| !c.allowed).count() as u32;
    let summary = if violations == 0 {
        format!("{} changed file(s) against {base}, all inside {:?}", changed.len(), allowed)
    } else {
        let first: Vec<&str> =
            changed.iter().filter(|c| !c.allowed).take(3).map(|c| c.path.as_str()).collect();
        format!("{violations} changed file(s) outside {:?}: {}", allowed, first.join(", "))
    };
    Ok(Boundary {
        repo: top.display().to_string(),
        base: base.into(),
        allowed_paths: allowed,
        checked: true,
        changed,
        violations,
        summary,
    })
}
