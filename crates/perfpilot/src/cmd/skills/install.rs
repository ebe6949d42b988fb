//! Installing the embedded skills into an agent's skills directory without clobbering a
//! user's edits. A manifest (`.perfpilot-skills.json`) records the hash of every file we
//! wrote: a file that still has that hash is ours and may be upgraded; any other difference
//! is an edit, and is only replaced with `--force`. Conflicts are found before anything is
//! written, so a refused install leaves the directory as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::embedded::SkillFile;
use super::report::{Action, InstallReport, InstalledFile};

/// The manifest's file name inside the install directory.
pub const MANIFEST: &str = ".perfpilot-skills.json";

/// What we recorded at the last install.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    /// perfpilot version that wrote it.
    version: String,
    /// Relative path -> `fnv1a64:<hex>` of the content we wrote.
    files: BTreeMap<String, String>,
}

/// Install `files` into `dir`. With `force`, edited files are replaced too.
pub fn install(
    dir: &Path,
    agent: &str,
    files: &[&SkillFile],
    force: bool,
) -> anyhow::Result<InstallReport> {
    let manifest_path = dir.join(MANIFEST);
    let mut manifest = read_manifest(&manifest_path)?;

    let mut plan = Vec::new();
    let mut conflicts = Vec::new();
    for f in files {
        let rel = format!("{}/{}", f.skill, f.path);
        let target = dir.join(&rel);
        let action = match std::fs::read(&target) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Action::Created,
            Err(e) => anyhow::bail!("cannot read {}: {e}", target.display()),
            Ok(existing) if existing == f.text.as_bytes() => Action::Unchanged,
            Ok(existing) => {
                let ours = manifest.files.get(&rel).is_some_and(|h| *h == hash(&existing));
                if ours {
                    Action::Updated
                } else if force {
                    Action::Overwritten
                } else {
                    conflicts.push(target.clone());
                    continue;
                }
            }
        };
        plan.push((f, rel, target, action));
    }
    if !conflicts.is_empty() {
        let list: Vec<String> = conflicts.iter().map(|p| format!("  {}", p.display())).collect();
        anyhow::bail!(
            "refusing to overwrite {} skill file(s) changed since perfpilot installed them \
             (nothing was written):\n{}\nkeep your edits elsewhere, or pass --force to replace them",
            conflicts.len(),
            list.join("\n")
        );
    }

    let mut report = InstallReport {
        dir: dir.display().to_string(),
        agent: agent.to_string(),
        files: Vec::new(),
    };
    for (f, rel, target, action) in plan {
        if action != Action::Unchanged {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", parent.display()))?;
            }
            perfpilot_report::write_atomic(&target, f.text.as_bytes())
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", target.display()))?;
        }
        manifest.files.insert(rel.clone(), hash(f.text.as_bytes()));
        report.files.push(InstalledFile { skill: f.skill.to_string(), path: rel, action });
    }
    manifest.version = env!("CARGO_PKG_VERSION").to_string();
    let text = serde_json::to_string_pretty(&manifest)?;
    perfpilot_report::write_atomic(&manifest_path, format!("{text}\n").as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", manifest_path.display()))?;
    Ok(report)
}

fn read_manifest(path: &Path) -> anyhow::Result<Manifest> {
    match std::fs::read_to_string(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
        Err(e) => anyhow::bail!("cannot read {}: {e}", path.display()),
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "{}: not a perfpilot skills manifest ({e}); delete it to start over",
                path.display()
            )
        }),
    }
}

/// 64-bit FNV-1a: enough to tell "the bytes we wrote" from "anything else".
fn hash(bytes: &[u8]) -> String {
    format!("fnv1a64:{}", perfpilot_io::fnv1a64_hex(bytes))
}

/// The repository the current directory is in (the nearest ancestor with `.git`), or the
/// current directory when there is none.
pub fn repo_root(cwd: &Path) -> PathBuf {
    cwd.ancestors().find(|p| p.join(".git").exists()).unwrap_or(cwd).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: SkillFile = SkillFile { skill: "a-skill", path: "SKILL.md", text: "v2 text\n" };

    fn actions(r: &InstallReport) -> Vec<Action> {
        r.files.iter().map(|f| f.action).collect()
    }

    #[test]
    fn fresh_then_unchanged_then_upgrade_of_our_own_file() {
        let dir = tempfile::tempdir().unwrap();
        let r = install(dir.path(), "claude", &[&A], false).unwrap();
        assert_eq!(actions(&r), [Action::Created]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a-skill/SKILL.md")).unwrap(),
            "v2 text\n"
        );
        let r = install(dir.path(), "claude", &[&A], false).unwrap();
        assert_eq!(actions(&r), [Action::Unchanged]);

        // An older perfpilot wrote v1 and recorded it: upgrading replaces it quietly.
        let v1 = SkillFile { text: "v1 text\n", ..A };
        install(dir.path(), "claude", &[&v1], false).unwrap();
        let r = install(dir.path(), "claude", &[&A], false).unwrap();
        assert_eq!(actions(&r), [Action::Updated]);
    }

    #[test]
    fn an_edited_file_is_refused_without_force_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        install(dir.path(), "claude", &[&A], false).unwrap();
        let target = dir.path().join("a-skill/SKILL.md");
        std::fs::write(&target, "my notes\n").unwrap();
        let b = SkillFile { skill: "b-skill", path: "SKILL.md", text: "b\n" };
        let err = install(dir.path(), "claude", &[&A, &b], false).unwrap_err().to_string();
        assert!(err.contains("refusing to overwrite 1 skill file"), "{err}");
        assert!(err.contains("--force"), "{err}");
        assert!(!dir.path().join("b-skill").exists(), "nothing written on refusal");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "my notes\n");

        let r = install(dir.path(), "claude", &[&A, &b], true).unwrap();
        assert_eq!(actions(&r), [Action::Overwritten, Action::Created]);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "v2 text\n");
    }

    #[test]
    fn a_file_we_never_wrote_counts_as_edited() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a-skill")).unwrap();
        std::fs::write(dir.path().join("a-skill/SKILL.md"), "someone else's\n").unwrap();
        assert!(install(dir.path(), "codex", &[&A], false).is_err());
    }

    #[test]
    fn a_broken_manifest_is_reported_by_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MANIFEST), "not json").unwrap();
        let err = install(dir.path(), "claude", &[&A], false).unwrap_err().to_string();
        assert!(err.contains(MANIFEST) && err.contains("delete it"), "{err}");
    }

    #[test]
    fn fnv_matches_the_reference_vectors() {
        assert_eq!(hash(b""), "fnv1a64:cbf29ce484222325");
        assert_eq!(hash(b"a"), "fnv1a64:af63dc4c8601ec8c");
    }
}
