//! Configuration, step outcomes, statistics and snapshots of the engine.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::cost::{CostModel, StepShape};
use crate::profile::{BatchPolicy, Profile};
use crate::request::FinishReason;

/// Everything the scheduler needs, resolved from a profile plus overrides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EngineConfig {
    /// Running-batch cap.
    pub max_running_requests: u32,
    /// KV pool size in tokens.
    pub max_total_tokens: u64,
    /// Tokens per KV page.
    pub page_size: u32,
    /// Prefill tokens per step (mixed batches: all tokens per step).
    pub chunked_prefill_size: u32,
    /// Prefill tokens per prefill batch.
    pub max_prefill_tokens: u32,
    /// Separate or mixed batches.
    pub batch_policy: BatchPolicy,
    /// Prefix cache on.
    pub radix_cache: bool,
    /// Scales the new-token ratio.
    pub schedule_conservativeness: f64,
    /// Context length of one request.
    pub context_len: u32,
    /// Decode steps between two `Decode batch.` lines.
    pub decode_log_interval: u32,
    /// Step-time model.
    pub cost: CostModel,
    /// Produce SGLang-style log lines in each [`StepOutcome`].
    pub log: bool,
}

impl EngineConfig {
    /// The configuration a profile describes (logging off).
    pub fn from_profile(p: &Profile) -> EngineConfig {
        let cap = p.capacity();
        EngineConfig {
            max_running_requests: cap.max_running_requests,
            max_total_tokens: cap.max_total_num_tokens,
            page_size: p.engine.page_size,
            chunked_prefill_size: p.engine.chunked_prefill_size,
            max_prefill_tokens: p.engine.max_prefill_tokens,
            batch_policy: p.engine.batch_policy,
            radix_cache: p.engine.radix_cache,
            schedule_conservativeness: p.engine.schedule_conservativeness,
            context_len: p.model.context_len,
            decode_log_interval: p.engine.decode_log_interval.max(1),
            cost: p.cost,
            log: false,
        }
    }

    /// `max_req_input_len`: SGLang's limit on one prompt.
    pub fn max_req_input_len(&self) -> u64 {
        (u64::from(self.context_len) - 1).min(self.max_total_tokens.saturating_sub(1))
    }
}

/// What kind of batch a step ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Prefill (extend) only.
    Prefill,
    /// Decode only.
    Decode,
    /// Decode plus prefill chunks.
    Mixed,
}

/// One output token, delivered at the end of the step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emitted {
    /// Request id.
    pub id: u64,
    /// 0-based index of the token in the request's output.
    pub index: u32,
    /// Set on the request's last token.
    pub finish: Option<FinishReason>,
    /// Prompt tokens the request got from the prefix cache (`cached_tokens` in usage).
    pub cached_tokens: u64,
}

/// The result of one engine step.
#[derive(Debug, Clone, Default)]
pub struct StepOutcome {
    /// How long the step takes (cost model).
    pub duration_s: f64,
    /// What the step computed.
    pub shape: StepShape,
    /// Batch kind.
    pub kind: Option<StepKind>,
    /// Tokens produced by the step.
    pub tokens: Vec<Emitted>,
    /// Requests the engine aborted in this step (id, message).
    pub aborted: Vec<(u64, String)>,
    /// Requests retracted in this step.
    pub retracted: u32,
    /// Requests admitted for the first time in this step (queue time ends here).
    pub admitted: Vec<u64>,
    /// Log lines (SGLang format, without the timestamp prefix), when logging is on.
    pub log: Vec<String>,
}

impl StepOutcome {
    pub(crate) fn clear(&mut self) {
        self.duration_s = 0.0;
        self.shape = StepShape::default();
        self.kind = None;
        self.tokens.clear();
        self.aborted.clear();
        self.retracted = 0;
        self.admitted.clear();
        self.log.clear();
    }
}

/// Counters over the engine's life.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EngineStats {
    /// Steps run.
    pub steps: u64,
    /// Steps with prefill work.
    pub prefill_steps: u64,
    /// Steps with decode work.
    pub decode_steps: u64,
    /// Sum of step durations (busy time), seconds.
    pub busy_s: f64,
    /// Prompt tokens of admitted requests (first admission).
    pub prompt_tokens: u64,
    /// Of those, tokens served from the prefix cache.
    pub cached_tokens: u64,
    /// Prefill tokens computed (including recomputation after retraction).
    pub prefill_tokens_computed: u64,
    /// Output tokens generated.
    pub generated_tokens: u64,
    /// Retraction events (`KV cache pool is full. Retract requests.` lines).
    pub retraction_events: u64,
    /// Requests retracted.
    pub retracted_requests: u64,
    /// Requests aborted by the engine.
    pub aborted_requests: u64,
    /// Requests finished normally.
    pub finished_requests: u64,
    /// Highest KV use seen, tokens.
    pub peak_used_tokens: u64,
    /// Highest running-batch size seen.
    pub peak_running: u32,
}

/// A point-in-time view, the numbers behind `/metrics` and the logs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Snapshot {
    /// Requests in the running batch (decoding or mid-prefill).
    pub running: u32,
    /// Requests waiting.
    pub queued: u32,
    /// KV tokens in use (excludes evictable cache).
    pub used_tokens: u64,
    /// `used_tokens / max_total_tokens`.
    pub token_usage: f64,
    /// Prefix-cache hit rate over admitted prompt tokens.
    pub cache_hit_rate: f64,
    /// Current new-token ratio.
    pub new_token_ratio: f64,
}
