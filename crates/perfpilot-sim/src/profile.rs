//! Engine profiles: the knowledge (capacity, scheduler limits, step cost) kept as TOML data.
//!
//! A profile names a served model, the scheduler's limits (`max_running_requests`, page
//! size, chunked-prefill budget), how the KV pool is sized (either an explicit token count
//! or SGLang's memory formula) and the step-time cost model. Shipped profiles live in
//! `data/profiles/*.toml` and are embedded at build time; a path to a TOML file overrides.

use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::cost::CostModel;
use crate::error::SimError;

/// The profiles shipped with perfpilot: (name, TOML text).
const BUILTIN: &[(&str, &str)] = &[
    ("zero-cost", include_str!("../data/profiles/zero-cost.toml")),
    ("sglang-h100-llama3.1-8b", include_str!("../data/profiles/sglang-h100-llama3.1-8b.toml")),
    ("llamacpp-cpu-gemma3-270m", include_str!("../data/profiles/llamacpp-cpu-gemma3-270m.toml")),
];

/// Names of the shipped profiles.
pub fn builtin_profile_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(n, _)| *n).collect()
}

/// A complete engine profile.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Short name (kebab-case), e.g. `sglang-h100-llama3.1-8b`.
    pub name: String,
    /// One line on what the profile models.
    pub description: String,
    /// Where the numbers come from (model config, datasheet, a `sim fit` run, ...).
    pub source: String,
    /// The served model.
    pub model: ModelSection,
    /// Scheduler limits and policy.
    pub engine: EngineSection,
    /// KV-pool sizing.
    pub memory: MemorySection,
    /// Step-time cost model.
    pub cost: CostModel,
    /// Simulated generation (EOS).
    #[serde(default)]
    pub generation: GenerationSection,
}

/// The served model as the server reports it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ModelSection {
    /// Name in `/v1/models` and in responses.
    pub served_name: String,
    /// Architecture printed in `Load weight end. type=...`.
    pub architecture: String,
    /// Weight dtype printed in the log (`bfloat16`, `float16`, ...).
    #[serde(default = "default_dtype")]
    pub dtype: String,
    /// Maximum context length of one request (prompt + output).
    pub context_len: u32,
}

fn default_dtype() -> String {
    "bfloat16".into()
}

/// How the scheduler forms batches.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum BatchPolicy {
    /// SGLang's default: a step is either a prefill (extend) batch or a decode batch;
    /// prefill has priority when new requests fit.
    Separate,
    /// vLLM V1 / llama.cpp: each step carries every running decode plus prefill chunks up
    /// to the token budget.
    Mixed,
}

/// Scheduler limits and policy (SGLang names).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EngineSection {
    /// `--max-running-requests`; computed with SGLang's rule when absent.
    #[serde(default)]
    pub max_running_requests: Option<u32>,
    /// `--page-size` (tokens per KV page).
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// `--chunked-prefill-size`: prefill tokens per step (the step token budget).
    pub chunked_prefill_size: u32,
    /// `--max-prefill-tokens`: printed in the start-up log; a prefill batch never
    /// exceeds `min(chunked_prefill_size, max_prefill_tokens)` tokens.
    pub max_prefill_tokens: u32,
    /// Separate (SGLang) or mixed (vLLM, llama.cpp) batches.
    pub batch_policy: BatchPolicy,
    /// Prefix (radix) cache on.
    #[serde(default = "default_true")]
    pub radix_cache: bool,
    /// `--schedule-conservativeness` (scales SGLang's new-token ratio).
    #[serde(default = "default_one")]
    pub schedule_conservativeness: f64,
    /// Decode steps between two `Decode batch.` log lines (`--decode-log-interval`).
    #[serde(default = "default_decode_log_interval")]
    pub decode_log_interval: u32,
}

fn default_page_size() -> u32 {
    1
}
fn default_true() -> bool {
    true
}
fn default_one() -> f64 {
    1.0
}
fn default_decode_log_interval() -> u32 {
    40
}

/// KV-pool sizing: an explicit token count, or SGLang's `profile_max_num_token` formula.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MemorySection {
    /// Total device memory in GiB (`total_gpu_memory`).
    pub total_gib: f64,
    /// Free memory before the weights load, GiB (`Load weight begin. avail mem=`).
    pub avail_before_load_gib: f64,
    /// Weight footprint, GiB (`Load weight end. ... mem usage=`).
    pub weights_gib: f64,
    /// `--mem-fraction-static`.
    pub mem_fraction_static: f64,
    /// KV bytes per token per rank (SGLang `cell_size`).
    pub kv_bytes_per_token: u64,
    /// CUDA-graph memory, GiB (`Capture cuda graph end. ... mem usage=`).
    #[serde(default)]
    pub cuda_graph_gib: f64,
    /// Explicit KV pool size in tokens (`--max-total-tokens`); caps the formula's value.
    #[serde(default)]
    pub max_total_tokens: Option<u64>,
}

/// Simulated generation.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GenerationSection {
    /// Mean natural output length before the simulated EOS (geometric distribution),
    /// used when a request does not set `ignore_eos`.
    pub eos_mean_tokens: f64,
}

impl Default for GenerationSection {
    fn default() -> Self {
        GenerationSection { eos_mean_tokens: 256.0 }
    }
}

/// Capacity numbers derived from a profile, as SGLang computes and logs them.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Capacity {
    /// `max_total_num_tokens`: KV pool size in tokens (a multiple of the page size).
    pub max_total_num_tokens: u64,
    /// `max_running_requests`.
    pub max_running_requests: u32,
    /// `max_req_input_len = min(context_len - 1, max_total_num_tokens - 1)`.
    pub max_req_input_len: u64,
    /// Free memory after the weights, GiB.
    pub avail_after_weights_gib: f64,
    /// KV pool size in GiB (K plus V).
    pub kv_gib: f64,
    /// Free memory after the KV pool, GiB (`Memory pool end. avail mem=`).
    pub avail_after_pool_gib: f64,
    /// Free memory after CUDA-graph capture, GiB (`available_gpu_mem`).
    pub avail_after_graphs_gib: f64,
}

impl Profile {
    /// Load a profile by shipped name, or from a `.toml` path.
    pub fn load(name_or_path: &str) -> Result<Profile, SimError> {
        if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
            return Profile::from_toml(text, &format!("<builtin {name_or_path}>"));
        }
        let path = Path::new(name_or_path);
        if path.exists() || name_or_path.ends_with(".toml") {
            let text = perfpilot_io::read_to_string_bounded(path)
                .map_err(|e| SimError::io(format!("cannot read profile {name_or_path}"), e))?;
            return Profile::from_toml(&text, name_or_path);
        }
        Err(SimError::UnknownProfile {
            name: name_or_path.to_string(),
            known: builtin_profile_names().join(", "),
        })
    }

    /// Parse and validate a profile; errors name `origin`, the line and the column.
    pub fn from_toml(text: &str, origin: &str) -> Result<Profile, SimError> {
        let profile: Profile = toml::from_str(text).map_err(|e| {
            let (line, column) =
                e.span().map(|s| perfpilot_io::line_col(text, s.start)).unwrap_or((0, 0));
            SimError::Profile {
                origin: origin.to_string(),
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        profile.validate(origin)?;
        Ok(profile)
    }

    fn validate(&self, origin: &str) -> Result<(), SimError> {
        let bad = |message: String| SimError::Profile {
            origin: origin.to_string(),
            line: 0,
            column: 0,
            message,
        };
        let e = &self.engine;
        if e.page_size == 0 {
            return Err(bad("engine.page_size must be at least 1".into()));
        }
        if e.chunked_prefill_size == 0 || e.max_prefill_tokens == 0 {
            return Err(bad(
                "engine.chunked_prefill_size and max_prefill_tokens must be > 0".into()
            ));
        }
        if e.max_running_requests == Some(0) {
            return Err(bad("engine.max_running_requests must be at least 1".into()));
        }
        if e.schedule_conservativeness.is_nan() || e.schedule_conservativeness <= 0.0 {
            return Err(bad("engine.schedule_conservativeness must be > 0".into()));
        }
        if self.model.context_len < 2 {
            return Err(bad("model.context_len must be at least 2".into()));
        }
        if self.memory.kv_bytes_per_token == 0 {
            return Err(bad("memory.kv_bytes_per_token must be > 0".into()));
        }
        self.cost.validate().map_err(bad)?;
        if self.generation.eos_mean_tokens.is_nan() || self.generation.eos_mean_tokens < 1.0 {
            return Err(bad("generation.eos_mean_tokens must be >= 1".into()));
        }
        let cap = self.capacity();
        if cap.max_total_num_tokens == 0 {
            return Err(bad(format!(
                "the KV pool comes out empty (profiled {} tokens): SGLang would stop with \
                 'Not enough memory. Please try to increase --mem-fraction-static'",
                self.profiled_tokens()
            )));
        }
        Ok(())
    }

    /// KV tokens from SGLang's formula, before the `max_total_tokens` cap (can be negative).
    pub fn profiled_tokens(&self) -> i64 {
        let m = &self.memory;
        let avail = m.avail_before_load_gib - m.weights_gib;
        let rest_gib = avail - m.total_gib * (1.0 - m.mem_fraction_static);
        (rest_gib * GIB / m.kv_bytes_per_token as f64).floor() as i64
    }

    /// The capacity numbers SGLang would compute and log for this profile.
    pub fn capacity(&self) -> Capacity {
        let m = &self.memory;
        let page = u64::from(self.engine.page_size);
        let mut tokens = self.profiled_tokens().max(0) as u64;
        if let Some(cap) = m.max_total_tokens {
            tokens = tokens.min(cap);
        }
        tokens = tokens / page * page;
        let ctx = u64::from(self.model.context_len);
        let max_running = match self.engine.max_running_requests {
            Some(r) => r,
            None => {
                // SGLang: req pool = min(max(total/context_len*512, 2048), 4096);
                // max_running_requests = min(total // 2, req pool).
                let pool = ((tokens as f64 / ctx as f64 * 512.0) as u64).clamp(2048, 4096);
                (tokens / 2).min(pool).max(1) as u32
            }
        };
        let avail_after_weights = m.avail_before_load_gib - m.weights_gib;
        let kv_gib = tokens as f64 * m.kv_bytes_per_token as f64 / GIB;
        let after_pool = avail_after_weights - kv_gib;
        Capacity {
            max_total_num_tokens: tokens,
            max_running_requests: max_running,
            max_req_input_len: (ctx - 1).min(tokens.saturating_sub(1)),
            avail_after_weights_gib: avail_after_weights,
            kv_gib,
            avail_after_pool_gib: after_pool,
            avail_after_graphs_gib: after_pool - m.cuda_graph_gib,
        }
    }
}

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_loads_and_has_capacity() {
        for name in builtin_profile_names() {
            let p = Profile::load(name).unwrap();
            assert_eq!(p.name, name);
            let cap = p.capacity();
            assert!(cap.max_total_num_tokens > 0, "{name}");
            assert_eq!(cap.max_total_num_tokens % u64::from(p.engine.page_size), 0);
        }
    }

    #[test]
    fn sglang_formula_matches_the_h100_numbers() {
        let p = Profile::load("sglang-h100-llama3.1-8b").unwrap();
        // rest = (A0 - W) - total * (1 - mfs); tokens = rest * 2^30 / cell.
        let m = &p.memory;
        let rest =
            (m.avail_before_load_gib - m.weights_gib) - m.total_gib * (1.0 - m.mem_fraction_static);
        let expected = (rest * GIB / m.kv_bytes_per_token as f64).floor() as u64;
        assert_eq!(p.capacity().max_total_num_tokens, expected);
        // max_running_requests unset -> min(total/2, clamp(total/ctx*512, 2048, 4096)).
        let pool = ((expected as f64 / 131072.0 * 512.0) as u64).clamp(2048, 4096);
        assert_eq!(u64::from(p.capacity().max_running_requests), pool.min(expected / 2));
    }

    #[test]
    fn toml_errors_name_origin_line_and_column() {
        let text = "name = \"x\"\ndescription = \"d\"\nsource = \"s\"\n[model]\nserved_name = 3\n";
        let err = Profile::from_toml(text, "my.toml").unwrap_err().to_string();
        assert!(err.contains("my.toml:5:"), "{err}");
    }

    #[test]
    fn unknown_profile_lists_the_known_ones() {
        let err = Profile::load("no-such-profile").unwrap_err().to_string();
        assert!(err.contains("zero-cost"), "{err}");
    }
}
