//! `capacity explain`: where a GPU's memory went at launch, from an SGLang or vLLM log.
#![warn(clippy::too_many_lines)]

mod concurrency;
mod facts;
mod read;
mod render;
mod replay;
mod settings;
mod sglang;
mod tail;
mod types;
mod vllm;
mod whatif;

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use types::{
    DerivedPerToken, ExplainReport, KvDetail, KvPoolRow, PoolKind, RankReport, Replay, StageId,
    StageRow, StateDetail,
};

use crate::CapacityError;
use crate::common::{GpuInfo, RowId};
use crate::gpu::GpuSpec;
use crate::model::{KvCost, KvFormat, KvLayout, ModelConfig, kv_cost};
use crate::notes::{NoteInputs, notes};
use crate::plan::activation_per_token;
use crate::rules::Rules;
use crate::scenario::Engine;
use crate::smi::SmiRow;
use crate::units::{fmt_gib, fmt_int};
use perfpilot_launchlog::{EventKind, Framework, LaunchLog};

/// Options of `perfpilot capacity explain`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainOptions {
    /// The launch log.
    pub log: PathBuf,
    /// The model's HF `config.json` (adds config-side KV bytes per token and model-aware notes).
    #[serde(default)]
    pub config: Option<PathBuf>,
    /// GPU name (device total for the breakdown).
    #[serde(default)]
    pub gpu: Option<String>,
    /// A GPU table replacing the embedded one.
    #[serde(default)]
    pub gpu_table: Option<PathBuf>,
    /// Framework sizing rules replacing the embedded `data/frameworks.toml` (same TOML shape).
    #[serde(default)]
    pub frameworks: Option<PathBuf>,
    /// `nvidia-smi --query-gpu=index,memory.used,memory.free --format=csv` output.
    #[serde(default)]
    pub smi: Option<PathBuf>,
    /// Request lengths for the concurrency table (default 4096, 8192, 32768).
    #[serde(default)]
    pub request_tokens: Vec<u64>,
    /// The rank shown in detail: `3` (TP or worker rank) or a label such as `DP1 TP2`.
    #[serde(default)]
    pub rank: Option<String>,
    /// What-ifs: `KEY=VALUE` (mem_fraction, kv_dtype, tp, context_len, max_running_requests).
    #[serde(default)]
    pub what_if: Vec<String>,
    /// A rule file replacing the embedded `config.json` reading rules (`model_config.toml`).
    #[serde(default)]
    pub model_rules: Option<PathBuf>,
    /// Config-field bounds replacing the embedded `data/limits.toml` (same TOML shape).
    #[serde(default)]
    pub limits: Option<PathBuf>,
    /// Launch-log value rules replacing the embedded `perfpilot-launchlog/src/rules.toml`
    /// (same TOML shape).
    #[serde(default)]
    pub launch_rules: Option<PathBuf>,
    /// List every value the log states under its semantic key (`result.stated`, one entry per
    /// line: a long log that repeats its launch lines lists them all, so it is asked for).
    #[serde(default)]
    pub stated: bool,
}

impl ExplainOptions {
    /// Options for a log with everything else at its default.
    pub fn new(log: impl Into<PathBuf>) -> ExplainOptions {
        ExplainOptions {
            log: log.into(),
            config: None,
            gpu: None,
            gpu_table: None,
            frameworks: None,
            smi: None,
            request_tokens: Vec::new(),
            rank: None,
            what_if: Vec::new(),
            model_rules: None,
            limits: None,
            launch_rules: None,
            stated: false,
        }
    }
}

impl perfpilot_report::Report for ExplainReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.capacity.explain/2"
    }
    fn document(&self) -> perfpilot_report::Document {
        render::document(self)
    }
}

/// Explain a launch log read from a file. The library entry point behind `perfpilot capacity explain`.
pub fn explain(o: &ExplainOptions) -> Result<ExplainReport, CapacityError> {
    explain_with_progress(o, &perfpilot_report::NoProgress)
}

/// [`explain`] with progress (bytes of the log read).
pub fn explain_with_progress(
    o: &ExplainOptions,
    progress: &dyn perfpilot_report::Progress,
) -> Result<ExplainReport, CapacityError> {
    let rules = launch_rules(o.launch_rules.as_deref())?;
    let io = |source| CapacityError::Io { path: o.log.clone(), source };
    let log = read::parse_log(&o.log, &rules, progress).map_err(io)?;
    explain_log(&log, o)
}

/// The launch-log rules: the embedded ones, or `--launch-rules FILE`.
fn launch_rules(
    path: Option<&std::path::Path>,
) -> Result<std::sync::Arc<perfpilot_launchlog::LaunchRules>, CapacityError> {
    use perfpilot_launchlog::{LaunchRules, LaunchRulesError as E};
    LaunchRules::load(path).map_err(|e| match e {
        E::Io { path, source } => CapacityError::Io { path, source },
        E::Invalid { origin, message } => CapacityError::Data { path: origin, message },
    })
}

fn engine_of(log: &LaunchLog, s: &settings::LogSettings) -> Engine {
    match log.framework {
        Some(Framework::Vllm) => {
            let v0 = s.engine.as_deref() == Some("v0")
                || log.events.iter().any(|e| {
                    matches!(
                        e.event,
                        EventKind::ProfilingResultsV0 { .. }
                            | EventKind::BudgetV0 { .. }
                            | EventKind::UsageV0 { .. }
                            | EventKind::GpuBlocks { .. }
                    )
                });
            if v0 { Engine::VllmV0 } else { Engine::VllmV1 }
        }
        _ => Engine::Sglang {
            legacy: log.events.iter().any(|e| {
                matches!(&e.event, EventKind::MaxTotalNumTokens { available_gpu_mem: None, .. })
            }),
        },
    }
}

/// Explain an already-parsed log (the triage engineer can reuse a parse). Four steps, each
/// its own function: read the other inputs (`load_inputs`), resolve the launch as a whole
/// (`resolve`), build every rank (`rank_reports`), then summarise the selected rank
/// (replay of the sizing rule, concurrency, notes, what-ifs: `summarise`).
pub fn explain_log(log: &LaunchLog, o: &ExplainOptions) -> Result<ExplainReport, CapacityError> {
    if !log.recognised() {
        let path = o.log.display().to_string();
        return Err(CapacityError::NothingRecognised { path, lines: log.lines });
    }
    let inputs = load_inputs(o)?;
    let launch = resolve(log, &inputs);
    let ranks = rank_reports(&launch, &inputs);
    let selected = select_rank(&ranks, o.rank.as_deref())?;
    summarise(log, o, &inputs, &launch, ranks, selected)
}

/// What `explain` reads besides the log.
struct Inputs {
    rules: Rules,
    config: Option<ModelConfig>,
    smi: Vec<SmiRow>,
    gpu_spec: Option<GpuSpec>,
}

/// Validate: read the rules, the model config, the nvidia-smi rows and the GPU spec.
fn load_inputs(o: &ExplainOptions) -> Result<Inputs, CapacityError> {
    let rules = Rules::load(o.frameworks.as_deref())?;
    let model_rules = crate::model::model_rules(o.model_rules.as_deref())?;
    let limits = crate::model::Limits::load(o.limits.as_deref())?;
    let config = o
        .config
        .as_deref()
        .map(|p| crate::model::read_config_limited(p, &model_rules, &limits))
        .transpose()?;
    let smi: Vec<SmiRow> = match &o.smi {
        Some(p) => {
            let text = perfpilot_io::read_to_string_bounded(p)
                .map_err(|source| CapacityError::Io { path: p.clone(), source })?;
            crate::smi::parse(&text, &p.display().to_string())?
        }
        None => Vec::new(),
    };
    let gpu_spec = match &o.gpu {
        Some(g) => Some(crate::plan::gpu_table(o.gpu_table.as_deref())?.find(g)?.clone()),
        None => None,
    };
    Ok(Inputs { rules, config, smi, gpu_spec })
}

/// The launch as a whole, resolved once for every rank.
struct Launch<'a> {
    st: settings::LogSettings,
    engine: Engine,
    groups: Vec<facts::RankEvents<'a>>,
    sglang: bool,
    kv_format: Option<KvFormat>,
    tp: u64,
    config_kv: Option<KvCost>,
    /// The resolved KV block (page) size.
    block: u64,
    vf: Option<vllm::VllmFacts>,
}

/// Plan: settings, engine, per-rank event groups, parallel layout and the config's KV cost.
fn resolve<'a>(log: &'a LaunchLog, inputs: &Inputs) -> Launch<'a> {
    let st = settings::read(log);
    let engine = engine_of(log, &st);
    let groups = facts::group(log);
    let sglang = matches!(engine, Engine::Sglang { .. });

    // KV format and per-token cost from the config.
    let kv_format = st.kv_dtype.as_deref().map(KvFormat::parse).transpose().ok().flatten();
    let tp = st.tp.unwrap_or_else(|| {
        groups.iter().filter_map(|g| g.rank.tp).max().map_or(1, |m| m as u64 + 1)
    });
    // SGLang prints `DPx TPy` prefixes only with DP-attention.
    let dp_seen = log.events.iter().filter_map(|e| e.rank.dp).max().map_or(1, |m| m as u64 + 1);
    let dp_attention = st.dp_attention || (sglang && dp_seen > 1);
    let dp = st.dp.unwrap_or(dp_seen).max(1);
    let attn_tp = if dp_attention { (tp / dp).max(1) } else { tp };
    let has_swa_line =
        log.events.iter().any(|e| matches!(e.event, EventKind::SlidingWindowPool { .. }));
    let config_kv: Option<KvCost> = inputs.config.as_ref().map(|c| {
        kv_cost(
            c,
            KvLayout {
                attn_tp,
                tp,
                pp: st.pp.unwrap_or(1),
                kv: kv_format.unwrap_or(KvFormat::Bf16),
                swa_as_full: sglang && !has_swa_line,
                ssm_bytes: inputs.rules.sglang.defaults.mamba_ssm_bytes,
            },
        )
    });
    let block = st.page_size.unwrap_or(inputs.rules.vllm.block_size);
    let vf = groups.first().map(|g| vllm::facts(g, block));
    Launch { st, engine, groups, sglang, kv_format, tp, config_kv, block, vf }
}

impl Launch<'_> {
    /// The device total for a rank index: nvidia-smi, then the GPU spec, then the log.
    fn total_for(&self, inputs: &Inputs, label_idx: Option<u32>) -> Option<(i64, String)> {
        if !inputs.smi.is_empty() {
            let idx = label_idx.unwrap_or(0);
            if let Some(r) = inputs.smi.iter().find(|r| r.index == idx).or(inputs.smi.first()) {
                return Some((r.total_bytes(), format!("nvidia-smi GPU {}: used + free", r.index)));
            }
        }
        if let Some(g) = &inputs.gpu_spec {
            return Some((g.total_bytes(), format!("{} spec (data/gpus.toml)", g.name)));
        }
        self.vf
            .as_ref()
            .and_then(|f| f.total.as_ref())
            .map(|t| (t.value.bytes, format!("printed in the log (line {})", t.src.line)))
    }
}

/// Run: one report per rank.
fn rank_reports(l: &Launch<'_>, inputs: &Inputs) -> Vec<RankReport> {
    l.groups
        .iter()
        .map(|g| {
            let total = l.total_for(inputs, g.rank.tp.or(g.rank.worker));
            if l.sglang {
                sglang::rank(g, total, l.config_kv.as_ref())
            } else {
                vllm::rank(g, total, l.st.fraction, l.config_kv.as_ref(), l.block)
            }
        })
        .collect()
}

/// Summarise: the selected rank's device, the implied fraction and replay, concurrency,
/// notes and what-ifs.
fn summarise(
    log: &LaunchLog,
    o: &ExplainOptions,
    inputs: &Inputs,
    l: &Launch<'_>,
    ranks: Vec<RankReport>,
    selected: usize,
) -> Result<ExplainReport, CapacityError> {
    let sel = &ranks[selected];
    let total_sel = l.total_for(inputs, sel.rank_id.tp.or(sel.rank_id.worker));
    let gpu = total_sel.as_ref().map(|(t, how)| GpuInfo {
        name: inputs
            .gpu_spec
            .as_ref()
            .map_or_else(|| "from the log / nvidia-smi".to_string(), |g| g.name.clone()),
        total_bytes: *t,
        source: how.clone(),
    });
    let sized = replay::replay(l, sel);
    let table = concurrency::table(log, o, inputs, l, sel);
    let (found, missing) = stages_found(log, l.engine);
    let errors = startup_errors(log);
    let notes = explain_notes(inputs, l, sel, &sized, &table, total_sel.as_ref(), &errors);
    let what_if = whatif::run(
        o,
        &whatif::Inputs {
            engine: l.engine,
            sel,
            st: &l.st,
            fraction: sized.fraction,
            total: total_sel.as_ref().map(|t| t.0),
            config: inputs.config.as_ref(),
            config_kv: l.config_kv.as_ref(),
            kv_format: l.kv_format.unwrap_or(KvFormat::Bf16),
            tokens: table.tokens,
            block: l.block,
            request_tokens: table.lens.clone(),
            rules: &inputs.rules,
        },
    )?;
    let mut settings_list = l.st.list.clone();
    settings_list.extend(sized.implied);
    Ok(ExplainReport {
        framework: log.framework.map_or("unknown", |f| f.as_str()).to_string(),
        version: l.st.version.clone(),
        model: l.st.model.clone(),
        gpu,
        settings: settings_list,
        found,
        missing,
        selected_rank: sel.rank.clone(),
        concurrency: table.rows,
        replay: sized.replay,
        smi: inputs.smi.clone(),
        observations: errors.into_iter().chain(observations(log)).collect(),
        notes,
        what_if,
        stated: if o.stated {
            crate::stated::stated_values_with(log, &inputs.rules)
        } else {
            Vec::new()
        },
        lines: log.lines,
        ranks,
    })
}

/// Start-up errors the log shows, each with its line.
fn startup_errors(log: &LaunchLog) -> Vec<String> {
    log.events
        .iter()
        .filter_map(|e| match &e.event {
            EventKind::NotEnoughMemory => Some(format!("line {}: SGLang refused to start: Not enough memory", e.line)),
            EventKind::ProfiledTokensBelowCap { profiled, .. } if *profiled <= 0 => Some(format!(
                "line {}: the profiled KV token count is {} (negative): weights and reserve exceed mem_fraction_static x free memory",
                e.line,
                fmt_int(*profiled)
            )),
            EventKind::MaxModelLenTooLarge { .. } | EventKind::MaxSeqLenExceedsKv { .. } => {
                Some(format!("line {}: max seq len does not fit the KV cache", e.line))
            }
            EventKind::NoCacheMemory => Some(format!("line {}: no memory left for the KV cache", e.line)),
            EventKind::AvailableKvMemory { size } if size.bytes <= 0 => {
                Some(format!("line {}: available KV cache memory is {} GiB", e.line, size.printed))
            }
            _ => None,
        })
        .collect()
}

/// The tuning notes of the selected rank.
fn explain_notes(
    inputs: &Inputs,
    l: &Launch<'_>,
    sel: &RankReport,
    sized: &replay::Sized,
    table: &concurrency::Table,
    total_sel: Option<&(i64, String)>,
    errors: &[String],
) -> Vec<crate::common::Note> {
    let act_need =
        inputs.config.as_ref().zip(l.st.prefill_chunk).map(|(c, chunk)| {
            activation_per_token(c, l.tp).saturating_mul(chunk.min(1 << 40) as i64)
        });
    let start = sel.stages.iter().find(|s| s.id == types::StageId::Start).map(|s| s.free_bytes);
    let (fraction_base, final_free) = if l.sglang {
        (start, sel.final_free_bytes)
    } else {
        (
            total_sel.map(|t| t.0),
            sel.breakdown.iter().find(|r| r.id == RowId::Headroom).and_then(|r| r.bytes),
        )
    };
    let mut notes = notes(&NoteInputs {
        engine: l.engine,
        kv_format: l.kv_format,
        kv: l.config_kv.as_ref(),
        concurrency: &table.rows,
        fraction: sized.fraction,
        fraction_base,
        final_free,
        final_free_observed: true,
        graph_bytes: sel.cuda_graph_bytes,
        activation_need: act_need,
        prefill_tokens: l.st.prefill_chunk,
        model: inputs.config.as_ref(),
        errors,
        rules: &inputs.rules,
    });
    if sized.capped_pool
        && let (Some(kv), Some(free)) = (sel.kv_pool_bytes, sel.final_free_bytes)
    {
        notes.push(crate::common::Note {
                id: "kv-pool-capped".into(),
                text: format!(
                    "The KV pool is only {} GiB while {} GiB is free after start-up: the pool looks capped by --max-total-tokens (or a similar limit), not sized by mem_fraction_static. Remove the cap to let SGLang size the pool from the budget.",
                    fmt_gib(kv),
                    fmt_gib(free)
                ),
            });
    }
    notes
}

fn select_rank(ranks: &[RankReport], want: Option<&str>) -> Result<usize, CapacityError> {
    let Some(w) = want else {
        // The rank with the most stages (ties: the lowest).
        return Ok(ranks
            .iter()
            .enumerate()
            .max_by_key(|(i, r)| (r.stages.len() + r.kv.pools.len(), std::cmp::Reverse(*i)))
            .map_or(0, |(i, _)| i));
    };
    let w = w.trim();
    let found = ranks.iter().position(|r| {
        r.rank.eq_ignore_ascii_case(w)
            || w.parse::<u32>()
                .ok()
                .is_some_and(|n| r.rank_id.tp == Some(n) || r.rank_id.worker == Some(n))
            || r.rank.split(' ').any(|p| p.eq_ignore_ascii_case(w))
    });
    found.ok_or_else(|| {
        CapacityError::invalid(format!(
            "--rank {w}: no such rank in the log (ranks: {})",
            ranks.iter().map(|r| r.rank.as_str()).collect::<Vec<_>>().join(", ")
        ))
    })
}

fn stages_found(log: &LaunchLog, engine: Engine) -> (Vec<String>, Vec<String>) {
    let has = |f: &dyn Fn(&EventKind) -> bool| log.events.iter().any(|e| f(&e.event));
    let list: Vec<(&str, bool)> = match engine {
        Engine::Sglang { .. } => vec![
            ("server args", !log.args.is_empty()),
            (
                "free memory before weights (Load weight begin)",
                has(&|e| matches!(e, EventKind::LoadWeightBegin { .. })),
            ),
            ("weights (Load weight end)", has(&|e| matches!(e, EventKind::LoadWeightEnd { .. }))),
            (
                "KV pool (KV Cache is allocated)",
                has(&|e| matches!(e, EventKind::KvCacheAllocated { .. })),
            ),
            ("pool end (Memory pool end)", has(&|e| matches!(e, EventKind::MemoryPoolEnd { .. }))),
            ("CUDA-graph capture end", has(&|e| matches!(e, EventKind::CaptureEnd { .. }))),
            (
                "CUDA-graph memory (capture end mem usage)",
                has(&|e| matches!(e, EventKind::CaptureEnd { mem_usage: Some(_), .. })),
            ),
            (
                "token budget (max_total_num_tokens line)",
                has(&|e| matches!(e, EventKind::MaxTotalNumTokens { .. })),
            ),
        ],
        _ => vec![
            ("arguments (non-default args / engine config)", !log.args.is_empty()),
            (
                "weights (model loading took)",
                has(&|e| matches!(e, EventKind::WeightsLoaded { .. })),
            ),
            (
                "KV budget (available KV cache memory / kv_cache_size)",
                has(&|e| {
                    matches!(
                        e,
                        EventKind::AvailableKvMemory { .. }
                            | EventKind::ProfilingResultsV0 { .. }
                            | EventKind::UsageV0 { .. }
                    )
                }),
            ),
            (
                "KV tokens (GPU KV cache size / # GPU blocks)",
                has(&|e| {
                    matches!(e, EventKind::KvCacheTokens { .. } | EventKind::GpuBlocks { .. })
                }),
            ),
            ("maximum concurrency line", has(&|e| matches!(e, EventKind::MaxConcurrency { .. }))),
            (
                "CUDA-graph memory (graph capturing finished)",
                has(&|e| matches!(e, EventKind::GraphCaptureFinished { size: Some(_), .. })),
            ),
            (
                "device total (memory summary / profiling line)",
                has(&|e| {
                    matches!(
                        e,
                        EventKind::StartupMemorySummary { .. }
                            | EventKind::ProfilingResultsV0 { .. }
                            | EventKind::BudgetV0 { .. }
                    )
                }),
            ),
        ],
    };
    let found = list.iter().filter(|(_, h)| *h).map(|(n, _)| n.to_string()).collect();
    let missing =
        list.iter().filter(|(_, h)| !*h).map(|(n, _)| format!("{n}: not in the log")).collect();
    (found, missing)
}

fn observations(log: &LaunchLog) -> Vec<String> {
    let mut out = Vec::new();
    let retracts: Vec<u64> = log
        .events
        .iter()
        .filter(|e| matches!(e.event, EventKind::KvRetract { .. }))
        .map(|e| e.line)
        .collect();
    if let Some(first) = retracts.first() {
        out.push(format!(
            "{} KV retraction line(s) (first at line {first}): the KV pool could not hold the next decode step; occasional retraction is normal, frequent retraction means raise --schedule-conservativeness or give KV more memory",
            retracts.len()
        ));
    }
    let progress: Vec<(u64, i64, Option<u64>)> = log
        .events
        .iter()
        .filter_map(|e| match &e.event {
            EventKind::CaptureProgress { avail: Some(a), batch_size, .. } => {
                Some((e.line, a.bytes, *batch_size))
            }
            _ => None,
        })
        .collect();
    let has_end = log.events.iter().any(|e| matches!(e.event, EventKind::CaptureEnd { .. }));
    if let (Some(first), Some(min)) = (progress.first(), progress.iter().min_by_key(|p| p.1))
        && !has_end
        && first.1 > min.1
    {
        out.push(format!(
                "capture progress only (no capture end in the log): free memory fell from {} GiB (line {}) to {} GiB (line {}, bs={}) while capturing",
                fmt_gib(first.1),
                first.0,
                fmt_gib(min.1),
                min.0,
                min.2.map_or("?".into(), |b| b.to_string())
            ));
    }
    for e in &log.events {
        match &e.event {
            EventKind::ProfiledTokensBelowCap { requested, profiled } if *profiled > 0 => out.push(format!(
                "line {}: --max-total-tokens {} is larger than the profiled {}; the profiled value is used",
                e.line,
                fmt_int(*requested),
                fmt_int(*profiled)
            )),
            EventKind::CudagraphSizesCapped { from, to, mamba_blocks } => out.push(format!(
                "line {}: CUDA-graph capture sizes capped from {from} to {to} by the mamba state blocks ({})",
                e.line,
                mamba_blocks.map_or("?".into(), |b| b.to_string())
            )),
            EventKind::PaddingLayers { layers, waste_pct } => out.push(format!(
                "line {}: {layers} padding layer(s) added to unify KV-cache groups; up to {}% of KV memory may be wasted",
                e.line,
                waste_pct.map_or("?".into(), |p| format!("{p:.2}"))
            )),
            EventKind::UtilizationEquivalent { from, to } => out.push(format!(
                "line {}: with CUDA-graph memory profiling on, --gpu-memory-utilization {to} would keep the same KV size as {from}",
                e.line
            )),
            EventKind::CaptureFailed => out.push(format!("line {}: CUDA-graph capture failed (out of memory during capture)", e.line)),
            _ => {}
        }
    }
    out
}
