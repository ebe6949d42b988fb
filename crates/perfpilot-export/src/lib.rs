//! Columnar export of torch-profiler traces (`perfpilot trace export`): every GPU kernel,
//! memcpy and memset of every rank, with the facts `trace triage` and `trace layers`
//! derive for it, as one Hive-partitioned Parquet dataset that DuckDB, Spark, DataFusion
//! or pandas read without perfpilot:
//!
//! ```text
//! DIR/kernels/rank=0/part-0.parquet   one row per GPU op of rank 0
//! DIR/kernels/rank=1/part-0.parquet
//! DIR/names/part-0.parquet            name_id → full kernel name (and its triage row)
//! ```
//!
//! The files are written with the `parquet` crate's low-level column writer (no Arrow
//! stack), Snappy-compressed, with `schema_version` in each file's key-value metadata
//! ([`schema`] lists the columns). Every file is written under a temporary name and
//! renamed into place only after every rank succeeded: a failed run leaves no new file.
//!
//! ```no_run
//! use perfpilot_export::{ExportOptions, export};
//! use perfpilot_report::NoProgress;
//!
//! let report = export(&ExportOptions::new(vec!["profile/".into()], "out/"), &NoProgress)?;
//! for r in &report.ranks {
//!     println!("rank {}: {} kernels", r.rank, r.rows);
//! }
//! # Ok::<(), perfpilot_export::ExportError>(())
//! ```
#![deny(missing_docs)]

mod dataset;
mod document;
mod error;
mod options;
pub mod report;
pub mod schema;
mod write;

pub use dataset::export;
pub use error::ExportError;
pub use options::ExportOptions;
pub use report::{ExportReport, SCHEMA_VERSION};
