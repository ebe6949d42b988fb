//! Torch-profiler (Kineto) trace analysis: kernel, overlap and fuse tables, layers, diffs.
#![deny(missing_docs)]

mod error;
pub mod fusion;
pub mod model;
pub mod parse;
pub mod taxonomy;

pub use error::TraceError;
pub use model::Trace;
pub use taxonomy::{Category, Taxonomy};
