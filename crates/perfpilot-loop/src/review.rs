//! `loop review`: the checklist derived from a round's diff (candidate against the best it
//! was compared with), the round's reviewer findings, and the answers to both.

use std::path::{Path, PathBuf};

use perfpilot_report::{Document, Report, Section, Table};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::checklist::{Checklist, ChecklistItem};
use crate::state::{self, ChecklistAnswer, Finding, State};
use crate::{LoopError, git, ledger, lock};

/// What `loop review` needs.
#[derive(Debug, Clone)]
pub struct ReviewOptions {
    /// State directory.
    pub dir: PathBuf,
    /// Round (default: the last).
    pub round: Option<u32>,
    /// Answers `ID=TEXT` (checklist item ids or finding ids); recording them takes the lock.
    pub answers: Vec<String>,
    /// Checklist replacing the built-in one.
    pub checklist: Option<PathBuf>,
    /// Review this unified diff (an upstream PR's `.diff`) instead of a round: no state
    /// is read or written, `dir` and `round` are ignored, answers are refused.
    pub diff: Option<PathBuf>,
}

/// The result of `loop review`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ReviewReport {
    /// State directory.
    pub dir: String,
    /// The round reviewed.
    pub round: u32,
    /// The diff's base (the best the round was compared with).
    pub base: String,
    /// The round's candidate.
    pub candidate: String,
    /// Files changed.
    pub files: Vec<String>,
    /// The checklist, in its fixed order.
    pub items: Vec<ChecklistItem>,
    /// Touched items without an answer.
    pub unanswered_touched: u32,
    /// The round's reviewer findings.
    pub findings: Vec<Finding>,
    /// Answers recorded by this invocation.
    pub recorded: u32,
}

impl Report for ReviewReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.loop.review/1"
    }
    fn document(&self) -> Document {
        let mut t = Table::new("checklist", ["item", "touched", "lines", "answer"]);
        for it in &self.items {
            let lines: Vec<String> = it
                .lines
                .iter()
                .take(4)
                .map(|l| {
                    if l.side == "path" {
                        format!("{} (path)", l.file)
                    } else {
                        format!("{}:{} {}", l.file, l.line, l.text)
                    }
                })
                .collect();
            let more = it.lines.len().saturating_sub(4) + it.more_lines as usize;
            let mut cell = lines.join("; ");
            if more > 0 {
                cell.push_str(&format!("; +{more} more"));
            }
            t.push_row(
                it.id.clone(),
                [
                    it.title.clone(),
                    if it.touched { "yes".into() } else { "no".into() },
                    cell,
                    it.answer.clone().unwrap_or_default(),
                ],
            );
        }
        let title = if self.dir.is_empty() {
            format!("Review checklist: {}", self.candidate)
        } else {
            format!("Loop review: round {}", self.round)
        };
        let mut doc = Document::new(title).with_section(
            Section::new("Diff")
                .with_facts([
                    ("base".to_string(), self.base.clone()),
                    ("candidate".into(), self.candidate.clone()),
                    ("files".into(), self.files.join(", ")),
                    ("touched items unanswered".into(), self.unanswered_touched.to_string()),
                ])
                .with_table(t),
        );
        let q: Vec<String> = self
            .items
            .iter()
            .filter(|i| i.touched)
            .map(|i| format!("{}: {}", i.id, i.question))
            .collect();
        if !q.is_empty() {
            doc.push(Section::new("Questions for the touched items").with_list(q));
        }
        if !self.findings.is_empty() {
            let mut f = Table::new("findings", ["id", "severity", "blocking", "finding", "answer"]);
            for x in &self.findings {
                f.push_row(
                    x.id.clone(),
                    [
                        x.id.clone(),
                        format!("P{}", x.finding.severity),
                        x.blocking.to_string(),
                        x.finding.text.clone(),
                        x.answer.clone().unwrap_or_default(),
                    ],
                );
            }
            doc.push(Section::new("Reviewer findings").with_table(f));
        }
        doc
    }
}

/// The checklist of a round with the answers recorded so far.
pub fn checklist_of(
    st: &State,
    round: u32,
    checklist: &Checklist,
) -> Result<(String, String, Vec<String>, Vec<ChecklistItem>), LoopError> {
    let rec = st.rounds.iter().find(|r| r.round == round).ok_or_else(|| {
        LoopError::Invalid(format!(
            "round {round} has not finished (rounds: 1..={})",
            st.rounds.len()
        ))
    })?;
    let repo = Path::new(&st.repo);
    let diff = git::diff_text(repo, &rec.parent, &rec.commit)?;
    let files = git::changed_files(repo, &rec.parent, &rec.commit)?;
    let mut items = checklist.evaluate(&diff);
    for it in &mut items {
        it.answer = st
            .answers
            .iter()
            .rev()
            .find(|a| a.round == round && a.item == it.id)
            .map(|a| a.answer.clone());
    }
    Ok((rec.parent.clone(), rec.commit.clone(), files, items))
}

/// The checklist of a unified diff file, outside any loop.
pub fn review_diff(file: &Path, checklist: &Checklist) -> Result<ReviewReport, LoopError> {
    let text = perfpilot_io::read_to_string_bounded(file).map_err(|e| LoopError::io(file, e))?;
    let changes = crate::checklist::parse_diff(&text);
    if changes.is_empty() {
        return Err(LoopError::Invalid(format!(
            "{}: no changed line found: expected a unified diff (`git diff`, a PR's .diff)",
            file.display()
        )));
    }
    let mut files: Vec<String> = changes.iter().map(|c| c.file.clone()).collect();
    files.sort();
    files.dedup();
    let items = checklist.evaluate(&text);
    let unanswered_touched = items.iter().filter(|i| i.touched).count() as u32;
    Ok(ReviewReport {
        dir: String::new(),
        round: 0,
        base: "-".into(),
        candidate: file.display().to_string(),
        files,
        items,
        unanswered_touched,
        findings: Vec::new(),
        recorded: 0,
    })
}

/// Run `loop review`.
pub fn run_review(o: &ReviewOptions) -> Result<ReviewReport, LoopError> {
    let checklist = Checklist::load(o.checklist.as_deref())?;
    if let Some(file) = &o.diff {
        if !o.answers.is_empty() {
            return Err(LoopError::Invalid(
                "--answer records an answer for a loop's round; it cannot go with --diff".into(),
            ));
        }
        return review_diff(file, &checklist);
    }
    let _lock = if o.answers.is_empty() { None } else { Some(lock::acquire(&o.dir)?) };
    let mut st = State::load(&o.dir)?;
    let round = match o.round {
        Some(r) => r,
        None => st.rounds.last().map(|r| r.round).ok_or_else(|| {
            LoopError::Invalid(format!("{}: no round has finished yet", o.dir.display()))
        })?,
    };
    let (base, candidate, files, _) = checklist_of(&st, round, &checklist)?;
    let mut recorded = 0;
    for a in &o.answers {
        let (id, text) = a.split_once('=').ok_or_else(|| {
            LoopError::Invalid(format!(
                "--answer `{a}`: expected ID=TEXT (a checklist item or finding id)"
            ))
        })?;
        let (id, text) = (id.trim(), text.trim());
        if text.is_empty() {
            return Err(LoopError::Invalid(format!("--answer `{a}`: the answer is empty")));
        }
        if let Some(f) = st.findings.iter_mut().find(|f| f.id == id) {
            f.answer = Some(text.to_string());
        } else if checklist.evaluate("").iter().any(|i| i.id == id) {
            st.answers.push(ChecklistAnswer {
                round,
                item: id.to_string(),
                answer: text.to_string(),
            });
        } else {
            return Err(LoopError::Invalid(format!(
                "--answer `{a}`: `{id}` is neither a checklist item nor a finding id of this loop"
            )));
        }
        recorded += 1;
        state::journal(
            &o.dir,
            "answer",
            serde_json::json!({ "round": round, "id": id, "answer": text }),
        )?;
    }
    if recorded > 0 {
        st.save(&o.dir)?;
        ledger::write_ledgers(&o.dir, &st)?;
    }
    let (_, _, _, items) = checklist_of(&st, round, &checklist)?;
    let unanswered_touched =
        items.iter().filter(|i| i.touched && i.answer.is_none()).count() as u32;
    Ok(ReviewReport {
        dir: o.dir.display().to_string(),
        round,
        base,
        candidate,
        files,
        items,
        unanswered_touched,
        findings: st.findings.iter().filter(|f| f.round == round).cloned().collect(),
        recorded,
    })
}
