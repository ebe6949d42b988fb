//! Torch-profiler (Kineto) trace analysis: kernel, overlap and fuse tables, layers, diffs.
#![deny(missing_docs)]

pub mod taxonomy;

pub use taxonomy::Category;
