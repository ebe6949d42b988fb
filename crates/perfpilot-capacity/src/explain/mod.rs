//! `capacity explain`: where a GPU's memory went at launch, from an SGLang or vLLM log.

mod facts;
mod render;
mod settings;
mod sglang;
mod types;
mod vllm;
mod whatif;

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use types::{
    DerivedPerToken, ExplainReport, KvDetail, KvPoolRow, RankReport, Replay, StageRow, StateDetail,
};

use crate::CapacityError;
use crate::common::{GpuInfo, Setting};
use crate::launch::{EventKind, Framework, LaunchLog};
use crate::model::{KvCost, KvFormat, KvLayout, kv_cost};
use crate::notes::{NoteInputs, notes};
use crate::plan::{DEFAULT_REQUEST_TOKENS, activation_per_token};
use crate::rules::Rules;
use crate::scenario::{Engine, concurrency_row};
use crate::smi::SmiRow;
use crate::units::{fmt_gib, fmt_int};

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
}

impl ExplainOptions {
    /// Options for a log with everything else at its default.
    pub fn new(log: impl Into<PathBuf>) -> ExplainOptions {
        ExplainOptions {
            log: log.into(),
            config: None,
            gpu: None,
            gpu_table: None,
            smi: None,
            request_tokens: Vec::new(),
            rank: None,
            what_if: Vec::new(),
            model_rules: None,
        }
    }
}

impl perfpilot_report::Report for ExplainReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.capacity.explain/1"
    }
    fn document(&self) -> perfpilot_report::Document {
        render::document(self)
    }
}

/// Explain a launch log read from a file. The library entry point behind `perfpilot capacity explain`.
pub fn explain(o: &ExplainOptions) -> Result<ExplainReport, CapacityError> {
    explain_with_progress(o, &perfpilot_report::NoProgress)
}

/// A reader that reports bytes read.
struct Counting<'a, R> {
    inner: R,
    progress: &'a dyn perfpilot_report::Progress,
}

impl<R: std::io::Read> std::io::Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

/// [`explain`] with progress (bytes of the log read).
pub fn explain_with_progress(
    o: &ExplainOptions,
    progress: &dyn perfpilot_report::Progress,
) -> Result<ExplainReport, CapacityError> {
    let io = |source| CapacityError::Io { path: o.log.clone(), source };
    let file = perfpilot_io::open_stream(&o.log).map_err(io)?;
    if let Ok(m) = file.metadata() {
        progress.set_total(m.len());
    }
    progress.message("parsing launch log");
    // Colour codes, UTF-16 and CR-only line ends are normalised before matching.
    let text = perfpilot_report::LogText::new(Counting { inner: file, progress });
    let reader = std::io::BufReader::with_capacity(1 << 20, text);
    let log = crate::launch::parse_reader(reader).map_err(io)?;
    progress.finish();
    explain_log(&log, o)
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

/// Explain an already-parsed log (the triage engineer can reuse a parse).
pub fn explain_log(log: &LaunchLog, o: &ExplainOptions) -> Result<ExplainReport, CapacityError> {
    let path = o.log.display().to_string();
    if !log.recognised() {
        return Err(CapacityError::NothingRecognised { path, lines: log.lines });
    }
    let rules = Rules::embedded()?;
    let model_rules = crate::model::model_rules(o.model_rules.as_deref())?;
    let config =
        o.config.as_deref().map(|p| crate::model::read_config(p, &model_rules)).transpose()?;
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
    let config_kv: Option<KvCost> = config.as_ref().map(|c| {
        kv_cost(
            c,
            KvLayout {
                attn_tp,
                tp,
                pp: st.pp.unwrap_or(1),
                kv: kv_format.unwrap_or(KvFormat::Bf16),
                swa_as_full: sglang && !has_swa_line,
                ssm_bytes: rules.sglang.defaults.mamba_ssm_bytes,
            },
        )
    });

    // Device total.
    let block = st.page_size.unwrap_or(rules.vllm.block_size);
    let vf = groups.first().map(|g| vllm::facts(g, block));
    let total_for = |label_idx: Option<u32>| -> Option<(i64, String)> {
        if !smi.is_empty() {
            let idx = label_idx.unwrap_or(0);
            if let Some(r) = smi.iter().find(|r| r.index == idx).or(smi.first()) {
                return Some((r.total_bytes(), format!("nvidia-smi GPU {}: used + free", r.index)));
            }
        }
        if let Some(g) = &gpu_spec {
            return Some((g.total_bytes(), format!("{} spec (data/gpus.toml)", g.name)));
        }
        vf.as_ref()
            .and_then(|f| f.total.as_ref())
            .map(|t| (t.value.bytes, format!("printed in the log (line {})", t.src.line)))
    };
    let util = st.fraction;
    let ranks: Vec<RankReport> = groups
        .iter()
        .map(|g| {
            let total = total_for(g.rank.tp.or(g.rank.worker));
            if sglang {
                sglang::rank(g, total, config_kv.as_ref())
            } else {
                vllm::rank(g, total, util, config_kv.as_ref(), block)
            }
        })
        .collect();
    let selected = select_rank(&ranks, o.rank.as_deref())?;
    let sel = &ranks[selected];

    let mut settings_list = st.list.clone();
    let total_sel = total_for(sel.rank_id.tp.or(sel.rank_id.worker));
    let gpu = total_sel.as_ref().map(|(t, how)| GpuInfo {
        name: gpu_spec
            .as_ref()
            .map_or_else(|| "from the log / nvidia-smi".to_string(), |g| g.name.clone()),
        total_bytes: *t,
        source: how.clone(),
    });

    // Implied fraction and the replay of the sizing rule.
    let start = sel.stages.iter().find(|s| s.id == "start").map(|s| s.free_bytes);
    let state_bytes = sel.kv.state.as_ref().map_or(0, |s| s.bytes);
    let mut replay = Vec::new();
    let mut fraction = st.fraction;
    let mut capped_pool = st.max_total_tokens_cap.is_some();
    if sglang {
        if let (Some(a0), Some(w), Some(kv)) = (start, sel.weights_bytes, sel.kv_pool_bytes) {
            let implied = (w + kv + state_bytes) as f64 / a0 as f64;
            if fraction.is_none() && st.max_total_tokens_cap.is_none() {
                // Below ~0.5 the pool was almost surely capped (--max-total-tokens), not sized.
                let plausible = implied >= 0.5;
                settings_list.push(Setting {
                    key: "mem_fraction_static".into(),
                    value: format!("{implied:.3}"),
                    source: if plausible {
                        "implied by the log: (weights + pools) / free before weights".into()
                    } else {
                        "implied by the log, implausibly low: the KV pool was probably capped (--max-total-tokens); the real value is unknown".into()
                    },
                });
                if plausible {
                    fraction = Some(implied);
                } else {
                    capped_pool = true;
                }
            }
            if let (Some(f), Some(pool)) = (st.fraction, sel.kv.pools.first()) {
                let cell = config_kv.as_ref().map(|c| c.full_bytes_per_token as f64).or(sel
                    .kv
                    .log_bytes_per_token
                    .as_ref()
                    .map(|d| d.value));
                if let Some(cell) = cell.filter(|c| *c > 0.0) {
                    let rest = a0 as f64 * f - w as f64 - state_bytes as f64;
                    let pred = (rest / cell).floor() as i64;
                    let logged = pool.tokens as i64;
                    replay.push(Replay {
                        rule: "SGLang profile_max_num_token: (free_before_weights x mem_fraction_static - weights) / cell_size".into(),
                        predicted_tokens: pred,
                        logged_tokens: logged,
                        error_pct: (pred - logged) as f64 / logged.max(1) as f64 * 100.0,
                        steps: vec![format!(
                            "({} x {f:.3} - {} - state {}) GiB / {cell:.0} B = {}",
                            fmt_gib(a0),
                            fmt_gib(w),
                            fmt_gib(state_bytes),
                            fmt_int(pred)
                        )],
                    });
                }
            }
        }
    } else if let (Some(kv), Some(c), Some(tokens)) =
        (sel.kv_pool_bytes, config_kv.as_ref(), vf.as_ref().and_then(|f| f.kv_tokens))
        && c.swa_layers == 0
        && c.state_bytes_per_slot == 0
    {
        let per_block = (c.per_layer_bytes_per_token * block) as i64;
        let (pred, rule) = match engine {
            Engine::VllmV0 => {
                let bb = block as i64 * c.full_bytes_per_token as i64;
                (
                    (kv / bb) * block as i64,
                    "vLLM V0: # GPU blocks = kv_cache_size // (block_size x bytes per token)",
                )
            }
            _ => (
                (kv / per_block / c.full_layers.max(1) as i64) * block as i64,
                "vLLM V1: num_blocks = available KV // page_size // num_layers",
            ),
        };
        replay.push(Replay {
            rule: rule.into(),
            predicted_tokens: pred,
            logged_tokens: tokens as i64,
            error_pct: (pred - tokens as i64) as f64 / tokens.max(1) as f64 * 100.0,
            steps: vec![format!(
                "{} GiB, block {block}, {} B/token -> {} tokens",
                fmt_gib(kv),
                c.full_bytes_per_token,
                fmt_int(pred)
            )],
        });
    }

    // Concurrency.
    let mut lens = if o.request_tokens.is_empty() {
        DEFAULT_REQUEST_TOKENS.to_vec()
    } else {
        o.request_tokens.clone()
    };
    let logged_conc: Vec<(u64, f64)> = log
        .events
        .iter()
        .filter_map(|e| match e.event {
            EventKind::MaxConcurrency { request_tokens, factor } => Some((request_tokens, factor)),
            _ => None,
        })
        .collect();
    for (l, _) in &logged_conc {
        if !lens.contains(l) {
            lens.push(*l);
        }
    }
    lens.sort_unstable();
    let tokens = if sglang {
        st.max_total_num_tokens.or(sel.kv.pools.iter().find(|p| p.pool != "swa").map(|p| p.tokens))
    } else {
        vf.as_ref().and_then(|f| f.kv_tokens)
    };
    let state_limit = sel.kv.state.as_ref().map(|s| {
        s.slots
            / if st.disable_radix_cache {
                1
            } else {
                rules.sglang.defaults.mamba_slots_per_request_radix
            }
    });
    // Hybrid (sliding-window or mamba) pools: tokens / length is not the concurrency. Known from
    // the config, or from vLLM's own hybrid lines.
    let hybrid_log = log.events.iter().any(|e| {
        matches!(
            e.event,
            EventKind::CudagraphSizesCapped { .. }
                | EventKind::MambaPagePadding { .. }
                | EventKind::AttentionBlockSize { .. }
                | EventKind::PaddingLayers { .. }
        )
    });
    let hybrid_vllm = !sglang
        && (hybrid_log
            || config_kv.as_ref().is_some_and(|c| c.swa_layers > 0 || c.state_bytes_per_slot > 0));
    let context = st.context_len.unwrap_or(0);
    let concurrency = lens
        .iter()
        .map(|&l| {
            let logged = logged_conc.iter().find(|(rl, _)| *rl == l).map(|(_, f)| f.floor() as u64);
            let token_limit = logged.or_else(|| if hybrid_vllm { None } else { tokens.map(|t| t / l.max(1)) });
            let mut row = concurrency_row(l, token_limit, st.max_running_requests, state_limit, context);
            if logged.is_some() {
                row.note = Some(format!("token limit from the log's `Maximum concurrency for {} tokens` line", fmt_int(l as i64)));
            } else if hybrid_vllm {
                row.note = Some("hybrid KV groups: only the length the log prints a concurrency for is known".into());
            } else if !sglang && token_limit.is_some() && config_kv.is_none() {
                row.note = Some("tokens / length: assumes every layer is full attention (pass --config for hybrid models)".into());
            }
            if !sglang && st.max_running_requests.is_none() {
                let n = row.note.take().map(|n| format!("{n}; ")).unwrap_or_default();
                row.note = Some(format!("{n}max_num_seqs not in the log"));
            }
            row
        })
        .collect::<Vec<_>>();

    let (found, missing) = stages_found(log, engine);
    let observations = observations(log);
    let errors: Vec<String> = log
        .events
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
        .collect();
    let act_need = config
        .as_ref()
        .zip(st.prefill_chunk)
        .map(|(c, chunk)| activation_per_token(c, tp).saturating_mul(chunk.min(1 << 40) as i64));
    let (fraction_base, final_free) = if sglang {
        (start, sel.final_free_bytes)
    } else {
        (
            total_sel.as_ref().map(|t| t.0),
            sel.breakdown.iter().find(|r| r.id == "headroom").and_then(|r| r.bytes),
        )
    };
    let notes = notes(&NoteInputs {
        engine,
        kv_format,
        kv: config_kv.as_ref(),
        concurrency: &concurrency,
        fraction,
        fraction_base,
        final_free,
        final_free_observed: true,
        graph_bytes: sel.cuda_graph_bytes,
        activation_need: act_need,
        prefill_tokens: st.prefill_chunk,
        model: config.as_ref(),
        errors: &errors,
    });
    let mut notes = notes;
    if capped_pool && let (Some(kv), Some(free)) = (sel.kv_pool_bytes, sel.final_free_bytes) {
        notes.push(crate::common::Note {
                id: "kv-pool-capped".into(),
                text: format!(
                    "The KV pool is only {} GiB while {} GiB is free after start-up: the pool looks capped by --max-total-tokens (or a similar limit), not sized by mem_fraction_static. Remove the cap to let SGLang size the pool from the budget.",
                    fmt_gib(kv),
                    fmt_gib(free)
                ),
            });
    }
    let what_if = whatif::run(
        o,
        &whatif::Inputs {
            engine,
            sel,
            st: &st,
            fraction,
            total: total_sel.as_ref().map(|t| t.0),
            config: config.as_ref(),
            config_kv: config_kv.as_ref(),
            kv_format: kv_format.unwrap_or(KvFormat::Bf16),
            tokens,
            block,
            request_tokens: lens.clone(),
            rules: &rules,
        },
    )?;

    Ok(ExplainReport {
        framework: log.framework.map_or("unknown", |f| f.as_str()).to_string(),
        version: st.version.clone(),
        model: st.model.clone(),
        gpu,
        settings: settings_list,
        found,
        missing,
        selected_rank: sel.rank.clone(),
        ranks,
        concurrency,
        replay,
        smi,
        observations: errors.into_iter().chain(observations).collect(),
        notes,
        what_if,
        lines: log.lines,
    })
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
