//! The tail both frameworks' rank builders share: the `unknown` row that closes a breakdown,
//! the percentages, and the check of the config's bytes per token against the log's window.

use crate::common::{BreakdownRow, RowId, row, with_percent};
use crate::units::{GIB, sat_sum};

use super::types::DerivedPerToken;

/// Close a breakdown: with a device total, an `unknown` row for whatever the other rows
/// (all but `total` and the not-added `cuda_graph_estimate`) leave unexplained beyond
/// 1/50 GiB; without one, an `unknown` row saying what is missing (`no_total`: category and
/// derivation). Then fill in the percentages.
pub(super) fn close_breakdown(
    mut rows: Vec<BreakdownRow>,
    total: Option<&(i64, String)>,
    no_total: (&str, &str),
) -> Vec<BreakdownRow> {
    let accounted = sat_sum(
        rows.iter()
            .filter(|r| !matches!(r.id, RowId::Total | RowId::CudaGraphEstimate))
            .filter_map(|r| r.bytes),
    );
    match total {
        Some((t, _)) => {
            let unknown = t - accounted;
            if unknown.abs() > GIB / 50 {
                rows.push(row(
                    RowId::Unknown,
                    "Unknown (not stated in the log)",
                    Some(unknown),
                    "total - every row above",
                ));
            }
        }
        None => rows.push(row(RowId::Unknown, no_total.0, None, no_total.1)),
    }
    with_percent(rows, total.map(|t| t.0))
}

/// True when the config's bytes per token lies inside the log's window (±0.5 B); None when
/// either is unknown.
pub(super) fn matches_config(log: Option<&DerivedPerToken>, config: Option<u64>) -> Option<bool> {
    match (log, config) {
        (Some(d), Some(c)) => Some((c as f64) >= d.min - 0.5 && (c as f64) <= d.max + 0.5),
        _ => None,
    }
}
