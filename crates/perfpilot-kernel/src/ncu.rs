//! Reading Nsight Compute CSV exports into kernel launches, in both layouts `ncu --csv`
//! writes (`loop-kda-ncu.md` 4.1):
//!
//! - `--page details` (the default) and `--metrics a,b`: long form, one row per launch ×
//!   metric (`ID, …, Section Name, Metric Name, Metric Unit, Metric Value`), newer versions
//!   with rule rows (`Rule Name, Rule Type, Rule Description, …`);
//! - `--page raw`: wide form, one row per launch and one column per metric, a units row
//!   after the header.
//!
//! Thousands separators, `n/a` / `nan` / `no data`, `==PROF==` lines, commas inside quoted
//! kernel names, compound units (`byte/block`) and section-qualified raw columns
//! (`FBSP.TriageCompute.dram__throughput…`, see [`split_prefix`]) are handled; anything else
//! malformed is an error naming `file:line` and what was expected.

use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::KernelError;
use crate::csv::{self, Record};

/// Which CSV layout a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// `--page details` / `--metrics`: one row per metric.
    Details,
    /// `--page raw`: one row per launch, a column per metric.
    Raw,
}

/// One metric value of a launch.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// Section (details layout; empty in raw).
    pub section: String,
    /// The qualifier before the metric name in a section-qualified column
    /// (`FBSP.TriageCompute` of `FBSP.TriageCompute.dram__throughput…`); empty for a plain
    /// metric name.
    pub prefix: String,
    /// Metric name or label, without the qualifier.
    pub name: String,
    /// Unit as printed (`%`, `us`, `nsecond`, `Kbyte`, …).
    pub unit: String,
    /// The value as printed.
    pub text: String,
    /// The value as a number (`None` for `n/a` or text).
    pub value: Option<f64>,
}

/// A rule result NCU wrote into the export (details layout, newer versions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RuleRow {
    /// Section of the rule (`SpeedOfLight`).
    pub section: String,
    /// Rule name (`SOLBottleneck`).
    pub rule: String,
    /// `OPT`, `INF`, `WRN`.
    pub kind: String,
    /// The rule's message.
    pub description: String,
}

/// One kernel launch of an export.
#[derive(Debug, Clone, PartialEq)]
pub struct Launch {
    /// NCU's launch `ID`.
    pub id: String,
    /// 1-based line of the launch's first row.
    pub line: usize,
    /// Kernel name as exported.
    pub kernel: String,
    /// `(x, y, z)` block size.
    pub block_size: String,
    /// `(x, y, z)` grid size.
    pub grid_size: String,
    /// Compute capability (`12.0`).
    pub cc: String,
    /// Metrics in file order.
    pub metrics: Vec<Metric>,
    /// Rule rows.
    pub rules: Vec<RuleRow>,
}

impl Launch {
    /// The first metric with a value matching `spec`: a name, or `name@unit` (the unit must
    /// match). A plain column wins over a section-qualified one of the same name (the
    /// qualified copy of a raw page is a section's own, possibly differently sampled,
    /// collection of the metric); the qualified one is the fallback.
    pub fn find(&self, spec: &str) -> Option<&Metric> {
        let (name, unit) = match spec.split_once('@') {
            Some((n, u)) => (n, Some(u)),
            None => (spec, None),
        };
        let hit =
            |m: &&Metric| m.name == name && unit.is_none_or(|u| m.unit == u) && m.value.is_some();
        self.metrics
            .iter()
            .filter(|m| m.prefix.is_empty())
            .find(hit)
            .or_else(|| self.metrics.iter().find(hit))
    }

    /// Blocks in the grid, from the `Grid Size` column `(x, y, z)`.
    pub fn grid_blocks(&self) -> Option<f64> {
        let inner = self.grid_size.trim().strip_prefix('(')?.strip_suffix(')')?;
        let mut product = 1.0;
        for part in inner.split(',') {
            product *= part.trim().parse::<f64>().ok()?;
        }
        Some(product)
    }
}

/// A parsed export.
#[derive(Debug, Clone)]
pub struct Export {
    /// The layout.
    pub layout: Layout,
    /// Launches in file order.
    pub launches: Vec<Launch>,
}

/// Read and parse one export.
pub fn read_export(path: &Path) -> Result<Export, KernelError> {
    let text = perfpilot_io::read_to_string_bounded(path).map_err(|e| KernelError::io(path, e))?;
    parse_export(&text, &path.display().to_string())
}

const FIXED: [&str; 2] = ["ID", "Kernel Name"];

/// Parse export text; `name` names the file in errors.
pub fn parse_export(text: &str, name: &str) -> Result<Export, KernelError> {
    let bad =
        |line: usize, message: String| KernelError::Invalid(format!("{name}:{line}: {message}"));
    let records = csv::parse(text).map_err(|e| bad(e.line, e.message))?;
    let Some((header, rows)) = records.split_first() else {
        return Err(bad(
            1,
            "empty: expected an `ncu --csv` header (\"ID\",…,\"Kernel Name\",…)".into(),
        ));
    };
    let col = |n: &str| header.fields.iter().position(|f| f == n);
    for f in FIXED {
        if col(f).is_none() {
            return Err(bad(
                header.line,
                format!(
                    "not an `ncu --csv` header: expected a `{f}` column (found {} columns starting {:?})",
                    header.fields.len(),
                    header.fields.iter().take(3).collect::<Vec<_>>()
                ),
            ));
        }
    }
    let export = if col("Metric Name").is_some() && col("Metric Value").is_some() {
        parse_details(header, rows, &bad)?
    } else {
        parse_raw(header, rows, &bad)?
    };
    if export.launches.is_empty() {
        return Err(bad(
            header.line,
            "no kernel launches: expected at least one data row after the header".into(),
        ));
    }
    Ok(export)
}

type Bad<'a> = dyn Fn(usize, String) -> KernelError + 'a;

fn field(r: &Record, i: usize) -> &str {
    r.fields.get(i).map_or("", String::as_str)
}

fn parse_details(header: &Record, rows: &[Record], bad: &Bad<'_>) -> Result<Export, KernelError> {
    let col = |n: &str| header.fields.iter().position(|f| f == n);
    let id = col("ID").unwrap_or(0);
    let kernel = col("Kernel Name").unwrap_or(0);
    let metric_name = col("Metric Name").unwrap_or(0);
    let value = col("Metric Value").unwrap_or(0);
    let (unit, section) = (col("Metric Unit"), col("Section Name"));
    let (block, grid, cc) = (col("Block Size"), col("Grid Size"), col("CC"));
    let (rule, kind, desc) = (col("Rule Name"), col("Rule Type"), col("Rule Description"));
    let opt = |r: &Record, i: Option<usize>| i.map_or(String::new(), |i| field(r, i).to_string());
    let mut launches: Vec<Launch> = Vec::new();
    for r in rows {
        let rule_name = opt(r, rule);
        let needed = if rule_name.is_empty() { value.max(metric_name) } else { kernel.max(id) };
        if r.fields.len() <= needed {
            return Err(bad(
                r.line,
                format!(
                    "expected at least {} fields (up to `{}`), found {} (a truncated row?)",
                    needed + 1,
                    header.fields[needed],
                    r.fields.len()
                ),
            ));
        }
        let launch_id = field(r, id).to_string();
        if launch_id.is_empty() {
            return Err(bad(r.line, "empty `ID`: expected the launch id".into()));
        }
        let idx = match launches.iter().position(|l| l.id == launch_id) {
            Some(i) => i,
            None => {
                launches.push(Launch {
                    id: launch_id,
                    line: r.line,
                    kernel: field(r, kernel).to_string(),
                    block_size: opt(r, block),
                    grid_size: opt(r, grid),
                    cc: opt(r, cc),
                    metrics: Vec::new(),
                    rules: Vec::new(),
                });
                launches.len() - 1
            }
        };
        let l = &mut launches[idx];
        if !rule_name.is_empty() {
            l.rules.push(RuleRow {
                section: opt(r, section),
                rule: rule_name,
                kind: opt(r, kind),
                description: opt(r, desc),
            });
            continue;
        }
        let text = field(r, value).to_string();
        let (prefix, name) = split_prefix(field(r, metric_name));
        l.metrics.push(Metric {
            section: opt(r, section),
            prefix: prefix.to_string(),
            name: name.to_string(),
            unit: opt(r, unit),
            value: csv::number(&text),
            text,
        });
    }
    Ok(Export { layout: Layout::Details, launches })
}

fn parse_raw(header: &Record, rows: &[Record], bad: &Bad<'_>) -> Result<Export, KernelError> {
    let col = |n: &str| header.fields.iter().position(|f| f == n);
    let id = col("ID").unwrap_or(0);
    let kernel = col("Kernel Name").unwrap_or(0);
    let (block, grid, cc) = (col("Block Size"), col("Grid Size"), col("CC"));
    let width = header.fields.len();
    let mut rows = rows.iter().peekable();
    let units: Vec<String> = match rows.peek() {
        Some(r) if field(r, id).is_empty() => {
            let r = rows.next().map(|r| r.fields.clone()).unwrap_or_default();
            if r.len() != width {
                return Err(bad(
                    header.line + 1,
                    format!(
                        "units row: expected {width} fields like the header, found {}",
                        r.len()
                    ),
                ));
            }
            r
        }
        _ => vec![String::new(); width],
    };
    let fixed: Vec<usize> = ["ID", "Process ID", "Process Name", "Host Name", "Kernel Name"]
        .iter()
        .chain(&["Context", "Stream", "Block Size", "Grid Size", "Device", "CC"])
        .filter_map(|n| col(n))
        .collect();
    let mut launches = Vec::new();
    for r in rows {
        if r.fields.len() != width {
            return Err(bad(
                r.line,
                format!(
                    "expected {width} fields (one per header column), found {} (a truncated row?)",
                    r.fields.len()
                ),
            ));
        }
        let launch_id = field(r, id).to_string();
        if launch_id.is_empty() {
            return Err(bad(r.line, "empty `ID`: expected the launch id".into()));
        }
        let metrics = (0..width)
            .filter(|i| !fixed.contains(i))
            .map(|i| Metric {
                section: String::new(),
                prefix: split_prefix(&header.fields[i]).0.to_string(),
                name: split_prefix(&header.fields[i]).1.to_string(),
                unit: units[i].clone(),
                value: csv::number(field(r, i)),
                text: field(r, i).to_string(),
            })
            .collect();
        let opt = |i: Option<usize>| i.map_or(String::new(), |i| field(r, i).to_string());
        launches.push(Launch {
            id: launch_id,
            line: r.line,
            kernel: field(r, kernel).to_string(),
            block_size: opt(block),
            grid_size: opt(grid),
            cc: opt(cc),
            metrics,
            rules: Vec::new(),
        });
    }
    Ok(Export { layout: Layout::Raw, launches })
}

/// Split a column name into its qualifier and the metric name. NCU metric names are
/// `<unit>__<counter>[.<rollup>[.<submetric>]]`, and the unit part never contains a dot; a
/// raw-page column whose part before the first `__` does contain dots is qualified by the
/// section that collected it (`FBSP.TriageCompute.dram__throughput.avg…` →
/// (`FBSP.TriageCompute`, `dram__throughput.avg…`)). Labels and plain names come back
/// unqualified.
pub fn split_prefix(column: &str) -> (&str, &str) {
    let Some(unit_end) = column.find("__") else {
        return ("", column);
    };
    match column[..unit_end].rfind('.') {
        Some(dot) => (&column[..dot], &column[dot + 1..]),
        None => ("", column),
    }
}

/// Microseconds from a duration in `unit`.
pub fn to_us(value: f64, unit: &str) -> Option<f64> {
    let scale = match unit.trim() {
        "ns" | "nsecond" | "nsec" => 1e-3,
        "us" | "usecond" | "usec" | "µs" => 1.0,
        "ms" | "msecond" | "msec" => 1e3,
        "s" | "second" | "sec" => 1e6,
        _ => return None,
    };
    Some(value * scale)
}

/// Bytes from a size in `unit` (NCU's `Kbyte` = 1000 bytes, `Kibyte` = 1024). A per-block
/// unit (`byte/block`, `Kbyte/block`, as newer NCU versions print the `launch__shared_mem_per_block*`
/// metrics) is the size per block.
pub fn to_bytes(value: f64, unit: &str) -> Option<f64> {
    let unit = unit.trim();
    let unit = unit.strip_suffix("/block").unwrap_or(unit);
    let scale = match unit.trim() {
        "" | "byte" | "B" => 1.0,
        "Kbyte" | "KB" => 1e3,
        "Mbyte" | "MB" => 1e6,
        "Gbyte" | "GB" => 1e9,
        "Kibyte" | "KiB" => 1024.0,
        "Mibyte" | "MiB" => 1024.0 * 1024.0,
        _ => return None,
    };
    Some(value * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_layout_with_units_row_and_quoted_names() {
        let text = "==PROF== Connected\n\"ID\",\"Kernel Name\",\"Grid Size\",\"gpu__time_duration.sum\",\"launch__registers_per_thread\"\n\"\",\"\",\"\",\"nsecond\",\"register/thread\"\n\"0\",\"k<int, float>(P)\",\"(2, 3, 1)\",\"1,056\",\"32\"\n";
        let e = parse_export(text, "x.csv").unwrap();
        assert_eq!(e.layout, Layout::Raw);
        let l = &e.launches[0];
        assert_eq!(l.kernel, "k<int, float>(P)");
        assert_eq!(l.grid_blocks(), Some(6.0));
        let d = l.find("gpu__time_duration.sum").unwrap();
        assert_eq!((d.value, d.unit.as_str()), (Some(1056.0), "nsecond"));
        assert_eq!(to_us(1056.0, "nsecond"), Some(1.056));
        let e = parse_export(&text.replace(",\"32\"\n", "\n"), "x.csv").unwrap_err();
        assert!(e.to_string().starts_with("x.csv:4: expected 5 fields"), "{e}");
    }

    #[test]
    fn section_qualified_columns_and_per_block_units() {
        let q = "FBSP.TriageCompute.dram__throughput.avg.pct_of_peak_sustained_elapsed";
        assert_eq!(
            split_prefix(q),
            ("FBSP.TriageCompute", "dram__throughput.avg.pct_of_peak_sustained_elapsed")
        );
        assert_eq!(
            split_prefix("derived__avg_thread_executed"),
            ("", "derived__avg_thread_executed")
        );
        assert_eq!(split_prefix("Duration"), ("", "Duration"));
        assert_eq!(to_bytes(2.0, "Kbyte/block"), Some(2000.0));
        assert_eq!(to_bytes(3.0, "byte/block"), Some(3.0));
        // The plain column wins over the qualified copy wherever it sits.
        let text = format!(
            "\"ID\",\"Kernel Name\",\"{q}\",\"dram__throughput.avg.pct_of_peak_sustained_elapsed\"\n\"\",\"\",\"%\",\"%\"\n\"0\",\"k\",\"1.5\",\"2.5\"\n"
        );
        let e = parse_export(&text, "q.csv").unwrap();
        let m = e.launches[0].find("dram__throughput.avg.pct_of_peak_sustained_elapsed").unwrap();
        assert_eq!((m.prefix.as_str(), m.value), ("", Some(2.5)));
        let only_qualified = text.replace(",\"2.5\"", ",\"n/a\"");
        let e = parse_export(&only_qualified, "q.csv").unwrap();
        let m = e.launches[0].find("dram__throughput.avg.pct_of_peak_sustained_elapsed").unwrap();
        assert_eq!((m.prefix.as_str(), m.value), ("FBSP.TriageCompute", Some(1.5)));
    }
}
