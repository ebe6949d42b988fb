//! The statistics engine behind every speed verdict in perfpilot (`bench compare`,
//! `bench sweep`, `kernel ab`, `loop`): one vocabulary ([`Verdict`]), one decision table
//! ([`decide`]) and one way to get the interval it decides on (a seeded percentile
//! bootstrap of the ratio candidate / baseline, hierarchical when repeats exist; medians
//! and percentiles estimated with Harrell–Davis, [`harrell_davis`]).
//!
//! ```
//! use perfpilot_stats::{compare_groups, Better, Policy, Statistic, Verdict};
//! let base = vec![vec![10.0, 10.2, 9.9, 10.1]; 3];
//! let cand = vec![vec![12.0, 12.1, 11.9, 12.2]; 3];
//! let c = compare_groups(&base, &cand, Statistic::Median, Better::Lower, &Policy::default()).unwrap();
//! assert_eq!(c.verdict, Verdict::Slower);
//! ```
#![deny(missing_docs)]

mod bootstrap;
mod decide;
mod quantile;
mod summary;

pub use bootstrap::{
    Comparison, ENV_QUANTILE_ESTIMATOR, MIN_RUNS_FOR_RUN_TO_RUN, NoiseScope, compare_groups,
    compare_paired, compare_samples,
};
pub use decide::{Better, Policy, Verdict, decide};
pub use quantile::harrell_davis;
pub use summary::{Spread, Statistic, geomean, percentile_sorted};

/// Why a comparison could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    /// One side has no finite sample.
    #[error("the {side} has no finite samples")]
    Empty {
        /// `baseline` or `candidate`.
        side: &'static str,
    },
    /// The baseline statistic is zero or negative, so a ratio means nothing.
    #[error("the baseline {statistic} is {value}, so a ratio cannot be formed")]
    NonPositiveBaseline {
        /// The statistic's name.
        statistic: String,
        /// Its value.
        value: f64,
    },
    /// A policy value is out of range.
    #[error("invalid policy: {0}")]
    Policy(String),
}
