//! One harness session over a task: the effective settings, the incremental JSONL
//! record, builds, and running one side of one shape as one process (protocol checked,
//! failures turned into rows).

use std::path::{Path, PathBuf};
use std::time::Duration;

use perfpilot_io::JsonlFile;
use perfpilot_report::Progress;
use serde::Serialize;

use crate::KernelError;
use crate::protocol::{self, Invocation, Parsed, Timer};
use crate::report::{BuildRow, FailureRow, Phase};
use crate::runner::{self, Exit};
use crate::task::{LoadedTask, Shape, Side, Timing};

/// Overrides of the task's timing (quick runs, benches).
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct TimingOverrides {
    /// Warm-up iterations per process.
    #[serde(default)]
    pub warmups: Option<u32>,
    /// Timed iterations per process.
    #[serde(default)]
    pub iterations: Option<u32>,
    /// Trials (processes per side per shape).
    #[serde(default)]
    pub trials: Option<u32>,
}

impl TimingOverrides {
    /// The task's timing with these overrides applied.
    pub fn apply(&self, t: &Timing) -> Timing {
        let mut t = t.clone();
        t.warmups = self.warmups.unwrap_or(t.warmups);
        t.iterations = self.iterations.unwrap_or(t.iterations).max(1);
        t.trials = self.trials.unwrap_or(t.trials).max(1);
        t
    }
}

/// A harness session.
pub struct Session<'a> {
    /// The task.
    pub loaded: LoadedTask,
    /// Effective timing.
    pub timing: Timing,
    /// Failure rows so far.
    pub failures: Vec<FailureRow>,
    /// Progress sink.
    pub progress: &'a dyn Progress,
    jsonl: JsonlFile,
}

/// One process's outcome on one side.
pub struct SideRun {
    /// The parsed protocol lines (None when the process failed).
    pub parsed: Option<Parsed>,
    /// Wall seconds of the process.
    pub wall_s: f64,
}

impl<'a> Session<'a> {
    /// Open a session writing its JSONL record to `jsonl_path` (truncated).
    pub fn open(
        loaded: LoadedTask,
        timing: Timing,
        jsonl_path: PathBuf,
        progress: &'a dyn Progress,
    ) -> Result<Session<'a>, KernelError> {
        if let Some(parent) = jsonl_path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| KernelError::io(parent, e))?;
        }
        let jsonl = JsonlFile::create(&jsonl_path).map_err(|e| KernelError::io(&jsonl_path, e))?;
        Ok(Session { loaded, timing, failures: Vec::new(), progress, jsonl })
    }

    /// The JSONL file.
    pub fn jsonl_path(&self) -> &Path {
        self.jsonl.path()
    }

    /// Append one record `{"type": kind, ...value}` and flush it.
    pub fn record<T: Serialize>(&mut self, kind: &str, value: &T) -> Result<(), KernelError> {
        let mut v = serde_json::to_value(value).map_err(|e| KernelError::Invalid(e.to_string()))?;
        if let serde_json::Value::Object(m) = &mut v {
            m.insert("type".into(), kind.into());
        } else {
            v = serde_json::json!({ "type": kind, "value": v });
        }
        self.jsonl.write_value(&v).map_err(|e| KernelError::io(self.jsonl.path(), e))
    }

    /// Add a failure row (and record it).
    pub fn fail(&mut self, row: FailureRow) -> Result<(), KernelError> {
        self.record("failure", &row)?;
        self.failures.push(row);
        Ok(())
    }

    /// Run the build commands of `sides` (name, side) in order; false when one failed.
    pub fn build(&mut self, sides: &[(&str, &Side)]) -> Result<(Vec<BuildRow>, bool), KernelError> {
        let mut rows = Vec::new();
        let mut ok = true;
        for (name, side) in sides {
            for (i, cmd) in side.build.iter().enumerate() {
                self.progress.message(&format!("build {name}: {cmd}"));
                let limit = self.timing.build_timeout_s;
                let r = runner::run(cmd, &self.loaded.dir, &[], Duration::from_secs_f64(limit))
                    .map_err(|e| {
                        KernelError::Invalid(format!("cannot start `sh -c {cmd}`: {e}"))
                    })?;
                let row = BuildRow {
                    id: format!("build/{name}/{i}"),
                    side: name.to_string(),
                    command: cmd.clone(),
                    ok: r.exit.ok(),
                    wall_s: r.wall_s,
                };
                self.record("build", &row)?;
                if !r.exit.ok() {
                    ok = false;
                    self.fail(FailureRow {
                        id: String::new(),
                        phase: Phase::Build,
                        shape: None,
                        side: name.to_string(),
                        trial: None,
                        reason: format!("build `{cmd}` {}", r.exit.describe(limit)),
                        stderr_tail: r.stderr_tail,
                    })?;
                }
                rows.push(row);
                if !ok {
                    return Ok((rows, false));
                }
            }
        }
        Ok((rows, ok))
    }

    /// Run one process of `side` (command template) for `inv`. A crash, a timeout, a
    /// protocol error or a short sample count becomes a failure row (phase `phase`) and
    /// `parsed: None`.
    pub fn run_side(
        &mut self,
        phase: Phase,
        side_name: &str,
        template: &str,
        inv: &Invocation<'_>,
        trial: Option<u32>,
        expect_samples: bool,
    ) -> Result<SideRun, KernelError> {
        let command = inv.command(template);
        let limit = self.timing.timeout_s;
        let r = runner::run(&command, &self.loaded.dir, &inv.env(), Duration::from_secs_f64(limit))
            .map_err(|e| KernelError::Invalid(format!("cannot start `sh -c {command}`: {e}")))?;
        let shape = inv.shape.id.clone();
        let fail = |s: &mut Self, reason: String, stderr: String| {
            s.fail(FailureRow {
                id: String::new(),
                phase,
                shape: Some(shape.clone()),
                side: side_name.to_string(),
                trial,
                reason,
                stderr_tail: stderr,
            })
        };
        if r.exit != Exit::Code(0) {
            fail(self, format!("`{command}` {}", r.exit.describe(limit)), r.stderr_tail)?;
            return Ok(SideRun { parsed: None, wall_s: r.wall_s });
        }
        let parsed = match protocol::parse(&r.stdout, inv) {
            Ok(p) => p,
            Err(e) => {
                fail(self, format!("`{command}`: {e}"), r.stderr_tail)?;
                return Ok(SideRun { parsed: None, wall_s: r.wall_s });
            }
        };
        if expect_samples {
            for v in &inv.variants {
                let n = parsed.samples.get(*v).map_or(0, Vec::len);
                if n != inv.iterations as usize {
                    fail(
                        self,
                        format!(
                            "`{command}` printed {n} timed lines for variant {v}, expected {}",
                            inv.iterations
                        ),
                        r.stderr_tail.clone(),
                    )?;
                    return Ok(SideRun { parsed: None, wall_s: r.wall_s });
                }
            }
        }
        Ok(SideRun { parsed: Some(parsed), wall_s: r.wall_s })
    }

    /// The invocation of a timed process of `shape` in trial `trial`.
    pub fn timed<'s>(
        &self,
        shape: &'s Shape,
        variants: Vec<&'static str>,
        trial: u32,
    ) -> Invocation<'s> {
        Invocation {
            shape,
            variants,
            warmups: self.timing.warmups,
            iterations: self.timing.iterations,
            seed: shape.seeds[0].wrapping_add(u64::from(trial)),
            poison: self.timing.poison,
            output: None,
        }
    }
}

/// Samples of both sides of one shape over the trials.
#[derive(Debug, Default)]
pub struct Collected {
    /// Baseline runs (one per trial that succeeded).
    pub baseline: Vec<Vec<f64>>,
    /// Candidate runs.
    pub candidate: Vec<Vec<f64>>,
    /// The timer the program reported.
    pub timer: Option<Timer>,
    /// Total process wall seconds.
    pub wall_s: f64,
    /// Trials that failed.
    pub failed_trials: u32,
}

/// The side order of trial `t`: ABBA (even trials baseline first, odd candidate first).
pub fn abba(t: u32) -> [&'static str; 2] {
    if t.is_multiple_of(2) {
        [protocol::BASELINE, protocol::CANDIDATE]
    } else {
        [protocol::CANDIDATE, protocol::BASELINE]
    }
}
