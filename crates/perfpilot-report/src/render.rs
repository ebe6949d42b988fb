//! Renderers: terminal table, markdown and JSON. One function per format; one entry point.
//!
//! Terminal tables are boxed by `comfy-table` and fitted to the terminal only with the
//! `terminal` feature (which only the binary enables); without it they are plain aligned
//! columns, so capability crates build without any terminal crate.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::{Align, Block, Document, Envelope, Format, Report, Table, Warning, escape_display};

/// Render an envelope in the given format to a writer.
pub fn render<R: Report, W: Write>(
    env: &Envelope<R>,
    format: Format,
    out: &mut W,
) -> io::Result<()> {
    match format {
        Format::Json => {
            // An I/O error keeps its kind (a closed pipe stays `BrokenPipe`).
            serde_json::to_writer_pretty(&mut *out, env).map_err(|e| match e.io_error_kind() {
                Some(kind) => io::Error::new(kind, e),
                None => io::Error::other(e),
            })?;
            out.write_all(b"\n")
        }
        Format::Md => write_markdown(&env.result.document(), env, out),
        Format::Table => write_terminal(&env.result.document(), env, out),
    }
}

/// Render an envelope to a string.
pub fn render_to_string<R: Report>(env: &Envelope<R>, format: Format) -> io::Result<String> {
    let mut buf = Vec::new();
    render(env, format, &mut buf)?;
    String::from_utf8(buf).map_err(io::Error::other)
}

fn inputs_line<R>(env: &Envelope<R>) -> Option<String> {
    if env.inputs.is_empty() {
        return None;
    }
    Some(
        env.inputs.iter().map(|i| format!("{}: {}", i.role, i.path)).collect::<Vec<_>>().join(", "),
    )
}

fn warning_line(w: &Warning) -> String {
    match w.count {
        Some(n) => format!("[{}] {} (×{n})", w.code, w.message),
        None => format!("[{}] {}", w.code, w.message),
    }
}

fn md_escape(s: &str) -> String {
    esc(&s.replace('|', "\\|").replace('\n', " ")).into_owned()
}

/// Free text: controls and bidi characters escaped, newlines kept.
fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    escape_display(s, true)
}

fn write_markdown<R, W: Write>(doc: &Document, env: &Envelope<R>, out: &mut W) -> io::Result<()> {
    writeln!(out, "# {}\n", esc(&doc.title))?;
    if let Some(line) = inputs_line(env) {
        writeln!(out, "- **inputs**: {}", md_escape(&line))?;
    }
    for (k, v) in &doc.header {
        writeln!(out, "- **{}**: {}", md_escape(k), md_escape(v))?;
    }
    writeln!(out)?;
    for s in &doc.sections {
        writeln!(out, "## {}\n", esc(&s.title))?;
        for b in &s.blocks {
            match b {
                Block::Table(t) => write_md_table(t, out)?,
                Block::Facts(f) => {
                    for (k, v) in f {
                        writeln!(out, "- **{}**: {}", md_escape(k), md_escape(v))?;
                    }
                    writeln!(out)?;
                }
                Block::Text(t) => writeln!(out, "{}\n", esc(t))?,
                Block::List(items) => {
                    for i in items {
                        writeln!(out, "- {}", md_escape(i))?;
                    }
                    writeln!(out)?;
                }
            }
        }
    }
    if !env.warnings.is_empty() {
        writeln!(out, "## Warnings\n")?;
        for w in &env.warnings {
            writeln!(out, "- {}", md_escape(&warning_line(w)))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn write_md_table<W: Write>(t: &Table, out: &mut W) -> io::Result<()> {
    if t.rows.is_empty() {
        writeln!(out, "_(no rows)_\n")?;
    } else {
        let head: Vec<String> = t.columns.iter().map(|c| md_escape(&c.name)).collect();
        writeln!(out, "| {} |", head.join(" | "))?;
        let sep: Vec<&str> = t
            .columns
            .iter()
            .map(|c| if c.align == Align::Right { "---:" } else { "---" })
            .collect();
        writeln!(out, "|{}|", sep.join("|"))?;
        for r in &t.rows {
            let cells: Vec<String> = r.cells.iter().map(|c| md_escape(c)).collect();
            writeln!(out, "| {} |", cells.join(" | "))?;
        }
        writeln!(out)?;
    }
    if let Some(n) = &t.footnote {
        writeln!(out, "_{}_\n", esc(n))?;
    }
    Ok(())
}

fn write_terminal<R, W: Write>(doc: &Document, env: &Envelope<R>, out: &mut W) -> io::Result<()> {
    let title = esc(&doc.title);
    writeln!(out, "{title}")?;
    writeln!(out, "{}", "=".repeat(title.chars().count().max(3)))?;
    let mut facts: Vec<(String, String)> = Vec::new();
    if let Some(line) = inputs_line(env) {
        facts.push(("inputs".into(), line));
    }
    facts.extend(doc.header.iter().cloned());
    write_term_facts(&facts, out)?;
    for s in &doc.sections {
        let title = esc(&s.title);
        writeln!(out, "\n{title}\n{}", "-".repeat(title.chars().count().max(3)))?;
        for b in &s.blocks {
            match b {
                Block::Table(t) => write_term_table(t, out)?,
                Block::Facts(f) => write_term_facts(f, out)?,
                Block::Text(t) => writeln!(out, "{}", esc(t))?,
                Block::List(items) => {
                    for i in items {
                        writeln!(out, "  • {}", esc(i))?;
                    }
                }
            }
        }
    }
    if !env.warnings.is_empty() {
        writeln!(out, "\nWarnings\n--------")?;
        for w in &env.warnings {
            writeln!(out, "  ! {}", esc(&warning_line(w)))?;
        }
    }
    Ok(())
}

fn write_term_facts<W: Write>(facts: &[(String, String)], out: &mut W) -> io::Result<()> {
    let width = facts.iter().map(|(k, _)| esc(k).chars().count()).max().unwrap_or(0);
    for (k, v) in facts {
        writeln!(out, "  {:<width$}  {}", esc(k), esc(v))?;
    }
    Ok(())
}

static WIDE: AtomicBool = AtomicBool::new(false);

/// Print terminal tables at full width (`--wide`) instead of fitting them to the
/// terminal. JSON and markdown always carry full values.
pub fn set_wide_tables(wide: bool) {
    WIDE.store(wide, Ordering::Relaxed);
}

/// The width terminal tables must fit: `COLUMNS` when set, else the terminal's width
/// when stdout is one (with the `terminal` feature); `None` (no limit) with `--wide` or
/// when not on a terminal.
pub fn table_width() -> Option<u16> {
    if WIDE.load(Ordering::Relaxed) {
        return None;
    }
    if let Some(c) = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<u16>().ok()) {
        return Some(c);
    }
    #[cfg(feature = "terminal")]
    {
        crate::term::terminal_width()
    }
    #[cfg(not(feature = "terminal"))]
    {
        None
    }
}

fn write_term_table<W: Write>(t: &Table, out: &mut W) -> io::Result<()> {
    #[cfg(feature = "terminal")]
    {
        crate::term::write_boxed_table(t, table_width(), out)
    }
    #[cfg(not(feature = "terminal"))]
    {
        write_plain_table(t, out)
    }
}

/// A table as left/right-aligned columns separated by two spaces, under a dashed rule:
/// the terminal rendering of builds without the `terminal` feature.
#[cfg_attr(feature = "terminal", allow(dead_code))]
fn write_plain_table<W: Write>(t: &Table, out: &mut W) -> io::Result<()> {
    if t.rows.is_empty() {
        writeln!(out, "  (no rows)")?;
    } else {
        let head: Vec<String> = t.columns.iter().map(|c| esc(&c.name).into_owned()).collect();
        let rows: Vec<Vec<String>> =
            t.rows.iter().map(|r| r.cells.iter().map(|c| esc(c).into_owned()).collect()).collect();
        let widths: Vec<usize> = (0..head.len())
            .map(|i| {
                let cells = rows.iter().filter_map(|r| r.get(i)).map(|c| c.chars().count());
                cells.chain([head[i].chars().count()]).max().unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| -> String {
            let parts: Vec<String> = cells
                .iter()
                .zip(&widths)
                .zip(&t.columns)
                .map(|((c, w), col)| match col.align {
                    Align::Left => format!("{c:<w$}"),
                    Align::Right => format!("{c:>w$}"),
                })
                .collect();
            format!("  {}", parts.join("  ")).trim_end().to_string()
        };
        writeln!(out, "{}", line(&head))?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        writeln!(out, "  {}", rule.join("  "))?;
        for r in &rows {
            writeln!(out, "{}", line(r))?;
        }
    }
    if let Some(n) = &t.footnote {
        writeln!(out, "  {}", esc(n))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_tables_align_columns_without_terminal_crates() {
        let mut t = Table::new("demo", ["name", "time (µs)"]).right(&["time (µs)"]);
        t.push_row("r0", ["a\u{1b}b".to_string(), "1.5".to_string()]);
        t.push_row("r1", ["long name".to_string(), "10.0".to_string()]);
        let mut buf = Vec::new();
        write_plain_table(&t.with_footnote("note"), &mut buf).unwrap();
        let s = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[0], "  name       time (µs)", "{s}");
        assert_eq!(lines[1], "  ---------  ---------", "{s}");
        assert_eq!(lines[2], "  a\\x1bb           1.5", "{s}");
        assert_eq!(lines[3], "  long name       10.0", "{s}");
        assert_eq!(lines[4], "  note", "{s}");
    }

    #[cfg(feature = "terminal")]
    #[test]
    fn tables_fit_the_width_unless_wide() {
        let mut t = Table::new("long", ["id", "value"]);
        t.push_row("a", vec!["a".to_string(), "x".repeat(300)]);
        let render = |w: Option<u16>| {
            let mut buf = Vec::new();
            crate::term::write_boxed_table(&t, w, &mut buf).unwrap();
            String::from_utf8(buf).unwrap()
        };
        let fitted = render(Some(80));
        assert!(fitted.lines().all(|l| l.chars().count() <= 80), "{fitted}");
        assert_eq!(fitted.matches('x').count(), 300, "wrapped, not cut");
        let wide = render(None);
        assert!(wide.lines().any(|l| l.chars().count() > 300), "{wide}");
        set_wide_tables(true);
        assert_eq!(table_width(), None, "--wide: no limit");
        set_wide_tables(false);
    }
    use crate::{Section, Warning};
    use serde::Serialize;

    #[derive(Serialize)]
    struct Demo {
        rows: Vec<(String, f64)>,
    }

    impl Report for Demo {
        fn schema_version(&self) -> &'static str {
            "perfpilot.demo/1"
        }
        fn document(&self) -> Document {
            let mut t = Table::new("demo", ["name", "time (µs)"]).right(&["time (µs)"]);
            for (i, (n, v)) in self.rows.iter().enumerate() {
                t.push_row(format!("r{i}"), [n.clone(), format!("{v:.1}")]);
            }
            Document::new("Demo")
                .with_fact("stage", "decode")
                .with_section(Section::new("Kernels").with_table(t.with_footnote("1 row hidden")))
        }
    }

    fn env() -> Envelope<Demo> {
        Envelope::new("demo", Demo { rows: vec![("a|b".into(), 1.25), ("c".into(), 10.0)] })
            .with_warnings(vec![Warning::counted("negative-duration", 3, "dropped events")])
    }

    #[test]
    fn markdown_escapes_pipes_and_aligns_numbers() {
        let md = render_to_string(&env(), Format::Md).unwrap();
        assert!(md.contains("| a\\|b | 1.2 |") || md.contains("| a\\|b | 1.3 |"), "{md}");
        assert!(md.contains("|---|---:|"), "{md}");
        assert!(md.contains("_1 row hidden_"));
        assert!(md.contains("[negative-duration] dropped events (×3)"));
    }

    #[test]
    fn json_has_the_contract_keys() {
        let js = render_to_string(&env(), Format::Json).unwrap();
        let v: serde_json::Value = serde_json::from_str(&js).unwrap();
        assert_eq!(v["schema_version"], "perfpilot.demo/1");
        assert_eq!(v["tool"]["name"], "perfpilot");
        assert_eq!(v["command"], "demo");
        assert_eq!(v["warnings"][0]["count"], 3);
        assert_eq!(v["result"]["rows"][1][0], "c");
    }

    #[test]
    fn control_and_bidi_characters_are_escaped_in_table_and_markdown_only() {
        let name = "gemm\u{1b}]0;pwned\u{7}\r\0\u{202e}lanrek";
        let env = Envelope::new("demo", Demo { rows: vec![(name.into(), 1.0)] });
        for format in [Format::Table, Format::Md] {
            let s = render_to_string(&env, format).unwrap();
            for bad in ['\u{1b}', '\u{7}', '\r', '\0', '\u{202e}'] {
                assert!(!s.contains(bad), "{format:?} kept {bad:?}: {s}");
            }
            assert!(s.contains("gemm\\x1b]0;pwned\\x07\\x0d\\x00\\u{202e}lanrek"), "{s}");
        }
        let js = render_to_string(&env, Format::Json).unwrap();
        let v: serde_json::Value = serde_json::from_str(&js).unwrap();
        assert_eq!(v["result"]["rows"][0][0], name);
    }

    #[test]
    fn terminal_table_renders_all_rows() {
        let s = render_to_string(&env(), Format::Table).unwrap();
        assert!(s.contains("a|b") && s.contains("10.0") && s.contains("stage"), "{s}");
    }
}
