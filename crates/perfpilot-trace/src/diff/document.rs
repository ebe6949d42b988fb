//! The human view of a [`DiffReport`].

use perfpilot_io::{fmt_ms as ms, fmt_signed_ms};
use perfpilot_report::{Document, Report, Section, Table};

use super::report::{DeltaRow, DiffReport, Normalize, SCHEMA_VERSION};

fn launches(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") }
}

fn delta_table(id: &str, first: &str, rows: &[DeltaRow], with_category: bool) -> Table {
    let mut cols = vec![first.to_string()];
    if with_category {
        cols.push("category".into());
    }
    cols.extend(
        [
            "before (ms)",
            "after (ms)",
            "delta (ms)",
            "delta share %",
            "launches before",
            "launches after",
        ]
        .map(String::from),
    );
    let mut t = Table::new(id, cols).right(&[
        "before (ms)",
        "after (ms)",
        "delta (ms)",
        "delta share %",
        "launches before",
        "launches after",
    ]);
    for r in rows {
        let mut cells = vec![r.name.clone()];
        if with_category {
            cells.push(r.category.clone().unwrap_or_default());
        }
        cells.extend([
            ms(r.before_ns),
            ms(r.after_ns),
            fmt_signed_ms(r.delta_ns),
            format!("{:+.2}", r.delta_share_pct),
            launches(r.before_launches),
            launches(r.after_launches),
        ]);
        t.push_row(r.id.clone(), cells);
    }
    t
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

impl Report for DiffReport {
    fn schema_version(&self) -> &'static str {
        SCHEMA_VERSION
    }

    fn document(&self) -> Document {
        let unit = match self.normalized {
            Normalize::PerPass => "per pass",
            _ => "totals",
        };
        let mut doc = Document::new("Trace diff")
            .with_fact(
                "before",
                format!(
                    "{} ({} ops, {} passes)",
                    self.before.input, self.before.kernels, self.before.passes
                ),
            )
            .with_fact(
                "after",
                format!(
                    "{} ({} ops, {} passes)",
                    self.after.input, self.after.kernels, self.after.passes
                ),
            )
            .with_fact("stage", self.stage.clone())
            .with_fact("compared", unit)
            .with_fact("shared kernel time", format!("{:.1}% of BEFORE", self.kernel_overlap_pct));
        doc.push(Section::new("Verdict").with_text(self.verdict.clone()));
        let mut cats = vec![self.total.clone()];
        cats.extend(self.categories.iter().cloned());
        doc.push(Section::new("By category").with_table(delta_table("categories", "category", &cats, false).with_footnote("delta share = delta / total BEFORE time; the category shares add up to the total's")));
        if !self.layer_types.is_empty() {
            doc.push(
                Section::new("By layer type (mean per layer, matched pass)").with_table(
                    delta_table("layer-types", "layer type", &self.layer_types, false)
                        .with_footnote(format!("compared: {}", self.layer_match.note)),
                ),
            );
        } else if self.layer_match.stage.is_none() && !self.layer_match.note.is_empty() {
            doc.push(
                Section::new("By layer type").with_text(capitalise(&self.layer_match.note) + "."),
            );
        }
        let shown: Vec<DeltaRow> =
            self.kernels.iter().filter(|k| k.delta_ns != 0.0).take(30).cloned().collect();
        let hidden =
            self.kernels.iter().filter(|k| k.delta_ns != 0.0).count().saturating_sub(shown.len());
        let mut kt = delta_table("kernels", "kernel", &shown, true);
        let unchanged =
            self.kernels.len() - self.kernels.iter().filter(|k| k.delta_ns != 0.0).count();
        kt = kt.with_footnote(format!(
            "{unchanged} kernels unchanged{}; JSON lists every kernel",
            if hidden > 0 {
                format!(", {hidden} smaller changes not shown")
            } else {
                String::new()
            }
        ));
        doc.push(
            Section::new(if self.cross_framework {
                "By kernel (different frameworks: read the category table first)"
            } else {
                "By kernel"
            })
            .with_table(kt),
        );
        let name = |id: &String| {
            self.kernels.iter().find(|k| &k.id == id).map_or(id.clone(), |k| k.name.clone())
        };
        if !self.new_kernels.is_empty() {
            doc.push(Section::new("New in AFTER").with_list(self.new_kernels.iter().map(name)));
        }
        if !self.gone_kernels.is_empty() {
            doc.push(
                Section::new("Gone from BEFORE").with_list(self.gone_kernels.iter().map(name)),
            );
        }
        doc
    }

    fn check_failed(&self) -> bool {
        false
    }
}
