//! One rank's GPU ops as records: the triage pipeline (device, attribution, stages, rows
//! refined by launch context) plus the pass and layer split of `trace layers`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use perfpilot_report::{Progress, Warning};

use super::plan::RankPlan;
use crate::analysis::attribution::{FrameCache, attribute};
use crate::analysis::context::contextualize;
use crate::analysis::device::{choose_device, skipped_warnings};
use crate::analysis::frames::FrameRules;
use crate::analysis::kernels::{OpFacts, RowIndex};
use crate::analysis::stage::{Stage, StageRules, assign};
use crate::error::TraceError;
use crate::layers::passes::PassRules;
use crate::layers::{SliceRules, slice_trace};
use crate::model::{GpuKind, Trace};
use crate::parse::read_trace_file;
use crate::taxonomy::{Category, Evidence, Taxonomy};
use crate::triage::report::SiteKind;

/// The rules the records are classified with, loaded once for every rank.
pub struct ExportRules {
    taxonomy: Taxonomy,
    frames: FrameRules,
    stages: StageRules,
    passes: PassRules,
}

impl ExportRules {
    /// The built-in rules, or the taxonomy rule file `rules` in place of the built-in
    /// kernel categories (as `trace triage --rules`).
    pub fn load(rules: Option<&Path>) -> Result<ExportRules, TraceError> {
        let taxonomy = match rules {
            Some(p) => Taxonomy::from_toml_file(p)
                .map_err(|e| TraceError::Rules { path: p.to_path_buf(), message: e.to_string() })?,
            None => Taxonomy::embedded(),
        };
        Ok(ExportRules {
            taxonomy,
            frames: FrameRules::embedded(),
            stages: StageRules::embedded(),
            passes: PassRules::embedded(),
        })
    }

    /// Where the taxonomy came from (`embedded:…` or the file).
    pub fn taxonomy_origin(&self) -> &str {
        self.taxonomy.origin()
    }
}

/// One GPU op (kernel, memcpy or memset) of the analysed device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KernelRecord {
    /// Stage (as `trace triage` assigns it).
    pub stage: Stage,
    /// Kernel, memcpy or memset.
    pub kind: GpuKind,
    /// Device index.
    pub device: u32,
    /// Stream.
    pub stream: u32,
    /// Start on the trace's clock, ns.
    pub start_ns: i64,
    /// Duration, ns.
    pub dur_ns: i64,
    /// Full name: index into [`RankKernels::strings`].
    pub name: u32,
    /// Canonical name (the triage row): index into [`RankKernels::strings`].
    pub canonical: u32,
    /// Category (refined by launch context, as in the triage kernel table).
    pub category: Category,
    /// What decided the category.
    pub evidence: Evidence,
    /// The taxonomy rule that decided it: index into [`RankKernels::strings`].
    pub rule: u32,
    /// What the call site is.
    pub site_kind: SiteKind,
    /// Call site text (none when unresolved): index into [`RankKernels::strings`].
    pub call_site: Option<u32>,
    /// The launching CPU op's name: index into [`RankKernels::strings`].
    pub launch_op: Option<u32>,
    /// `args.correlation` (0 = none).
    pub correlation: u64,
    /// Forward pass within its trace file (as `trace layers` numbers them).
    pub pass: Option<u32>,
    /// Layer within the pass, when the pass was split into layers.
    pub layer: Option<u32>,
}

/// One rank's records.
#[derive(Debug, Clone)]
pub struct RankKernels {
    /// The rank: from the file names, else the trace's `distributedInfo.rank`, else 0.
    pub rank: u32,
    /// Where the rank came from: `file name`, `trace metadata` or `default`.
    pub rank_from: &'static str,
    /// The files read.
    pub files: Vec<PathBuf>,
    /// Strings the records point into (names, rules, sites, CPU ops).
    pub strings: Vec<String>,
    /// Records in time order (ties: stream, then file order).
    pub kernels: Vec<KernelRecord>,
    /// Records that fell in a pass / in a layer.
    pub in_pass: u64,
    /// Records that fell in a layer.
    pub in_layer: u64,
    /// What went wrong or was left out, per file.
    pub warnings: Vec<Warning>,
}

#[derive(Default)]
struct Strings {
    list: Vec<String>,
    index: HashMap<String, u32>,
}

impl Strings {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }
}

/// Parse and analyse the files of one rank.
pub fn analyse_rank(
    plan: &RankPlan,
    rules: &ExportRules,
    progress: &dyn Progress,
) -> Result<RankKernels, TraceError> {
    let mut out = RankKernels {
        rank: 0,
        rank_from: "default",
        files: Vec::new(),
        strings: Vec::new(),
        kernels: Vec::new(),
        in_pass: 0,
        in_layer: 0,
        warnings: Vec::new(),
    };
    let mut strings = Strings::default();
    let mut frames = FrameCache::new(&rules.frames);
    let mut stages_seen: Vec<Stage> = Vec::new();
    let mut meta_rank = None;
    for file in &plan.files {
        progress.message(&format!("parsing {}", file.path.display()));
        let trace = read_trace_file(&file.path, progress)?;
        meta_rank = meta_rank.or(trace.meta.rank);
        skipped_warnings(&file.path, &trace.stats, &mut out.warnings);
        let first = out.kernels.len();
        file_records(
            &file.path,
            file.stage,
            trace,
            rules,
            &mut frames,
            &mut strings,
            &mut stages_seen,
            &mut out,
        )?;
        out.in_pass += out.kernels[first..].iter().filter(|k| k.pass.is_some()).count() as u64;
        out.in_layer += out.kernels[first..].iter().filter(|k| k.layer.is_some()).count() as u64;
        out.files.push(file.path.clone());
    }
    (out.rank, out.rank_from) = match (plan.rank, meta_rank) {
        (Some(r), _) => (r, "file name"),
        (None, Some(r)) => (r, "trace metadata"),
        (None, None) => (0, "default"),
    };
    out.kernels.sort_by_key(|k| (k.start_ns, k.stream));
    out.strings = strings.list;
    Ok(out)
}

/// The records of one file, appended to `out`. Stages another file of the rank already
/// gave are skipped with a warning, as `trace triage` does.
#[allow(clippy::too_many_arguments)]
fn file_records(
    path: &Path,
    path_stage: Stage,
    trace: Trace,
    rules: &ExportRules,
    frames: &mut FrameCache<'_>,
    strings: &mut Strings,
    stages_seen: &mut Vec<Stage>,
    out: &mut RankKernels,
) -> Result<(), TraceError> {
    let mut warnings = Vec::new();
    let choice = choose_device(&trace, path, &mut warnings);
    out.warnings.append(&mut warnings);
    if choice.ops.is_empty() {
        out.warnings.push(Warning::new(
            "no-gpu-kernels",
            format!("{}: no GPU kernels, memcpy or memset: nothing to export", path.display()),
        ));
        return Ok(());
    }
    // Passes and layers (the trace moves into the slice and is read back from it).
    let sliced = slice_trace(
        path.to_path_buf(),
        trace,
        Vec::new(),
        None,
        None,
        None,
        SliceRules { taxonomy: &rules.taxonomy, passes: &rules.passes, stages: &rules.stages },
        &perfpilot_report::NoProgress,
    )?;
    let trace = &sliced.trace;
    let mut place: Vec<(u32, u32)> = vec![(u32::MAX, u32::MAX); trace.gpu.len()];
    for (p, split) in sliced.passes.iter().enumerate() {
        let bounds = split.seg.as_ref().ok().map(|s| s.bounds.as_slice()).unwrap_or(&[]);
        let mut layer = 0usize;
        for (j, &op) in split.window.ops.iter().enumerate() {
            while layer + 1 < bounds.len() && j >= bounds[layer + 1] {
                layer += 1;
            }
            let in_layer = bounds.len() >= 2 && j >= bounds[0] && j < bounds[bounds.len() - 1];
            place[op as usize] = (p as u32, if in_layer { layer as u32 } else { u32::MAX });
        }
    }

    let ops = choice.ops;
    let attrs = attribute(trace, &ops, frames);
    let stages = assign(trace, &ops, &attrs, path_stage, &rules.stages);
    let mut rows = RowIndex::new(&rules.taxonomy);
    let mut sites = crate::triage::SiteTable::default();
    let mut facts: Vec<(OpFacts, Stage)> = Vec::with_capacity(ops.len());
    for (slot, ((&op, attr), &(stage, _))) in ops.iter().zip(&attrs).zip(&stages).enumerate() {
        let g = &trace.gpu[op as usize];
        let row = rows.row_of(trace, g.name, g.kind);
        let site = sites.of(trace, &attr.site, frames);
        facts.push((OpFacts { op, slot: slot as u32, row, site }, stage));
    }
    contextualize(&mut rows, trace, facts.iter().map(|(f, _)| f), &attrs, &sites.list);

    let mut file_stages: Vec<Stage> = facts.iter().map(|(_, s)| *s).collect();
    file_stages.sort();
    file_stages.dedup();
    let skipped: Vec<Stage> =
        file_stages.iter().copied().filter(|s| stages_seen.contains(s)).collect();
    for s in &skipped {
        out.warnings.push(Warning::new(
            "duplicate-stage",
            format!(
                "{}: {} kernels already came from another file of this rank; this file's {} \
                 kernels are not exported",
                path.display(),
                s.as_str(),
                s.as_str()
            ),
        ));
    }
    stages_seen.extend(file_stages.iter().filter(|s| !skipped.contains(s)));

    let row_strings: Vec<(u32, u32)> =
        rows.rows.iter().map(|r| (strings.id(&r.name), strings.id(r.rule.as_str()))).collect();
    let site_strings: Vec<Option<u32>> = sites
        .list
        .iter()
        .map(|s| (s.kind != SiteKind::Unresolved).then(|| strings.id(&s.text)))
        .collect();
    let mut op_names: HashMap<u32, u32> = HashMap::new();
    let mut raw_names: HashMap<u32, u32> = HashMap::new();
    for (f, stage) in &facts {
        if skipped.contains(stage) {
            continue;
        }
        let g = &trace.gpu[f.op as usize];
        let row = &rows.rows[f.row as usize];
        let name = *raw_names.entry(g.name.0).or_insert_with(|| strings.id(trace.name(g.name)));
        let launch_op = attrs[f.slot as usize].cpu_op.map(|c| {
            let n = trace.cpu_ops[c as usize].name;
            *op_names.entry(n.0).or_insert_with(|| strings.id(trace.name(n)))
        });
        let (pass, layer) = place[f.op as usize];
        let (canonical, rule) = row_strings[f.row as usize];
        out.kernels.push(KernelRecord {
            stage: *stage,
            kind: g.kind,
            device: g.device,
            stream: g.stream,
            start_ns: g.ts,
            dur_ns: g.dur,
            name,
            canonical,
            category: row.category,
            evidence: row.evidence,
            rule,
            site_kind: sites.list[f.site as usize].kind,
            call_site: site_strings[f.site as usize],
            launch_op,
            correlation: g.correlation,
            pass: (pass != u32::MAX).then_some(pass),
            layer: (layer != u32::MAX).then_some(layer),
        });
    }
    Ok(())
}
