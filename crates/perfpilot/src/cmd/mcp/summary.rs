//! The short text summary a tool call returns beside its JSON: built from the result's
//! human view (title, header facts, the first facts and the top rows of each table), so
//! every capability gets one without writing a summariser.

use perfpilot_report::{Block, Envelope, Report, Table};

/// Rows of each table shown in a summary.
const TOP_ROWS: usize = 3;
/// Facts of each section shown in a summary.
const TOP_FACTS: usize = 6;
/// Sections shown in a summary.
const MAX_SECTIONS: usize = 6;
/// A cell longer than this is shortened (kernel names can be thousands of characters).
const MAX_CELL: usize = 80;

/// A few lines describing `env`: what ran, the headline facts, the top rows and warnings.
pub fn summarise<R: Report>(env: &Envelope<R>) -> String {
    let doc = env.result.document();
    let mut out = Vec::new();
    out.push(format!("{} ({}, {})", doc.title, env.command, env.schema_version));
    for (k, v) in &doc.header {
        out.push(format!("{k}: {}", short(v)));
    }
    if env.result.check_failed() {
        out.push("CHECK FAILED (the CLI exits 1 on this result)".to_string());
    }
    for section in doc.sections.iter().take(MAX_SECTIONS) {
        let mut lines = Vec::new();
        let mut facts_shown = false;
        let mut tables_shown = 0;
        for block in &section.blocks {
            match block {
                Block::Facts(facts) if !facts_shown => {
                    facts_shown = true;
                    for (k, v) in facts.iter().take(TOP_FACTS) {
                        lines.push(format!("  {k}: {}", short(v)));
                    }
                }
                Block::Table(t) if tables_shown < 2 => {
                    tables_shown += 1;
                    lines.extend(table_lines(t));
                }
                _ => {}
            }
        }
        if !lines.is_empty() {
            out.push(format!("{}:", section.title));
            out.extend(lines);
        }
    }
    if !env.warnings.is_empty() {
        let codes: Vec<&str> = env.warnings.iter().map(|w| w.code.as_str()).collect();
        out.push(format!("warnings ({}): {}", codes.len(), codes.join(", ")));
    }
    out.push("The full result is the JSON envelope (structuredContent).".to_string());
    out.join("\n")
}

fn table_lines(t: &Table) -> Vec<String> {
    let mut lines = Vec::new();
    if t.rows.is_empty() {
        lines.push(format!("  ({}: no rows)", t.id));
        return lines;
    }
    for row in t.rows.iter().take(TOP_ROWS) {
        let cells: Vec<String> = t
            .columns
            .iter()
            .zip(&row.cells)
            .filter(|(_, v)| !v.is_empty())
            .map(|(c, v)| format!("{}={}", c.name, short(v)))
            .collect();
        lines.push(format!("  - {}", cells.join("; ")));
    }
    if t.rows.len() > TOP_ROWS {
        let more = t.rows.len() - TOP_ROWS;
        let rows = if more == 1 { "row" } else { "rows" };
        lines.push(format!("  … {more} more {rows} in `{}`", t.id));
    }
    lines
}

/// `s` on one line, at most [`MAX_CELL`] characters.
fn short(s: &str) -> String {
    perfpilot_io::truncate_to(&s.replace('\n', " "), MAX_CELL, "…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use perfpilot_report::{Document, Section, Warning};
    use serde::Serialize;

    #[derive(Serialize)]
    struct Fake {
        failed: bool,
    }

    impl Report for Fake {
        fn schema_version(&self) -> &'static str {
            "perfpilot.fake/1"
        }
        fn document(&self) -> Document {
            let mut t = Table::new("kernels", ["Kernel", "Share"]);
            for i in 0..5 {
                t.push_row(
                    format!("k{i}"),
                    [format!("kernel_{i}_{}", "x".repeat(200)), "10%".into()],
                );
            }
            Document::new("Fake report")
                .with_fact("framework", "sglang")
                .with_section(Section::new("Top").with_facts([("gpu time", "5 ms")]).with_table(t))
        }
        fn check_failed(&self) -> bool {
            self.failed
        }
    }

    #[test]
    fn summary_names_the_command_facts_top_rows_and_warnings() {
        let env = Envelope::new("fake run", Fake { failed: true })
            .with_warnings(vec![Warning::new("odd-thing", "something odd")]);
        let s = summarise(&env);
        assert!(s.starts_with("Fake report (fake run, perfpilot.fake/1)"), "{s}");
        assert!(s.contains("framework: sglang"));
        assert!(s.contains("gpu time: 5 ms"));
        assert!(s.contains("CHECK FAILED"));
        assert!(s.contains("kernel_0_"));
        assert!(!s.contains("kernel_3_"), "only the top rows: {s}");
        assert!(s.contains("… 2 more rows in `kernels`"));
        assert!(s.contains("warnings (1): odd-thing"));
        assert!(s.lines().all(|l| l.chars().count() < 200), "long cells are cut: {s}");
    }
}
