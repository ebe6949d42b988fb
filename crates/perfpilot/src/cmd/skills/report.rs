//! The JSON results of `perfpilot skills list` and `perfpilot skills install`.

use perfpilot_report::{Document, Report, Section, Table};
use schemars::JsonSchema;
use serde::Serialize;

/// `perfpilot skills list`: the shipped skills.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SkillList {
    /// One entry per skill, by name.
    pub skills: Vec<SkillInfo>,
}

/// One shipped skill.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SkillInfo {
    /// Skill name (its folder name).
    pub name: String,
    /// When to use it (front matter `description`).
    pub description: String,
    /// The `perfpilot` command lines its bash blocks run.
    pub commands: Vec<String>,
}

impl Report for SkillList {
    fn schema_version(&self) -> &'static str {
        "perfpilot.skills.list/1"
    }

    fn document(&self) -> Document {
        let mut t = Table::new("skills", ["Skill", "When to use", "Commands"]);
        for s in &self.skills {
            let mut cmds: Vec<String> = s
                .commands
                .iter()
                .map(|c| c.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
                .collect();
            cmds.dedup();
            t.push_row(s.name.clone(), [s.name.clone(), s.description.clone(), cmds.join(", ")]);
        }
        Document::new("perfpilot skills").with_section(
            Section::new("Skills")
                .with_table(t)
                .with_text("Install them with `perfpilot skills install [--agent claude|codex]`."),
        )
    }
}

/// `perfpilot skills install`: what was written where.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct InstallReport {
    /// The directory the skills went into.
    pub dir: String,
    /// The agent the layout is for (`claude` or `codex`).
    pub agent: String,
    /// One entry per file, by path.
    pub files: Vec<InstalledFile>,
}

/// One installed file.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct InstalledFile {
    /// Skill name.
    pub skill: String,
    /// Path of the file, relative to `dir`.
    pub path: String,
    /// What happened to it.
    pub action: Action,
}

/// What `skills install` did with a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// It did not exist and was written.
    Created,
    /// It held an earlier perfpilot version (unchanged since install) and was replaced.
    Updated,
    /// It already had this content.
    Unchanged,
    /// It had been edited and was replaced because of `--force`.
    Overwritten,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Unchanged => "unchanged",
            Action::Overwritten => "overwritten",
        }
    }
}

impl Report for InstallReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.skills.install/1"
    }

    fn document(&self) -> Document {
        let mut t = Table::new("files", ["File", "Action"]);
        for f in &self.files {
            t.push_row(f.path.clone(), [f.path.clone(), f.action.as_str().to_string()]);
        }
        Document::new("perfpilot skills install")
            .with_fact("dir", self.dir.clone())
            .with_fact("agent", self.agent.clone())
            .with_section(Section::new("Files").with_table(t))
    }
}
