//! A simulated continuous-batching LLM serving engine that speaks the OpenAI API.
#![deny(missing_docs)]

mod cost;
mod engine;
mod error;
mod fit;
mod kv;
mod overrides;
mod profile;
mod request;
mod run;
mod server;
mod text;
mod virtual_time;

pub use cost::{CostModel, StepShape};
pub use engine::{Emitted, Engine, EngineConfig, EngineStats, Snapshot, StepKind, StepOutcome};
pub use error::SimError;
pub use fit::{FitOptions, FitReport, FitRun, RunMetrics, fit};
pub use kv::{KvPool, block_hashes};
pub use overrides::{OVERRIDE_KEYS, Overrides};
pub use profile::{BatchPolicy, Capacity, Profile, builtin_profile_names};
pub use request::{FinishReason, Reject, SimRequest, natural_output_len, splitmix64};
pub use run::{
    SimRunOptions, SimRunReport, WorkloadTokenizer, run_virtual, run_virtual_with_records,
};
pub use server::{
    FAULT_NAMES, Faults, LogSink, SimServeReport, SimServerConfig, SimServerHandle, spawn_server,
};
pub use text::{BuiltinTokenizer, OUTPUT_WORDS, PromptTokenizer, output_word};
pub use virtual_time::{VirtualOutcome, VirtualRequest, simulate};
