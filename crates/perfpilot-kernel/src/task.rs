//! `task.toml`: the frozen description of one kernel A/B task, its loading and its
//! validation (errors name the file, the line and the key).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::tolerance::Tolerance;
use crate::{KernelError, PROTOCOL};

/// The file name of a task inside its directory.
pub const TASK_FILE: &str = "task.toml";

/// One kernel A/B task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// Protocol the programs speak: `perfpilot.kernel.protocol/1`.
    pub protocol: String,
    /// Task name (free text, shown in reports).
    pub name: String,
    /// Git repository whose diff is checked against `allowed_paths`, relative to the
    /// task directory (default `.`).
    #[serde(default = "default_repo")]
    pub repo: String,
    /// Path prefixes (relative to the repository root) a candidate's diff may touch.
    #[serde(default)]
    pub allowed_paths: Vec<String>,
    /// The GPU (or device) the task is measured on, recorded in ledger claims.
    #[serde(default)]
    pub gpu: Option<String>,
    /// The baseline program (two-command mode).
    #[serde(default)]
    pub baseline: Option<Side>,
    /// The candidate program (two-command mode).
    #[serde(default)]
    pub candidate: Option<Side>,
    /// One program for both sides (variant-argument mode).
    #[serde(default)]
    pub variant: Option<Side>,
    /// An independent reference program whose output the gate compares against
    /// (instead of the baseline's).
    #[serde(default)]
    pub reference: Option<Side>,
    /// The frozen workload.
    pub shapes: Vec<Shape>,
    /// Timing settings.
    #[serde(default)]
    pub timing: Timing,
    /// Correctness settings.
    #[serde(default)]
    pub correctness: Correctness,
}

fn default_repo() -> String {
    ".".into()
}

/// A program: a shell command run in the task directory, and its build commands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Side {
    /// Shell command (`sh -c`); `{variant}` is replaced by the variant in variant mode.
    pub command: String,
    /// Build commands run once, in order, before anything else.
    #[serde(default)]
    pub build: Vec<String>,
}

/// One shape of the frozen workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shape {
    /// Stable id (letters, digits, `-`, `_`, `.`).
    pub id: String,
    /// Named integer dimensions (`n = 4096`).
    pub dims: BTreeMap<String, i64>,
    /// Weight in the geomean (default 1).
    #[serde(default = "one")]
    pub weight: f64,
    /// Output dtype: a key of the tolerance table (`fp32`, `tf32`, `fp16`, `bf16`, `fp8`,
    /// `bitwise`).
    pub dtype: String,
    /// Seeds: the gate checks each; timing trial `t` uses `seeds[0] + t`.
    #[serde(default = "default_seeds")]
    pub seeds: Vec<u64>,
}

fn one() -> f64 {
    1.0
}
fn default_seeds() -> Vec<u64> {
    vec![1]
}

/// Timing settings (defaults are KDA-Pilot's 10 / 200 / 7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Timing {
    /// Untimed iterations per process before the timed ones.
    pub warmups: u32,
    /// Timed iterations per process (samples of one run).
    pub iterations: u32,
    /// Processes per side per shape (runs), interleaved ABBA.
    pub trials: u32,
    /// Wall-clock limit of one process, seconds; the process group is killed after it.
    pub timeout_s: f64,
    /// Smallest relative change that matters (0.02 = 2%); the calibrated noise raises it.
    pub threshold: f64,
    /// Value the program fills outputs with before the kernel runs.
    pub poison: f64,
    /// Wall-clock limit of one build command, seconds.
    pub build_timeout_s: f64,
    /// Largest A/A difference `kernel calibrate` accepts (fraction); a noisier machine
    /// gets no calibration (and a failed check) instead of a threshold that hides
    /// real changes.
    pub max_noise: f64,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            warmups: 10,
            iterations: 200,
            trials: 7,
            timeout_s: 60.0,
            threshold: 0.02,
            poison: -31337.0,
            build_timeout_s: 600.0,
            max_noise: 0.10,
        }
    }
}

/// Correctness settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Correctness {
    /// Per-dtype overrides of the tolerance table.
    pub tolerances: BTreeMap<String, Tolerance>,
}

/// How the two sides are launched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Two commands, one process per trial and side.
    TwoCommands,
    /// One command; a process per trial alternates the variants per iteration.
    Variant,
}

impl Task {
    /// How the sides are launched.
    pub fn mode(&self) -> Mode {
        if self.variant.is_some() { Mode::Variant } else { Mode::TwoCommands }
    }

    /// A fingerprint of everything that defines a measurement (baseline, shapes, `timing`):
    /// calibrations made under another fingerprint are stale.
    pub fn fingerprint(&self, timing: &Timing) -> String {
        let key = serde_json::json!({
            "baseline": self.baseline, "variant": self.variant,
            "shapes": self.shapes, "timing": timing,
        });
        perfpilot_io::fnv1a64_hex(key.to_string().as_bytes())
    }
}

/// A loaded task: the task, its directory and file.
#[derive(Debug, Clone)]
pub struct LoadedTask {
    /// The task.
    pub task: Task,
    /// The task directory (commands run here).
    pub dir: PathBuf,
    /// The task file.
    pub file: PathBuf,
}

/// Read and validate `DIR/task.toml`.
pub fn load_task(dir: &Path) -> Result<LoadedTask, KernelError> {
    let file = dir.join(TASK_FILE);
    let text = std::fs::read_to_string(&file).map_err(|e| KernelError::io(&file, e))?;
    let task = parse_task(&text, &file)?;
    Ok(LoadedTask { task, dir: dir.to_path_buf(), file })
}

/// Parse and validate task text; `file` names it in errors.
pub fn parse_task(text: &str, file: &Path) -> Result<Task, KernelError> {
    let err = |line: usize, key: &str, message: String| KernelError::Task {
        path: file.display().to_string(),
        line,
        key: key.to_string(),
        message,
    };
    let task: Task = toml::from_str(text).map_err(|e| {
        let (line, key) = match e.span() {
            Some(s) => {
                let frag = text.get(s.clone()).unwrap_or("").trim();
                let line_start =
                    text.get(..s.start).and_then(|p| p.rfind('\n')).map_or(0, |i| i + 1);
                let before = text.get(line_start..s.start).unwrap_or("");
                let key = if let Some((k, _)) = before.split_once('=') {
                    k.trim().to_string()
                } else if !frag.is_empty()
                    && frag.len() < 40
                    && frag.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
                {
                    frag.to_string()
                } else {
                    "(syntax)".to_string()
                };
                (line_of(text, s.start), key)
            }
            None => (0, "(syntax)".to_string()),
        };
        err(line, &key, e.message().trim().to_string())
    })?;
    validate(&task, text, &err)?;
    Ok(task)
}

fn validate(
    task: &Task,
    text: &str,
    err: &dyn Fn(usize, &str, String) -> KernelError,
) -> Result<(), KernelError> {
    let at = |key: &str| locate(text, key);
    if task.protocol != PROTOCOL {
        return Err(err(
            at("protocol"),
            "protocol",
            format!("`{}` is not supported; expected `{PROTOCOL}`", task.protocol),
        ));
    }
    match (&task.baseline, &task.candidate, &task.variant) {
        (Some(_), Some(_), None) | (None, None, Some(_)) => {}
        (_, _, Some(_)) => {
            return Err(err(
                at("[variant]"),
                "variant",
                "give either [baseline] and [candidate] or [variant], not both".into(),
            ));
        }
        _ => {
            return Err(err(
                0,
                "baseline",
                "expected both [baseline] and [candidate] tables (or one [variant] table)".into(),
            ));
        }
    }
    for (name, side) in [("baseline", &task.baseline), ("candidate", &task.candidate)]
        .into_iter()
        .chain([("variant", &task.variant), ("reference", &task.reference)])
    {
        if let Some(s) = side
            && s.command.trim().is_empty()
        {
            return Err(err(
                at(&format!("[{name}]")),
                &format!("{name}.command"),
                "is empty".into(),
            ));
        }
    }
    if let Some(v) = &task.variant
        && !v.command.contains("{variant}")
    {
        return Err(err(
            at("[variant]"),
            "variant.command",
            "must contain `{variant}` (replaced by baseline, candidate or both, comma-separated)"
                .into(),
        ));
    }
    if task.shapes.is_empty() {
        return Err(err(0, "shapes", "expected at least one [[shapes]] entry".into()));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, s) in task.shapes.iter().enumerate() {
        let key = |k: &str| format!("shapes[{i}].{k}");
        let line = locate(text, &format!("\"{}\"", s.id));
        if s.id.is_empty() || !s.id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return Err(err(line, &key("id"), format!("`{}`: use letters, digits, - _ .", s.id)));
        }
        if !seen.insert(&s.id) {
            return Err(err(line, &key("id"), format!("`{}` is used twice", s.id)));
        }
        if !(s.weight.is_finite() && s.weight > 0.0) {
            return Err(err(line, &key("weight"), format!("{} must be > 0", s.weight)));
        }
        if s.seeds.is_empty() {
            return Err(err(line, &key("seeds"), "expected at least one seed".into()));
        }
        if s.dims.is_empty() {
            return Err(err(line, &key("dims"), "expected at least one dimension".into()));
        }
        for (d, v) in &s.dims {
            if d.is_empty() || !d.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(err(
                    line,
                    &key("dims"),
                    format!("dimension name `{d}`: use [A-Za-z0-9_]"),
                ));
            }
            if *v < 0 {
                return Err(err(line, &key(&format!("dims.{d}")), format!("{v} must be >= 0")));
            }
        }
    }
    let t = &task.timing;
    let checks: [(&str, bool, &str); 8] = [
        ("max_noise", (0.0..1.0).contains(&t.max_noise), "must be in [0, 1) (a fraction)"),
        (
            "build_timeout_s",
            t.build_timeout_s.is_finite() && t.build_timeout_s > 0.0,
            "must be > 0",
        ),
        ("iterations", t.iterations >= 1, "must be >= 1"),
        ("trials", t.trials >= 1, "must be >= 1"),
        ("timeout_s", t.timeout_s.is_finite() && t.timeout_s > 0.0, "must be > 0"),
        ("threshold", (0.0..1.0).contains(&t.threshold), "must be in [0, 1) (a fraction)"),
        ("poison", t.poison.is_finite(), "must be a finite number"),
        ("warmups", t.warmups <= 1_000_000, "must be <= 1000000"),
    ];
    for (k, ok, msg) in checks {
        if !ok {
            return Err(err(at(k), &format!("timing.{k}"), msg.into()));
        }
    }
    Ok(())
}

/// 1-based line of byte offset `pos`.
fn line_of(text: &str, pos: usize) -> usize {
    perfpilot_io::line_col(text, pos).0
}

/// 1-based line of the first line that starts with `key` (a key assignment or a table
/// header) or contains it (a quoted value); 0 when absent.
fn locate(text: &str, key: &str) -> usize {
    let starts = text.lines().position(|l| {
        let l = l.trim_start();
        l.starts_with(key) && (key.starts_with('[') || l[key.len()..].trim_start().starts_with('='))
    });
    starts.or_else(|| text.lines().position(|l| l.contains(key))).map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
protocol = "perfpilot.kernel.protocol/1"
name = "t"
[baseline]
command = "./a"
[candidate]
command = "./b"
[[shapes]]
id = "s1"
dims = { n = 4 }
dtype = "fp32"
"#;

    #[test]
    fn parses_with_defaults() {
        let t = parse_task(OK, Path::new("task.toml")).unwrap();
        assert_eq!((t.timing.warmups, t.timing.iterations, t.timing.trials), (10, 200, 7));
        assert_eq!(t.mode(), Mode::TwoCommands);
        assert_eq!(t.shapes[0].seeds, vec![1]);
    }

    #[test]
    fn errors_name_line_and_key() {
        let bad = OK.replace("dtype = \"fp32\"", "dtype = \"fp32\"\nwieght = 2");
        let e = parse_task(&bad, Path::new("task.toml")).unwrap_err().to_string();
        assert!(e.starts_with("task.toml:12: wieght:"), "{e}");
        let bad = OK.replace("name = \"t\"", "name = 3");
        let e = parse_task(&bad, Path::new("task.toml")).unwrap_err().to_string();
        assert!(e.starts_with("task.toml:3: name: invalid type"), "{e}");
        let bad = format!("{OK}[timing]\ntrials = 0\n");
        let e = parse_task(&bad, Path::new("task.toml")).unwrap_err().to_string();
        assert!(e.starts_with("task.toml:13: timing.trials: must be >= 1"), "{e}");
        let bad = OK.replace("./b", "");
        let e = parse_task(&bad, Path::new("x/task.toml")).unwrap_err().to_string();
        assert!(e.contains("x/task.toml:6: candidate.command: is empty"), "{e}");
    }
}
