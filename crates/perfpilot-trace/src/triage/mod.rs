//! `trace triage`: discover → parse → attribute → split stages → kernel, overlap and fuse
//! tables. [`triage`] is the one entry point (CLI and MCP call it).

pub(crate) mod document;
mod options;
pub mod report;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use perfpilot_report::{Progress, Warning};

pub use options::{DEFAULT_CV_THRESHOLD, DEFAULT_MIN_SHARE_PCT, TriageOptions};
pub use report::{SCHEMA_VERSION, TriageReport};

use crate::analysis::attribution::{Attribution, FrameCache, Site, attribute};
use crate::analysis::device::{DeviceChoice, choose_device, skipped_warnings};
use crate::analysis::frames::{FrameRules, ReplayKind};
use crate::analysis::fuse::fuse_rows;
use crate::analysis::intervals;
use crate::analysis::kernels::{OpFacts, RowIndex, SiteKey, kernel_rows, site_key};
use crate::analysis::mapping::MappingIndex;
use crate::analysis::overlap::{idle_gaps, overlap};
use crate::analysis::stage::{Stage, StageRule, StageRules, assign};
use crate::error::TraceError;
use crate::fusion::{Catalogue, Context};
use crate::input::discover::{Selection, TraceFile, discover, select};
use crate::input::server_args;
use crate::model::Trace;
use crate::parse::read_trace_file;
use crate::taxonomy::Taxonomy;
use report::{
    Detected, DeviceFacts, LinkCounts, MappingStats, SiteKind, StageReport, StageRuleCount,
    TraceInput,
};

/// Everything the per-file analysis needs, loaded once (shared by the rank workers of
/// a multi-rank run).
pub(crate) struct Rules {
    /// The `--rules` file; `None` for the embedded rules, which compile on a worker thread
    /// while the trace is read ([`Rules::taxonomy`] waits for them).
    taxonomy: Option<Taxonomy>,
    frames: FrameRules,
    stages: StageRules,
    catalogue: Catalogue,
}

impl Rules {
    /// The embedded rules, each replaced by its override file when given (`--rules`,
    /// `--attribution`, `--stages`, `--fusions`).
    pub(crate) fn load(opts: &TriageOptions) -> Result<Rules, TraceError> {
        Ok(Rules {
            taxonomy: match &opts.rules {
                Some(p) => {
                    Some(Taxonomy::from_toml_file(p).map_err(|e| TraceError::Rules {
                        path: p.clone(),
                        message: e.to_string(),
                    })?)
                }
                None => {
                    Taxonomy::prepare_embedded();
                    None
                }
            },
            frames: FrameRules::load(opts.attribution.as_deref())?,
            stages: StageRules::load(opts.stages.as_deref())?,
            catalogue: Catalogue::load(opts.fusions.as_deref())?,
        })
    }

    /// The taxonomy (the embedded one waits for its compile on first use).
    pub(crate) fn taxonomy(&self) -> &Taxonomy {
        self.taxonomy.as_ref().unwrap_or_else(|| Taxonomy::embedded_ref())
    }
}

/// What a multi-rank run sees of each stage of a file before its events are dropped:
/// the trace, the stage, its GPU ops and their kernel rows.
pub(crate) type StageHook<'h> = dyn FnMut(&Trace, Stage, &[OpFacts], &RowIndex<'_>) + 'h;

/// One parsed and attributed file.
struct Analysed {
    file: TraceFile,
    trace: Trace,
    device: DeviceFacts,
    /// GPU ops analysed (indices into `trace.gpu`), time order.
    ops: Vec<u32>,
    attrs: Vec<Attribution>,
    stages: Vec<(Stage, StageRule)>,
}

/// Triage a trace file or profile directory.
pub fn triage(opts: &TriageOptions, progress: &dyn Progress) -> Result<TriageReport, TraceError> {
    opts.validate()?;
    let rules = Rules::load(opts)?;
    let stage_filter = Some(opts.stage).filter(|s| *s != Stage::All);
    let discovery = discover(&opts.input)?;
    let selection = select(&discovery, opts.rank, stage_filter)?;
    let args_dir = if opts.input.is_dir() { opts.input.clone() } else { parent(&opts.input) };
    triage_selection(opts, &rules, selection, &args_dir, progress, &mut |_, _, _, _| {})
}

/// Triage the files already chosen (one rank); `hook` sees every stage's ops before the
/// trace is dropped.
pub(crate) fn triage_selection(
    opts: &TriageOptions,
    rules: &Rules,
    selection: Selection,
    args_dir: &Path,
    progress: &dyn Progress,
    hook: &mut StageHook<'_>,
) -> Result<TriageReport, TraceError> {
    let mut warnings: Vec<Warning> = Vec::new();
    let stage_filter = Some(opts.stage).filter(|s| *s != Stage::All);
    note_dropped(&mut warnings, &selection.dropped, "file-not-analysed");
    let mapping_files = match &opts.mapping {
        Some(m) => {
            let d = discover(m)?;
            let s = select(&d, selection.rank.or(opts.rank), stage_filter)?;
            note_dropped(&mut warnings, &s.dropped, "mapping-file-not-analysed");
            s.files
        }
        None => Vec::new(),
    };

    let server = match server_args::find(args_dir) {
        Some(p) => match server_args::read(&p) {
            Ok(a) => Some(a),
            Err(e) => {
                warnings.push(Warning::new("server-args-unreadable", e.to_string()));
                None
            }
        },
        None => None,
    };

    let total: u64 = selection
        .files
        .iter()
        .chain(&mapping_files)
        .filter_map(|f| std::fs::metadata(&f.path).ok())
        .map(|m| m.len())
        .sum();
    progress.set_total(total);
    let mut frame_cache = FrameCache::new(&rules.frames);
    let mut formal = Vec::new();
    for f in &selection.files {
        progress.message(&format!("parsing {}", f.path.display()));
        formal.push(analyse(f.clone(), progress, rules, &mut frame_cache, &mut warnings)?);
    }
    let mut mapping_index = None;
    let mut mapping_inputs = Vec::new();
    if !mapping_files.is_empty() {
        let mut index = MappingIndex::new();
        for f in &mapping_files {
            progress.message(&format!("parsing mapping {}", f.path.display()));
            let a = analyse(f.clone(), progress, rules, &mut frame_cache, &mut warnings)?;
            let mut rows = RowIndex::new(rules.taxonomy());
            for ((&op, attr), (stage, _)) in a.ops.iter().zip(&a.attrs).zip(&a.stages) {
                if let Site::Frame { .. } = attr.site {
                    let g = &a.trace.gpu[op as usize];
                    let row = rows.row_of(&a.trace, g.name, g.kind);
                    let key = site_key(&a.trace, &attr.site, &mut frame_cache);
                    index.push(&rows.rows[row as usize].name, *stage, key.text);
                }
            }
            mapping_inputs.push(input_of(&a, "mapping"));
        }
        mapping_index = Some(index);
    }
    progress.message("analysing");

    let framework = detect_framework(&opts.input, server.as_ref(), &formal, &mut frame_cache);
    let ctx = Context {
        dtype: server.as_ref().and_then(|s| s.facts.dtype.clone()),
        quantization: server.as_ref().and_then(|s| s.facts.quantization.clone()),
        tp_size: server.as_ref().and_then(|s| s.facts.tp_size),
        framework: framework.as_ref().map(|f| f.value.clone()),
        model: server.as_ref().and_then(|s| s.facts.model.clone()),
    };

    let mut links = LinkCounts::default();
    let mut rule_counts: HashMap<StageRule, u64> = HashMap::new();
    let mut mapping_stats = mapping_index.as_ref().map(|m| MappingStats {
        mapping_kernel_names: m.names() as u64,
        ..MappingStats::default()
    });
    let mut stages: Vec<StageReport> = Vec::new();
    for a in &formal {
        let mut rows = RowIndex::new(rules.taxonomy());
        let mut sites = SiteTable::default();
        let mut groups: HashMap<Stage, Vec<OpFacts>> = HashMap::new();
        let mut ordinals: HashMap<(u32, Stage), usize> = HashMap::new();
        for (slot, ((&op, attr), &(stage, rule))) in
            a.ops.iter().zip(&a.attrs).zip(&a.stages).enumerate()
        {
            links.add(attr.launch_link, attr.cpu_op_link);
            *rule_counts.entry(rule).or_default() += 1;
            if stage_filter.is_some_and(|want| want != stage) {
                continue;
            }
            let g = &a.trace.gpu[op as usize];
            let row = rows.row_of(&a.trace, g.name, g.kind);
            let mut site = sites.of(&a.trace, &attr.site, &mut frame_cache);
            if let (Some(index), Some(stats)) = (&mapping_index, mapping_stats.as_mut())
                && matches!(
                    sites.list[site as usize].kind,
                    SiteKind::Replay(_) | SiteKind::Unresolved
                )
            {
                stats.needed += 1;
                let n = ordinals.entry((row, stage)).or_default();
                if let Some(text) = index.site(&rows.rows[row as usize].name, stage, *n) {
                    stats.matched += 1;
                    site = sites.mapped(text);
                }
                *n += 1;
            }
            match sites.list[site as usize].kind {
                SiteKind::Frame => links.site_python_frame += 1,
                SiteKind::Mapped => links.site_mapped += 1,
                SiteKind::Replay(ReplayKind::CudaGraph) => links.site_cuda_graph_replay += 1,
                SiteKind::Replay(_) => links.site_torch_compile_replay += 1,
                SiteKind::Unresolved => links.site_unresolved += 1,
            }
            groups.entry(stage).or_default().push(OpFacts { op, slot: slot as u32, row, site });
        }
        crate::analysis::context::contextualize(
            &mut rows,
            &a.trace,
            groups.values().flatten(),
            &a.attrs,
            &sites.list,
        );
        let staged: Vec<(u32, u32, Stage)> =
            groups.iter().flat_map(|(s, v)| v.iter().map(move |f| (f.op, f.slot, *s))).collect();
        for (stage, ops) in &groups {
            hook(&a.trace, *stage, ops, &rows);
        }
        let gaps = idle_gaps(&a.trace, &staged, &a.attrs);
        let mut keys: Vec<Stage> = groups.keys().copied().collect();
        keys.sort();
        for stage in keys {
            if stages.iter().any(|s| s.stage == stage) {
                warnings.push(Warning::new("duplicate-stage", format!("{}: a {} table already came from another file; this file's {} kernels are not shown", a.file.path.display(), stage.as_str(), stage.as_str())));
                continue;
            }
            let ops = &groups[&stage];
            let spans: Vec<(i64, i64)> = ops
                .iter()
                .map(|f| {
                    let g = &a.trace.gpu[f.op as usize];
                    (g.ts, g.end())
                })
                .collect();
            let kernel_time: i64 =
                crate::model::sat_sum(spans.iter().map(|(s, e)| e.saturating_sub(*s)));
            let busy = intervals::total(&intervals::union(spans.clone()));
            let span = spans.iter().map(|s| s.1).max().unwrap_or(0)
                - spans.iter().map(|s| s.0).min().unwrap_or(0);
            let mut ov = overlap(&a.trace, ops, &rows, &a.attrs, busy);
            if let Some((idle, host)) = gaps.get(&stage) {
                ov.idle = *idle;
                ov.host_bound_idle = *host;
            }
            stages.push(StageReport {
                stage,
                kernel_time_ns: kernel_time,
                busy_time_ns: busy,
                span_ns: span,
                launches: ops.len() as u64,
                kernels: kernel_rows(&a.trace, ops, &a.attrs, &sites.list, &rows, kernel_time),
                overlap: ov,
                fusions: fuse_rows(&a.trace, ops, &rows, &rules.catalogue, &ctx, kernel_time),
            });
        }
    }
    stages.sort_by_key(|s| s.stage);
    if let Some(stats) = mapping_stats.as_mut() {
        stats.match_rate_pct = if stats.needed > 0 {
            100.0 * stats.matched as f64 / stats.needed as f64
        } else {
            100.0
        };
    }
    if links.kernels == 0 {
        warnings.push(Warning::new("no-gpu-kernels", "the trace holds no GPU kernels, memcpy or memset: nothing to triage (was the GPU activity profiled?)"));
    }
    if links.site_python_frame == 0
        && links.kernels > 0
        && formal.iter().all(|a| a.trace.python.is_empty())
    {
        warnings.push(Warning::new(
            "no-python-stack",
            "no python_function events: call sites are unresolved; profile with with_stack=True",
        ));
    }
    let mut stage_rules: Vec<StageRuleCount> =
        rule_counts.into_iter().map(|(rule, kernels)| StageRuleCount { rule, kernels }).collect();
    stage_rules.sort_by_key(|r| r.rule);

    let mut inputs: Vec<TraceInput> = formal.iter().map(|a| input_of(a, "trace")).collect();
    inputs.extend(mapping_inputs);
    let first = formal.first();
    progress.finish();
    Ok(TriageReport {
        inputs,
        framework,
        model: server.as_ref().and_then(|s| s.facts.model.clone()),
        server_args: server.map(|s| s.facts),
        ranks: selection.ranks.clone(),
        rank: selection.rank.or_else(|| first.and_then(|a| a.trace.meta.rank)),
        device: first.map(|a| a.device.clone()).unwrap_or_default(),
        links,
        stage_rules,
        mapping: mapping_stats,
        min_share_pct: opts.min_share_pct,
        stages,
        taxonomy: rules.taxonomy().origin().to_string(),
        parse: formal.iter().map(|a| a.trace.stats.clone()).collect(),
        trace_meta: first.map(|a| a.trace.meta.clone()).unwrap_or_default(),
        warnings,
    })
}

fn parent(p: &Path) -> PathBuf {
    p.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

fn input_of(a: &Analysed, role: &str) -> TraceInput {
    TraceInput {
        role: role.into(),
        path: a.file.path.display().to_string(),
        rank: a.file.rank.or(a.trace.meta.rank),
        stage: a.file.stage,
        json_bytes: a.trace.stats.json_bytes,
        events: a.trace.stats.events,
    }
}

fn note_dropped(warnings: &mut Vec<Warning>, dropped: &[(PathBuf, String)], code: &str) {
    if dropped.is_empty() {
        return;
    }
    let shown: Vec<String> =
        dropped.iter().take(3).map(|(p, why)| format!("{} ({why})", p.display())).collect();
    let more =
        if dropped.len() > 3 { format!(" and {} more", dropped.len() - 3) } else { String::new() };
    warnings.push(Warning::counted(
        code,
        dropped.len() as u64,
        format!("{}{more}", shown.join("; ")),
    ));
}

/// Parse one file, choose its device, attribute and stage its GPU ops.
fn analyse(
    file: TraceFile,
    progress: &dyn Progress,
    rules: &Rules,
    frames: &mut FrameCache<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<Analysed, TraceError> {
    let trace = read_trace_file(&file.path, progress)?;
    skipped_warnings(&file.path, &trace.stats, warnings);
    if trace.stats.sub_ns_rounded > 0 {
        warnings.push(Warning::counted(
            "sub-ns-time",
            trace.stats.sub_ns_rounded,
            format!(
                "{}: time values with sub-nanosecond digits were rounded to the nearest ns",
                file.path.display()
            ),
        ));
    }
    let kernel_total: i128 = trace.kernels().map(|k| i128::from(k.dur)).sum();
    if kernel_total > i128::from(i64::MAX) {
        warnings.push(Warning::new(
            "kernel-time-saturated",
            format!(
                "{}: kernel durations add up to {kernel_total} ns, past the i64 range (292 \
                 years): time sums are capped at {} ns and shares are not meaningful",
                file.path.display(),
                i64::MAX
            ),
        ));
    }
    let DeviceChoice { device, others, ops } = choose_device(&trace, &file.path, warnings);
    let name = trace.meta.device_names.get(device as usize).filter(|n| !n.is_empty()).cloned();
    let attrs = attribute(&trace, &ops, frames);
    let stages = assign(&trace, &ops, &attrs, file.stage, &rules.stages);
    Ok(Analysed {
        device: DeviceFacts { device, name, other_devices: others },
        file,
        trace,
        ops,
        attrs,
        stages,
    })
}

/// Framework from server args, the input path, then the Python frames of the trace.
fn detect_framework(
    input: &Path,
    server: Option<&server_args::ServerArgs>,
    analysed: &[Analysed],
    frames: &mut FrameCache<'_>,
) -> Option<Detected> {
    if let Some(f) = server.and_then(|s| s.framework) {
        return Some(Detected { value: f.into(), from: "server_args.json keys".into() });
    }
    if let Some(name) = crate::input::framework_from_path(input) {
        return Some(Detected { value: name.into(), from: "input path".into() });
    }
    let mut counts: HashMap<u8, u64> = HashMap::new();
    for a in analysed {
        let mut seen: HashMap<crate::model::NameId, Option<u8>> = HashMap::new();
        for f in &a.trace.python {
            let fw = *seen.entry(f.name).or_insert_with(|| frames.info(&a.trace, f.name).framework);
            if let Some(fw) = fw {
                *counts.entry(fw).or_default() += 1;
            }
        }
    }
    let best = counts.into_iter().max_by_key(|&(fw, n)| (n, std::cmp::Reverse(fw)))?;
    Some(Detected {
        value: frames.rules().framework_name(best.0).to_string(),
        from: format!("python frames ({} in its code)", best.1),
    })
}

/// Distinct call sites of one file, keyed cheaply (frame name id, replay kind) so the
/// text is built once per distinct site, not once per kernel (triage and `trace export`).
#[derive(Default)]
pub(crate) struct SiteTable {
    pub(crate) list: Vec<SiteKey>,
    by_key: HashMap<(u8, u32), u32>,
    by_text: HashMap<String, u32>,
}

impl SiteTable {
    /// The id of `site`, its key built on first sight.
    pub(crate) fn of(&mut self, trace: &Trace, site: &Site, frames: &mut FrameCache<'_>) -> u32 {
        let name = |f: u32| trace.python[f as usize].name.0;
        let key = match *site {
            Site::Frame { frame } => (0, name(frame)),
            Site::Replay { kind, via, .. } => (1 + kind as u8, via.map_or(u32::MAX, name)),
            Site::Unresolved => (9, 0),
        };
        if let Some(&id) = self.by_key.get(&key) {
            return id;
        }
        let id = self.list.len() as u32;
        self.list.push(site_key(trace, site, frames));
        self.by_key.insert(key, id);
        id
    }

    fn mapped(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.by_text.get(text) {
            return id;
        }
        let id = self.list.len() as u32;
        self.list.push(SiteKey { text: text.to_string(), kind: SiteKind::Mapped });
        self.by_text.insert(text.to_string(), id);
        id
    }
}
