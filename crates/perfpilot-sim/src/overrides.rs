//! What-if overrides of a profile: the knobs a sweep turns.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::SimError;
use crate::profile::{BatchPolicy, Profile};

/// Changes applied on top of a profile. Every field is optional; `None` keeps the
/// profile's value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// `--max-running-requests`.
    #[serde(default)]
    pub max_running_requests: Option<u32>,
    /// `--max-total-tokens` (KV pool size cap).
    #[serde(default)]
    pub max_total_tokens: Option<u64>,
    /// `--mem-fraction-static`.
    #[serde(default)]
    pub mem_fraction_static: Option<f64>,
    /// `--page-size`.
    #[serde(default)]
    pub page_size: Option<u32>,
    /// `--chunked-prefill-size`.
    #[serde(default)]
    pub chunked_prefill_size: Option<u32>,
    /// `--max-prefill-tokens`.
    #[serde(default)]
    pub max_prefill_tokens: Option<u32>,
    /// Separate or mixed batches.
    #[serde(default)]
    pub batch_policy: Option<BatchPolicy>,
    /// Prefix cache on or off.
    #[serde(default)]
    pub radix_cache: Option<bool>,
    /// `--schedule-conservativeness`.
    #[serde(default)]
    pub schedule_conservativeness: Option<f64>,
    /// Context length.
    #[serde(default)]
    pub context_len: Option<u32>,
    /// Multiply every cost parameter (0.5 = a device twice as fast).
    #[serde(default)]
    pub cost_scale: Option<f64>,
}

/// The keys [`Overrides::set`] accepts.
pub const OVERRIDE_KEYS: &[&str] = &[
    "max_running_requests",
    "max_total_tokens",
    "mem_fraction_static",
    "page_size",
    "chunked_prefill_size",
    "max_prefill_tokens",
    "batch_policy",
    "radix_cache",
    "schedule_conservativeness",
    "context_len",
    "cost_scale",
];

impl Overrides {
    /// Set one knob from `key` and a text value (CLI `--set key=value`, sweeps).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SimError> {
        let key = key.trim().replace('-', "_");
        let value = value.trim();
        let bad = |what: &str| SimError::Options(format!("--set {key}={value}: expected {what}"));
        let int = || value.parse::<u64>().map_err(|_| bad("a non-negative integer"));
        let float = || {
            value
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0)
                .ok_or_else(|| bad("a positive number"))
        };
        match key.as_str() {
            "max_running_requests" => self.max_running_requests = Some(to_u32(int()?, &bad)?),
            "max_total_tokens" => self.max_total_tokens = Some(int()?),
            "mem_fraction_static" => self.mem_fraction_static = Some(float()?),
            "page_size" => self.page_size = Some(to_u32(int()?, &bad)?),
            "chunked_prefill_size" => self.chunked_prefill_size = Some(to_u32(int()?, &bad)?),
            "max_prefill_tokens" => self.max_prefill_tokens = Some(to_u32(int()?, &bad)?),
            "batch_policy" => {
                self.batch_policy = Some(match value {
                    "separate" => BatchPolicy::Separate,
                    "mixed" => BatchPolicy::Mixed,
                    _ => return Err(bad("separate or mixed")),
                })
            }
            "radix_cache" => {
                self.radix_cache = Some(value.parse::<bool>().map_err(|_| bad("true or false"))?)
            }
            "schedule_conservativeness" => self.schedule_conservativeness = Some(float()?),
            "context_len" => self.context_len = Some(to_u32(int()?, &bad)?),
            "cost_scale" => self.cost_scale = Some(float()?),
            _ => {
                return Err(SimError::Options(format!(
                    "--set {key}: unknown knob (known: {})",
                    OVERRIDE_KEYS.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// Parse `key=value`.
    pub fn set_pair(&mut self, pair: &str) -> Result<(), SimError> {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| SimError::Options(format!("--set {pair}: expected KEY=VALUE")))?;
        self.set(k, v)
    }

    /// The profile with these changes, validated again.
    pub fn apply(&self, base: &Profile) -> Result<Profile, SimError> {
        let mut p = base.clone();
        let e = &mut p.engine;
        if let Some(v) = self.max_running_requests {
            e.max_running_requests = Some(v);
        }
        if let Some(v) = self.page_size {
            e.page_size = v;
        }
        if let Some(v) = self.chunked_prefill_size {
            e.chunked_prefill_size = v;
        }
        if let Some(v) = self.max_prefill_tokens {
            e.max_prefill_tokens = v;
        }
        if let Some(v) = self.batch_policy {
            e.batch_policy = v;
        }
        if let Some(v) = self.radix_cache {
            e.radix_cache = v;
        }
        if let Some(v) = self.schedule_conservativeness {
            e.schedule_conservativeness = v;
        }
        if let Some(v) = self.max_total_tokens {
            p.memory.max_total_tokens = Some(v);
        }
        if let Some(v) = self.mem_fraction_static {
            p.memory.mem_fraction_static = v;
        }
        if let Some(v) = self.context_len {
            p.model.context_len = v;
        }
        if let Some(k) = self.cost_scale {
            let a = p.cost.to_array().map(|x| x * k);
            p.cost = crate::cost::CostModel::from_array(a);
        }
        let text = toml::to_string(&p).map_err(|e| SimError::Options(e.to_string()))?;
        Profile::from_toml(&text, &format!("{} with overrides", base.name))
    }

    /// `key=value` pairs of the set fields, in declaration order (for reports).
    pub fn describe(&self) -> Vec<String> {
        let v = serde_json::to_value(self).unwrap_or_default();
        let mut out = Vec::new();
        if let Some(map) = v.as_object() {
            for key in OVERRIDE_KEYS {
                if let Some(val) = map.get(*key).filter(|v| !v.is_null()) {
                    let s = val.as_str().map(str::to_string).unwrap_or_else(|| val.to_string());
                    out.push(format!("{key}={s}"));
                }
            }
        }
        out
    }
}

fn to_u32(v: u64, bad: &dyn Fn(&str) -> SimError) -> Result<u32, SimError> {
    u32::try_from(v).map_err(|_| bad("a number below 2^32"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_apply_and_describe() {
        let base = Profile::load("sglang-h100-llama3.1-8b").unwrap();
        let mut o = Overrides::default();
        o.set_pair("max-running-requests=64").unwrap();
        o.set_pair("cost_scale=0.5").unwrap();
        o.set_pair("batch_policy=mixed").unwrap();
        let p = o.apply(&base).unwrap();
        assert_eq!(p.capacity().max_running_requests, 64);
        assert!((p.cost.step_overhead_s - base.cost.step_overhead_s * 0.5).abs() < 1e-15);
        assert_eq!(p.engine.batch_policy, BatchPolicy::Mixed);
        assert_eq!(
            o.describe(),
            vec!["max_running_requests=64", "batch_policy=mixed", "cost_scale=0.5"]
        );
    }

    #[test]
    fn bad_values_name_the_knob() {
        let mut o = Overrides::default();
        assert!(o.set_pair("page_size=-1").unwrap_err().to_string().contains("page_size"));
        assert!(o.set_pair("nope=1").unwrap_err().to_string().contains("unknown knob"));
        assert!(o.set_pair("novalue").is_err());
        o.set_pair("mem_fraction_static=0.01").unwrap();
        let base = Profile::load("sglang-h100-llama3.1-8b").unwrap();
        assert!(o.apply(&base).unwrap_err().to_string().contains("Not enough memory"));
    }
}
