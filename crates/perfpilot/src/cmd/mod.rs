//! One module per top-level command. Each exposes `Args` (clap) and `run`;
//! `workload_args` holds the workload flags `bench serve` and `sim run` share.

pub mod bench;
pub mod capacity;
pub mod flag_hints;
pub mod kernel;
pub mod loop_cmd;
pub mod mcp;
pub mod peer_args;
pub mod schema;
pub mod sim;
pub mod skills;
pub mod sweep;
pub mod trace;
pub mod triage;
pub mod workload_args;
