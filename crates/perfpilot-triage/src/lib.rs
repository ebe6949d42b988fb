//! Incident triage for LLM servers: problem class, strongest signal and next step from logs
//! and live endpoints.
//!
//! [`triage_logs`] reads SGLang / vLLM server logs (rank-prefixed, interleaved, with Python
//! tracebacks, NCCL watchdog lines and py-spy dumps) and matches them against a signature
//! catalogue kept as data (`data/signatures.toml`). Each signature names a
//! [`ProblemClass`], what it means, the usual causes, the next step and its source. Matching
//! uses context, not single keywords: the exception and its frames, the phase the server was
//! in (from the launch events of the shared `perfpilot_launchlog` parser), earlier
//! lines, which rank failed first, and which later errors are only consequences.
//!
//! [`bundle`] collects a read-only snapshot of a live server and [`summarize_bundle`] reads
//! a saved one; both return a [`BundleReport`].
//!
//! ```
//! use perfpilot_triage::{Catalogue, LogTriage, ProblemClass};
//!
//! let cat = Catalogue::builtin().unwrap();
//! let mut t = LogTriage::new(&cat).unwrap();
//! t.read_text(
//!     "server.log",
//!     "(EngineCore_0 pid=5839) INFO 08-20 18:04:10 [gpu_model_runner.py:2007] Model loading took 65.9651 GiB and 12.8 seconds\n\
//!      (EngineCore_0 pid=5839) INFO 08-20 18:04:22 [gpu_worker.py:276] Available KV cache memory: -2.14 GiB\n\
//!      (EngineCore_0 pid=5839) ERROR 08-20 18:04:22 [core.py:700] EngineCore failed to start.\n",
//! );
//! let report = t.finish(40);
//! assert_eq!(report.class, ProblemClass::KvBudgetNegative);
//! assert!(report.fatal);
//! assert!(report.findings[0].signal.iter().any(|s| s.text.contains("-2.14 GiB")));
//! ```
#![deny(missing_docs)]

mod analyze;
mod bundle;
mod catalogue;
mod class;
pub mod class_model;
mod error;
mod evidence;
mod fragment;
mod inferred;
mod launch;
mod logs;
mod model_use;
mod report;
mod run;
mod stall;
mod steps;
mod timeline;
mod undecided;

pub use bundle::{
    BundleFact, BundleOptions, BundleReport, BundleSignal, EndpointResult, Liveness,
    LivenessVerdict, LoadSample, MetricValue, SignalSeverity, SummarizeOptions, bundle,
    bundle_with, summarize_bundle,
};
pub use catalogue::{Catalogue, Role, SignatureInfo};
pub use class::{Phase, ProblemClass, Severity};
pub use error::TriageError;
pub use launch::LaunchFact;
pub use report::{
    FileSummary, Finding, MinuteCount, Occurrence, SignalLine, TimelineEntry, TimelineKind,
    TriageReport,
};
pub use run::{LogTriage, TriageOptions, triage_logs, triage_logs_with};
