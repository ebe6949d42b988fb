//! Tables shared by the explain and plan documents.

use perfpilot_report::{Section, Table};

use crate::common::{BreakdownRow, Note};
use crate::scenario::ConcurrencyRow;
use crate::units::{fmt_gib, fmt_int};
use crate::whatif::WhatIfReport;

/// Breakdown table; `with_source` adds the log line column.
pub fn breakdown_table(rows: &[BreakdownRow], with_source: bool) -> Table {
    let mut cols = vec!["category", "GiB", "%", "how"];
    if with_source {
        cols.push("log line");
    }
    let mut t = Table::new("breakdown", cols).right(&["GiB", "%"]);
    for r in rows {
        let mut cells = vec![
            r.category.clone(),
            r.bytes.map(fmt_gib).unwrap_or_else(|| "unknown".into()),
            r.percent.map(|p| format!("{p:.1}")).unwrap_or_default(),
            r.derivation.clone(),
        ];
        if with_source {
            cells.push(
                r.sources
                    .iter()
                    .map(|s| format!("L{}: {}", s.line, short(&s.text)))
                    .collect::<Vec<_>>()
                    .join(" | "),
            );
        }
        t.push_row(r.id.as_str(), cells);
    }
    t
}

/// `s` trimmed, at most 110 characters.
fn short(s: &str) -> String {
    perfpilot_io::truncate_to(s.trim(), 110, "...")
}

/// Concurrency table.
pub fn concurrency_table(rows: &[ConcurrencyRow]) -> Table {
    let mut t = Table::new(
        "concurrency",
        [
            "request tokens",
            "token limit",
            "request-slot limit",
            "state limit",
            "max concurrent",
            "binding",
            "note",
        ],
    )
    .right(&[
        "request tokens",
        "token limit",
        "request-slot limit",
        "state limit",
        "max concurrent",
    ]);
    let o = |v: Option<u64>| v.map(|v| fmt_int(v as i64)).unwrap_or_else(|| "unknown".into());
    for r in rows {
        t.push_row(
            format!("req-{}", r.request_tokens),
            [
                fmt_int(r.request_tokens as i64),
                o(r.token_limit),
                o(r.slot_limit),
                r.state_limit.map(|v| fmt_int(v as i64)).unwrap_or_else(|| "-".into()),
                o(r.max_concurrent),
                r.binding.to_string(),
                r.note.clone().unwrap_or_default(),
            ],
        );
    }
    t
}

/// What-if section.
pub fn what_if_section(w: &WhatIfReport) -> Section {
    let mut t = Table::new("what_if", ["metric", "before", "after"]);
    for r in &w.rows {
        t.push_row(r.id.clone(), [r.metric.clone(), r.before.clone(), r.after.clone()]);
    }
    let mut s = Section::new(format!("What if {}", w.changes.join(", ")))
        .with_text(format!("Before: {}.", w.baseline))
        .with_table(t);
    if !w.errors_after.is_empty() {
        s = s.with_list(w.errors_after.iter().map(|e| format!("after the change: {e}")));
    }
    if !w.caveats.is_empty() {
        s = s.with_list(w.caveats.clone());
    }
    s
}

/// Notes section.
pub fn notes_section(notes: &[Note]) -> Section {
    Section::new("Tuning notes").with_list(notes.iter().map(|n| format!("[{}] {}", n.id, n.text)))
}
