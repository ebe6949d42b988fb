//! The review checklist (section 6 of the loop notes) as data (`data/checklist.toml`,
//! embedded; `--checklist FILE` replaces it) and its evaluation on a unified diff: each
//! item touched or not, with the changed lines that touch it.

use std::path::Path;

use regex::{Regex, RegexBuilder};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::LoopError;

/// The embedded checklist.
pub const BUILTIN: &str = include_str!("../data/checklist.toml");
/// Its schema version.
pub const CHECKLIST_SCHEMA: &str = "perfpilot.loop.checklist/1";

/// One checklist item as data.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemSpec {
    id: String,
    title: String,
    question: String,
    source: String,
    lines: Vec<String>,
    paths: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    schema_version: String,
    item: Vec<ItemSpec>,
}

/// A compiled checklist.
#[derive(Debug, Clone)]
pub struct Checklist {
    items: Vec<(ItemSpec, Vec<Regex>, Vec<Regex>)>,
}

/// A changed line that touches an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LineRef {
    /// File (new path; old path for a deleted file).
    pub file: String,
    /// Line number (new side for `+`, old side for `-`; 0 for a path match).
    pub line: u32,
    /// `+`, `-`, or `path`.
    pub side: String,
    /// The line (trimmed, at most 200 characters).
    pub text: String,
}

/// One evaluated item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChecklistItem {
    /// Stable id (`shapes`, `dtypes`, …).
    pub id: String,
    /// Title.
    pub title: String,
    /// The question to answer.
    pub question: String,
    /// Where the item comes from.
    pub source: String,
    /// Whether the diff touches it.
    pub touched: bool,
    /// The lines that touch it (at most 20).
    pub lines: Vec<LineRef>,
    /// Lines beyond the 20 shown.
    pub more_lines: u32,
    /// The recorded answer.
    pub answer: Option<String>,
}

fn compile(pats: &[String], id: &str, what: &str, file: &str) -> Result<Vec<Regex>, LoopError> {
    pats.iter()
        .map(|p| {
            RegexBuilder::new(p).case_insensitive(true).build().map_err(|e| {
                LoopError::Invalid(format!("{file}: item `{id}`: {what} pattern `{p}`: {e}"))
            })
        })
        .collect()
}

impl Checklist {
    /// Parse a checklist TOML (`file` names it in errors).
    pub fn parse(text: &str, file: &str) -> Result<Checklist, LoopError> {
        let spec: Spec = toml::from_str(text).map_err(|e| {
            LoopError::Invalid(format!("{file}: not a loop checklist: {}", e.message()))
        })?;
        if spec.schema_version != CHECKLIST_SCHEMA {
            return Err(LoopError::Invalid(format!(
                "{file}: schema_version `{}`, expected `{CHECKLIST_SCHEMA}`",
                spec.schema_version
            )));
        }
        let mut items = Vec::new();
        for it in spec.item {
            let l = compile(&it.lines, &it.id, "lines", file)?;
            let p = compile(&it.paths, &it.id, "paths", file)?;
            items.push((it, l, p));
        }
        Ok(Checklist { items })
    }

    /// The built-in checklist, or `path`'s.
    pub fn load(path: Option<&Path>) -> Result<Checklist, LoopError> {
        match path {
            None => Checklist::parse(BUILTIN, "built-in checklist"),
            Some(p) => {
                let text =
                    perfpilot_io::read_to_string_bounded(p).map_err(|e| LoopError::io(p, e))?;
                Checklist::parse(&text, &p.display().to_string())
            }
        }
    }

    /// Evaluate on a unified diff (`git diff -U0` or a PR's `.diff`).
    pub fn evaluate(&self, diff: &str) -> Vec<ChecklistItem> {
        let changes = parse_diff(diff);
        let files: Vec<&str> = {
            let mut f: Vec<&str> = changes.iter().map(|c| c.file.as_str()).collect();
            f.dedup();
            f
        };
        self.items
            .iter()
            .map(|(spec, lines, paths)| {
                let mut hits = Vec::new();
                for f in &files {
                    if paths.iter().any(|r| r.is_match(f)) {
                        hits.push(LineRef {
                            file: f.to_string(),
                            line: 0,
                            side: "path".into(),
                            text: String::new(),
                        });
                    }
                }
                for c in &changes {
                    if lines.iter().any(|r| r.is_match(&c.text)) {
                        hits.push(c.clone());
                    }
                }
                let total = hits.len();
                hits.truncate(20);
                ChecklistItem {
                    id: spec.id.clone(),
                    title: spec.title.clone(),
                    question: spec.question.clone(),
                    source: spec.source.clone(),
                    touched: total > 0,
                    lines: hits,
                    more_lines: total.saturating_sub(20) as u32,
                    answer: None,
                }
            })
            .collect()
    }
}

/// The changed lines of a unified diff with their file and line number.
pub fn parse_diff(diff: &str) -> Vec<LineRef> {
    let mut out = Vec::new();
    let (mut old_file, mut new_file) = (String::new(), String::new());
    let (mut old_no, mut new_no) = (0u32, 0u32);
    for line in diff.lines() {
        if let Some(p) = line.strip_prefix("--- ") {
            old_file = p.trim().trim_start_matches("a/").to_string();
        } else if let Some(p) = line.strip_prefix("+++ ") {
            new_file = p.trim().trim_start_matches("b/").to_string();
        } else if let Some(h) = line.strip_prefix("@@ ") {
            let mut parts = h.split_whitespace();
            old_no = hunk_start(parts.next().unwrap_or(""), '-');
            new_no = hunk_start(parts.next().unwrap_or(""), '+');
        } else if line.starts_with("diff --git") {
            old_file.clear();
            new_file.clear();
        } else if let Some(t) = line.strip_prefix('+') {
            out.push(change(&new_file, &old_file, new_no, "+", t));
            new_no += 1;
        } else if let Some(t) = line.strip_prefix('-') {
            out.push(change(&new_file, &old_file, old_no, "-", t));
            old_no += 1;
        } else if line.starts_with(' ') {
            old_no += 1;
            new_no += 1;
        }
    }
    out
}

fn change(new_file: &str, old_file: &str, line: u32, side: &str, text: &str) -> LineRef {
    let file = if new_file.is_empty() || new_file == "/dev/null" { old_file } else { new_file };
    LineRef {
        file: file.to_string(),
        line,
        side: side.into(),
        text: text.trim().chars().take(200).collect(),
    }
}

fn hunk_start(s: &str, sign: char) -> u32 {
    s.trim_start_matches(sign).split(',').next().and_then(|n| n.parse().ok()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_and_marks_lines() {
        let c = Checklist::load(None).unwrap();
        let diff = "diff --git a/src/k.c b/src/k.c\n--- a/src/k.c\n+++ b/src/k.c\n@@ -3,0 +4,2 @@\n+  float acc = 0;\n+  for (i = 0; i < n; i += 4) {}\n@@ -10 +12 @@\n-  if (bf16) return;\n+  return;\n";
        let items = c.evaluate(diff);
        let dt = items.iter().find(|i| i.id == "dtypes").unwrap();
        assert!(dt.touched);
        assert_eq!(
            dt.lines.iter().map(|l| (l.line, l.side.as_str())).collect::<Vec<_>>(),
            vec![(4, "+"), (10, "-")]
        );
        assert!(!items.iter().find(|i| i.id == "distributed").unwrap().touched);
    }

    #[test]
    fn bad_pattern_names_the_item() {
        let e = Checklist::parse(
            "schema_version = \"perfpilot.loop.checklist/1\"\n[[item]]\nid='x'\ntitle='t'\nquestion='q'\nsource='s'\nlines=['(']\npaths=[]\n",
            "c.toml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("c.toml: item `x`"), "{e}");
    }
}
