//! `bench sweep validate`: the plan's own problems plus the checks that need the rules:
//! flags against a captured `--help` (or the static allowlist), sequence limits against
//! max(input + output) for every planned candidate, host/port replaced, budget.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use perfpilot_report::{Document, Report, Section, Table};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::SweepError;
use crate::candidates::{Candidate, argv, stage1, stage2_rule};
use crate::plan::{FlagValue, Framework, Loaded, Plan, Problem, Severity, load};
use crate::rules::{Absent, Rules};

/// One planned candidate as rendered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RenderedCandidate {
    /// Framework.
    pub framework: String,
    /// Candidate id.
    pub candidate: String,
    /// Stage (`baseline`, `one_at_a_time`).
    pub stage: crate::Stage,
    /// Why it exists.
    pub reason: String,
    /// The exact argv (`{port}` stands for the free port chosen at launch).
    pub argv: Vec<String>,
}

/// The result of `validate`, `render` and `--dry-run`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PlanReport {
    /// The plan file.
    pub plan: PathBuf,
    /// True when there is no error.
    pub ok: bool,
    /// Every problem, in line order.
    pub problems: Vec<Problem>,
    /// Baseline and stage-1 candidates per framework, in order.
    pub candidates: Vec<RenderedCandidate>,
    /// Stage 2's rule, per framework.
    pub stage2: Vec<String>,
    /// Scenarios (name, input, output).
    pub scenarios: Vec<crate::plan::Scenario>,
    /// Whether the candidate table is shown (render / dry-run) or not (validate).
    pub show_candidates: bool,
}

impl Report for PlanReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.bench.sweep.plan/1"
    }

    fn document(&self) -> Document {
        let mut doc = Document::new("Sweep plan")
            .with_fact("plan", self.plan.display().to_string())
            .with_fact("verdict", if self.ok { "OK" } else { "INVALID" });
        let mut t = Table::new("problems", ["line", "severity", "key", "problem"]).right(&["line"]);
        for (i, p) in self.problems.iter().enumerate() {
            let sev = match p.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            t.push_row(
                format!("p{i}"),
                [
                    p.line.map(|l| l.to_string()).unwrap_or_default(),
                    sev.into(),
                    p.path.clone(),
                    p.message.clone(),
                ],
            );
        }
        doc.push(Section::new("Problems").with_table(t));
        if self.show_candidates {
            let mut t =
                Table::new("candidates", ["framework", "candidate", "stage", "reason", "argv"]);
            for c in &self.candidates {
                t.push_row(
                    format!("{}/{}", c.framework, c.candidate),
                    [
                        c.framework.clone(),
                        c.candidate.clone(),
                        format!("{:?}", c.stage),
                        c.reason.clone(),
                        c.argv.join(" "),
                    ],
                );
            }
            doc.push(Section::new("Candidates (baseline and stage 1)").with_table(t));
            doc.push(Section::new("Stage 2").with_list(self.stage2.clone()));
        }
        doc
    }

    fn check_failed(&self) -> bool {
        !self.ok
    }
}

/// Load, check and render a plan. `Err` only when the file cannot be read.
pub fn check_plan(
    path: &Path,
    rules: &Rules,
    show_candidates: bool,
) -> Result<(Loaded, PlanReport), SweepError> {
    let mut loaded = load(path, rules)?;
    let mut candidates = Vec::new();
    let mut stage2 = Vec::new();
    if let Some(plan) = loaded.plan.clone() {
        for fw in plan.frameworks.iter().filter(|f| f.enabled) {
            let budget = plan.search.max_candidates_per_framework;
            let (cands, dropped) = stage1(fw, budget);
            let mut problems = check_framework(&plan, fw, &cands, &loaded);
            if !dropped.is_empty() {
                problems.push(problem(
                    &loaded,
                    Severity::Warning,
                    &format!("frameworks.{}.search_space", fw.name),
                    format!(
                        "the budget ({budget} candidates, baseline included) leaves out {} stage-1 change(s): {}",
                        dropped.len(),
                        dropped.join(", ")
                    ),
                ));
            }
            loaded.problems.extend(problems);
            for c in &cands {
                candidates.push(RenderedCandidate {
                    framework: fw.name.clone(),
                    candidate: c.id.clone(),
                    stage: c.stage,
                    reason: c.reason.clone(),
                    argv: render_argv(&plan, fw, c),
                });
            }
            stage2.push(stage2_rule(fw, budget, cands.len()));
        }
        loaded.problems.sort_by_key(|p| (p.line.unwrap_or(u64::MAX), p.severity));
        if loaded.has_errors() {
            loaded.plan = None;
        }
    }
    let report = PlanReport {
        plan: path.to_path_buf(),
        ok: !loaded.has_errors(),
        problems: loaded.problems.clone(),
        candidates,
        stage2,
        scenarios: loaded.plan.as_ref().map(|p| p.scenarios.clone()).unwrap_or_default(),
        show_candidates,
    };
    Ok((loaded, report))
}

/// The argv shown for a candidate (`{port}` for the port chosen at launch).
pub fn render_argv(plan: &Plan, fw: &Framework, c: &Candidate) -> Vec<String> {
    let mut a = argv(fw, &plan.model, &c.flags, "127.0.0.1", 0);
    if let Some(last) = a.last_mut() {
        *last = "{port}".into();
    }
    a
}

fn problem(l: &Loaded, severity: Severity, path: &str, message: String) -> Problem {
    Problem { severity, path: path.to_string(), line: l.lines.line(path), message }
}

fn norm(k: &str) -> String {
    k.trim_start_matches('-').replace('-', "_")
}

fn check_framework(plan: &Plan, fw: &Framework, cands: &[Candidate], l: &Loaded) -> Vec<Problem> {
    let mut out = Vec::new();
    let base = format!("frameworks.{}.base_server_flags", fw.name);
    let space = format!("frameworks.{}.search_space", fw.name);
    let key_path = |k: &str| {
        if fw.base_flags.iter().any(|(b, _)| b == k) {
            format!("{base}.{k}")
        } else {
            format!("{space}.{k}")
        }
    };
    // Host and port: replaced, never a reason to refuse.
    for (k, v) in &fw.base_flags {
        let nk = norm(k);
        if nk == norm(&fw.rules.host_flag) || nk == norm(&fw.rules.port_flag) {
            out.push(problem(
                l,
                Severity::Warning,
                &format!("{base}.{k}"),
                format!(
                    "{k}: {} is replaced by the orchestrator's own (127.0.0.1 and a free port)",
                    v.label()
                ),
            ));
        }
    }
    // Flags against the captured --help, else the static allowlist.
    let keys: BTreeSet<&str> = fw
        .base_flags
        .iter()
        .map(|(k, _)| k.as_str())
        .chain(fw.search_space.iter().map(|(k, _)| k.as_str()))
        .collect();
    match &fw.help_file {
        Some(h) => match std::fs::read_to_string(h) {
            Ok(text) => {
                let known = help_flags(&text);
                for k in &keys {
                    let nk = norm(k);
                    if !known.contains(&nk) {
                        out.push(problem(
                            l,
                            Severity::Error,
                            &key_path(k),
                            format!(
                                "`{k}` is not a flag of {} (neither kebab nor snake spelling)",
                                h.display()
                            ),
                        ));
                    }
                }
            }
            Err(e) => out.push(problem(
                l,
                Severity::Error,
                &format!("frameworks.{}.help_file", fw.name),
                format!("{}: {e}", h.display()),
            )),
        },
        None if !fw.rules.known_flags.is_empty() => {
            for k in &keys {
                let nk = norm(k);
                if !fw.rules.known_flags.iter().any(|f| norm(f) == nk) {
                    out.push(problem(
                        l,
                        Severity::Warning,
                        &key_path(k),
                        format!(
                            "`{k}` is not in the static allowlist of {} ({}); give help_file to check it against the real CLI",
                            fw.rules.name, fw.rules.source
                        ),
                    ));
                }
            }
        }
        None => {}
    }
    // Sequence limits: every planned candidate's effective flags.
    let required = plan.required_seq_len();
    let mut seen = BTreeSet::new();
    for rule in &fw.rules.sequence_limit {
        for c in cands {
            let get = |k: &str| c.flags.iter().find(|(f, _)| norm(f) == norm(k)).map(|(_, v)| v);
            let limit = match get(&rule.flag) {
                None | Some(FlagValue::Null) => {
                    if rule.absent == Absent::Error && seen.insert(format!("absent/{}", rule.flag))
                    {
                        out.push(problem(
                            l,
                            Severity::Error,
                            &base,
                            format!(
                                "`{}` is not set: counts as 0, below max(input+output) = {required} ({})",
                                rule.flag, rule.source
                            ),
                        ));
                    }
                    continue;
                }
                Some(v) => match v.number() {
                    Some(x) => x,
                    None => continue,
                },
            };
            let divisor = match &rule.divide_by {
                Some(d) => get(d)
                    .and_then(FlagValue::number)
                    .or(rule.divisor_default)
                    .unwrap_or(1.0)
                    .max(1.0),
                None => 1.0,
            };
            let per = limit / divisor;
            if per < required as f64 {
                let path = match c.changes.first() {
                    Some((k, _)) => format!("{space}.{k}"),
                    None => key_path(&rule.flag),
                };
                let split = if divisor > 1.0 {
                    format!(" / {divisor} slots = {per}")
                } else {
                    String::new()
                };
                if seen.insert(format!("{}/{}", c.id, rule.flag)) {
                    out.push(problem(
                        l,
                        Severity::Error,
                        &path,
                        format!(
                            "candidate {}: {} = {limit}{split} < max(input+output) = {required}: the longest scenario cannot fit ({})",
                            c.id, rule.flag, rule.source
                        ),
                    ));
                }
            }
        }
    }
    out
}

/// Flag names (snake_case) mentioned in a `--help` capture: every `--name` token.
pub fn help_flags(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i + 2 < b.len() {
        if b[i] == b'-'
            && b[i + 1] == b'-'
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric() && b[i - 1] != b'-')
            && b[i + 2].is_ascii_alphanumeric()
        {
            let start = i + 2;
            let mut j = start;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-' || b[j] == b'_') {
                j += 1;
            }
            out.insert(text[start..j].replace('-', "_"));
            i = j;
        } else {
            i += 1;
        }
    }
    out
}
