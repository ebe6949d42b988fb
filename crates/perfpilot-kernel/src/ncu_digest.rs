//! `kernel ncu`: one digest per kernel launch of one or more Nsight Compute exports
//! (duration, SM and memory throughput, occupancy, registers, shared memory, waves, the
//! bound type by NCU's own SOL rule, the one next edit), NCU's own rule result beside it
//! when the export carries one, and baseline vs candidate side by side for two reports.

use std::collections::BTreeMap;
use std::path::PathBuf;

use perfpilot_report::{Document, Report, Section, Table, Warning};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::KernelError;
use crate::ncu::{Launch, Layout, read_export, to_bytes, to_us};
use crate::ncu_rules::{Advice, Bound, NcuRules, classify};

/// Options of `kernel ncu` (also the MCP tool's arguments).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NcuOptions {
    /// `ncu --csv` exports (`--page details` or `--page raw`); with exactly two, the first
    /// is the baseline and the second the candidate.
    #[schemars(length(min = 1))]
    pub reports: Vec<PathBuf>,
    /// A rules file (`perfpilot.kernel.ncu-rules/1` TOML) replacing the built-in one.
    #[serde(default)]
    pub rules: Option<PathBuf>,
    /// SMs of the profiled GPU, for waves per SM when the export has neither
    /// `launch__waves_per_multiprocessor` nor the SM count.
    #[serde(default)]
    pub sm_count: Option<u32>,
}

/// How `metrics_used.mem_pct` starts when the export has no memory-throughput metric and
/// the digest took the largest memory unit instead (`max(dram__throughput…)`).
pub const MEM_DERIVED_PREFIX: &str = "max(";

/// The schema id of `kernel ncu` output.
pub const NCU_SCHEMA: &str = "perfpilot.kernel.ncu/1";

/// NCU's own SOLBottleneck result, as exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NcuRuleResult {
    /// `OPT` or `INF`.
    pub kind: String,
    /// NCU's message.
    pub description: String,
    /// The verdict the message names (null when no known phrase matched).
    pub bound: Option<Bound>,
}

/// One kernel launch, digested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KernelDigest {
    /// `<report index>/<launch ID>`, e.g. `0/12`.
    pub id: String,
    /// The export file.
    pub report: String,
    /// NCU's launch ID.
    pub launch: String,
    /// Line of the launch's first row.
    pub line: usize,
    /// Kernel name.
    pub kernel: String,
    /// Block size `(x, y, z)`.
    pub block_size: String,
    /// Grid size `(x, y, z)`.
    pub grid_size: String,
    /// Compute capability.
    pub cc: String,
    /// Duration, µs.
    pub duration_us: Option<f64>,
    /// SM (compute) throughput, % of peak.
    pub sm_pct: Option<f64>,
    /// Memory throughput, % of peak (max of DRAM, L2, L1 as NCU computes it).
    pub mem_pct: Option<f64>,
    /// DRAM throughput, %.
    pub dram_pct: Option<f64>,
    /// L2 throughput, %.
    pub l2_pct: Option<f64>,
    /// L1/TEX throughput, %.
    pub l1_pct: Option<f64>,
    /// Tensor-pipe utilisation, %.
    pub tensor_pct: Option<f64>,
    /// Achieved occupancy, %.
    pub achieved_occupancy_pct: Option<f64>,
    /// Theoretical occupancy, %.
    pub theoretical_occupancy_pct: Option<f64>,
    /// Registers per thread.
    pub registers: Option<f64>,
    /// Shared memory per block (static + dynamic), bytes.
    pub shared_mem_bytes: Option<f64>,
    /// Waves per SM.
    pub waves: Option<f64>,
    /// Where `waves` comes from: a metric, derived, or `unknown`.
    pub waves_source: String,
    /// The two largest warp stall reasons (`smsp__average_warps_issue_stalled_<reason>_per_issue_active.ratio`),
    /// largest first: (reason, stalled cycles per issued instruction).
    pub top_stalls: Vec<(String, f64)>,
    /// The block limit(s) that bind occupancy (`registers`, `shared_mem`, …).
    pub occupancy_limiter: Option<String>,
    /// The bound type by NCU's SOL rule (`loop-kda-ncu.md` 4.3).
    pub bound: Bound,
    /// NCU's name of that verdict.
    pub bound_name: String,
    /// The hottest memory unit (DRAM, L2, L1) when known.
    pub hottest_memory_unit: Option<String>,
    /// Key of the advice chosen (`memory_dram`, `small_grid`, …).
    pub advice_key: String,
    /// What to read and the one next edit.
    pub advice: Advice,
    /// The values behind the label (never a label without them).
    pub evidence: Vec<String>,
    /// Field → the metric name that supplied it.
    pub metrics_used: BTreeMap<String, String>,
    /// NCU's own SOLBottleneck result, when exported.
    pub ncu_rule: Option<NcuRuleResult>,
    /// Whether `bound` equals NCU's own verdict (null without one).
    pub agrees_with_ncu: Option<bool>,
}

/// One export read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReportFile {
    /// Path.
    pub path: String,
    /// Layout.
    pub layout: Layout,
    /// Launches in it.
    pub launches: usize,
    /// `baseline` / `candidate` with two reports, else empty.
    pub role: String,
}

/// A baseline launch beside its candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PairRow {
    /// `pair/<n>`.
    pub id: String,
    /// Baseline digest id.
    pub baseline: String,
    /// Candidate digest id.
    pub candidate: String,
    /// Baseline kernel name.
    pub baseline_kernel: String,
    /// Candidate kernel name.
    pub candidate_kernel: String,
    /// Candidate / baseline duration (profiler clocks; a ratio, not a benchmark).
    pub duration_ratio: Option<f64>,
    /// Baseline bound type.
    pub baseline_bound: Bound,
    /// Candidate bound type.
    pub candidate_bound: Bound,
    /// Candidate − baseline SM %, points.
    pub sm_delta: Option<f64>,
    /// Candidate − baseline memory %, points.
    pub mem_delta: Option<f64>,
}

/// The result of `kernel ncu`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NcuReport {
    /// The exports read.
    pub reports: Vec<ReportFile>,
    /// One digest per launch, in file order.
    pub kernels: Vec<KernelDigest>,
    /// Baseline vs candidate (two reports only).
    pub comparison: Vec<PairRow>,
    /// Source of the thresholds.
    pub rules_source: String,
    /// Things to check (autotune variants in one report, unpaired launches, disagreement
    /// with NCU's own rule).
    pub warnings: Vec<Warning>,
}

/// Run `kernel ncu`.
pub fn run_ncu(opts: &NcuOptions) -> Result<NcuReport, KernelError> {
    if opts.reports.is_empty() {
        return Err(KernelError::Invalid("kernel ncu: expected at least one REPORT.csv".into()));
    }
    let rules = NcuRules::load(opts.rules.as_deref())?;
    let mut files = Vec::new();
    let mut kernels = Vec::new();
    let mut warnings = Vec::new();
    let two = opts.reports.len() == 2;
    for (i, path) in opts.reports.iter().enumerate() {
        let export = read_export(path)?;
        let role = match (two, i) {
            (true, 0) => "baseline",
            (true, _) => "candidate",
            _ => "",
        };
        files.push(ReportFile {
            path: path.display().to_string(),
            layout: export.layout,
            launches: export.launches.len(),
            role: role.into(),
        });
        let first = kernels.len();
        for l in &export.launches {
            kernels.push(digest(i, &path.display().to_string(), l, &rules, opts.sm_count)?);
        }
        warnings.extend(autotune_warnings(&kernels[first..]));
        let derived = kernels[first..]
            .iter()
            .filter(|k| {
                k.metrics_used.get("mem_pct").is_some_and(|m| m.starts_with(MEM_DERIVED_PREFIX))
            })
            .count();
        if derived > 0 {
            warnings.push(Warning::counted(
                "memory-pct-derived",
                derived as u64,
                format!(
                    "{}: {derived} launch(es) without gpu__compute_memory_throughput: memory % is the largest memory unit exported (a lower bound), so a High Throughput verdict may be missed; add --section SpeedOfLight or the metric",
                    path.display()
                ),
            ));
        }
    }
    for k in &kernels {
        if k.agrees_with_ncu == Some(false) {
            warnings.push(Warning::new(
                "disagrees-with-ncu",
                format!(
                    "{}: digest says {} but NCU's own rule says {}",
                    k.id,
                    k.bound_name,
                    k.ncu_rule.as_ref().and_then(|r| r.bound).map_or("?", |b| b.ncu_name())
                ),
            ));
        }
    }
    let comparison = if two { pair(&kernels, &mut warnings) } else { Vec::new() };
    Ok(NcuReport {
        reports: files,
        kernels,
        comparison,
        rules_source: rules.thresholds.source.clone(),
        warnings,
    })
}

fn digest(
    report_index: usize,
    report: &str,
    l: &Launch,
    rules: &NcuRules,
    sm_count_opt: Option<u32>,
) -> Result<KernelDigest, KernelError> {
    let mut used = BTreeMap::new();
    let mut get = |field: &str| -> Option<(f64, String)> {
        for spec in rules.names(field) {
            if let Some(m) = l.find(&spec) {
                used.insert(field.to_string(), m.name.clone());
                return m.value.map(|v| (v, m.unit.clone()));
            }
        }
        None
    };
    let pct = |x: Option<(f64, String)>| x.map(|(v, _)| v);
    let (sm, mem) = (pct(get("sm_pct")), pct(get("mem_pct")));
    let (dram, l2, l1) = (pct(get("dram_pct")), pct(get("l2_pct")), pct(get("l1_pct")));
    // NCU's Memory Throughput is the largest of the memory units' throughputs; an export
    // without it (a `--metrics` selection) still has some units: their max is a lower bound.
    let mem_units: Vec<(&str, f64)> = [("dram_pct", dram), ("l2_pct", l2), ("l1_pct", l1)]
        .into_iter()
        .filter_map(|(f, v)| v.map(|v| (f, v)))
        .collect();
    let mem_derived = mem.is_none() && !mem_units.is_empty();
    let mem = mem.or_else(|| mem_units.iter().map(|x| x.1).reduce(f64::max));
    let tensor = pct(get("tensor_pct"));
    let achieved = pct(get("achieved_occupancy_pct"));
    let theoretical = pct(get("theoretical_occupancy_pct"));
    let registers = pct(get("registers"));
    let at = |what: &str, unit: &str| {
        KernelError::Invalid(format!(
            "{report}:{}: launch {}: {what} has unit `{unit}`; expected a known unit",
            l.line, l.id
        ))
    };
    let duration_us = match get("duration") {
        Some((v, u)) => Some(to_us(v, &u).ok_or_else(|| at("duration", &u))?),
        None => None,
    };
    let mut smem = None;
    for f in ["smem_static", "smem_dynamic"] {
        if let Some((v, u)) = get(f) {
            smem = Some(smem.unwrap_or(0.0) + to_bytes(v, &u).ok_or_else(|| at(f, &u))?);
        }
    }
    let limits: Vec<(&str, f64)> = [
        ("registers", "block_limit_registers"),
        ("shared_mem", "block_limit_shared_mem"),
        ("warps", "block_limit_warps"),
        ("blocks", "block_limit_blocks"),
        ("barriers", "block_limit_barriers"),
    ]
    .iter()
    .filter_map(|(n, f)| pct(get(f)).map(|v| (*n, v)))
    .collect();
    let blocks_per_sm = limits.iter().map(|x| x.1).fold(f64::INFINITY, f64::min);
    let limiter = (!limits.is_empty()).then(|| {
        let names: Vec<&str> =
            limits.iter().filter(|x| x.1 == blocks_per_sm).map(|x| x.0).collect();
        names.join("+")
    });
    let grid = pct(get("grid_size")).or_else(|| l.grid_blocks());
    let sm_count = pct(get("sm_count")).or(sm_count_opt.map(f64::from));
    let waves_metric = pct(get("waves"));
    if mem_derived {
        let names: Vec<&str> =
            mem_units.iter().filter_map(|(f, _)| used.get(*f).map(String::as_str)).collect();
        used.insert("mem_pct".into(), format!("{MEM_DERIVED_PREFIX}{})", names.join(", ")));
    }
    let (waves, waves_source) = match (waves_metric, grid, sm_count) {
        (Some(w), _, _) => {
            (Some(w), format!("metric {}", used.get("waves").map_or("?", String::as_str)))
        }
        (None, Some(g), Some(n)) if blocks_per_sm.is_finite() && blocks_per_sm > 0.0 && n > 0.0 => {
            (
                Some(g / (blocks_per_sm * n)),
                format!(
                    "derived: {g} blocks / ({blocks_per_sm} blocks per SM × {n} SMs{})",
                    if used.contains_key("sm_count") { "" } else { " from --sm-count" }
                ),
            )
        }
        _ => (None, "unknown (no waves metric; give --sm-count)".to_string()),
    };
    let t = &rules.thresholds;
    let bound = classify(sm, mem, waves, t);
    let mut stalls: Vec<(String, f64)> = l
        .metrics
        .iter()
        .filter_map(|m| {
            let reason = m
                .name
                .strip_prefix("smsp__average_warps_issue_stalled_")?
                .strip_suffix("_per_issue_active.ratio")?;
            m.value.filter(|v| *v > 0.0).map(|v| (reason.to_string(), v))
        })
        .collect();
    stalls.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    stalls.truncate(2);
    let stall_key = stalls.first().and_then(|(r, _)| match r.as_str() {
        "long_scoreboard" => Some("latency_memory"),
        "barrier" | "membar" => Some("latency_sync"),
        "short_scoreboard" | "wait" | "math_pipe_throttle" => Some("latency_dependency"),
        "mio_throttle" | "lg_throttle" => Some("latency_lsu"),
        _ => None,
    });
    let hottest = [("DRAM", dram), ("L2", l2), ("L1", l1)]
        .into_iter()
        .filter_map(|(n, v)| v.map(|v| (n, v)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|x| x.0.to_string());
    let memory_key = match hottest.as_deref() {
        Some("L2") => "memory_l2",
        Some("L1") => "memory_l1",
        _ => "memory_dram",
    };
    let advice_key = match bound {
        Bound::HighThroughput if sm >= mem => {
            if tensor.is_some_and(|x| x >= t.tensor_pct) {
                "compute_tensor"
            } else {
                "compute_cuda_core"
            }
        }
        Bound::HighThroughput => memory_key,
        Bound::SmallGrid => "small_grid",
        Bound::Latency => match stall_key {
            Some(k) => k,
            None if theoretical.is_some_and(|x| x <= 50.0) && limiter.is_some() => {
                "latency_occupancy"
            }
            None => "latency",
        },
        Bound::ComputeHeavy => "compute_heavy",
        Bound::MemoryHeavy => "memory_heavy",
        Bound::Balanced => "balanced",
        Bound::Unknown => "unknown",
    };
    let advice = rules.advice.get(advice_key).cloned().ok_or_else(|| {
        KernelError::Invalid(format!("ncu rules: [advice.{advice_key}] is missing"))
    })?;
    let p = |n: &str, v: Option<f64>| v.map(|v| format!("{n} {v:.2}%"));
    let mem_label =
        if mem_derived { "memory (max of the units exported, a lower bound)" } else { "memory" };
    let mut evidence: Vec<String> = [
        p("SM", sm),
        p(mem_label, mem),
        p("DRAM", dram),
        p("L2", l2),
        p("L1", l1),
        p("tensor", tensor),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(w) = waves {
        evidence.push(format!("waves/SM {w:.2}"));
    }
    if let (Some(a), Some(th)) = (achieved, theoretical) {
        evidence.push(format!("occupancy {a:.1}% achieved of {th:.1}% theoretical"));
    }
    if let Some(lim) = &limiter {
        evidence.push(format!("occupancy limited by {lim} ({blocks_per_sm} blocks/SM)"));
    }
    if !stalls.is_empty() {
        let s: Vec<String> = stalls.iter().map(|(r, v)| format!("{r} {v:.2}")).collect();
        evidence.push(format!("top stalls (cycles per issue): {}", s.join(", ")));
    }
    if let Some(d) = duration_us {
        evidence.push(format!("duration {d:.2} µs"));
    }
    let ncu_rule = l.rules.iter().find(|r| r.rule == "SOLBottleneck").map(|r| NcuRuleResult {
        kind: r.kind.clone(),
        description: r.description.clone(),
        bound: rules.ncu_verdict(&r.description),
    });
    let agrees = ncu_rule.as_ref().and_then(|r| r.bound).map(|b| b == bound);
    Ok(KernelDigest {
        id: format!("{report_index}/{}", l.id),
        report: report.to_string(),
        launch: l.id.clone(),
        line: l.line,
        kernel: l.kernel.clone(),
        block_size: l.block_size.clone(),
        grid_size: l.grid_size.clone(),
        cc: l.cc.clone(),
        duration_us,
        sm_pct: sm,
        mem_pct: mem,
        dram_pct: dram,
        l2_pct: l2,
        l1_pct: l1,
        tensor_pct: tensor,
        achieved_occupancy_pct: achieved,
        theoretical_occupancy_pct: theoretical,
        registers,
        shared_mem_bytes: smem,
        waves,
        waves_source,
        top_stalls: stalls,
        occupancy_limiter: limiter,
        bound,
        bound_name: bound.ncu_name().to_string(),
        hottest_memory_unit: hottest,
        advice_key: advice_key.to_string(),
        advice,
        evidence,
        metrics_used: used,
        ncu_rule,
        agrees_with_ncu: agrees,
    })
}

/// Launches of one kernel in one report whose durations differ by more than 1.5×: the
/// profile captured autotune variants, and the wrong one may be digested (4.1, 4.5).
fn autotune_warnings(ks: &[KernelDigest]) -> Vec<Warning> {
    let mut by_name: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for k in ks {
        if let Some(d) = k.duration_us {
            by_name.entry(&k.kernel).or_default().push(d);
        }
    }
    by_name
        .into_iter()
        .filter_map(|(name, ds)| {
            let lo = ds.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = ds.iter().copied().fold(0.0, f64::max);
            (ds.len() > 1 && lo > 0.0 && hi / lo > 1.5).then(|| {
                Warning::new(
                    "launch-variants",
                    format!(
                        "{}: {} launches of `{}` from {lo:.2} to {hi:.2} µs: autotune or other configs were captured; profile the benchmarked one (--launch-skip/-c)",
                        ks[0].report,
                        ds.len(),
                        short(name)
                    ),
                )
            })
        })
        .collect()
}

fn pair(kernels: &[KernelDigest], warnings: &mut Vec<Warning>) -> Vec<PairRow> {
    let base: Vec<&KernelDigest> = kernels.iter().filter(|k| k.id.starts_with("0/")).collect();
    let cand: Vec<&KernelDigest> = kernels.iter().filter(|k| k.id.starts_with("1/")).collect();
    let mut pairs = Vec::new();
    if base.len() == cand.len() {
        // Same count: pair in order (a candidate usually renames its kernel).
        pairs.extend(base.iter().copied().zip(cand.iter().copied()));
    } else {
        let mut used = vec![false; cand.len()];
        for b in &base {
            if let Some(j) = (0..cand.len()).find(|&j| !used[j] && cand[j].kernel == b.kernel) {
                used[j] = true;
                pairs.push((*b, cand[j]));
            }
        }
        let unpaired = base.len() + cand.len() - 2 * pairs.len();
        warnings.push(Warning::counted(
            "unpaired-launches",
            unpaired as u64,
            format!(
                "baseline has {} launches and candidate {}: paired by kernel name, {unpaired} left unpaired",
                base.len(),
                cand.len()
            ),
        ));
    }
    pairs
        .into_iter()
        .enumerate()
        .map(|(i, (b, c))| PairRow {
            id: format!("pair/{i}"),
            baseline: b.id.clone(),
            candidate: c.id.clone(),
            baseline_kernel: b.kernel.clone(),
            candidate_kernel: c.kernel.clone(),
            duration_ratio: match (b.duration_us, c.duration_us) {
                (Some(x), Some(y)) if x > 0.0 => Some(y / x),
                _ => None,
            },
            baseline_bound: b.bound,
            candidate_bound: c.bound,
            sm_delta: b.sm_pct.zip(c.sm_pct).map(|(x, y)| y - x),
            mem_delta: b.mem_pct.zip(c.mem_pct).map(|(x, y)| y - x),
        })
        .collect()
}

/// A kernel name shortened for tables: template arguments and parameters dropped, at
/// most 48 chars.
fn short(name: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in name.trim_start_matches("void ").chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            '(' if depth == 0 => break,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let s = out.trim();
    let s = if s.is_empty() { name } else { s };
    s.chars().take(48).collect()
}

fn f(x: Option<f64>, d: usize) -> String {
    x.map_or("-".into(), |v| format!("{v:.d$}"))
}

impl Report for NcuReport {
    fn schema_version(&self) -> &'static str {
        NCU_SCHEMA
    }

    fn document(&self) -> Document {
        let mut t = Table::new(
            "kernels",
            [
                "id", "kernel", "µs", "SM%", "mem%", "occ%", "regs", "smem B", "waves", "bound",
                "NCU rule",
            ],
        )
        .right(&["µs", "SM%", "mem%", "occ%", "regs", "smem B", "waves"]);
        for k in &self.kernels {
            let ncu = match (&k.ncu_rule, k.agrees_with_ncu) {
                (None, _) => "-".to_string(),
                (Some(r), Some(true)) => {
                    format!("{} (agrees)", r.bound.map_or("?", |b| b.ncu_name()))
                }
                (Some(r), _) => r.bound.map_or("unrecognised".into(), |b| b.ncu_name().to_string()),
            };
            t.push_row(
                k.id.clone(),
                [
                    k.id.clone(),
                    short(&k.kernel),
                    f(k.duration_us, 2),
                    f(k.sm_pct, 1),
                    f(k.mem_pct, 1),
                    f(k.achieved_occupancy_pct, 1),
                    f(k.registers, 0),
                    f(k.shared_mem_bytes, 0),
                    f(k.waves, 2),
                    k.bound_name.clone(),
                    ncu,
                ],
            );
        }
        let mut doc = Document::new("kernel ncu")
            .with_fact(
                "reports",
                self.reports
                    .iter()
                    .map(|r| {
                        let role =
                            if r.role.is_empty() { String::new() } else { format!("{}: ", r.role) };
                        format!("{role}{} ({:?}, {} launches)", r.path, r.layout, r.launches)
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            )
            .with_fact("rule", self.rules_source.clone())
            .with_section(Section::new("Kernels").with_table(t));
        let mut a = Table::new("next-edit", ["id", "type", "evidence", "next edit"]);
        for k in &self.kernels {
            a.push_row(
                k.id.clone(),
                [
                    k.id.clone(),
                    k.advice.label.clone(),
                    k.evidence.join(", "),
                    k.advice.next_edit.clone(),
                ],
            );
        }
        doc.push(Section::new("Next edit").with_table(a));
        if !self.comparison.is_empty() {
            let mut c = Table::new(
                "comparison",
                [
                    "pair",
                    "baseline",
                    "candidate",
                    "cand/base µs",
                    "Δ SM pts",
                    "Δ mem pts",
                    "bound base → cand",
                ],
            )
            .right(&["cand/base µs", "Δ SM pts", "Δ mem pts"]);
            for p in &self.comparison {
                c.push_row(
                    p.id.clone(),
                    [
                        p.id.clone(),
                        format!("{} {}", p.baseline, short(&p.baseline_kernel)),
                        format!("{} {}", p.candidate, short(&p.candidate_kernel)),
                        f(p.duration_ratio, 3),
                        f(p.sm_delta, 1),
                        f(p.mem_delta, 1),
                        format!(
                            "{} → {}",
                            p.baseline_bound.ncu_name(),
                            p.candidate_bound.ncu_name()
                        ),
                    ],
                );
            }
            doc.push(Section::new("Baseline vs candidate").with_table(c));
        }
        doc
    }
}
