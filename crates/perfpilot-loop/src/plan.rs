//! The plan: goal, target, pinned benchmark, acceptance criteria, path boundaries,
//! milestones and stop-rule settings, as TOML (`plan.toml`) rendered to `plan.md`.

use std::fmt::Write as _;
use std::path::Path;

use perfpilot_stats::Better;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::LoopError;

/// The plan file's schema version.
pub const PLAN_SCHEMA: &str = "perfpilot.loop.plan/1";
/// The plan's file name in the state directory.
pub const PLAN_FILE: &str = "plan.toml";
/// The rendered plan's file name.
pub const PLAN_MD: &str = "plan.md";

/// The whole plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// [`PLAN_SCHEMA`].
    pub schema_version: String,
    /// Title of the work.
    pub title: String,
    /// One clear statement of the goal.
    pub goal: String,
    /// The metric and the value that ends the loop.
    pub target: Target,
    /// The pinned benchmark.
    pub benchmark: Benchmark,
    /// Acceptance criteria `AC-n`.
    pub acceptance: Vec<Criterion>,
    /// Which paths a candidate may change.
    pub boundaries: Boundaries,
    /// Milestones, in order.
    pub milestones: Vec<Milestone>,
    /// Stop-rule settings.
    pub stop: StopSettings,
}

/// The target metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Metric name as the benchmark prints it (`time_ms`).
    pub metric: String,
    /// The value to reach.
    pub value: f64,
    /// Whether lower or higher is better.
    pub better: Better,
}

/// The pinned benchmark: a shell command run in the candidate's tree, printing one
/// `METRIC=VALUE` line per sample (`repeats` runs make one measurement), or a library
/// benchmark (`bench serve` options, a `kernel ab` task) described by `spec`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Benchmark {
    /// What runs: a shell command (default), `bench serve` or `kernel ab`.
    #[serde(default, skip_serializing_if = "BenchKind::is_command")]
    pub kind: BenchKind,
    /// The command (`sh -c`); for library benchmarks the equivalent `perfpilot` command
    /// line (to reproduce by hand; the round calls the library).
    pub command: String,
    /// `bench_serve`: the `bench serve` options as JSON; `kernel_ab`: the task directory
    /// relative to the repository; `sweep_winner`: the winner's server command, launch
    /// rules and `bench serve` options as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
    /// Where the pinned baseline came from (a `bench serve` result or a sweep summary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Files (relative to the repository) whose content is part of the configuration.
    pub config_files: Vec<String>,
    /// Runs per measurement.
    pub repeats: u32,
    /// Practical threshold of the comparison (0.02 = 2%).
    pub threshold: f64,
    /// Wall-clock limit of one run, seconds.
    pub timeout_s: f64,
}

/// What kind of benchmark is pinned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BenchKind {
    /// A shell command printing `METRIC=VALUE` samples.
    #[default]
    Command,
    /// `perfpilot bench serve` with repeats (from a result file or a sweep's winner).
    BenchServe,
    /// `perfpilot kernel ab` on a task directory.
    KernelAb,
    /// A sweep's winner: its server started in the candidate's tree, its workload run by
    /// `bench serve` with repeats.
    SweepWinner,
}

impl BenchKind {
    /// The default kind (not written to the plan).
    pub fn is_command(&self) -> bool {
        *self == BenchKind::Command
    }

    /// Its name in the plan.
    pub fn as_str(&self) -> &'static str {
        match self {
            BenchKind::Command => "command",
            BenchKind::BenchServe => "bench_serve",
            BenchKind::KernelAb => "kernel_ab",
            BenchKind::SweepWinner => "sweep_winner",
        }
    }
}

/// One acceptance criterion: commands expected to pass and commands expected to fail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// `AC-n`.
    pub id: String,
    /// What it guards.
    pub description: String,
    /// Commands that must exit 0 in the candidate's tree.
    pub positive: Vec<String>,
    /// Commands that must exit non-zero (a test that would catch a wrong candidate).
    pub negative: Vec<String>,
    /// A threshold in words (`time_ms <= 8`), when the criterion is a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<String>,
}

/// Path boundaries: a changed file must be under an allowed prefix and under no forbidden one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Boundaries {
    /// Allowed path prefixes (empty: everything not forbidden).
    pub allowed: Vec<String>,
    /// Forbidden path prefixes.
    pub forbidden: Vec<String>,
}

/// A milestone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// `M-n`.
    pub id: String,
    /// What is done when it is reached.
    pub description: String,
}

/// Stop-rule settings (defaults from RLCR: replan after 2 stalled rounds, stop after 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StopSettings {
    /// Stalled rounds in a row after which the next round is a drift-recovery round.
    pub replan_after_stalls: u32,
    /// Stalled rounds in a row after which the loop stops.
    pub stop_after_stalls: u32,
    /// Most rounds.
    pub max_rounds: u32,
    /// Wall-clock budget from `init`, seconds (0: none).
    pub time_budget_s: u64,
    /// Review findings `[P0]`..`[Pn]` with n at most this are blocking.
    pub blocking_severity: u8,
}

impl Default for StopSettings {
    fn default() -> Self {
        StopSettings {
            replan_after_stalls: 2,
            stop_after_stalls: 3,
            max_rounds: 42,
            time_budget_s: 0,
            blocking_severity: 1,
        }
    }
}

impl Plan {
    /// Parse and validate a plan; errors name the file and what was expected.
    pub fn parse(text: &str, file: &Path) -> Result<Plan, LoopError> {
        let plan: Plan = toml::from_str(text).map_err(|e| {
            LoopError::Invalid(format!("{}: not a loop plan: {}", file.display(), e.message()))
        })?;
        plan.validate(file)?;
        Ok(plan)
    }

    /// Read and validate `DIR/plan.toml`.
    pub fn load(dir: &Path) -> Result<Plan, LoopError> {
        let file = dir.join(PLAN_FILE);
        let text =
            perfpilot_io::read_to_string_bounded(&file).map_err(|e| LoopError::io(&file, e))?;
        Plan::parse(&text, &file)
    }

    /// Check the values a TOML parser cannot.
    pub fn validate(&self, file: &Path) -> Result<(), LoopError> {
        let bad = |what: String| Err(LoopError::Invalid(format!("{}: {what}", file.display())));
        if self.schema_version != PLAN_SCHEMA {
            return bad(format!(
                "schema_version is `{}`, expected `{PLAN_SCHEMA}`",
                self.schema_version
            ));
        }
        if self.target.metric.is_empty() || !self.target.metric.chars().all(metric_char) {
            return bad(format!(
                "target.metric `{}` must be non-empty letters, digits, `_`, `.` or `-`",
                self.target.metric
            ));
        }
        if !self.target.value.is_finite() {
            return bad("target.value must be a finite number".into());
        }
        if self.benchmark.command.trim().is_empty() {
            return bad("benchmark.command is empty".into());
        }
        if self.benchmark.kind != BenchKind::Command && self.benchmark.spec.is_none() {
            return bad(format!(
                "benchmark.kind is `{}` but benchmark.spec is missing",
                self.benchmark.kind.as_str()
            ));
        }
        if self.benchmark.repeats == 0 || self.benchmark.repeats > 1000 {
            return bad(format!(
                "benchmark.repeats is {}, expected 1..=1000",
                self.benchmark.repeats
            ));
        }
        if !(0.0..1.0).contains(&self.benchmark.threshold) {
            return bad(format!(
                "benchmark.threshold is {}, expected a fraction in [0, 1)",
                self.benchmark.threshold
            ));
        }
        if !(self.benchmark.timeout_s > 0.0 && self.benchmark.timeout_s <= 86_400.0) {
            return bad(format!(
                "benchmark.timeout_s is {}, expected (0, 86400]",
                self.benchmark.timeout_s
            ));
        }
        if self.stop.stop_after_stalls == 0 || self.stop.replan_after_stalls == 0 {
            return bad(
                "stop.replan_after_stalls and stop.stop_after_stalls must be at least 1".into()
            );
        }
        if self.stop.blocking_severity > 9 {
            return bad(format!(
                "stop.blocking_severity is {}, expected 0..=9",
                self.stop.blocking_severity
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for ac in &self.acceptance {
            if !seen.insert(ac.id.as_str()) {
                return bad(format!("acceptance id `{}` appears twice", ac.id));
            }
        }
        Ok(())
    }

    /// The plan as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// The plan rendered as `plan.md` (Goal, Acceptance Criteria, Path Boundaries, Milestones).
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let t = &self.target;
        let op = match t.better {
            Better::Lower => "<=",
            Better::Higher => ">=",
        };
        let _ = writeln!(s, "# {}\n\n## Goal Description\n\n{}\n", self.title, self.goal);
        let _ = writeln!(
            s,
            "Target: `{} {op} {}` ({} is better).\n",
            t.metric,
            t.value,
            better_word(t.better)
        );
        let b = &self.benchmark;
        let _ = writeln!(s, "## Benchmark (pinned)\n\n- Command: `{}`", b.command);
        if !b.kind.is_command() {
            let _ = writeln!(s, "- Kind: `{}` (run as a library call)", b.kind.as_str());
        }
        if let Some(src) = &b.source {
            let what = match b.kind {
                BenchKind::SweepWinner => "Sweep winner pinned from (baseline measured at init)",
                _ => "Baseline from",
            };
            let _ = writeln!(s, "- {what}: `{src}`");
        }
        let _ = writeln!(s, "- Configuration files: {}", list_or_none(&b.config_files));
        let _ = writeln!(
            s,
            "- {} runs per measurement; practical threshold {:.1}%; {} s per run at most\n",
            b.repeats,
            b.threshold * 100.0,
            b.timeout_s
        );
        let _ = writeln!(s, "## Acceptance Criteria\n");
        for ac in &self.acceptance {
            let _ = writeln!(s, "### {}: {}\n", ac.id, ac.description);
            if let Some(th) = &ac.threshold {
                let _ = writeln!(s, "Threshold: `{th}`\n");
            }
            let _ = writeln!(s, "Positive Tests (expected to PASS):");
            write_cmds(&mut s, &ac.positive);
            let _ = writeln!(s, "Negative Tests (expected to FAIL):");
            write_cmds(&mut s, &ac.negative);
            s.push('\n');
        }
        let _ = writeln!(s, "## Path Boundaries\n");
        let _ = writeln!(
            s,
            "- Allowed: {}",
            list_or(&self.boundaries.allowed, "everything not forbidden")
        );
        let _ = writeln!(s, "- Forbidden: {}\n", list_or_none(&self.boundaries.forbidden));
        let _ = writeln!(s, "## Milestones\n");
        for m in &self.milestones {
            let _ = writeln!(s, "- {}: {}", m.id, m.description);
        }
        let st = &self.stop;
        let _ = writeln!(
            s,
            "\n## Stop Rules\n\n- Drift recovery after {} stalled rounds in a row; stop after {}\n- At most {} rounds{}\n- Findings [P0]..[P{}] block the next round until answered\n- Stop when the target is met",
            st.replan_after_stalls,
            st.stop_after_stalls,
            st.max_rounds,
            if st.time_budget_s > 0 {
                format!("; {} s from init", st.time_budget_s)
            } else {
                String::new()
            },
            st.blocking_severity
        );
        s
    }
}

fn metric_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

fn better_word(b: Better) -> &'static str {
    match b {
        Better::Lower => "lower",
        Better::Higher => "higher",
    }
}

fn write_cmds(s: &mut String, cmds: &[String]) {
    if cmds.is_empty() {
        s.push_str("- (none)\n");
    }
    for c in cmds {
        let _ = writeln!(s, "- `{c}`");
    }
}

fn list_or(v: &[String], none: &str) -> String {
    if v.is_empty() {
        none.to_string()
    } else {
        v.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
    }
}

fn list_or_none(v: &[String]) -> String {
    list_or(v, "none")
}

/// Parse `METRIC=VALUE` (the `--target` flag).
pub fn parse_target(s: &str, better: Better) -> Result<Target, LoopError> {
    let (m, v) = s.split_once('=').ok_or_else(|| {
        LoopError::Invalid(format!("--target `{s}`: expected METRIC=VALUE (e.g. time_ms=8.0)"))
    })?;
    let value: f64 = v.trim().parse().map_err(|_| {
        LoopError::Invalid(format!("--target `{s}`: `{}` is not a number", v.trim()))
    })?;
    Ok(Target { metric: m.trim().to_string(), value, better })
}
