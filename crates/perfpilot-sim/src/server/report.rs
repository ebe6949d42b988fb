//! What a `sim serve` session did (`perfpilot.sim.serve/1`).

use perfpilot_report::{Document, Report, Section};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Faults;
use crate::engine::EngineStats;
use crate::profile::Capacity;

/// The result of a `sim serve` session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SimServeReport {
    /// Base URL served.
    pub url: String,
    /// Profile name.
    pub profile: String,
    /// Served model name.
    pub model: String,
    /// Capacity numbers of the engine.
    pub capacity: Capacity,
    /// Faults that were armed.
    pub faults: Faults,
    /// Seconds the server ran.
    pub uptime_s: f64,
    /// Generation requests received.
    pub generation_requests: u64,
    /// The crash fault fired.
    pub crashed: bool,
    /// Engine counters.
    pub engine: EngineStats,
}

impl Report for SimServeReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.sim.serve/1"
    }

    fn document(&self) -> Document {
        let e = &self.engine;
        Document::new("perfpilot sim serve")
            .with_fact("url", &self.url)
            .with_fact("profile", &self.profile)
            .with_fact("model", &self.model)
            .with_section(Section::new("Session").with_facts([
                ("uptime (s)", format!("{:.1}", self.uptime_s)),
                ("generation requests", self.generation_requests.to_string()),
                ("finished requests", e.finished_requests.to_string()),
                ("generated tokens", e.generated_tokens.to_string()),
                ("prefix-cache hit tokens", e.cached_tokens.to_string()),
                ("retracted requests", e.retracted_requests.to_string()),
                ("aborted by the engine", e.aborted_requests.to_string()),
                ("crashed (fault)", self.crashed.to_string()),
            ]))
            .with_section(Section::new("Capacity").with_facts([
                ("max_total_num_tokens", self.capacity.max_total_num_tokens.to_string()),
                ("max_running_requests", self.capacity.max_running_requests.to_string()),
                ("max_req_input_len", self.capacity.max_req_input_len.to_string()),
            ]))
    }

    fn check_failed(&self) -> bool {
        self.crashed
    }
}
