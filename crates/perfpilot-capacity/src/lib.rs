//! Explain where GPU memory went at launch (SGLang, vLLM logs) and plan what-ifs from a model config.
#![deny(missing_docs)]

mod error;
pub mod launch;
mod units;

pub use error::CapacityError;
pub use units::{GIB, LoggedBytes};
pub mod model;
pub mod gpu;
pub mod rules;
pub mod scenario;
