//! `kernel check`: validate a task (file, line and key on errors; every dtype has a
//! tolerance) and its boundary against git.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::ab::check_dtypes;
use crate::report::{CheckReport, CheckShape};
use crate::task::load_task;
use crate::{KernelError, boundary, tolerance};

/// Options of `kernel check`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckOptions {
    /// The task directory.
    pub dir: PathBuf,
    /// Revision the boundary is diffed against (default `HEAD`).
    #[serde(default)]
    pub base: Option<String>,
    /// A tolerance table replacing built-in rows.
    #[serde(default)]
    pub tolerances: Option<PathBuf>,
}

/// Run `kernel check`.
pub fn run_check(opts: &CheckOptions) -> Result<CheckReport, KernelError> {
    let loaded = load_task(&opts.dir)?;
    let task = &loaded.task;
    let tols = tolerance::effective(opts.tolerances.as_deref(), &task.correctness.tolerances)?;
    check_dtypes(task, &tols, &loaded.file)?;
    let base = opts.base.clone().unwrap_or_else(|| "HEAD".into());
    let b = boundary::check_boundary(&opts.dir, task, &base)?;
    let shapes = task
        .shapes
        .iter()
        .map(|s| CheckShape {
            id: s.id.clone(),
            dims: s.dims.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","),
            dtype: s.dtype.clone(),
            weight: s.weight,
            seeds: s.seeds.clone(),
            tolerance: tols[&s.dtype].clone(),
        })
        .collect();
    Ok(CheckReport {
        task: task.name.clone(),
        file: loaded.file.display().to_string(),
        mode: task.mode(),
        shapes,
        passed: b.violations == 0,
        boundary: b,
    })
}
