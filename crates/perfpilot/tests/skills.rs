//! The shipped skills (`skills/<name>/SKILL.md`): front matter and structure are checked,
//! they install into a fresh directory, and every ```` ```bash ```` block in them runs
//! against the in-repo fixtures with the built binary, so a skill cannot drift from the CLI.
//!
//! Block conventions (documented in docs/agents.md):
//! - ```` ```bash ```` blocks are run from the repository root with `perfpilot` on PATH and
//!   `$TMPDIR` pointing at a scratch directory; ```` ```text ```` blocks are illustrative
//!   and not run.
//! - ```` ```bash live-sim ```` blocks need a live OpenAI-compatible server: the test
//!   starts `perfpilot sim serve` and exports its base URL as `$PERFPILOT_URL`.
//! - A line `# expect-exit: N` in a block allows exit status N (default 0).
//! - Every JSON envelope a block prints must match its command's committed schema.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{assert_matches_schema, perfpilot, perfpilot_json, repo_root};
use serde::Deserialize;

/// Headings every skill has (case-insensitive prefixes of `## …` lines).
const REQUIRED_SECTIONS: &[&str] =
    &["when to use", "when not to use", "commands", "verify", "decision rules", "output contract"];

#[derive(Deserialize)]
struct FrontMatter {
    name: String,
    description: String,
}

struct Skill {
    folder: String,
    path: PathBuf,
    front: FrontMatter,
    body: String,
}

struct Block {
    info: String,
    code: String,
    line: usize,
}

fn skills() -> Vec<Skill> {
    let dir = repo_root().join("skills");
    let mut out = Vec::new();
    let mut entries: Vec<_> =
        std::fs::read_dir(&dir).expect("skills/").filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if !entry.path().is_dir() {
            continue;
        }
        let folder = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path().join("SKILL.md");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let rest = text
            .strip_prefix("---\n")
            .unwrap_or_else(|| panic!("{}: no front matter", path.display()));
        let end = rest
            .find("\n---\n")
            .unwrap_or_else(|| panic!("{}: unclosed front matter", path.display()));
        let front: FrontMatter = yaml_serde::from_str(&rest[..end])
            .unwrap_or_else(|e| panic!("{}: front matter: {e}", path.display()));
        let body = rest[end + 5..].to_string();
        out.push(Skill { folder, path, front, body });
    }
    assert!(!out.is_empty(), "no skills under skills/");
    out
}

fn blocks(body: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    for (i, line) in body.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            match current.take() {
                Some(b) => out.push(b),
                None => {
                    current = Some(Block {
                        info: info.trim().to_string(),
                        code: String::new(),
                        line: i + 1,
                    })
                }
            }
            continue;
        }
        if let Some(b) = current.as_mut() {
            b.code.push_str(line);
            b.code.push('\n');
        }
    }
    assert!(current.is_none(), "unclosed code block");
    out
}

#[test]
fn front_matter_names_the_folder_and_says_when_to_use_it() {
    for s in skills() {
        let p = s.path.display();
        assert_eq!(s.front.name, s.folder, "{p}: name must equal the folder name");
        assert!(s.front.name.len() <= 64, "{p}");
        assert!(
            s.front.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{p}: name must be lowercase letters, digits and -"
        );
        let d = s.front.description.trim();
        assert!(
            d.len() >= 80 && d.chars().count() <= 1024,
            "{p}: description must be 80-1024 characters"
        );
        assert!(
            d.to_lowercase().contains("use when"),
            "{p}: description must say when to use the skill"
        );
    }
}

#[test]
fn every_skill_has_the_required_sections_and_runnable_commands() {
    for s in skills() {
        let headings: Vec<String> = s
            .body
            .lines()
            .filter_map(|l| l.strip_prefix("## "))
            .map(|h| h.trim().to_lowercase())
            .collect();
        for want in REQUIRED_SECTIONS {
            assert!(
                headings.iter().any(|h| h.starts_with(want)),
                "{}: missing a `## {want}…` section (has {headings:?})",
                s.path.display()
            );
        }
        let runnable = blocks(&s.body).iter().filter(|b| b.info.starts_with("bash")).count();
        assert!(runnable > 0, "{}: no ```bash block to run", s.path.display());
    }
}

#[test]
fn the_binary_embeds_exactly_the_skills_in_the_repo() {
    let on_disk: BTreeSet<String> = skills().into_iter().map(|s| s.folder).collect();
    let listed = perfpilot_json(&["skills", "list", "--format", "json"]);
    assert_matches_schema(&listed, "perfpilot skills list");
    let embedded: BTreeSet<String> = listed["result"]["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(on_disk, embedded, "add the skill to FILES in cmd/skills/embedded.rs");
    for s in skills() {
        let out = perfpilot(&["skills", "show", &s.folder]);
        assert!(out.status.success());
        let disk = std::fs::read_to_string(&s.path).unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), disk, "{}", s.folder);
    }
}

#[test]
fn docs_agents_md_lists_every_skill() {
    let docs = std::fs::read_to_string(repo_root().join("docs/agents.md")).unwrap();
    for s in skills() {
        assert!(
            docs.contains(&format!("`{}`", s.folder)),
            "docs/agents.md does not list `{}`",
            s.folder
        );
    }
}

#[test]
fn skills_install_into_a_fresh_directory_and_protect_edits() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("fresh/.claude/skills");
    let d = dir.to_str().unwrap();
    let env = perfpilot_json(&["skills", "install", "--dir", d, "--format", "json"]);
    let all = skills();
    let files = env["result"]["files"].as_array().unwrap();
    assert_eq!(files.len(), all.len());
    assert!(files.iter().all(|f| f["action"] == "created"), "{env}");
    for s in &all {
        let installed = std::fs::read_to_string(dir.join(&s.folder).join("SKILL.md")).unwrap();
        assert_eq!(installed, std::fs::read_to_string(&s.path).unwrap());
    }
    let again = perfpilot_json(&["skills", "install", "--dir", d, "--format", "json"]);
    assert!(
        again["result"]["files"].as_array().unwrap().iter().all(|f| f["action"] == "unchanged")
    );

    // A user edit is protected unless --force.
    let edited = dir.join(&all[0].folder).join("SKILL.md");
    std::fs::write(&edited, "my own notes\n").unwrap();
    let out = perfpilot(&["skills", "install", "--dir", d]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refusing to overwrite") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&edited).unwrap(), "my own notes\n");
    let out = perfpilot(&["skills", "install", "--dir", d, "--force", "--format", "json"]);
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(&edited).unwrap(),
        std::fs::read_to_string(&all[0].path).unwrap()
    );
}

#[test]
fn default_install_goes_to_the_repository_agent_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("sub/dir")).unwrap();
    for (agent, dir) in [("claude", ".claude/skills"), ("codex", ".agents/skills")] {
        let out = Command::new(common::bin())
            .args(["skills", "install", "--agent", agent, "--format", "json"])
            .current_dir(repo.join("sub/dir"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let first = skills().remove(0).folder;
        assert!(repo.join(dir).join(first).join("SKILL.md").is_file(), "{agent}");
    }
}

fn run_block(skill: &Skill, block: &Block, tmp: &Path, live_url: Option<&str>) {
    let where_ = format!("{} (block at line {})", skill.path.display(), block.line);
    let expected: i32 = block
        .code
        .lines()
        .find_map(|l| l.trim().strip_prefix("# expect-exit:"))
        .map(|n| n.trim().parse().expect("expect-exit: N"))
        .unwrap_or(0);
    let bin_dir = common::bin().parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut cmd = Command::new("bash");
    cmd.args(["-euo", "pipefail", "-c", &block.code])
        .current_dir(repo_root())
        .env("PATH", path)
        .env("TMPDIR", tmp);
    if let Some(url) = live_url {
        cmd.env("PERFPILOT_URL", url);
    }
    let out = cmd.output().expect("run bash");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(expected),
        "{where_}: exit status\n--- block ---\n{}--- stdout ---\n{}\n--- stderr ---\n{stderr}",
        block.code,
        stdout.chars().take(4000).collect::<String>()
    );
    assert!(!stdout.trim().is_empty(), "{where_}: the block printed nothing");
    // Every JSON envelope printed must match its schema.
    let mut stream = serde_json::Deserializer::from_str(&stdout).into_iter::<serde_json::Value>();
    while let Some(Ok(v)) = stream.next() {
        if v.get("schema_version").is_some() && v.get("command").is_some() {
            assert_matches_schema(&v, &where_);
        }
    }
}

#[test]
fn every_bash_block_in_every_skill_runs_against_the_fixtures() {
    let mut live: Option<(common::SimServer, String)> = None;
    let scratch = tempfile::tempdir().unwrap();
    let mut ran = 0;
    for skill in skills() {
        // One scratch `$TMPDIR` per skill: its blocks are followed top to bottom, as in
        // one shell session (a later block may read what an earlier one wrote).
        let tmp = tempfile::tempdir().unwrap();
        for block in blocks(&skill.body) {
            let mut words = block.info.split_whitespace();
            if words.next() != Some("bash") {
                continue;
            }
            let needs_sim = words.any(|w| w == "live-sim");
            let url = if needs_sim {
                if live.is_none() {
                    live = common::start_sim(scratch.path());
                }
                match &live {
                    Some((_, url)) => Some(url.clone()),
                    None => panic!(
                        "{}: a live-sim block, but `perfpilot sim serve` is not available",
                        skill.path.display()
                    ),
                }
            } else {
                None
            };
            run_block(&skill, &block, tmp.path(), url.as_deref());
            ran += 1;
        }
    }
    drop(live);
    assert!(ran > 0);
}
