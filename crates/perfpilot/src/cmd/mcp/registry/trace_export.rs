//! The row for `perfpilot trace export` (present when built with the `parquet` feature).

use super::Capability;

/// The rows.
#[cfg(not(feature = "parquet"))]
pub const ENTRIES: &[Capability] = &[];

/// The rows.
#[cfg(feature = "parquet")]
pub const ENTRIES: &[Capability] = &[Capability {
    command: "trace export",
    output_schema: super::output_schema::<perfpilot_export::ExportReport>,
    tool: Some(super::Tool {
        name: "trace_export",
        description: "Export every GPU kernel, memcpy and memset of every rank of torch-profiler \
            traces (files or profile directories) as a Hive-partitioned Parquet dataset \
            (`parquet/kernels/rank=N/part-0.parquet`: stage, stream, start and duration in ns, \
            name id, category with its evidence and rule, call site, launching CPU op, forward \
            pass and layer; `parquet/names/part-0.parquet`: name id to full name) for DuckDB, \
            Spark or pandas. Use it when a question needs SQL over raw kernels (per-rank skew, \
            time series, joins across runs) rather than triage's summary tables. `parquet` must \
            be new, empty or an earlier export.",
        input_schema: export_input_schema,
        paths: &[
            super::PathArg { pointer: "/inputs", access: super::Access::Read },
            super::PathArg { pointer: "/parquet", access: super::Access::Write },
            super::PathArg { pointer: "/rules", access: super::Access::Read },
        ],
        long_running: true,
        call,
    }),
}];

/// `trace_export`'s arguments: `inputs` needs one trace at least (the export does), so a
/// schema-valid call runs.
#[cfg(feature = "parquet")]
fn export_input_schema() -> serde_json::Value {
    let mut s = super::input_schema::<perfpilot_export::ExportOptions>();
    if let Some(i) = s.pointer_mut("/properties/inputs").and_then(serde_json::Value::as_object_mut)
    {
        i.insert("minItems".into(), serde_json::Value::from(1));
    }
    s
}

#[cfg(feature = "parquet")]
fn call(
    args: serde_json::Value,
    progress: &dyn perfpilot_report::Progress,
) -> anyhow::Result<super::ToolOutput> {
    let opts: perfpilot_export::ExportOptions = super::parse_args("trace_export", args)?;
    let report = perfpilot_export::export(&opts, progress)?;
    super::finish(crate::cmd::trace::export::envelope(&opts, report))
}
