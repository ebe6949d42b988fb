//! Terminal-only rendering (`terminal` feature, enabled by the binary alone): boxed tables
//! fitted to the terminal's width.

use std::io::{self, IsTerminal, Write};

use comfy_table::{CellAlignment, ContentArrangement, presets};

use crate::{Align, Table, escape_display};

/// The terminal's width when stdout is one.
pub(crate) fn terminal_width() -> Option<u16> {
    if !io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| w.0)
}

/// A boxed table; with a width, long cells wrap so the table fits (full values stay in
/// JSON and `--wide`).
pub(crate) fn write_boxed_table<W: Write>(
    t: &Table,
    width: Option<u16>,
    out: &mut W,
) -> io::Result<()> {
    let esc = |s: &str| escape_display(s, true).into_owned();
    if t.rows.is_empty() {
        writeln!(out, "  (no rows)")?;
    } else {
        let mut ct = comfy_table::Table::new();
        ct.load_style(presets::UTF8_FULL_CONDENSED);
        match width {
            Some(w) => {
                ct.set_content_arrangement(ContentArrangement::Dynamic);
                ct.set_width(w.max(20));
            }
            None => {
                ct.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        ct.set_header(t.columns.iter().map(|c| esc(&c.name)));
        for r in &t.rows {
            ct.add_row(r.cells.iter().map(|c| esc(c)));
        }
        for (i, c) in t.columns.iter().enumerate() {
            if let Some(col) = ct.column_mut(i) {
                col.set_cell_alignment(match c.align {
                    Align::Left => CellAlignment::Left,
                    Align::Right => CellAlignment::Right,
                });
            }
        }
        writeln!(out, "{ct}")?;
    }
    if let Some(n) = &t.footnote {
        writeln!(out, "  {}", esc(n))?;
    }
    Ok(())
}
