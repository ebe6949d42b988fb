//! The human view of an [`ExportReport`].

use perfpilot_io::fmt_ms as ms;
use perfpilot_report::{Document, Report, Section, Table};

use crate::report::{ExportReport, SCHEMA_VERSION};

impl Report for ExportReport {
    fn schema_version(&self) -> &'static str {
        SCHEMA_VERSION
    }

    fn document(&self) -> Document {
        let rows: u64 = self.ranks.iter().map(|r| r.rows).sum();
        let mut doc = Document::new("Trace export")
            .with_fact("dataset", self.dir.clone())
            .with_fact("schema_version", self.dataset_schema_version.clone())
            .with_fact("rows", format!("{rows} GPU ops in {} ranks", self.ranks.len()))
            .with_fact("names", self.names.to_string())
            .with_fact("taxonomy", self.taxonomy.clone());
        let mut t = Table::new(
            "ranks",
            ["rank", "rows", "GPU time (ms)", "stages", "in pass", "in layer", "inputs"],
        )
        .right(&["rows", "GPU time (ms)", "in pass", "in layer"]);
        for r in &self.ranks {
            let stages: Vec<String> =
                r.stages.iter().map(|s| format!("{} {}", s.stage, s.rows)).collect();
            t.push_row(
                format!("rank-{}", r.rank),
                [
                    r.rank.to_string(),
                    r.rows.to_string(),
                    ms(r.gpu_time_ns as f64),
                    stages.join(", "),
                    r.in_pass.to_string(),
                    r.in_layer.to_string(),
                    r.inputs.join(", "),
                ],
            );
        }
        doc.push(Section::new("Ranks").with_table(t));
        let mut f =
            Table::new("files", ["file", "table", "rows", "bytes"]).right(&["rows", "bytes"]);
        for file in &self.files {
            f.push_row(
                file.path.clone(),
                [
                    file.path.clone(),
                    file.table.clone(),
                    file.rows.to_string(),
                    file.bytes.to_string(),
                ],
            );
        }
        doc.push(Section::new("Files").with_table(f));
        if !self.removed.is_empty() {
            doc.push(
                Section::new("Removed")
                    .with_text("rank partitions of the earlier export in this directory that this run did not produce")
                    .with_list(self.removed.iter().cloned()),
            );
        }
        doc
    }
}
