//! Workloads shared by the benchmark client and the simulator: datasets, tokenizers, arrival schedules, per-request records and metrics.
#![deny(missing_docs)]
