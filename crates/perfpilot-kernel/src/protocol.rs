//! The protocol between the harness and a measured program
//! (`perfpilot.kernel.protocol/1`, documented in `docs/kernel.md`): the environment the
//! harness sets, and the JSON lines the program prints.

use std::collections::BTreeMap;
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::PROTOCOL;
use crate::task::Shape;

/// Variant name of the baseline side.
pub const BASELINE: &str = "baseline";
/// Variant name of the candidate side.
pub const CANDIDATE: &str = "candidate";
/// Variant name of the reference side (gate only).
pub const REFERENCE: &str = "reference";

/// One process's instructions.
#[derive(Debug, Clone)]
pub struct Invocation<'a> {
    /// The shape.
    pub shape: &'a Shape,
    /// The variants, in order; several means "alternate per iteration".
    pub variants: Vec<&'static str>,
    /// Untimed iterations first.
    pub warmups: u32,
    /// Timed iterations (per variant).
    pub iterations: u32,
    /// Seed of the inputs.
    pub seed: u64,
    /// Poison value outputs are filled with first.
    pub poison: f64,
    /// Where to write the output (`.npy`), when asked.
    pub output: Option<&'a Path>,
}

impl Invocation<'_> {
    /// The environment variables of this invocation.
    pub fn env(&self) -> Vec<(String, String)> {
        let dims: Vec<String> = self.shape.dims.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut env = vec![
            ("PERFPILOT_KERNEL_PROTOCOL".into(), PROTOCOL.into()),
            ("PERFPILOT_SHAPE".into(), self.shape.id.clone()),
            ("PERFPILOT_DIMS".into(), dims.join(",")),
            ("PERFPILOT_DTYPE".into(), self.shape.dtype.clone()),
            ("PERFPILOT_VARIANT".into(), self.variants.join(",")),
            ("PERFPILOT_WARMUPS".into(), self.warmups.to_string()),
            ("PERFPILOT_ITERATIONS".into(), self.iterations.to_string()),
            ("PERFPILOT_SEED".into(), self.seed.to_string()),
            ("PERFPILOT_POISON".into(), format!("{:?}", self.poison)),
            (
                "PERFPILOT_OUTPUT".into(),
                self.output.map(|p| p.display().to_string()).unwrap_or_default(),
            ),
        ];
        for (k, v) in &self.shape.dims {
            env.push((format!("PERFPILOT_DIM_{}", k.to_ascii_uppercase()), v.to_string()));
        }
        env
    }

    /// The command with `{variant}` replaced.
    pub fn command(&self, template: &str) -> String {
        template.replace("{variant}", &self.variants.join(","))
    }
}

/// The timer a program used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Timer {
    /// CUDA events around the kernel (device time).
    CudaEvent,
    /// A monotonic wall clock.
    Wall,
}

#[derive(Deserialize)]
struct Line {
    shape: String,
    variant: String,
    #[serde(default)]
    time_us: Option<f64>,
    #[serde(default)]
    timer: Option<Timer>,
    #[serde(default)]
    output: Option<String>,
}

/// What one process printed, checked against its invocation.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// Timed samples (µs) per variant, in print order.
    pub samples: BTreeMap<String, Vec<f64>>,
    /// The timer reported (the first line's).
    pub timer: Option<Timer>,
    /// Output files reported, per variant.
    pub outputs: BTreeMap<String, String>,
    /// Stdout lines that were not JSON objects (logs), ignored.
    pub ignored: usize,
}

/// Parse a process's stdout. Lines not starting with `{` are logs; a JSON line that does
/// not follow the protocol is an error naming the line.
pub fn parse(lines: &[String], inv: &Invocation<'_>) -> Result<Parsed, String> {
    let mut p = Parsed::default();
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim();
        if !t.starts_with('{') {
            p.ignored += 1;
            continue;
        }
        let line: Line = serde_json::from_str(t)
            .map_err(|e| format!("stdout line {}: not a protocol line ({e})", i + 1))?;
        if line.shape != inv.shape.id {
            return Err(format!(
                "stdout line {}: shape `{}`, expected `{}`",
                i + 1,
                line.shape,
                inv.shape.id
            ));
        }
        if !inv.variants.contains(&line.variant.as_str()) {
            return Err(format!(
                "stdout line {}: variant `{}`, expected one of {:?}",
                i + 1,
                line.variant,
                inv.variants
            ));
        }
        if let Some(o) = line.output {
            p.outputs.insert(line.variant.clone(), o);
        }
        if let Some(us) = line.time_us {
            if !(us.is_finite() && us > 0.0) {
                return Err(format!(
                    "stdout line {}: time_us {us} is not a positive number",
                    i + 1
                ));
            }
            let timer = line.timer.ok_or_else(|| {
                format!(
                    "stdout line {}: a timed line needs \"timer\": \"cuda_event\"|\"wall\"",
                    i + 1
                )
            })?;
            if *p.timer.get_or_insert(timer) != timer {
                return Err(format!("stdout line {}: the timer changed within a process", i + 1));
            }
            p.samples.entry(line.variant).or_default().push(us);
        }
    }
    Ok(p)
}
