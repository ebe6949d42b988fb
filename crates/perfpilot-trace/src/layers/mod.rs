//! `trace layers`: forward passes → layers → kernels of one rank, without a hand-written
//! model profile.
//!
//! [`layers()`] is the one entry point (CLI and MCP call it). The pieces:
//! [`passes`] finds the forward passes, [`config`] reads the model's layer count and
//! layer types, [`period`] and [`mod@segment`] find the layer boundaries inside a pass from
//! the kernel-name sequence, [`tables`] builds the per-layer, per-type and compute-flow
//! tables, [`emit`] writes a Perfetto-ready copy of the trace with a layer guide track.

pub mod config;
mod document;
pub mod emit;
mod options;
pub mod passes;
pub mod period;
pub mod report;
pub mod segment;
pub mod tables;

use std::collections::HashMap;
use std::path::PathBuf;

use perfpilot_report::{Progress, Warning};

pub use options::LayersOptions;
pub use report::{LayersReport, SCHEMA_VERSION};

use crate::analysis::device::{DeviceChoice, choose_device, skipped_warnings};
use crate::analysis::stage::StageRules;
use crate::error::TraceError;
use crate::input::discover::{discover, select};
use crate::model::{GpuKind, Trace};
use crate::parse::read_trace_file;
use crate::taxonomy::{Category, Taxonomy};
use config::ModelLayout;
use passes::{PassRules, find_passes};
use report::{Detection, LayerCountSource, ModelFacts};
use segment::{Role, Segmentation, Unsure, segment};
use tables::{PassSplit, build_tables};

/// The role a category plays for the boundary finder.
pub fn role_of(category: Category) -> Role {
    match category {
        Category::Norm => Role::Norm,
        Category::Attention | Category::Ssm => Role::Attention,
        Category::Activation | Category::Moe => Role::Mlp,
        _ => Role::Other,
    }
}

/// A parsed trace with the ops of one device, their categories and passes: what
/// `layers` and `diff` share.
pub struct Sliced {
    /// The trace file.
    pub path: PathBuf,
    /// The parsed trace.
    pub trace: Trace,
    /// Device analysed.
    pub device: u32,
    /// Category of every name id (`Other` for names that are not GPU ops).
    pub categories: Vec<Category>,
    /// Passes with their layer splits (`Err` when unsure).
    pub passes: Vec<PassSplit>,
    /// Ops outside every pass.
    pub outside: Vec<u32>,
    /// The layer count and types used.
    pub model: Option<ModelFacts>,
    /// Detection summary.
    pub detection: Detection,
    /// Warnings so far.
    pub warnings: Vec<Warning>,
    /// The stage rules that name each pass's stage.
    pub stage_rules: StageRules,
}

/// The rule files [`slice()`] uses (built-in, or the files given by `--rules`, `--passes`,
/// `--stages`).
#[derive(Debug, Clone, Copy)]
pub struct SliceRules<'a> {
    /// Kernel categories.
    pub taxonomy: &'a Taxonomy,
    /// Step annotations and the idle gap that delimit passes.
    pub passes: &'a PassRules,
    /// Annotation names that give a pass its stage.
    pub stages: &'a StageRules,
}

/// Analyse a trace into passes and layers.
pub fn layers(opts: &LayersOptions, progress: &dyn Progress) -> Result<LayersReport, TraceError> {
    opts.validate()?;
    let taxonomy = match &opts.rules {
        Some(p) => Taxonomy::from_toml_file(p)
            .map_err(|e| TraceError::Rules { path: p.clone(), message: e.to_string() })?,
        None => Taxonomy::embedded(),
    };
    let layout = match &opts.config {
        Some(p) => {
            let rules = config::model_rules(opts.model_rules.as_deref())?;
            Some(config::read_config_file_with(p, &rules)?)
        }
        None => None,
    };
    let anchor = opts.anchor_regex()?;
    let passes = PassRules::load(opts.passes.as_deref())?;
    let stages = StageRules::load(opts.stages.as_deref())?;
    let rules = SliceRules { taxonomy: &taxonomy, passes: &passes, stages: &stages };
    let mut sliced =
        slice(&opts.input, opts.rank, layout, opts.layers, anchor.as_ref(), rules, progress)?;
    let emitted = match &opts.emit_trace {
        Some(out) => {
            progress.message("writing layer trace");
            Some(emit::write_layer_trace(&sliced.path, out, &sliced, progress)?)
        }
        None => None,
    };
    let report = build_tables(&mut sliced, opts.pass, &taxonomy, emitted)?;
    progress.finish();
    Ok(report)
}

/// Parse `input`, choose the device, find passes and split them into layers.
pub fn slice(
    input: &std::path::Path,
    rank: Option<u32>,
    layout: Option<ModelLayout>,
    layers_opt: Option<usize>,
    anchor: Option<&regex::Regex>,
    rules: SliceRules<'_>,
    progress: &dyn Progress,
) -> Result<Sliced, TraceError> {
    // The same bound as a config's layer count: per-layer tables are sized by it.
    if let Some(n) = layers_opt
        && !(1..=4096).contains(&n)
    {
        return Err(TraceError::Options(format!("--layers {n}: expected 1 to 4096 layers")));
    }
    let mut warnings = Vec::new();
    let discovery = discover(input)?;
    let selection = select(&discovery, rank, None)?;
    let file = selection
        .files
        .first()
        .cloned()
        .ok_or_else(|| TraceError::NoTraces { path: input.to_path_buf() })?;
    if selection.files.len() > 1 {
        let others: Vec<String> =
            selection.files[1..].iter().map(|f| f.path.display().to_string()).collect();
        warnings.push(Warning::new(
            "file-not-analysed",
            format!(
                "layers analyses one file: {}; not analysed: {}",
                file.path.display(),
                others.join(", ")
            ),
        ));
    }
    progress.message(&format!("parsing {}", file.path.display()));
    let trace = read_trace_file(&file.path, progress)?;
    skipped_warnings(&file.path, &trace.stats, &mut warnings);
    slice_trace(file.path, trace, warnings, layout, layers_opt, anchor, rules, progress)
}

/// [`slice()`] on a trace already parsed (`path` is its file, for messages); `warnings` are
/// those so far. `trace export` parses each rank file once and slices it here.
#[allow(clippy::too_many_arguments)]
pub fn slice_trace(
    path: PathBuf,
    trace: Trace,
    mut warnings: Vec<Warning>,
    layout: Option<ModelLayout>,
    layers_opt: Option<usize>,
    anchor: Option<&regex::Regex>,
    rules: SliceRules<'_>,
    progress: &dyn Progress,
) -> Result<Sliced, TraceError> {
    let taxonomy = rules.taxonomy;
    progress.message("finding layers");
    let DeviceChoice { device, ops, .. } = choose_device(&trace, &path, &mut warnings);
    if ops.is_empty() {
        return Err(TraceError::Selection { path: path.clone(), message: "the trace holds no GPU kernels, memcpy or memset: nothing to slice into layers (was GPU activity profiled?)".into() });
    }
    let categories = categorise(&trace, &ops, taxonomy);
    let roles: Vec<Role> = categories.iter().map(|&c| role_of(c)).collect();
    let found = find_passes(&trace, &ops, rules.passes);
    if !found.outside.is_empty() {
        warnings.push(Warning::counted("outside-passes", found.outside.len() as u64, format!("{} GPU ops were launched outside every step annotation (work of a step before the profiler window, or between steps); they belong to no pass", found.outside.len())));
    }
    let seqs: Vec<Vec<u32>> = found
        .passes
        .iter()
        .map(|p| p.ops.iter().map(|&o| trace.gpu[o as usize].name.0).collect())
        .collect();
    let reference = (0..seqs.len()).max_by_key(|&i| (seqs[i].len(), std::cmp::Reverse(i)));
    let period = reference.and_then(|i| period::dominant_period(&seqs[i]));
    let (model, count) = match (layout, layers_opt) {
        (Some(l), Some(n)) if l.num_layers != n => {
            warnings.push(Warning::new("layers-override", format!("--layers {n} overrides the config's {} layers; layer types from the config are not used", l.num_layers)));
            (
                Some(ModelFacts {
                    layer_count_source: LayerCountSource::Option,
                    layout: ModelLayout::uniform(n),
                }),
                Some(n),
            )
        }
        (Some(l), _) => {
            let n = l.num_layers;
            (Some(ModelFacts { layer_count_source: LayerCountSource::Config, layout: l }), Some(n))
        }
        (None, Some(n)) => (
            Some(ModelFacts {
                layer_count_source: LayerCountSource::Option,
                layout: ModelLayout::uniform(n),
            }),
            Some(n),
        ),
        (None, None) => {
            match reference.and_then(|i| infer_layers(&seqs[i], &roles, period.as_ref())) {
                Some((n, why)) => {
                    warnings.push(Warning::new("layers-inferred", format!("no --config or --layers: {n} layers inferred ({why}); pass --config config.json to confirm")));
                    (
                        Some(ModelFacts {
                            layer_count_source: LayerCountSource::Inferred,
                            layout: ModelLayout::uniform(n),
                        }),
                        Some(n),
                    )
                }
                None => (None, None),
            }
        }
    };
    let mut detection = Detection {
        layers: count.unwrap_or(0),
        anchor: None,
        anchor_per_layer: None,
        phase: None,
        period,
        layers_per_period: None,
        evidence: Vec::new(),
    };
    let mut cache: HashMap<&[u32], Result<Segmentation, Unsure>> = HashMap::new();
    let anchor_fn = anchor.map(|re| {
        let hits: Vec<bool> = (0..trace.names.len())
            .map(|i| re.is_match(trace.name(crate::model::NameId(i as u32))))
            .collect();
        move |id: u32| hits.get(id as usize).copied().unwrap_or(false)
    });
    let anchor_dyn = anchor_fn.as_ref().map(|f| f as &dyn Fn(u32) -> bool);
    let mut splits = Vec::with_capacity(found.passes.len());
    for (p, seq) in found.passes.into_iter().zip(&seqs) {
        let Some(n) = count else {
            splits.push(PassSplit {
                window: p,
                seg: Err(Unsure {
                    evidence: vec![
                        "no layer count: give --config config.json or --layers N".into(),
                    ],
                }),
            });
            continue;
        };
        let seg = cache
            .entry(seq.as_slice())
            .or_insert_with(|| segment(seq, &roles, n, anchor_dyn))
            .clone();
        if seg.is_err() {
            // A step that wraps several forward passes: split it and slice each.
            if let Some(parts) = split_multi(&trace, &p, seq, n) {
                for part in parts {
                    let pseq: Vec<u32> =
                        part.ops.iter().map(|&o| trace.gpu[o as usize].name.0).collect();
                    let seg = segment(&pseq, &roles, n, anchor_dyn);
                    splits.push(PassSplit { window: part, seg });
                }
                continue;
            }
        }
        splits.push(PassSplit { window: p, seg });
    }
    summarise_detection(&mut detection, &splits, reference, &trace, taxonomy, &mut warnings);
    Ok(Sliced {
        path,
        trace,
        device,
        categories,
        passes: splits,
        outside: found.outside,
        model,
        detection,
        warnings,
        stage_rules: rules.stages.clone(),
    })
}

/// Split a step window that holds `m >= 2` forward passes (a kernel name occurs exactly
/// `m × layers` times) at the longest GPU idle gap between consecutive layer stacks.
fn split_multi(
    trace: &Trace,
    w: &passes::PassWindow,
    seq: &[u32],
    layers: usize,
) -> Option<Vec<passes::PassWindow>> {
    let counts = segment::count_names(seq);
    let (&name, &c) = counts
        .iter()
        .filter(|&(_, &c)| c >= 2 * layers && c % layers == 0)
        .min_by_key(|&(&name, &c)| (c, name))?;
    let m = c / layers;
    let occ: Vec<usize> =
        seq.iter().enumerate().filter(|(_, s)| **s == name).map(|(i, _)| i).collect();
    let mut cuts = Vec::with_capacity(m - 1);
    for i in 1..m {
        let (a, b) = (occ[i * layers - 1], occ[i * layers]);
        let gap = |j: usize| {
            let prev_end = w.ops[..j]
                .iter()
                .rev()
                .take(8)
                .map(|&o| trace.gpu[o as usize].end())
                .max()
                .unwrap_or(0);
            trace.gpu[w.ops[j] as usize].ts - prev_end
        };
        let cut = (a + 1..=b).max_by_key(|&j| (gap(j), std::cmp::Reverse(j)))?;
        cuts.push(cut);
    }
    let mut parts = Vec::with_capacity(m);
    let mut from = 0;
    for cut in cuts.into_iter().chain([seq.len()]) {
        parts.push(passes::PassWindow {
            ops: w.ops[from..cut].to_vec(),
            source: w.source,
            step: w.step.clone(),
        });
        from = cut;
    }
    Some(parts)
}

/// Category of every name id used by `ops` (others stay `Other`).
fn categorise(trace: &Trace, ops: &[u32], taxonomy: &Taxonomy) -> Vec<Category> {
    let mut cats: Vec<Option<Category>> = vec![None; trace.names.len()];
    for &o in ops {
        let g = &trace.gpu[o as usize];
        let slot = &mut cats[g.name.0 as usize];
        if slot.is_none() {
            *slot = Some(match g.kind {
                GpuKind::Memcpy | GpuKind::Memset => Category::Memory,
                _ => taxonomy.classify(trace.name(g.name)),
            });
        }
    }
    cats.into_iter().map(|c| c.unwrap_or(Category::Other)).collect()
}

/// The layer count of a pass without a config: among the counts of its repeated kernel
/// names, the one that splits the pass into layers and that most names share (a kernel
/// that runs once per layer), with one or two attention (or SSM) sites per layer,
/// preferring a count equal to the number of sites. No attention kernels: no inference.
fn infer_layers(
    seq: &[u32],
    roles: &[Role],
    period: Option<&period::Period>,
) -> Option<(usize, String)> {
    let role = |id: u32| roles.get(id as usize).copied().unwrap_or(Role::Other);
    let sites = seq
        .iter()
        .enumerate()
        .filter(|&(i, &s)| {
            role(s) == Role::Attention && (i == 0 || role(seq[i - 1]) != Role::Attention)
        })
        .count();
    let counts = segment::count_names(seq);
    let mut candidates: Vec<usize> =
        counts.values().flat_map(|&c| [c, c.saturating_sub(1)]).filter(|&c| c >= 2).collect();
    candidates.sort_unstable();
    candidates.dedup();
    let mut best: Option<(bool, usize, std::cmp::Reverse<usize>)> = None;
    for &c in &candidates {
        // A decoder layer runs one attention (or SSM) site, two at most.
        if sites == 0 || c > sites || 2 * c < sites {
            continue;
        }
        let support = counts.values().filter(|&&n| n == c || n == c + 1).count();
        if support < 2 || segment(seq, roles, c, None).is_err() {
            continue;
        }
        let key = (sites == c, support, std::cmp::Reverse(c));
        if best.is_none_or(|b| key > b) {
            best = Some(key);
        }
    }
    let (site_match, support, std::cmp::Reverse(n)) = best?;
    let mut why = format!("{support} kernel names occur {n} (or {}) times", n + 1);
    if site_match {
        why.push_str(&format!(", and there are {sites} attention sites"));
    }
    if let Some(p) = period {
        why.push_str(&format!("; the sequence repeats every {} kernels", p.len));
    }
    Some((n, why))
}

fn summarise_detection(
    d: &mut Detection,
    splits: &[PassSplit],
    reference: Option<usize>,
    trace: &Trace,
    taxonomy: &Taxonomy,
    warnings: &mut Vec<Warning>,
) {
    let ok = splits.iter().filter(|s| s.seg.is_ok()).count();
    let pick = reference
        .filter(|&i| splits[i].seg.is_ok())
        .or_else(|| splits.iter().position(|s| s.seg.is_ok()));
    if let Some(seg) = pick.and_then(|i| splits[i].seg.as_ref().ok()) {
        d.anchor = Some(taxonomy.display_name(trace.name(crate::model::NameId(seg.anchor)), 80));
        d.anchor_per_layer = Some(seg.per_layer);
        d.phase = Some(seg.phase);
        if let Some(p) = d.period {
            let layer_kernels =
                (seg.bounds[seg.layers()] - seg.bounds[0]) as f64 / seg.layers().max(1) as f64;
            d.layers_per_period = Some((p.len as f64 / layer_kernels * 100.0).round() / 100.0);
            d.evidence.push(format!("the kernel sequence repeats every {} kernels ({} repeats); layers average {layer_kernels:.1} kernels", p.len, p.repeats()));
        }
        d.evidence.push(format!("anchor `{}` occurs {}× per layer; {} of {} layers repeat another layer's kernels exactly", d.anchor.clone().unwrap_or_default(), seg.per_layer, seg.repeated, seg.layers()));
        if seg.offset_placed > 0 {
            d.evidence.push(format!("{} layer starts placed by the median anchor offset (no norm before their attention)", seg.offset_placed));
        }
    }
    let unsure: Vec<usize> =
        splits.iter().enumerate().filter(|(_, s)| s.seg.is_err()).map(|(i, _)| i).collect();
    if let Some(&first) = unsure.first() {
        if let Err(u) = &splits[first].seg {
            for e in &u.evidence {
                d.evidence.push(format!("pass {first}: {e}"));
            }
        }
        warnings.push(Warning::counted("layers-unsure", unsure.len() as u64, format!("layer boundaries not found in {} of {} passes (first: pass {first}); see detection.evidence; --anchor REGEX or --layers N can settle it", unsure.len(), splits.len())));
    }
    if ok == 0 && splits.is_empty() {
        d.evidence.push("no passes found".into());
    }
}
