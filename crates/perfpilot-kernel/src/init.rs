//! `kernel init DIR`: write a documented `task.toml` and a runnable example (the C
//! reference implementation of the protocol as baseline and candidate).

use std::path::PathBuf;

use perfpilot_report::{Document, Report, Section};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::KernelError;
use crate::task::{TASK_FILE, parse_task};

/// The C reference implementation of the protocol (also the example kernel);
/// `data/kernel.c` links to `examples/kernel-protocol/kernel.c`, so the crate packages it.
pub const EXAMPLE_KERNEL_C: &str = include_str!("../data/kernel.c");

/// The task template `kernel init` writes.
pub const TASK_TEMPLATE: &str = r#"# A perfpilot kernel A/B task. Reference: docs/kernel.md.
# Programs speak perfpilot.kernel.protocol/1: the harness sets PERFPILOT_* environment
# variables (shape, dims, dtype, variant, warm-ups, iterations, seed, poison, output) and
# reads one JSON line per timed iteration from stdout.
protocol = "perfpilot.kernel.protocol/1"
name = "example-sqrt-axpy"

# Git repository (relative to this directory) whose diff `perfpilot kernel check`
# compares with allowed_paths; the only path prefixes (relative to the repository root)
# a candidate may change.
repo = "."
allowed_paths = ["candidate.c"]

# Two-command mode: baseline and candidate are separate programs, one process per trial
# and side, trials interleaved ABBA. Commands run with `sh -c` in this directory; the
# build commands of every side run once, in order, before anything else.
[baseline]
command = "./build/baseline"
build = ["mkdir -p build", "cc -O2 -o build/baseline baseline.c -lm"]

[candidate]
command = "./build/candidate"
build = ["mkdir -p build", "cc -O2 -o build/candidate candidate.c -lm"]

# Variant-argument mode (instead of [baseline] and [candidate]): one program; `{variant}`
# becomes `baseline`, `candidate`, or both comma-separated (the program then alternates
# them per iteration in one process, as KDA-Pilot does).
# [variant]
# command = "./build/kernel {variant}"
# build = ["mkdir -p build", "cc -O2 -o build/kernel kernel.c -lm"]

# An independent reference (e.g. a float64 oracle) the correctness gate compares the
# candidate with instead of the baseline's output.
# [reference]
# command = "python3 reference.py"

# The frozen workload: named shapes, weights of the geomean, output dtype (a row of the
# tolerance table: fp32, tf32, fp16, bf16, fp8, bitwise) and seeds. The gate checks every
# seed with fresh inputs; timing trial t uses seeds[0] + t.
[[shapes]]
id = "n65536"
dims = { n = 65536 }
weight = 2.0
dtype = "fp32"
seeds = [1, 2]

[[shapes]]
id = "n16384"
dims = { n = 16384 }
weight = 1.0
dtype = "fp32"
seeds = [3]

# Timing: KDA-Pilot's defaults. threshold is the smallest change that matters; the A/A
# noise measured by `perfpilot kernel calibrate` raises it per shape.
[timing]
warmups = 10
iterations = 200
trials = 7
timeout_s = 60.0
threshold = 0.02
poison = -31337.0
build_timeout_s = 600.0
# An A/A difference above this means the machine is too noisy to calibrate on.
max_noise = 0.10

# Per-task tolerance overrides (defaults: docs/kernel.md, each with its source).
# [correctness.tolerances.fp32]
# rel_l2 = 1e-5
# max_abs = 1e-5
# source = "why this task needs another tolerance"
"#;

/// Options of `kernel init`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct InitOptions {
    /// The task directory (created when missing).
    pub dir: PathBuf,
    /// Overwrite an existing task.
    #[serde(default)]
    pub force: bool,
}

/// What `kernel init` wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InitReport {
    /// The task directory.
    pub dir: String,
    /// Files written, in order.
    pub files: Vec<String>,
}

impl Report for InitReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.kernel.init/1"
    }

    fn document(&self) -> Document {
        Document::new(format!("kernel init: {}", self.dir))
            .with_section(Section::new("Files written").with_list(self.files.clone()))
            .with_section(Section::new("Next").with_list([
                format!("perfpilot kernel check {}", self.dir),
                format!("perfpilot kernel calibrate {}", self.dir),
                format!("edit {}/candidate.c, then: perfpilot kernel ab {}", self.dir, self.dir),
            ]))
    }
}

/// Write the task and the example programs.
pub fn init_task(opts: &InitOptions) -> Result<InitReport, KernelError> {
    let dir = &opts.dir;
    let task = dir.join(TASK_FILE);
    if task.exists() && !opts.force {
        return Err(KernelError::Invalid(format!(
            "{} exists; pass --force to overwrite it",
            task.display()
        )));
    }
    // The template must always be a valid task.
    parse_task(TASK_TEMPLATE, &task)?;
    std::fs::create_dir_all(dir).map_err(|e| KernelError::io(dir, e))?;
    let files = [
        (TASK_FILE, TASK_TEMPLATE),
        ("baseline.c", EXAMPLE_KERNEL_C),
        ("candidate.c", EXAMPLE_KERNEL_C),
        (".gitignore", "build/\nout/\nresults.jsonl\ncalibration.jsonl\n"),
    ];
    let mut written = Vec::new();
    for (name, text) in files {
        let p = dir.join(name);
        perfpilot_report::write_atomic(&p, text.as_bytes()).map_err(|e| KernelError::io(&p, e))?;
        written.push(p.display().to_string());
    }
    Ok(InitReport { dir: dir.display().to_string(), files: written })
}
