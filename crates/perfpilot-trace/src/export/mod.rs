//! Every GPU op of every rank as one record with the facts `trace triage` and `trace
//! layers` derive for it: stage, stream, start, duration, name, category (with the
//! evidence and rule that decided it), call site, launching CPU op, and the forward pass
//! and layer it belongs to. `perfpilot trace export` writes these records as Parquet.
//!
//! [`plan`] finds the files of each rank (the same discovery and choice as `trace
//! triage`, once per rank); [`analyse_rank`] parses them and returns one rank's records.
//! The records of a stage are exactly the ops `trace triage` sums into that stage's
//! kernel table, with the same (context-refined) category, so sums over them equal the
//! triage tables of the same rank.

mod plan;
mod records;

pub use plan::{RankPlan, plan};
pub use records::{ExportRules, KernelRecord, RankKernels, analyse_rank};
