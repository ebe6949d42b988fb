//! `kernel dispatch`: a shape-specialised dispatch table from a finished `kernel ab`
//! over many shapes (`loop-kda-ncu.md` 2.5: threshold → fast path, else the proven
//! fallback). Along one dimension the shapes are sorted; the candidate wins a shape only
//! when the statistics engine said FASTER, every other verdict (SAME, SLOWER, NOISY, no
//! comparison) keeps the baseline; the thresholds are where the winner changes. Each
//! range carries its evidence, and the table is emitted as Rust, C++ and Python `if`
//! chains.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use perfpilot_report::{Document, Report, Section, Table, Warning};
use perfpilot_stats::Verdict;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::KernelError;
use crate::report::{ResultsOptions, read_results};
use crate::task::load_task;

/// Schema id of `kernel dispatch` output.
pub const DISPATCH_SCHEMA: &str = "perfpilot.kernel.dispatch/1";

/// Options of `kernel dispatch` (also the MCP tool's arguments).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchOptions {
    /// The task directory (its `task.toml` gives each shape's dimensions).
    pub dir: PathBuf,
    /// The JSONL record of the A/B (default `DIR/results.jsonl`).
    #[serde(default)]
    pub results: Option<PathBuf>,
    /// The dimension to split on (default: the one that separates the winners with the
    /// fewest ranges and no conflicts).
    #[serde(default)]
    pub dim: Option<String>,
}

/// Which side a range dispatches to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Winner {
    /// The existing path (also every shape without a significant win).
    Baseline,
    /// The candidate: FASTER on every shape of the range.
    Candidate,
}

/// One shape's evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ShapeEvidence {
    /// Shape id.
    pub shape: String,
    /// Its value of the split dimension.
    pub value: i64,
    /// The verdict (null when the shape has no comparison).
    pub verdict: Option<Verdict>,
    /// Baseline / candidate median.
    pub speedup: Option<f64>,
    /// The 95% interval of candidate / baseline.
    pub ratio_ci: Option<(f64, f64)>,
    /// Where it goes.
    pub winner: Winner,
}

/// One range of the table: `lo <= dim < hi` (open ends are null).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DispatchRange {
    /// `range/<n>` in ascending order.
    pub id: String,
    /// Inclusive lower bound (null = no bound).
    pub lo: Option<i64>,
    /// Exclusive upper bound (null = no bound).
    pub hi: Option<i64>,
    /// The side.
    pub winner: Winner,
    /// Smallest and largest measured value inside.
    pub measured: (i64, i64),
    /// Weight-free geometric mean speedup of its shapes (baseline / candidate).
    pub geomean_speedup: Option<f64>,
    /// The shapes behind it.
    pub evidence: Vec<ShapeEvidence>,
}

/// Generated dispatch code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Snippets {
    /// A Rust function.
    pub rust: String,
    /// A C++ function.
    pub cpp: String,
    /// A Python function.
    pub python: String,
}

/// The result of `kernel dispatch`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DispatchReport {
    /// Task name.
    pub task: String,
    /// The A/B record read.
    pub results_jsonl: String,
    /// The split dimension.
    pub dim: String,
    /// Shapes of the A/B that conflict with the table (another winner at the same value).
    pub conflicts: Vec<String>,
    /// The ranges, ascending.
    pub ranges: Vec<DispatchRange>,
    /// The thresholds where the winner changes.
    pub thresholds: Vec<i64>,
    /// The table as code.
    pub snippets: Snippets,
    /// Things to know.
    pub warnings: Vec<Warning>,
}

/// Run `kernel dispatch`.
pub fn run_dispatch(opts: &DispatchOptions) -> Result<DispatchReport, KernelError> {
    let loaded = load_task(&opts.dir)?;
    let ab =
        read_results(&ResultsOptions { dir: opts.dir.clone(), results: opts.results.clone() })?;
    let dims: BTreeMap<&str, &BTreeMap<String, i64>> =
        loaded.task.shapes.iter().map(|s| (s.id.as_str(), &s.dims)).collect();
    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    for s in &ab.shapes {
        let Some(d) = dims.get(s.id.as_str()) else {
            warnings.push(Warning::new(
                "shape-not-in-task",
                format!("{}: in the A/B record but not in task.toml: left out", s.id),
            ));
            continue;
        };
        let c = s.comparison.as_ref();
        let verdict = c.map(|c| c.verdict);
        rows.push((
            *d,
            ShapeEvidence {
                shape: s.id.clone(),
                value: 0,
                verdict,
                speedup: s.speedup,
                ratio_ci: c.map(|c| (c.ci_low, c.ci_high)),
                winner: if verdict == Some(Verdict::Faster) {
                    Winner::Candidate
                } else {
                    Winner::Baseline
                },
            },
        ));
    }
    if rows.is_empty() {
        return Err(KernelError::Invalid(format!(
            "{}: the A/B has no timed shapes (gate failed or run interrupted): nothing to dispatch on",
            ab.results_jsonl
        )));
    }
    let names: BTreeSet<&String> = rows.iter().flat_map(|(d, _)| d.keys()).collect();
    let candidates: Vec<&String> = match &opts.dim {
        Some(n) => {
            if !names.contains(n) {
                return Err(KernelError::Invalid(format!(
                    "--dim {n}: not a dimension of the shapes (they have: {})",
                    names.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                )));
            }
            vec![n]
        }
        None => names.into_iter().collect(),
    };
    // Score every dimension: (conflicts, ranges); fewest wins, ties by name.
    let mut best: Option<(usize, usize, String, Vec<ShapeEvidence>)> = None;
    for name in candidates {
        let mut ev: Vec<ShapeEvidence> = rows
            .iter()
            .filter_map(|(d, e)| d.get(name).map(|v| ShapeEvidence { value: *v, ..e.clone() }))
            .collect();
        if ev.len() < rows.len() {
            continue;
        }
        ev.sort_by(|a, b| (a.value, &a.shape).cmp(&(b.value, &b.shape)));
        let conflicts = conflicts_of(&ev).len();
        let ranges = 1 + ev.windows(2).filter(|w| w[0].winner != w[1].winner).count();
        let better = best.as_ref().is_none_or(|b| (conflicts, ranges) < (b.0, b.1));
        if better {
            best = Some((conflicts, ranges, name.clone(), ev));
        }
    }
    let Some((_, _, dim, ev)) = best else {
        return Err(KernelError::Invalid("no dimension is shared by every shape".into()));
    };
    let conflicts = conflicts_of(&ev);
    if !conflicts.is_empty() {
        warnings.push(Warning::counted(
            "conflicting-shapes",
            conflicts.len() as u64,
            format!(
                "shapes with the same {dim} have different winners ({}): one dimension does not explain them; they stay on the baseline",
                conflicts.join(", ")
            ),
        ));
    }
    // Conflicting values stay on the baseline.
    let ev: Vec<ShapeEvidence> = ev
        .into_iter()
        .map(|mut e| {
            if conflicts.contains(&e.shape) {
                e.winner = Winner::Baseline;
            }
            e
        })
        .collect();
    let mut ranges: Vec<DispatchRange> = Vec::new();
    for e in ev {
        match ranges.last_mut() {
            Some(r) if r.winner == e.winner => {
                r.measured.1 = e.value;
                r.evidence.push(e);
            }
            _ => ranges.push(DispatchRange {
                id: String::new(),
                lo: Some(e.value),
                hi: None,
                winner: e.winner,
                measured: (e.value, e.value),
                geomean_speedup: None,
                evidence: vec![e],
            }),
        }
    }
    let n = ranges.len();
    for i in 0..n {
        let next_lo = ranges.get(i + 1).and_then(|r| r.lo);
        let r = &mut ranges[i];
        r.id = format!("range/{i}");
        r.hi = next_lo;
        if i == 0 {
            r.lo = None;
        }
        let sp: Vec<f64> =
            r.evidence.iter().filter_map(|e| e.speedup).filter(|s| *s > 0.0).collect();
        r.geomean_speedup = (!sp.is_empty())
            .then(|| (sp.iter().map(|s| s.ln()).sum::<f64>() / sp.len() as f64).exp());
    }
    let thresholds: Vec<i64> = ranges.iter().skip(1).filter_map(|r| r.lo).collect();
    if ranges.iter().all(|r| r.winner == Winner::Baseline) {
        warnings.push(Warning::new(
            "no-significant-win",
            "no shape is FASTER: every shape stays on the baseline",
        ));
    }
    let snippets = snippets(&dim, &ranges);
    Ok(DispatchReport {
        task: ab.task.clone(),
        results_jsonl: ab.results_jsonl.clone(),
        dim,
        conflicts,
        ranges,
        thresholds,
        snippets,
        warnings,
    })
}

fn conflicts_of(ev: &[ShapeEvidence]) -> Vec<String> {
    let mut by_value: BTreeMap<i64, BTreeSet<bool>> = BTreeMap::new();
    for e in ev {
        by_value.entry(e.value).or_default().insert(e.winner == Winner::Candidate);
    }
    ev.iter()
        .filter(|e| by_value.get(&e.value).is_some_and(|w| w.len() > 1))
        .map(|e| e.shape.clone())
        .collect()
}

fn note(r: &DispatchRange) -> String {
    let shapes: Vec<String> = r
        .evidence
        .iter()
        .map(|e| format!("{} {}", e.shape, e.verdict.map_or("-".into(), |v| v.to_string())))
        .collect();
    format!(
        "measured {}..{}: {}{}",
        r.measured.0,
        r.measured.1,
        shapes.join(", "),
        r.geomean_speedup.map_or(String::new(), |g| format!("; geomean speedup {g:.3}"))
    )
}

fn cond(dim: &str, r: &DispatchRange, and: &str) -> Option<String> {
    match (r.lo, r.hi) {
        (None, None) => None,
        (Some(lo), None) => Some(format!("{dim} >= {lo}")),
        (None, Some(hi)) => Some(format!("{dim} < {hi}")),
        (Some(lo), Some(hi)) => Some(format!("{dim} >= {lo} {and} {dim} < {hi}")),
    }
}

fn snippets(dim: &str, ranges: &[DispatchRange]) -> Snippets {
    let var: String = dim
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .collect();
    let (mut rust, mut cpp, mut py) = (String::new(), String::new(), String::new());
    rust.push_str(&format!(
        "/// Generated by `perfpilot kernel dispatch` (split on `{dim}`).\npub fn choose_kernel({var}: i64) -> &'static str {{\n"
    ));
    cpp.push_str(&format!(
        "// Generated by `perfpilot kernel dispatch` (split on `{dim}`).\ninline const char* choose_kernel(int64_t {var}) {{\n"
    ));
    py.push_str(&format!(
        "def choose_kernel({var}: int) -> str:\n    \"\"\"Generated by `perfpilot kernel dispatch` (split on `{dim}`).\"\"\"\n"
    ));
    let last = ranges.len().saturating_sub(1);
    for (i, r) in ranges.iter().enumerate() {
        let side = match r.winner {
            Winner::Baseline => "baseline",
            Winner::Candidate => "candidate",
        };
        let n = note(r);
        // Ranges are ascending: `< hi` is enough except for the last (the fallthrough).
        let c = if i == last { None } else { r.hi.map(|hi| format!("{var} < {hi}")) };
        match c {
            Some(c) => {
                rust.push_str(&format!(
                    "    if {c} {{\n        return \"{side}\"; // {n}\n    }}\n"
                ));
                cpp.push_str(&format!("  if ({c}) return \"{side}\";  // {n}\n"));
                py.push_str(&format!("    if {c}:\n        return \"{side}\"  # {n}\n"));
            }
            None => {
                rust.push_str(&format!("    \"{side}\" // {n}\n"));
                cpp.push_str(&format!("  return \"{side}\";  // {n}\n"));
                py.push_str(&format!("    return \"{side}\"  # {n}\n"));
            }
        }
    }
    rust.push_str("}\n");
    cpp.push_str("}\n");
    Snippets { rust, cpp, python: py }
}

impl Report for DispatchReport {
    fn schema_version(&self) -> &'static str {
        DISPATCH_SCHEMA
    }

    fn document(&self) -> Document {
        let mut t = Table::new(
            "ranges",
            ["range", "condition", "winner", "measured", "geomean speedup", "evidence"],
        )
        .right(&["geomean speedup"]);
        for r in &self.ranges {
            t.push_row(
                r.id.clone(),
                [
                    r.id.clone(),
                    cond(&self.dim, r, "and").unwrap_or_else(|| "all".into()),
                    format!("{:?}", r.winner).to_lowercase(),
                    format!("{}..{}", r.measured.0, r.measured.1),
                    r.geomean_speedup.map_or("-".into(), |g| format!("{g:.3}")),
                    r.evidence
                        .iter()
                        .map(|e| {
                            format!(
                                "{} {}{}",
                                e.shape,
                                e.verdict.map_or("-".into(), |v| v.to_string()),
                                e.speedup.map_or(String::new(), |s| format!(" {s:.2}x"))
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                ],
            );
        }
        Document::new(format!("kernel dispatch: {}", self.task))
            .with_fact("split on", self.dim.clone())
            .with_fact(
                "thresholds",
                if self.thresholds.is_empty() {
                    "none (one range)".to_string()
                } else {
                    self.thresholds.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
                },
            )
            .with_fact("rule", "candidate only where FASTER; SAME, SLOWER, NOISY and untimed shapes stay on the baseline")
            .with_fact("results", self.results_jsonl.clone())
            .with_section(Section::new("Ranges").with_table(t))
            .with_section(Section::new("Rust").with_text(format!("```rust\n{}```", self.snippets.rust)))
            .with_section(Section::new("C++").with_text(format!("```cpp\n{}```", self.snippets.cpp)))
            .with_section(Section::new("Python").with_text(format!("```python\n{}```", self.snippets.python)))
    }
}
