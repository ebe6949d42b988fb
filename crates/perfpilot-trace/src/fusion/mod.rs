//! Fusion catalogue: split kernel sequences that a known fused kernel replaces.
//!
//! The catalogue (`data/fusions.toml`, embedded; replaceable with a user file) lists entries
//! that each name an ordered sequence of adjacent kernels on one stream inside one forward
//! (by category and name pattern), the fused kernel that replaces them, the framework path
//! or PR that provides it, and the conditions under which it applies. [`Catalogue::scan`]
//! finds every occurrence in one rank's kernel stream in roughly linear time and aggregates
//! them per entry. Matching looks at kernel names and categories only — never at file paths
//! or Python locations.
//!
//! Entries with `produces = "<category>"` are *composites*: a decomposed op (for example an
//! eager RMSNorm as pow → mean → add → rsqrt → mul) that is reported as its own finding and
//! then stands for one kernel of that category, so later entries (add + RMSNorm) see it.
//!
//! ```
//! use perfpilot_trace::Category;
//! use perfpilot_trace::fusion::{Catalogue, Context, KernelRef};
//!
//! let k = |name, category, start_ns| KernelRef { name, category, stream: 7, start_ns, dur_ns: 10, pass: None };
//! let kernels = [
//!     k("gate_up_gemm", Category::Gemm, 0),
//!     k("silu_kernel", Category::Activation, 20),
//!     k("MulFunctor", Category::Elementwise, 40),
//! ];
//! let found = Catalogue::embedded().scan(&kernels, &Context::default());
//! let silu = found.iter().find(|m| m.id == "silu-mul").unwrap();
//! assert_eq!((silu.count, silu.total_ns), (1, 20));
//! assert_eq!(silu.occurrences[0].kernels, vec![1, 2]);
//! ```

mod catalogue;
mod conditions;
mod scan;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::taxonomy::Category;

pub use catalogue::{Catalogue, EMBEDDED_CATALOGUE, SCHEMA};
pub use conditions::ConditionStatus;

/// One kernel of a rank's stream, as the scanner sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KernelRef<'a> {
    /// Canonical (demangled) kernel name.
    pub name: &'a str,
    /// Its taxonomy category.
    pub category: Category,
    /// CUDA/HIP stream id.
    pub stream: u64,
    /// Start time, ns.
    pub start_ns: i64,
    /// Duration, ns.
    pub dur_ns: i64,
    /// Forward pass index when known; kernels of different passes are never adjacent.
    pub pass: Option<u32>,
}

/// Facts about the run that gate catalogue entries. `None` = not known (the entry's
/// condition is then `unknown`, never assumed to hold).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Context {
    /// Activation / model dtype: `bf16`, `fp16`, `fp32` (aliases like `bfloat16` accepted).
    pub dtype: Option<String>,
    /// Weight/activation quantisation: `none`, `fp8`, `fp4`, `nvfp4`, `mxfp4`, `int8`, `awq`, …
    pub quantization: Option<String>,
    /// Tensor-parallel size.
    pub tp_size: Option<u32>,
    /// Serving framework: `sglang`, `vllm`, `trtllm`, …
    pub framework: Option<String>,
    /// Model path or name.
    pub model: Option<String>,
}

/// One occurrence of a split sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Occurrence {
    /// Indices into the scanned slice, in stream order.
    pub kernels: Vec<usize>,
    /// Summed kernel duration, ns.
    pub dur_ns: i64,
}

/// The aggregated result of one catalogue entry on one kernel stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FusionMatch {
    /// Catalogue entry id (stable; use as a row id).
    pub id: String,
    /// Human title of the pattern.
    pub title: String,
    /// Whether the entry is a composite (a decomposed op that stands for one kernel).
    pub composite: bool,
    /// Number of split occurrences found.
    pub count: usize,
    /// Summed duration of all occurrences, ns.
    pub total_ns: i64,
    /// Every occurrence, in stream order.
    pub occurrences: Vec<Occurrence>,
    /// True when a kernel matching the entry's fused pattern is present in the trace.
    pub already_fused: bool,
    /// Up to three distinct fused kernel names seen (canonical).
    pub fused_seen: Vec<String>,
    /// The fused kernel that would replace the split sequence.
    pub fused_kernel: String,
    /// The framework path / PR that provides the fused kernel.
    pub provider: String,
    /// Where the entry's knowledge comes from.
    pub source: String,
    /// Whether the entry's conditions (dtype, quantisation, TP, framework, model) hold.
    pub conditions: ConditionStatus,
    /// One note per condition that failed or could not be checked.
    pub condition_notes: Vec<String>,
}

impl FusionMatch {
    /// The first `n` occurrences (examples for a table).
    pub fn examples(&self, n: usize) -> &[Occurrence] {
        &self.occurrences[..self.occurrences.len().min(n)]
    }
}

#[cfg(test)]
mod tests;
