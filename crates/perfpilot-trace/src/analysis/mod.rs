//! Analyses over a parsed [`crate::Trace`]: attribution, stages, tables.

pub mod attribution;
pub mod context;
pub(crate) mod device;
pub mod frames;
pub mod fuse;
pub mod intervals;
pub mod kernels;
pub mod mapping;
pub mod overlap;
pub mod stage;
