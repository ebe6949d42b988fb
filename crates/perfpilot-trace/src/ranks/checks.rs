//! Do the rank files belong to one run? Different device counts (`world_size`), GPU
//! models, start times hours apart, a file named one rank holding another, or two files
//! of the same rank are reported; the run refuses them unless `--force`.

use std::path::PathBuf;

use perfpilot_report::Warning;

use super::merge::RankData;
use crate::model::Ns;

/// Start times further apart than this are different runs (1 hour).
const MAX_START_SPREAD_NS: Ns = 3_600_000_000_000;

/// Settle each rank's id and list what makes the ranks look like different runs.
pub(crate) fn consistency(ranks: &mut [RankData]) -> Vec<String> {
    let mut issues = Vec::new();
    for r in ranks.iter_mut() {
        let path = r.inputs.first().map_or(String::new(), |i| i.path.clone());
        match (r.named_rank, r.content_rank) {
            (Some(n), Some(c)) if n != c => issues
                .push(format!("{path} is named rank {n} but its distributedInfo says rank {c}")),
            (None, Some(c)) => r.rank = c,
            _ => {}
        }
    }
    let mut seen: Vec<(u32, String)> = Vec::new();
    for r in ranks.iter() {
        let path = r.inputs.first().map_or(String::new(), |i| i.path.clone());
        if let Some((_, other)) = seen.iter().find(|(k, _)| *k == r.rank) {
            issues.push(format!("rank {} appears twice ({other} and {path})", r.rank));
        } else {
            seen.push((r.rank, path));
        }
    }
    let mut sizes: Vec<u32> = ranks.iter().filter_map(|r| r.world_size).collect();
    sizes.sort_unstable();
    sizes.dedup();
    if sizes.len() > 1 {
        issues.push(format!("different device counts (distributedInfo.world_size {sizes:?})"));
    }
    let mut devices: Vec<&str> = ranks.iter().filter_map(|r| r.device.as_deref()).collect();
    devices.sort_unstable();
    devices.dedup();
    if devices.len() > 1 {
        issues.push(format!("different GPU models ({})", devices.join(", ")));
    }
    let starts: Vec<Ns> = ranks.iter().filter_map(|r| r.start).collect();
    if let (Some(lo), Some(hi)) = (starts.iter().min(), starts.iter().max())
        && hi.saturating_sub(*lo) > MAX_START_SPREAD_NS
    {
        issues.push(format!(
            "first GPU activity {:.1} hours apart across ranks",
            (hi - lo) as f64 / 3.6e12
        ));
    }
    issues
}

/// Files discovered but not analysed, as one counted warning.
pub(crate) fn note_dropped(warnings: &mut Vec<Warning>, dropped: &[(PathBuf, String)]) {
    if dropped.is_empty() {
        return;
    }
    let shown: Vec<String> =
        dropped.iter().take(3).map(|(p, why)| format!("{} ({why})", p.display())).collect();
    let more =
        if dropped.len() > 3 { format!(" and {} more", dropped.len() - 3) } else { String::new() };
    warnings.push(Warning::counted(
        "file-not-analysed",
        dropped.len() as u64,
        format!("{}{more}", shown.join("; ")),
    ));
}
