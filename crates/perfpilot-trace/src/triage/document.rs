//! The human view of a triage report: header facts, then per stage the kernel, overlap
//! and fuse tables. Rows under `min_share_pct` are hidden here (never in JSON).

use perfpilot_report::{Document, Report, Section, Table};

use super::report::{
    GapStats, KernelRow, LinkCounts, OverlapRow, SCHEMA_VERSION, SiteKind, StageReport,
    TriageReport,
};

/// `12.345 ms`, `87.6 µs`, `950 ns`.
pub fn fmt_ns(ns: i64) -> String {
    let a = ns.unsigned_abs();
    if a >= 1_000_000 {
        format!("{:.3} ms", ns as f64 / 1e6)
    } else if a >= 1_000 {
        format!("{:.1} µs", ns as f64 / 1e3)
    } else {
        format!("{ns} ns")
    }
}

fn pct(x: f64) -> String {
    format!("{x:.1}%")
}

fn ratio(part: u64, whole: u64) -> String {
    if whole == 0 { "0%".into() } else { format!("{:.1}%", 100.0 * part as f64 / whole as f64) }
}

fn links_line(l: &LinkCounts) -> Vec<(String, String)> {
    let n = l.kernels;
    let mut launch = vec![format!("correlation {}", ratio(l.launch_by_correlation, n))];
    if l.launch_by_flow > 0 {
        launch.push(format!("ac2g flow {}", ratio(l.launch_by_flow, n)));
    }
    launch.push(format!("none {}", ratio(l.launch_missing, n)));
    let cpu = format!(
        "External id {}, enclosing op {}, none {}",
        ratio(l.cpu_op_by_external_id, n),
        ratio(l.cpu_op_by_enclosing, n),
        ratio(l.cpu_op_missing, n)
    );
    let mut site = vec![format!("python frame {}", ratio(l.site_python_frame, n))];
    for (v, what) in [
        (l.site_mapped, "mapped from --mapping"),
        (l.site_cuda_graph_replay, "cuda-graph replay"),
        (l.site_torch_compile_replay, "torch.compile replay"),
    ] {
        if v > 0 {
            site.push(format!("{what} {}", ratio(v, n)));
        }
    }
    site.push(format!("unresolved {}", ratio(l.site_unresolved, n)));
    vec![
        ("kernel → launch".into(), launch.join(", ")),
        ("launch → cpu_op".into(), cpu),
        ("→ call site".into(), site.join(", ")),
    ]
}

fn sites_cell(k: &KernelRow) -> String {
    if k.sites.is_empty() {
        return "-".into();
    }
    let many = k.sites.len() > 1;
    k.sites
        .iter()
        .take(2)
        .map(|s| {
            let mut t = s.site.clone();
            if matches!(s.kind, SiteKind::Mapped) {
                t = format!("{t} [mapped]");
            }
            if let Some(g) = s.graph_launches.first() {
                t = format!("{t} ({} #{})", g.api, g.correlation);
            }
            if many { format!("{t} ({:.0}%)", s.share_pct) } else { t }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn gap_line(g: &GapStats) -> String {
    if g.count == 0 {
        "none".into()
    } else {
        format!("{} gaps, {} total, longest {}", g.count, fmt_ns(g.total_ns), fmt_ns(g.longest_ns))
    }
}

/// Display names, made unique: two template instantiations can share a short name, so
/// repeats get the first hex digits of their row id (`cudnn::bn_bw ‹3fa2›`).
fn unique_display<'a>(
    items: impl Iterator<Item = (&'a str, &'a str)>,
) -> std::collections::HashMap<&'a str, String> {
    let items: Vec<(&str, &str)> = items.collect();
    let mut count: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (_, display) in &items {
        *count.entry(display).or_default() += 1;
    }
    items
        .into_iter()
        .map(|(id, display)| {
            let shown = if count[display] > 1 {
                format!("{display} ‹{}›", id.get(2..6).unwrap_or(id))
            } else {
                display.to_string()
            };
            (id, shown)
        })
        .collect()
}

fn kernel_table(s: &StageReport, min_share: f64) -> Table {
    let names = unique_display(s.kernels.iter().map(|k| (k.id.as_str(), k.display.as_str())));
    let cols = [
        "Kernel",
        "Category",
        "GPU time",
        "Share",
        "Launches",
        "Mean",
        "p50",
        "Call sites (site share)",
        "CPU op",
        "Streams",
    ];
    let mut t = Table::new(&format!("kernels-{}", s.stage.as_str()), cols)
        .right(&["GPU time", "Share", "Launches", "Mean", "p50"]);
    let mut hidden = 0usize;
    let mut hidden_ns = 0i64;
    for k in &s.kernels {
        if k.share_pct < min_share {
            hidden += 1;
            hidden_ns = k.gpu_time_ns.saturating_add(hidden_ns);
            continue;
        }
        let streams: Vec<String> = k.streams.iter().map(u32::to_string).collect();
        t.push_row(
            k.id.clone(),
            [
                names.get(k.id.as_str()).cloned().unwrap_or_else(|| k.display.clone()),
                category_cell(k),
                fmt_ns(k.gpu_time_ns),
                pct(k.share_pct),
                k.launches.to_string(),
                fmt_ns(k.mean_ns.round() as i64),
                fmt_ns(k.p50_ns),
                sites_cell(k),
                k.cpu_op.clone().unwrap_or_else(|| "-".into()),
                streams.join(","),
            ],
        );
    }
    if hidden > 0 {
        let share = if s.kernel_time_ns > 0 {
            100.0 * hidden_ns as f64 / s.kernel_time_ns as f64
        } else {
            0.0
        };
        t = t.with_footnote(format!(
            "{hidden} rows under {min_share:.1}% hidden ({} in all); every row is in --format json",
            pct(share)
        ));
    }
    t
}

fn overlap_table(id: &str, rows: &[OverlapRow], min_share: f64, first: &str) -> Table {
    let names = unique_display(rows.iter().map(|r| (r.id.as_str(), r.name.as_str())));
    let cols =
        ["Priority", first, "GPU time", "Share of busy", "Exclusive", "Hidden", "Recommendation"];
    let mut t = Table::new(id, cols).right(&["GPU time", "Share of busy", "Exclusive", "Hidden"]);
    let mut hidden = 0usize;
    for r in rows {
        if r.share_of_busy_pct < min_share {
            hidden += 1;
            continue;
        }
        t.push_row(
            r.id.clone(),
            [
                r.priority.clone(),
                names.get(r.id.as_str()).cloned().unwrap_or_else(|| r.name.clone()),
                fmt_ns(r.total_ns),
                pct(r.share_of_busy_pct),
                fmt_ns(r.exclusive_ns),
                fmt_ns(r.hidden_ns),
                r.recommendation.clone(),
            ],
        );
    }
    if hidden > 0 {
        t = t.with_footnote(format!("{hidden} rows under {min_share:.1}% of busy time hidden"));
    }
    t
}

fn stage_sections(s: &StageReport, min_share: f64) -> Vec<Section> {
    let name = s.stage.as_str();
    let kernels = Section::new(format!("Kernels — {name}"))
        .with_facts([
            ("summed kernel time", fmt_ns(s.kernel_time_ns)),
            ("GPU busy (union over streams)", fmt_ns(s.busy_time_ns)),
            ("span", fmt_ns(s.span_ns)),
            ("GPU ops", s.launches.to_string()),
        ])
        .with_table(kernel_table(s, min_share));
    let o = &s.overlap;
    let exposed = |part: i64, whole: i64| {
        if whole == 0 {
            "none".to_string()
        } else {
            format!(
                "{} of {} ({})",
                fmt_ns(part),
                fmt_ns(whole),
                pct(100.0 * part as f64 / whole as f64)
            )
        }
    };
    let overlap = Section::new(format!("Overlap — {name}"))
        .with_facts([
            (
                "time with ≥2 streams busy",
                format!("{} (max {} streams)", fmt_ns(o.multi_stream_ns), o.max_streams),
            ),
            ("exposed communication", exposed(o.exposed_communication_ns, o.communication_ns)),
            ("exposed memory ops", exposed(o.exposed_memory_ns, o.memory_ns)),
            ("GPU idle gaps", gap_line(&o.idle)),
            ("… waiting for the CPU launch", gap_line(&o.host_bound_idle)),
            ("CPU gaps between launches", gap_line(&o.cpu_launch_gaps)),
        ])
        .with_table(overlap_table(
            &format!("overlap-categories-{name}"),
            &o.categories,
            min_share,
            "Category",
        ))
        .with_table(overlap_table(
            &format!("overlap-kernels-{name}"),
            &o.kernels,
            min_share,
            "Kernel",
        ));
    let mut fuse = Section::new(format!("Fusion opportunities — {name}"));
    let cols = ["Pattern", "What", "GPU time", "Share", "Matched kernels", "Note"];
    let mut t = Table::new(&format!("fusions-{name}"), cols).right(&["GPU time", "Share"]);
    for f in &s.fusions {
        let ks: Vec<String> = f
            .kernels
            .iter()
            .take(4)
            .map(|k| format!("{} ({})", k.display, fmt_ns(k.gpu_time_ns)))
            .collect();
        let more =
            if f.kernels.len() > 4 { format!(" +{}", f.kernels.len() - 4) } else { String::new() };
        t.push_row(
            f.id.clone(),
            [
                f.pattern.clone(),
                f.status.clone(),
                fmt_ns(f.gpu_time_ns),
                pct(f.share_pct),
                format!("{}{more}", ks.join(", ")),
                f.note.clone(),
            ],
        );
    }
    fuse = fuse.with_table(t);
    vec![kernels, overlap, fuse]
}

impl Report for TriageReport {
    fn schema_version(&self) -> &'static str {
        SCHEMA_VERSION
    }

    fn document(&self) -> Document {
        let mut d = Document::new("Trace triage");
        let files: Vec<String> = self
            .inputs
            .iter()
            .map(|i| {
                let rank = i.rank.map_or(String::new(), |r| format!(", rank {r}"));
                format!("{} {} (stage {}{rank})", i.role, i.path, i.stage.as_str())
            })
            .collect();
        d = d.with_fact("trace files", files.join("; "));
        d = d.with_fact(
            "framework",
            self.framework
                .as_ref()
                .map_or("unknown".into(), |f| format!("{} (from {})", f.value, f.from)),
        );
        d = d.with_fact(
            "model",
            self.model.clone().unwrap_or_else(|| "unknown (no server_args.json)".into()),
        );
        let ranks = if self.ranks.is_empty() {
            "none named (one trace, no rank in its file name)".to_string()
        } else {
            format!(
                "{:?}; analysed {}",
                self.ranks,
                self.rank.map_or("-".into(), |r| r.to_string())
            )
        };
        d = d.with_fact("ranks", ranks);
        let dev = match &self.device.name {
            Some(n) => format!("{} ({n})", self.device.device),
            None => self.device.device.to_string(),
        };
        d = d.with_fact("device", dev);
        let stages: Vec<&str> = self.stages.iter().map(|s| s.stage.as_str()).collect();
        let rules: Vec<String> = self
            .stage_rules
            .iter()
            .map(|r| format!("{:?} {}", r.rule, r.kernels).to_lowercase())
            .collect();
        d = d.with_fact(
            "stages",
            format!("{} (assigned by: {})", stages.join(", "), rules.join(", ")),
        );
        for (k, v) in links_line(&self.links) {
            d = d.with_fact(k, v);
        }
        if let Some(m) = &self.mapping {
            d = d.with_fact(
                "mapping",
                format!(
                    "{} of {} replayed/unresolved kernels matched ({})",
                    m.matched,
                    m.needed,
                    pct(m.match_rate_pct)
                ),
            );
        }
        for s in &self.stages {
            for sec in stage_sections(s, self.min_share_pct) {
                d.push(sec);
            }
        }
        d
    }
}

/// The category, with the evidence when the launch context or the token model (not a name
/// rule) decided it.
fn category_cell(k: &KernelRow) -> String {
    use crate::taxonomy::Evidence;
    match k.evidence {
        Evidence::NameRule | Evidence::Fallback => k.category.to_string(),
        e => format!("{} ({})", k.category, e.as_str().replace('_', " ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_times() {
        assert_eq!(fmt_ns(950), "950 ns");
        assert_eq!(fmt_ns(87_600), "87.6 µs");
        assert_eq!(fmt_ns(12_345_678), "12.346 ms");
    }
}
