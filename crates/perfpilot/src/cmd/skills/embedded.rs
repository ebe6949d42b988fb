//! The skills shipped inside the binary (`skills/<name>/SKILL.md` in the repository,
//! embedded with `include_str!` so `perfpilot skills install` works from anywhere), and
//! their YAML front matter. They are read through `crates/perfpilot/skills`, a link to the
//! repository's `skills/`, so the crate's package holds them (`cargo package --list`).

use serde::Deserialize;

/// One embedded skill file.
pub struct SkillFile {
    /// The skill's folder name (= its `name` in the front matter).
    pub skill: &'static str,
    /// Path inside the skill folder (`SKILL.md`).
    pub path: &'static str,
    /// The file's text.
    pub text: &'static str,
}

macro_rules! skill {
    ($name:literal) => {
        SkillFile {
            skill: $name,
            path: "SKILL.md",
            text: include_str!(concat!("../../../skills/", $name, "/SKILL.md")),
        }
    };
}

/// Every shipped skill file, in a stable order. A test checks this matches `skills/`.
pub const FILES: &[SkillFile] = &[
    skill!("perfpilot-perf-loop"),
    skill!("perfpilot-profile-triage"),
    skill!("perfpilot-layer-analysis"),
    skill!("perfpilot-serving-benchmark"),
    skill!("perfpilot-capacity"),
    skill!("perfpilot-sim-whatif"),
    skill!("perfpilot-incident-triage"),
    skill!("perfpilot-kernel-ab"),
    skill!("perfpilot-bench-sweep"),
    skill!("perfpilot-sota-loop"),
];

/// The front matter every SKILL.md starts with (the Agent Skills format).
#[derive(Debug, Clone, Deserialize)]
pub struct FrontMatter {
    /// Skill name: lowercase letters, digits and `-`, at most 64 characters, equal to the
    /// folder name.
    pub name: String,
    /// What the skill does and when to use it (what the agent matches a task against).
    pub description: String,
}

/// Split `---\n<yaml>\n---\n<body>` and parse the YAML; the error says what is wrong.
pub fn front_matter(text: &str) -> Result<(FrontMatter, &str), String> {
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or("does not start with a `---` front matter line")?;
    let end = rest.find("\n---").ok_or("front matter has no closing `---` line")?;
    let yaml = &rest[..end];
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
    let fm: FrontMatter =
        yaml_serde::from_str(yaml).map_err(|e| format!("front matter is not valid YAML: {e}"))?;
    validate(&fm)?;
    Ok((fm, body))
}

fn validate(fm: &FrontMatter) -> Result<(), String> {
    let n = &fm.name;
    if n.is_empty() || n.len() > 64 {
        return Err(format!("name `{n}` must be 1-64 characters"));
    }
    if !n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        || n.starts_with('-')
        || n.ends_with('-')
        || n.contains("--")
    {
        return Err(format!("name `{n}` must be lowercase letters, digits and single `-`"));
    }
    let d = fm.description.trim();
    if d.is_empty() || d.chars().count() > 1024 {
        return Err(format!("description of `{n}` must be 1-1024 characters"));
    }
    Ok(())
}

/// The `perfpilot …` command lines in the skill's ```` ```bash ```` blocks.
pub fn commands(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_bash = false;
    let mut pending = String::new();
    for line in body.lines() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            if in_bash {
                in_bash = false;
            } else {
                in_bash = info.split_whitespace().next() == Some("bash");
            }
            continue;
        }
        if !in_bash {
            continue;
        }
        let piece = trimmed.trim_end();
        if let Some(cont) = piece.strip_suffix('\\') {
            pending.push_str(cont);
            continue;
        }
        pending.push_str(piece);
        let full = std::mem::take(&mut pending);
        if full.starts_with("perfpilot ") {
            out.push(full.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_skill_has_valid_front_matter_named_after_its_folder() {
        for f in FILES {
            let (fm, body) = front_matter(f.text).unwrap_or_else(|e| panic!("{}: {e}", f.skill));
            assert_eq!(fm.name, f.skill);
            assert!(!body.is_empty());
            assert!(
                !commands(body).is_empty(),
                "{}: no perfpilot command in a bash block",
                f.skill
            );
        }
    }

    #[test]
    fn front_matter_errors_say_what_is_wrong() {
        assert!(front_matter("# no front matter").unwrap_err().contains("---"));
        assert!(front_matter("---\nname: x\n").unwrap_err().contains("closing"));
        let bad = "---\nname: Bad_Name\ndescription: d\n---\nbody";
        assert!(front_matter(bad).unwrap_err().contains("lowercase"));
        let empty = "---\nname: ok\ndescription: ''\n---\nbody";
        assert!(front_matter(empty).unwrap_err().contains("description"));
        let folded = "---\nname: ok-name\ndescription: >\n  Use when\n  a trace\n---\nbody\n";
        let (fm, body) = front_matter(folded).unwrap();
        assert_eq!(fm.description.trim(), "Use when a trace");
        assert_eq!(body, "body\n");
    }

    #[test]
    fn commands_come_from_bash_blocks_with_continuations_joined() {
        let body = "text\n```bash\nperfpilot trace triage a.json \\\n  --format json\nls\n```\n\
                    ```text\nperfpilot not-run\n```\n";
        assert_eq!(commands(body), ["perfpilot trace triage a.json --format json"]);
    }
}
