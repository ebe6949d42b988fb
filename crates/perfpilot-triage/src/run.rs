//! The `triage LOG…` entry points: options, reading files or readers, the report.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use perfpilot_launchlog::{LaunchRules, LaunchRulesError};
use perfpilot_report::{NoProgress, Progress};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::analyze::{self, FileIn};
use crate::catalogue::Catalogue;
use crate::class::{ProblemClass, Severity};
use crate::error::TriageError;
use crate::evidence::Evidence;
use crate::launch;
use crate::logs::scan::{self, Gates};
use crate::logs::{FileScan, Store};
use crate::report::{FileSummary, Finding, TriageReport};
use crate::timeline;

fn default_limit() -> usize {
    40
}

/// Options of `perfpilot triage LOG…` (also the MCP tool's arguments).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageOptions {
    /// Server logs to read (SGLang, vLLM; one or more ranks or nodes of one incident).
    pub logs: Vec<PathBuf>,
    /// Extra signature catalogues (TOML): their signatures are added, or replace built-in
    /// ones with the same id.
    #[serde(default)]
    pub signatures: Vec<PathBuf>,
    /// Most timeline rows (default 40).
    #[serde(default = "default_limit")]
    pub timeline_limit: usize,
    /// Evidence rules (TOML, the shape of `data/evidence.toml`) replacing the built-in
    /// ones: how a class is named when no signature decides.
    #[serde(default)]
    pub evidence: Option<PathBuf>,
    /// Launch-log value rules (TOML, the shape of `perfpilot-launchlog/src/rules.toml`)
    /// replacing the built-in ones.
    #[serde(default)]
    pub launch_rules: Option<PathBuf>,
    /// Stall rules (TOML, the shape of `data/stall.toml`) replacing the built-in ones: how a
    /// log that ends with no error is read (a hang from its last lines).
    #[serde(default)]
    pub stall: Option<PathBuf>,
}

impl TriageOptions {
    /// Options for these logs with the defaults.
    pub fn new(logs: Vec<PathBuf>) -> TriageOptions {
        TriageOptions {
            logs,
            signatures: Vec::new(),
            timeline_limit: default_limit(),
            evidence: None,
            launch_rules: None,
            stall: None,
        }
    }
}

/// Triage log files.
pub fn triage_logs(opts: &TriageOptions) -> Result<TriageReport, TriageError> {
    triage_logs_with(opts, &NoProgress)
}

/// Triage log files, reporting bytes read to `progress`.
pub fn triage_logs_with(
    opts: &TriageOptions,
    progress: &dyn Progress,
) -> Result<TriageReport, TriageError> {
    if opts.logs.is_empty() {
        return Err(TriageError::Invalid("no log file given (expected one or more paths)".into()));
    }
    let cat = Catalogue::with_files(&opts.signatures)?;
    let mut t = LogTriage::new(&cat)?;
    t.evidence = Evidence::load(opts.evidence.as_deref())?;
    t.launch_rules = launch_rules(opts.launch_rules.as_deref())?;
    t.stall = crate::stall::Stall::load(opts.stall.as_deref())?;
    let total: u64 =
        opts.logs.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
    progress.set_total(total);
    for path in &opts.logs {
        let meta = std::fs::metadata(path).map_err(|e| TriageError::read(path, e))?;
        if meta.is_dir() {
            return Err(TriageError::Invalid(format!(
                "{} is a folder (expected a log file; for a saved bundle use `triage bundle --dir`)",
                path.display()
            )));
        }
        progress.message(&path.display().to_string());
        let file = perfpilot_io::open_stream(path).map_err(|e| TriageError::read(path, e))?;
        t.read(&path.display().to_string(), file, progress)
            .map_err(|e| TriageError::read(path, e))?;
    }
    progress.finish();
    Ok(t.finish(opts.timeline_limit))
}

/// The launch-log rules: the embedded ones, or `--launch-rules FILE`.
fn launch_rules(path: Option<&std::path::Path>) -> Result<Arc<LaunchRules>, TriageError> {
    LaunchRules::load(path).map_err(|e| match e {
        LaunchRulesError::Io { path, source } => TriageError::read(path, source),
        LaunchRulesError::Invalid { origin, message } => {
            TriageError::Data { path: origin, message }
        }
    })
}

/// Triage from readers (in-memory text, pipes): add each input, then [`LogTriage::finish`].
pub struct LogTriage<'c> {
    cat: &'c Catalogue,
    gates: Gates,
    store: Store,
    files: Vec<FileIn>,
    summaries: Vec<FileSummary>,
    evidence: Evidence,
    launch_rules: Arc<LaunchRules>,
    /// The last lines of each file (path, numbered lines), for [`crate::stall`].
    ends: Vec<(String, Vec<(u64, String)>)>,
    /// A user's stall rules (`--stall-rules`); `None`: the embedded ones.
    stall: Option<crate::stall::Stall>,
    /// A user's class model ([`LogTriage::set_class_model`]); `None`: the embedded one.
    class_model: Option<crate::class_model::ClassModel>,
}

impl<'c> LogTriage<'c> {
    /// A triage run over `cat`.
    pub fn new(cat: &'c Catalogue) -> Result<LogTriage<'c>, TriageError> {
        let gates = Gates::new(&cat.gates, &cat.startup_gates)
            .map_err(|m| TriageError::Catalogue { path: "catalogue".into(), message: m })?;
        Ok(LogTriage {
            cat,
            gates,
            store: Store::default(),
            files: Vec::new(),
            summaries: Vec::new(),
            evidence: Evidence::builtin(),
            launch_rules: LaunchRules::builtin(),
            ends: Vec::new(),
            stall: None,
            class_model: None,
        })
    }

    /// Use `model` instead of the embedded class model (`data/class_model.tsv`) for logs no
    /// rule decides.
    pub fn set_class_model(&mut self, model: crate::class_model::ClassModel) {
        self.class_model = Some(model);
    }

    /// Read one log named `name`.
    pub fn read<R: Read + Send>(
        &mut self,
        name: &str,
        reader: R,
        progress: &dyn Progress,
    ) -> std::io::Result<()> {
        let idx = self.files.len();
        let rules = Arc::clone(&self.launch_rules);
        let mut sink = FileScan::new(self.cat, &mut self.store, idx, rules);
        // Colour codes, UTF-16 and CR-only line ends are normalised before matching.
        let reader = perfpilot_report::LogText::new(reader);
        let stats = scan::scan(reader, &self.gates, &mut sink, progress)?;
        let facts = sink.finish();
        self.summaries.push(FileSummary {
            path: name.to_string(),
            bytes: stats.bytes,
            lines: stats.lines,
            framework: facts.launch.framework.map(|f| f.as_str().to_string()),
        });
        let whole = stats.bytes == stats.end.len() as u64;
        self.ends.push((name.to_string(), crate::stall::end_lines(&stats.end, stats.lines, whole)));
        self.files.push(FileIn { path: name.to_string(), facts });
        Ok(())
    }

    /// Read text held in memory.
    pub fn read_text(&mut self, name: &str, text: &str) {
        // Reading from a byte slice cannot fail.
        let _ = self.read(name, text.as_bytes(), &NoProgress);
    }

    /// Analyse everything read.
    pub fn finish(self, timeline_limit: usize) -> TriageReport {
        let phases = analyze::Phases::new(self.cat, &self.files);
        let items = analyze::decide(self.cat, &self.store, &phases);
        let (groups, unknown_dropped) = analyze::group(items);
        let mut findings = Vec::new();
        let evidence = &self.evidence;
        for g in &groups {
            let mut f = analyze::finding(g, &self.files);
            analyze::alternatives(g, self.cat, &mut f);
            evidence.refine(g, &self.files, &mut f);
            findings.push(f);
        }
        crate::fragment::join_cut_piece(&groups, &mut findings);
        crate::fragment::place_by_later_line(self.cat, &groups, &mut findings);
        lead_with_a_class(&mut findings);
        if findings.is_empty()
            && let Some(f) = crate::inferred::infer(self.cat, &self.files, &evidence.last_phase)
        {
            findings.push(f);
        }
        // A log that stops on progress, heartbeat or wait lines with no error after them.
        let only_unknown = findings.iter().all(|f| f.class == ProblemClass::Unknown);
        let stalled = if only_unknown {
            let rules = match &self.stall {
                Some(s) => Some(s),
                None => crate::stall::Stall::builtin(),
            };
            rules.and_then(|s| s.infer(&self.ends, !findings.is_empty()))
        } else {
            None
        };
        if let Some(f) = stalled {
            // Unclassified findings (an abort after the evidence) follow it.
            findings.insert(0, f);
        }
        // No rule names a class: the class model reads the error lines' words (round 11).
        if findings.first().is_none_or(|f| f.class == ProblemClass::Unknown) {
            match &self.class_model {
                Some(m) => crate::model_use::apply(m, &self.ends, &mut findings),
                None => crate::model_use::apply(
                    crate::class_model::ClassModel::builtin(),
                    &self.ends,
                    &mut findings,
                ),
            }
        }
        let (timeline, timeline_omitted) =
            timeline::build(self.cat, &self.files, &findings, timeline_limit.max(1));
        let mut launch_facts = Vec::new();
        for f in &self.files {
            launch_facts.extend(launch::settings(&f.facts.launch, &f.path));
        }
        let fatal = findings.iter().any(|f| f.severity == Severity::Fatal);
        let lead = findings.first();
        let class = lead.map_or(ProblemClass::None, |f| f.class);
        let lines: u64 = self.summaries.iter().map(|s| s.lines).sum();
        let headline = match lead {
            Some(f) => format!(
                "{}{}: {} (first at {}:{}, {}){}",
                if f.severity == Severity::Fatal { "" } else { "degraded, " },
                f.class,
                f.title,
                f.first.file,
                f.first.line,
                f.first.rank,
                match findings.len() {
                    1 => String::new(),
                    n => format!("; {} more independent problem(s)", n - 1),
                }
            ),
            None => format!(
                "No failure found in {lines} lines: {}",
                progress_summary(self.cat, &self.files)
            ),
        };
        let mut checked = vec![format!(
            "read {} file(s): {} lines, {} bytes",
            self.summaries.len(),
            lines,
            self.summaries.iter().map(|s| s.bytes).sum::<u64>()
        )];
        checked.push(format!(
            "matched against {} signatures in {} classes ({})",
            self.cat.signatures.len(),
            self.cat
                .signatures
                .iter()
                .map(|s| s.class)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            self.cat.sources.join(", ")
        ));
        let events: usize = self.files.iter().map(|f| f.facts.launch.events.len()).sum();
        checked.push(format!("launch events recognised by the shared launch parser: {events}"));
        let seen: std::collections::BTreeSet<ProblemClass> =
            findings.iter().map(|f| f.class).collect();
        let absent: Vec<&str> = ProblemClass::ALL
            .iter()
            .filter(|c| {
                !matches!(c, ProblemClass::None | ProblemClass::Unknown) && !seen.contains(c)
            })
            .map(|c| c.as_str())
            .collect();
        checked.push(format!("no evidence of: {}", absent.join(", ")));
        if unknown_dropped > 0 {
            checked.push(format!("{unknown_dropped} further unclassified error(s) not listed"));
        }
        if self.store.overflow > 0 {
            checked.push(format!(
                "{} occurrences beyond the distinct-record limit were counted only",
                self.store.overflow
            ));
        }
        TriageReport {
            class,
            fatal,
            headline,
            findings,
            launch: launch_facts,
            timeline,
            timeline_omitted,
            checked,
            files: self.summaries,
        }
    }
}

/// For logs without failures: how far the server got (the last launch event or marker).
fn progress_summary(cat: &Catalogue, files: &[FileIn]) -> String {
    let mut last: Option<(u64, crate::class::Phase)> = None;
    for f in files {
        let mut file_last: Option<(u64, crate::class::Phase)> = None;
        for e in &f.facts.launch.events {
            if let Some(p) = launch::event_phase(&e.event)
                && file_last.is_none_or(|(l, _)| e.line >= l)
            {
                file_last = Some((e.line, p));
            }
        }
        for m in &f.facts.markers {
            if file_last.is_none_or(|(l, _)| m.no >= l) {
                file_last = Some((m.no, cat.markers[m.marker].phase));
            }
        }
        last = file_last.or(last);
    }
    match last {
        Some((_, p)) => {
            format!("the log gets as far as {}; warnings, if any, are not failures", p.doing())
        }
        None => "no launch or failure line recognised".to_string(),
    }
}

/// An unclassified finding does not lead when a later fatal finding has a class (the evidence
/// placed it): the first such one moves to the front, the others keep their order.
fn lead_with_a_class(findings: &mut [Finding]) {
    if findings.first().is_none_or(|f| f.class != ProblemClass::Unknown) {
        return;
    }
    let known = |f: &Finding| {
        f.severity == Severity::Fatal
            && !matches!(f.class, ProblemClass::Unknown | ProblemClass::None)
    };
    if let Some(i) = findings.iter().position(known) {
        findings[..=i].rotate_right(1);
    }
}
