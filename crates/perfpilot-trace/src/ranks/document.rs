//! The human view of a multi-rank triage: rank skew, merged tables per stage, the kernels
//! that spread most across ranks, collectives and their last-arriving rank, failures.
//! Rows under `min_share_pct` are hidden here (never in JSON).

use perfpilot_report::{Document, Report, Section, Table};

use super::report::RanksReport;
use crate::triage::SCHEMA_VERSION;
use crate::triage::document::fmt_ns;

/// Rows of the spread and collective-instance tables shown in text (JSON keeps all).
const TEXT_ROWS: usize = 15;

impl Report for RanksReport {
    fn schema_version(&self) -> &'static str {
        SCHEMA_VERSION
    }

    fn document(&self) -> Document {
        let mut d = Document::new("Trace triage: every rank");
        d = d.with_fact("ranks", format!("{:?}", self.ranks));
        if !self.failed_ranks.is_empty() || !self.failures.is_empty() {
            d = d
                .with_fact("failed", format!("{} rank file(s), see Failures", self.failures.len()));
        }
        d = d.with_fact(
            "world size",
            self.world_size.map_or("not recorded".into(), |w| w.to_string()),
        );
        d = d.with_fact(
            "devices",
            if self.devices.is_empty() { "not recorded".into() } else { self.devices.join(", ") },
        );
        if !self.forced.is_empty() {
            d = d.with_fact("--force overrode", self.forced.join("; "));
        }
        d.push(skew_section(self));
        for s in &self.stages {
            let mut t = Table::new(
                &format!("merged-categories-{}", s.stage.as_str()),
                ["Category", "GPU time (sum)", "Per rank (mean)", "Share", "Launches"],
            )
            .right(&["GPU time (sum)", "Per rank (mean)", "Share", "Launches"]);
            for c in &s.categories {
                if c.share_pct < self.min_share_pct {
                    continue;
                }
                t.push_row(
                    c.id.clone(),
                    [
                        c.category.to_string(),
                        fmt_ns(c.gpu_time_ns),
                        fmt_ns(c.mean_per_rank_ns.round() as i64),
                        format!("{:.1}%", c.share_pct),
                        c.launches.to_string(),
                    ],
                );
            }
            let mut k = Table::new(
                &format!("merged-kernels-{}", s.stage.as_str()),
                ["Kernel", "Category", "GPU time (sum)", "Per rank (mean)", "Share", "Ranks"],
            )
            .right(&["GPU time (sum)", "Per rank (mean)", "Share", "Ranks"]);
            for r in s.kernels.iter().filter(|r| r.share_pct >= self.min_share_pct) {
                k.push_row(
                    r.id.clone(),
                    [
                        r.display.clone(),
                        r.category.to_string(),
                        fmt_ns(r.gpu_time_ns),
                        fmt_ns(r.mean_per_rank_ns.round() as i64),
                        format!("{:.1}%", r.share_pct),
                        r.ranks_present.to_string(),
                    ],
                );
            }
            d.push(
                Section::new(format!(
                    "Merged over {} ranks — stage {} ({} summed)",
                    s.ranks,
                    s.stage.as_str(),
                    fmt_ns(s.kernel_time_ns)
                ))
                .with_table(t)
                .with_table(k),
            );
        }
        d.push(spread_section(self));
        d.push(collective_section(self));
        if !self.failures.is_empty() {
            d.push(Section::new("Failures").with_list(self.failures.iter().map(|f| {
                format!(
                    "rank {}: {} — {}",
                    f.rank.map_or("?".into(), |r| r.to_string()),
                    f.paths.join(", "),
                    f.reason
                )
            })));
        }
        d
    }
}

fn skew_section(r: &RanksReport) -> Section {
    let cols = [
        "Rank",
        "Step time",
        "vs median",
        "GPU busy",
        "Idle",
        "In collectives",
        "Exposed comm",
        "Comm hidden by compute",
        "Last arrivals",
    ];
    let mut t = Table::new("rank-skew", cols).right(&cols[1..]);
    for row in &r.rank_skew {
        t.push_row(
            row.id.clone(),
            [
                row.rank.to_string(),
                fmt_ns(row.step_time_ns),
                format!("{:+.1}%", row.step_vs_median_pct),
                fmt_ns(row.gpu_busy_ns),
                fmt_ns(row.idle_ns),
                fmt_ns(row.collective_ns),
                fmt_ns(row.exposed_communication_ns),
                row.comm_compute_overlap_pct.map_or("-".into(), |p| format!("{p:.1}%")),
                row.last_arrivals.to_string(),
            ],
        );
    }
    Section::new("Rank skew").with_table(t.with_footnote(
        "step time = GPU span (first GPU op start to last end), summed over stages; last \
         arrivals = matched collectives in which this rank's kernel was the shortest",
    ))
}

fn spread_section(r: &RanksReport) -> Section {
    let cols = ["Stage", "Kernel", "Category", "Min", "Median", "Max", "Max on rank", "CV"];
    let mut t = Table::new("kernel-spread", cols).right(&cols[3..]);
    let flagged = r.kernel_spread.iter().filter(|k| k.flagged).count();
    for k in r.kernel_spread.iter().filter(|k| k.flagged).take(TEXT_ROWS) {
        t.push_row(
            k.id.clone(),
            [
                k.stage.as_str().to_string(),
                k.display.clone(),
                k.category.to_string(),
                fmt_ns(k.min_ns),
                fmt_ns(k.median_ns.round() as i64),
                fmt_ns(k.max_ns),
                k.max_rank.to_string(),
                format!("{:.3}", k.cv),
            ],
        );
    }
    Section::new(format!(
        "Kernel spread across ranks: {flagged} of {} kernels above CV {}",
        r.kernel_spread.len(),
        r.cv_threshold
    ))
    .with_table(t.with_footnote(format!(
        "per-rank GPU time of each kernel; a rank that never ran it counts 0; first {TEXT_ROWS} \
         flagged rows shown (JSON has every kernel)"
    )))
}

fn collective_section(r: &RanksReport) -> Section {
    let cols = [
        "Stage",
        "Collective",
        "Group",
        "Matched by",
        "Matched",
        "Unmatched",
        "Most often last",
        "Times",
        "Wait spread",
    ];
    let mut t = Table::new("collectives", cols).right(&cols[4..]);
    for g in &r.collectives.groups {
        t.push_row(
            g.id.clone(),
            [
                g.stage.as_str().to_string(),
                g.collective.clone(),
                g.process_group.clone().unwrap_or_else(|| "-".into()),
                g.matched_by.as_str().to_string(),
                g.instances.to_string(),
                g.unmatched.to_string(),
                format!("rank {}", g.most_often_last),
                g.most_often_last_count.to_string(),
                fmt_ns(g.wait_spread_ns),
            ],
        );
    }
    let mut worst: Vec<_> = r.collectives.instances.iter().collect();
    worst.sort_by_key(|i| (std::cmp::Reverse(i.longest_ns - i.shortest_ns), i.id.clone()));
    let cols = ["Collective", "#", "Last rank", "Shortest", "Median", "Longest", "First rank"];
    let mut w = Table::new("collective-instances", cols).right(&cols[1..]);
    for i in worst.into_iter().take(TEXT_ROWS) {
        w.push_row(
            i.id.clone(),
            [
                i.collective.clone(),
                i.seq.map_or_else(|| i.ordinal.to_string(), |s| format!("seq {s}")),
                i.last_rank.to_string(),
                fmt_ns(i.shortest_ns),
                fmt_ns(i.median_ns.round() as i64),
                fmt_ns(i.longest_ns),
                i.first_rank.to_string(),
            ],
        );
    }
    Section::new("Collectives across ranks")
        .with_text(r.collectives.method.clone())
        .with_table(t)
        .with_table(w.with_footnote(format!(
            "the {TEXT_ROWS} instances with the widest spread (longest − shortest)"
        )))
}
