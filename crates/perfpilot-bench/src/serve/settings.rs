//! The settings a result records: the options as given, plus what the server and the
//! plan resolved (one builder for finished runs and runs stopped during start-up).

use perfpilot_workload::{
    ArrivalSpec, DatasetInfo, RunLimits, RunSettings, SamplingSettings, ServerInfo,
};

use crate::http::{CONNECTION_POLICY, Target};
use crate::options::ServeOptions;

/// What the settings say beyond the options.
pub(crate) struct Resolved {
    /// The model sent (None: never resolved).
    pub model: Option<String>,
    /// What the server said about itself.
    pub server: Option<ServerInfo>,
    /// The prompts.
    pub dataset: DatasetInfo,
    /// Prompts in the run.
    pub num_prompts: usize,
    /// The sampling settings sent.
    pub sampling: SamplingSettings,
}

/// The sampling settings `opts` ask for, with `extra_body` merged into every request.
pub(crate) fn sampling(
    opts: &ServeOptions,
    extra_body: Option<serde_json::Map<String, serde_json::Value>>,
) -> SamplingSettings {
    SamplingSettings {
        ignore_eos: opts.ignore_eos,
        min_tokens: opts.min_tokens,
        temperature: opts.temperature,
        extra_body,
        include_usage: true,
    }
}

/// The run settings of a `bench serve` result against `target`.
pub(crate) fn run_settings(
    opts: &ServeOptions,
    target: &Target,
    arrival: ArrivalSpec,
    resolved: Resolved,
) -> RunSettings {
    RunSettings {
        client: format!("perfpilot bench serve {}", env!("CARGO_PKG_VERSION")),
        base_url: Some(target.display.clone()),
        endpoint: opts.endpoint,
        model: resolved.model,
        server: resolved.server,
        dataset: resolved.dataset,
        arrival,
        seed: opts.seed,
        num_prompts: resolved.num_prompts,
        warmup_requests: opts.warmup,
        max_concurrency: opts.max_concurrency,
        sampling: resolved.sampling,
        limits: RunLimits {
            duration_s: opts.duration_s,
            deadline_s: opts.deadline_s,
            stall_timeout_s: Some(opts.stall_timeout_s),
        },
        connection_policy: Some(CONNECTION_POLICY.into()),
        request_headers: opts.headers.keys().cloned().collect(),
    }
}
