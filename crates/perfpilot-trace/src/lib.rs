//! Torch-profiler (Kineto) trace analysis: kernel, overlap and fuse tables, layers, diffs.
//!
//! - [`parse`] streams a Chrome/Kineto trace (`.json` or `.json.gz`, `traceEvents`
//!   object or bare list, old and new Kineto, CUDA and ROCm) into a compact [`Trace`]:
//!   GPU ops, CPU ops, runtime/driver calls, Python frames, annotations and flows, with
//!   interned names and integer-nanosecond times ([`model`]).
//! - [`triage()`] turns a trace file or profile directory into per-stage kernel,
//!   overlap and fuse tables with call-site attribution ([`TriageReport`]).
//! - [`triage_any`] does the same for every rank of a multi-rank input in parallel, with
//!   merged, rank-skew, kernel-spread and collective tables ([`RanksReport`]).
//! - [`taxonomy`] classifies kernel names; [`fusion`] finds split kernel sequences.
//!
//! ```no_run
//! use perfpilot_report::NoProgress;
//! use perfpilot_trace::{TriageOptions, triage};
//!
//! let report = triage(&TriageOptions::new("profile/"), &NoProgress)?;
//! for stage in &report.stages {
//!     let top = &stage.kernels[0];
//!     println!("{}: {} {:.1}%", stage.stage.as_str(), top.display, top.share_pct);
//! }
//! # Ok::<(), perfpilot_trace::TraceError>(())
//! ```
//!
//! Reading the event model directly:
//!
//! ```
//! let json = br#"{"traceEvents": [
//!   {"ph": "X", "cat": "kernel", "name": "gemm", "pid": 0, "tid": 7, "ts": 10.5, "dur": 2.25,
//!    "args": {"stream": 7, "correlation": 3}}]}"#;
//! let trace = perfpilot_trace::parse::parse_trace_bytes(json)?;
//! let k = trace.kernels().next().unwrap();
//! assert_eq!((trace.name(k.name), k.ts, k.dur, k.stream), ("gemm", 10_500, 2_250, 7));
//! # Ok::<(), perfpilot_trace::TraceError>(())
//! ```
#![deny(missing_docs)]

pub mod analysis;
pub mod diff;
mod error;
pub mod export;
pub mod fusion;
pub mod input;
pub mod layers;
pub mod model;
pub mod parse;
pub mod ranks;
mod rulefile;
pub mod taxonomy;
pub mod triage;

pub use diff::{DiffOptions, DiffReport, diff};
pub use error::TraceError;
pub use layers::{LayersOptions, LayersReport, layers};
pub use model::Trace;
pub use ranks::{RanksReport, TriageOutput, triage_any};
pub use taxonomy::{Category, Taxonomy};
pub use triage::{TriageOptions, TriageReport, triage};
