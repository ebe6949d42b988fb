//! Forward passes of one rank: from step annotations (`ProfilerStep#N`, vLLM
//! `execute_…`, SGLang `step[…]`) when the trace has them, else from GPU idle gaps that
//! no graph launch spans. Patterns and the gap come from `data/passes.toml`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

use crate::error::TraceError;
use crate::model::{AnnotationSide, Ns, RuntimeKind, Trace};

/// The pass rule file compiled into the binary.
pub const EMBEDDED_PASSES: &str = include_str!("../../data/passes.toml");

/// How a pass was delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PassSource {
    /// A step annotation's CPU range held the launches.
    StepAnnotation,
    /// GPU idle gaps separate it from its neighbours.
    IdleGap,
}

/// Compiled pass rules.
#[derive(Debug, Clone)]
pub struct PassRules {
    steps: Vec<Regex>,
    /// Per step rule, the pattern whose captures add up to the step's batch size.
    batches: Vec<Option<Regex>>,
    /// Smallest GPU idle gap that separates passes when there are no step annotations.
    pub min_gap_ns: Ns,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    schema: String,
    step: Vec<StepEntry>,
    gaps: Gaps,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepEntry {
    pattern: toml::Spanned<String>,
    #[serde(default)]
    batch: Option<toml::Spanned<String>>,
    #[allow(dead_code)]
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Gaps {
    min_gap_us: f64,
    #[allow(dead_code)]
    source: String,
}

static EMBEDDED: LazyLock<PassRules> = LazyLock::new(|| {
    // Tested by `embedded_rules_load`; a failure here is a build bug.
    PassRules::from_toml_str(EMBEDDED_PASSES, Path::new("<embedded passes.toml>"))
        .unwrap_or_else(|e| panic!("{e}"))
});

impl PassRules {
    /// The built-in rules.
    pub fn embedded() -> PassRules {
        EMBEDDED.clone()
    }

    /// The built-in rules, or `path`'s (`--passes`), which replace them.
    pub fn load(path: Option<&Path>) -> Result<PassRules, TraceError> {
        match path {
            None => Ok(PassRules::embedded()),
            Some(p) => PassRules::from_toml_str(&crate::rulefile::read(p)?, p),
        }
    }

    /// Load rules; errors name `origin`, the line and what was expected.
    pub fn from_toml_str(text: &str, origin: &Path) -> Result<PassRules, TraceError> {
        let err = |message: String| TraceError::Rules { path: origin.to_path_buf(), message };
        let file: File =
            toml::from_str(text).map_err(|e| crate::rulefile::toml_error(origin, text, &e))?;
        if file.schema != "perfpilot.passes/1" {
            return Err(err(format!("schema `{}`, expected `perfpilot.passes/1`", file.schema)));
        }
        let steps = file
            .step
            .iter()
            .map(|s| {
                Regex::new(s.pattern.get_ref()).map_err(|e| {
                    crate::rulefile::invalid_at(
                        origin,
                        text,
                        s.pattern.span(),
                        format!("pattern {:?}: {e}", s.pattern.get_ref()),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let batches = file
            .step
            .iter()
            .map(|s| {
                s.batch
                    .as_ref()
                    .map(|b| {
                        let re = Regex::new(b.get_ref()).map_err(|e| format!("{e}"));
                        match re {
                            Ok(re) if re.captures_len() > 1 => Ok(re),
                            Ok(_) => Err("it has no capture group (expected one or more `(\\d+)`)"
                                .to_string()),
                            Err(e) => Err(e),
                        }
                        .map_err(|e| {
                            crate::rulefile::invalid_at(
                                origin,
                                text,
                                b.span(),
                                format!("batch {:?}: {e}", b.get_ref()),
                            )
                        })
                    })
                    .transpose()
            })
            .collect::<Result<Vec<_>, _>>()?;
        if !(file.gaps.min_gap_us.is_finite() && file.gaps.min_gap_us > 0.0) {
            return Err(err(format!(
                "gaps.min_gap_us must be positive, not {}",
                file.gaps.min_gap_us
            )));
        }
        Ok(PassRules { steps, batches, min_gap_ns: (file.gaps.min_gap_us * 1000.0).round() as Ns })
    }

    /// True when `name` is a step annotation.
    pub fn is_step(&self, name: &str) -> bool {
        self.steps.iter().any(|r| r.is_match(name))
    }

    /// The batch size a step annotation names (the sum of its rule's `batch` captures:
    /// `step[DECODE bs=32]` → 32, vLLM `…context_1(…)_generation_31(…)` → 32).
    pub fn batch_of(&self, name: &str) -> Option<u64> {
        let i = self.steps.iter().position(|r| r.is_match(name))?;
        let caps = self.batches.get(i)?.as_ref()?.captures(name)?;
        let mut sum = 0u64;
        for m in caps.iter().skip(1).flatten() {
            sum = sum.checked_add(m.as_str().parse::<u64>().ok()?)?;
        }
        Some(sum)
    }
}

/// The GPU ops of one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassWindow {
    /// Indices into `Trace::gpu`, in time order.
    pub ops: Vec<u32>,
    /// How it was delimited.
    pub source: PassSource,
    /// The step annotation's name, when one delimited it.
    pub step: Option<String>,
}

/// Passes found, and the ops that fell in none (launched outside every step window).
#[derive(Debug, Clone, Default)]
pub struct Passes {
    /// Passes in time order of their first op.
    pub passes: Vec<PassWindow>,
    /// Ops outside every pass (indices into `Trace::gpu`).
    pub outside: Vec<u32>,
}

/// Group `ops` (indices into `trace.gpu`, time order) into passes.
pub fn find_passes(trace: &Trace, ops: &[u32], rules: &PassRules) -> Passes {
    let by_corr = trace.runtime_correlation_index();
    let launch = |op: u32| by_corr.first(trace.gpu[op as usize].correlation);
    // GPU-side step ranges hold exactly the kernels that ran in the step; the CPU-side
    // range holds the launches (it can also hold launches of a pass whose start was
    // before the profiler window).
    let gpu = step_windows(trace, rules, AnnotationSide::Gpu);
    if !gpu.is_empty() {
        return assign(trace, ops, &gpu, &|op: u32| trace.gpu[op as usize].ts);
    }
    let windows = step_windows(trace, rules, AnnotationSide::Cpu);
    if windows.is_empty() {
        return Passes {
            passes: gap_passes(trace, ops, rules.min_gap_ns, &launch),
            outside: Vec::new(),
        };
    }
    let at = |op: u32| {
        let g = &trace.gpu[op as usize];
        launch(op).map_or(g.ts, |l| trace.runtime[l].ts)
    };
    assign(trace, ops, &windows, &at)
}

/// Put each op in the window containing its time `at(op)`.
fn assign(
    trace: &Trace,
    ops: &[u32],
    windows: &[(Ns, Ns, String)],
    at: &dyn Fn(u32) -> Ns,
) -> Passes {
    let mut per_window: Vec<Vec<u32>> = vec![Vec::new(); windows.len()];
    let mut outside = Vec::new();
    for &op in ops {
        let t = at(op);
        let idx = windows.partition_point(|w| w.0 <= t);
        let hit = (0..idx).rev().take(4).find(|&i| t < windows[i].1);
        match hit {
            Some(i) => per_window[i].push(op),
            None => outside.push(op),
        }
    }
    let passes = windows
        .iter()
        .zip(per_window)
        .filter(|(_, ops)| !ops.is_empty())
        .map(|(w, mut ops)| {
            ops.sort_by_key(|&o| (trace.gpu[o as usize].ts, o));
            PassWindow { ops, source: PassSource::StepAnnotation, step: Some(w.2.clone()) }
        })
        .collect();
    Passes { passes, outside }
}

/// Outermost step annotations of one side as `(start, end, name)`, by start.
fn step_windows(trace: &Trace, rules: &PassRules, side: AnnotationSide) -> Vec<(Ns, Ns, String)> {
    let mut is_step: HashMap<crate::model::NameId, bool> = HashMap::new();
    let mut all: Vec<(Ns, Ns, String)> = trace
        .annotations
        .iter()
        .filter(|a| a.side == side)
        .filter(|a| *is_step.entry(a.name).or_insert_with(|| rules.is_step(trace.name(a.name))))
        .map(|a| (a.ts, a.end(), trace.name(a.name).to_string()))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    let mut kept: Vec<(Ns, Ns, String)> = Vec::new();
    for w in all {
        if kept.last().is_some_and(|k| w.0 >= k.0 && w.1 <= k.1) {
            continue; // nested inside the previous outer step
        }
        kept.push(w);
    }
    kept
}

/// Split at GPU idle gaps of at least `min_gap` that no graph launch spans.
fn gap_passes(
    trace: &Trace,
    ops: &[u32],
    min_gap: Ns,
    launch: &dyn Fn(u32) -> Option<usize>,
) -> Vec<PassWindow> {
    let graph_of =
        |op: u32| launch(op).filter(|&l| trace.runtime[l].kind == RuntimeKind::GraphLaunch);
    let mut passes: Vec<PassWindow> = Vec::new();
    let mut cur: Vec<u32> = Vec::new();
    let mut busy_until: Ns = Ns::MIN;
    let mut prev_graph = None;
    for &op in ops {
        let g = &trace.gpu[op as usize];
        let graph = graph_of(op);
        let same_graph = graph.is_some() && graph == prev_graph;
        if !cur.is_empty() && g.ts.saturating_sub(busy_until) >= min_gap && !same_graph {
            passes.push(PassWindow {
                ops: std::mem::take(&mut cur),
                source: PassSource::IdleGap,
                step: None,
            });
        }
        cur.push(op);
        busy_until = busy_until.max(g.end());
        prev_graph = graph;
    }
    if !cur.is_empty() {
        passes.push(PassWindow { ops: cur, source: PassSource::IdleGap, step: None });
    }
    passes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_load() {
        let r = PassRules::embedded();
        assert!(r.is_step("ProfilerStep#6"));
        assert!(r.is_step("execute_context_1(888_788544)_generation_0(0)"));
        assert!(r.is_step(
            "execute_32_context_0(sq0sk0sqsq0sqsk0)_generation_32(sq32sk32785sqsq32sqsk32785)"
        ));
        assert!(r.is_step("step[DECODE bs=32]"));
        assert!(!r.is_step("## Call CompiledFxGraph abc ##"));
        assert!(!r.is_step("nccl:_all_gather_base"));
        assert_eq!(r.min_gap_ns, 1_000_000);
        assert_eq!(r.batch_of("step[DECODE bs=32]"), Some(32));
        assert_eq!(r.batch_of("execute_context_1(888_788544)_generation_0(0)"), Some(1));
        assert_eq!(
            r.batch_of(
                "execute_32_context_0(sq0sk0sqsq0sqsk0)_generation_32(sq32sk32785sqsq32sqsk32785)"
            ),
            Some(32)
        );
        assert_eq!(r.batch_of("ProfilerStep#6"), None);
        let bad = PassRules::from_toml_str(
            "schema = 'perfpilot.passes/1'\n[[step]]\npattern = '('\nsource = 'x'\n[gaps]\nmin_gap_us = 1.0\nsource = 'y'\n",
            Path::new("p.toml"),
        );
        assert!(bad.unwrap_err().to_string().contains("p.toml"));
    }

    #[test]
    fn gaps_split_passes_but_not_inside_a_graph_replay() {
        let json = br#"{"traceEvents": [
          {"ph": "X", "cat": "cuda_runtime", "name": "cudaGraphLaunch", "pid": 1, "tid": 1, "ts": 0, "dur": 5, "args": {"correlation": 7}},
          {"ph": "X", "cat": "kernel", "name": "a", "pid": 0, "tid": 7, "ts": 10, "dur": 1, "args": {"correlation": 7, "stream": 7}},
          {"ph": "X", "cat": "kernel", "name": "b", "pid": 0, "tid": 7, "ts": 5000, "dur": 1, "args": {"correlation": 7, "stream": 7}},
          {"ph": "X", "cat": "kernel", "name": "c", "pid": 0, "tid": 7, "ts": 9000, "dur": 1, "args": {"correlation": 8, "stream": 7}},
          {"ph": "X", "cat": "kernel", "name": "d", "pid": 0, "tid": 7, "ts": 9100, "dur": 1, "args": {"correlation": 9, "stream": 7}}
        ]}"#;
        let t = crate::parse::parse_trace_bytes(json).unwrap();
        let ops: Vec<u32> = (0..t.gpu.len() as u32).collect();
        let p = find_passes(&t, &ops, &PassRules::embedded());
        let sizes: Vec<usize> = p.passes.iter().map(|w| w.ops.len()).collect();
        assert_eq!(sizes, vec![2, 2]);
        assert!(p.outside.is_empty());
    }

    #[test]
    fn steps_take_the_kernels_they_launched() {
        let json = br#"{"traceEvents": [
          {"ph": "X", "cat": "user_annotation", "name": "ProfilerStep#1", "pid": 1, "tid": 1, "ts": 100, "dur": 100},
          {"ph": "X", "cat": "user_annotation", "name": "ProfilerStep#2", "pid": 1, "tid": 1, "ts": 200, "dur": 100},
          {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": 50, "dur": 1, "args": {"correlation": 1}},
          {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": 150, "dur": 1, "args": {"correlation": 2}},
          {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": 250, "dur": 1, "args": {"correlation": 3}},
          {"ph": "X", "cat": "kernel", "name": "a", "pid": 0, "tid": 7, "ts": 210, "dur": 1, "args": {"correlation": 1}},
          {"ph": "X", "cat": "kernel", "name": "b", "pid": 0, "tid": 7, "ts": 260, "dur": 1, "args": {"correlation": 2}},
          {"ph": "X", "cat": "kernel", "name": "c", "pid": 0, "tid": 7, "ts": 300, "dur": 1, "args": {"correlation": 3}}
        ]}"#;
        let t = crate::parse::parse_trace_bytes(json).unwrap();
        let ops: Vec<u32> = (0..t.gpu.len() as u32).collect();
        let p = find_passes(&t, &ops, &PassRules::embedded());
        assert_eq!(p.passes.len(), 2);
        assert_eq!(p.outside.len(), 1, "kernel `a` was launched before any step");
        assert_eq!(p.passes[0].step.as_deref(), Some("ProfilerStep#1"));
        assert_eq!(t.name(t.gpu[p.passes[1].ops[0] as usize].name), "c");
    }
}
