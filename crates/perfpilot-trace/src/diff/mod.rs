//! `trace diff`: where kernel time moved between two traces of the same workload.
//!
//! Both traces are parsed and sliced like `trace layers` (one device each, passes and,
//! when a layer count is known or can be inferred, layers). Times are compared per
//! category, per kernel (canonical name) and per layer type, as totals or per pass.
//! [`diff()`] is the one entry point (CLI and MCP call it).

mod document;
mod math;
pub mod passes;
pub mod report;

use std::collections::BTreeMap;
use std::path::PathBuf;

use perfpilot_report::{Progress, Warning};
use schemars::JsonSchema;
use serde::Deserialize;

pub use report::{DiffReport, Normalize, SCHEMA_VERSION};

use crate::analysis::attribution::{FrameCache, attribute};
use crate::analysis::frames::FrameRules;
use crate::analysis::kernels::row_id;
use crate::analysis::stage::{Stage, StageRules, assign};
use crate::error::TraceError;
use crate::layers::config::{model_rules, read_config_file_with};
use crate::layers::passes::PassRules;
use crate::layers::{SliceRules, Sliced, slice};
use crate::model::GpuKind;
use crate::taxonomy::{Taxonomy, canonical_name};
use math::{LayerSides, Tally, compare};
use passes::{count_in, match_passes, pass_facts};
use report::SideFacts;

fn default_stage() -> Stage {
    Stage::All
}

fn default_normalize() -> Normalize {
    Normalize::Auto
}

/// What to compare and how.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffOptions {
    /// The BEFORE trace (file or profile directory).
    pub before: PathBuf,
    /// The AFTER trace.
    pub after: PathBuf,
    /// Only this stage (`extend`, `decode`; `all` = every op).
    #[serde(default = "default_stage")]
    pub stage: Stage,
    /// The model's `config.json`, for per-layer-type deltas (used for both traces).
    #[serde(default)]
    pub config: Option<PathBuf>,
    /// Number of decoder layers (instead of, or overriding, the config's).
    #[serde(default)]
    pub layers: Option<usize>,
    /// Totals, per pass, or per pass when the pass counts differ (default).
    #[serde(default = "default_normalize")]
    pub normalize: Normalize,
    /// Rank to analyse in multi-rank directories.
    #[serde(default)]
    pub rank: Option<u32>,
    /// A taxonomy rule file replacing the built-in rules.
    #[serde(default)]
    pub rules: Option<PathBuf>,
    /// A rule file replacing the embedded `config.json` reading rules (`model_config.toml`).
    #[serde(default)]
    pub model_rules: Option<PathBuf>,
    /// A pass rule file replacing the embedded `passes.toml` (step annotations, batch
    /// sizes, idle gap).
    #[serde(default)]
    pub passes: Option<PathBuf>,
    /// A stage rule file replacing the embedded `stages.toml` (annotation name → stage).
    #[serde(default)]
    pub stages: Option<PathBuf>,
    /// Python frame rules replacing the embedded `attribution.toml`.
    #[serde(default)]
    pub attribution: Option<PathBuf>,
}

impl DiffOptions {
    /// Options with every default.
    pub fn new(before: impl Into<PathBuf>, after: impl Into<PathBuf>) -> DiffOptions {
        DiffOptions {
            before: before.into(),
            after: after.into(),
            stage: Stage::All,
            config: None,
            layers: None,
            normalize: Normalize::Auto,
            rank: None,
            rules: None,
            model_rules: None,
            passes: None,
            stages: None,
            attribution: None,
        }
    }
}

/// Compare two traces.
pub fn diff(opts: &DiffOptions, progress: &dyn Progress) -> Result<DiffReport, TraceError> {
    if opts.layers == Some(0) {
        return Err(TraceError::Options("--layers must be at least 1".into()));
    }
    let taxonomy = match &opts.rules {
        Some(p) => Taxonomy::from_toml_file(p)
            .map_err(|e| TraceError::Rules { path: p.clone(), message: e.to_string() })?,
        None => Taxonomy::embedded(),
    };
    let layout = match &opts.config {
        Some(p) => {
            let rules = model_rules(opts.model_rules.as_deref())?;
            Some(read_config_file_with(p, &rules)?)
        }
        None => None,
    };
    let pass_rules = PassRules::load(opts.passes.as_deref())?;
    let stage_rules = StageRules::load(opts.stages.as_deref())?;
    let frame_rules = FrameRules::load(opts.attribution.as_deref())?;
    let rules = SliceRules { taxonomy: &taxonomy, passes: &pass_rules, stages: &stage_rules };
    let mut warnings = Vec::new();
    let mut sides = Vec::with_capacity(2);
    for (role, path) in [("before", &opts.before), ("after", &opts.after)] {
        progress.message(&format!("{role}: {}", path.display()));
        let mut s = slice(path, opts.rank, layout.clone(), opts.layers, None, rules, progress)?;
        for mut w in std::mem::take(&mut s.warnings) {
            w.message = format!("{role}: {}", w.message);
            warnings.push(w);
        }
        let tally = tally(&s, opts.stage, &taxonomy, &frame_rules, &stage_rules);
        let facts = pass_facts(&s, &pass_rules);
        sides.push((s, tally, facts));
    }
    let (after, before) = (sides.pop(), sides.pop());
    let (Some((b, bt, bf)), Some((a, at, af))) = (before, after) else {
        return Err(TraceError::Options("internal: two sides expected".into()));
    };
    // Passes of the compared stage: per-pass times divide by these.
    let (nb, na) = (count_in(&bf, opts.stage), count_in(&af, opts.stage));
    let stage_word =
        if opts.stage == Stage::All { String::new() } else { format!("{} ", opts.stage.as_str()) };
    let normalized = match opts.normalize {
        Normalize::Auto if nb != na && nb > 0 && na > 0 => {
            warnings.push(Warning::new(
                "pass-count-differs",
                format!(
                    "BEFORE has {nb} {stage_word}passes and AFTER {na}; times are compared per pass"
                ),
            ));
            Normalize::PerPass
        }
        Normalize::Auto => Normalize::Total,
        other => other,
    };
    let scale = |n: usize| match normalized {
        Normalize::PerPass => 1.0 / n.max(1) as f64,
        _ => 1.0,
    };
    let facts = |s: &Sliced, t: &Tally, n: usize| SideFacts {
        input: s.path.display().to_string(),
        device: s.device,
        framework: crate::input::framework_from_path(&s.path).map(str::to_string),
        kernels: t.launches,
        kernel_time_ns: t.time,
        passes: s.passes.len(),
        compared_passes: n,
        passes_with_layers: s.passes.iter().filter(|p| p.seg.is_ok()).count(),
    };
    let matched = match_passes(&bf, &af, opts.stage);
    let layers = LayerSides {
        before: matched.before_pass.and_then(|i| layer_means(&b, i)),
        after: matched.after_pass.and_then(|i| layer_means(&a, i)),
        both_sliced: [&b, &a].iter().all(|s| s.passes.iter().any(|p| p.seg.is_ok())),
        matched,
    };
    let report = compare(
        facts(&b, &bt, nb),
        facts(&a, &at, na),
        &bt,
        &at,
        (scale(nb), scale(na)),
        layers,
        opts.stage,
        normalized,
        warnings,
    );
    progress.finish();
    Ok(report)
}

/// Times and launches per category and per kernel of one side.
fn tally(
    s: &Sliced,
    stage: Stage,
    taxonomy: &Taxonomy,
    frames: &FrameRules,
    stages: &StageRules,
) -> Tally {
    let ops: Vec<u32> = s
        .trace
        .gpu
        .iter()
        .enumerate()
        .filter(|(_, g)| g.device == s.device && g.kind != GpuKind::Sync)
        .map(|(i, _)| i as u32)
        .collect();
    let keep: Vec<bool> = if stage == Stage::All {
        vec![true; ops.len()]
    } else {
        let mut frames = FrameCache::new(frames);
        let attrs = attribute(&s.trace, &ops, &mut frames);
        assign(&s.trace, &ops, &attrs, Stage::from_path(&s.path), stages)
            .into_iter()
            .map(|(st, _)| st == stage)
            .collect()
    };
    let mut t = Tally::default();
    let mut ids: BTreeMap<u32, (String, String)> = BTreeMap::new();
    for (&o, _) in ops.iter().zip(&keep).filter(|(_, k)| **k) {
        let g = &s.trace.gpu[o as usize];
        let cat = s.categories[g.name.0 as usize];
        let (id, display) = ids
            .entry(g.name.0)
            .or_insert_with(|| {
                let name = s.trace.name(g.name);
                (row_id(&canonical_name(name)), taxonomy.display_name(name, 80))
            })
            .clone();
        t.add(cat, &id, &display, g.dur);
    }
    t
}

/// Mean summed time per layer, by layer type, in pass `pass` (the matched pass).
fn layer_means(s: &Sliced, pass: usize) -> Option<BTreeMap<String, (f64, f64)>> {
    let split = s.passes.get(pass)?;
    let seg = split.seg.as_ref().ok()?;
    let ops = &split.window.ops;
    // Signature-cluster labels (`type-A`) are per trace; only config types match across
    // traces, so without a config every layer counts as one type.
    let from_config = s
        .model
        .as_ref()
        .is_some_and(|m| m.layer_count_source == crate::layers::report::LayerCountSource::Config);
    let labels = if from_config {
        crate::layers::tables::kind_labels(s, ops, seg)
    } else {
        vec!["all layers".to_string(); seg.layers()]
    };
    let mut acc: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for l in 0..seg.layers() {
        let sum: i64 = crate::model::sat_sum(
            ops[seg.bounds[l]..seg.bounds[l + 1]].iter().map(|&o| s.trace.gpu[o as usize].dur),
        );
        let e = acc.entry(labels[l].clone()).or_insert((0.0, 0.0));
        e.0 += sum as f64;
        e.1 += (seg.bounds[l + 1] - seg.bounds[l]) as f64;
    }
    let counts = labels.iter().fold(BTreeMap::<&str, f64>::new(), |mut m, l| {
        *m.entry(l.as_str()).or_insert(0.0) += 1.0;
        m
    });
    Some(
        acc.into_iter()
            .map(|(k, (t, n))| {
                let c = counts.get(k.as_str()).copied().unwrap_or(1.0);
                (k, (t / c, n / c))
            })
            .collect(),
    )
}
