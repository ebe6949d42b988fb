//! Which model configs and parallel layouts are possible: field bounds (exit 2 outside them)
//! and the frameworks' head-divisibility rule (a plan they refuse). Data in `data/limits.toml`,
//! replaced by `--limits FILE`.

use std::path::Path;

use serde::Deserialize;

use super::ModelConfig;
use crate::CapacityError;

const EMBEDDED: &str = include_str!("../../data/limits.toml");

/// Bounds on one config field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldLimit {
    /// The HF config key (as the error names it).
    pub name: String,
    /// Smallest accepted value.
    pub min: u64,
    /// Largest accepted value.
    pub max: u64,
    /// Where the bound comes from.
    pub source: String,
}

/// The frameworks' parallelism rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParallelRule {
    /// Attention heads must be a multiple of TP.
    pub heads_divisible_by_tp: bool,
    /// KV heads a multiple of TP, or TP a multiple of KV heads.
    pub kv_heads_tp_divisible: bool,
    /// Where the rule comes from.
    pub source: String,
}

/// The limits file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// File format version.
    pub schema: u32,
    /// Largest total parameter count.
    pub max_total_params: u64,
    /// Where that bound comes from.
    pub max_total_params_source: String,
    /// Field bounds.
    pub field: Vec<FieldLimit>,
    /// Parallelism rule.
    pub parallel: ParallelRule,
}

impl Limits {
    /// The embedded limits (`data/limits.toml`).
    pub fn embedded() -> Result<Limits, CapacityError> {
        Limits::parse(EMBEDDED, "data/limits.toml")
    }

    /// Parse a limits file; errors name the file, line and column.
    pub fn parse(text: &str, path: &str) -> Result<Limits, CapacityError> {
        toml::from_str(text).map_err(|e| CapacityError::toml(text, path, &e))
    }

    /// The limits of `path` (`--limits FILE`, the same TOML shape as `data/limits.toml`,
    /// replacing it whole), read through the bounded reader, or the embedded ones.
    pub fn load(path: Option<&Path>) -> Result<Limits, CapacityError> {
        let Some(p) = path else {
            return Limits::embedded();
        };
        let text = perfpilot_io::read_to_string_bounded(p)
            .map_err(|source| CapacityError::Io { path: p.to_path_buf(), source })?;
        Limits::parse(&text, &p.display().to_string())
    }

    fn bound(&self, name: &str) -> Option<&FieldLimit> {
        self.field.iter().find(|f| f.name == name)
    }

    /// Check one raw config value against its bound; the error names the file and field.
    pub fn check_field(&self, path: &str, name: &str, value: u64) -> Result<(), CapacityError> {
        match self.bound(name) {
            Some(b) if value < b.min || value > b.max => Err(CapacityError::Config {
                path: path.into(),
                message: format!(
                    "field `{name}` = {value} is impossible: expected {} to {} ({})",
                    b.min, b.max, b.source
                ),
            }),
            _ => Ok(()),
        }
    }

    /// Check a parsed config: every bounded field, KV heads dividing the heads, and a
    /// total parameter count (computed in 128 bits) below `max_total_params`.
    pub fn check_config(&self, c: &ModelConfig, path: &str) -> Result<(), CapacityError> {
        let fields = [
            ("hidden_size", c.hidden_size),
            ("num_hidden_layers", c.num_layers),
            ("num_attention_heads", c.num_heads),
            ("num_key_value_heads", c.num_kv_heads),
            ("head_dim", c.head_dim),
            ("head_dim", c.v_head_dim),
            ("intermediate_size", c.intermediate_size),
            ("vocab_size", c.vocab_size),
        ];
        for (name, v) in fields {
            self.check_field(path, name, v)?;
        }
        if let Some(p) = c.max_position_embeddings {
            self.check_field(path, "max_position_embeddings", p)?;
        }
        if let Some(m) = &c.moe {
            self.check_field(path, "num_experts", m.num_experts)?;
            for (name, v) in [
                ("moe_intermediate_size", m.expert_intermediate),
                ("shared_expert_intermediate_size", m.shared_intermediate),
            ] {
                self.check_field(path, "intermediate_size", v).map_err(|_| {
                    CapacityError::Config {
                        path: path.into(),
                        message: format!(
                            "field `{name}` = {v} is impossible: above the intermediate_size bound"
                        ),
                    }
                })?;
            }
            for (name, v) in
                [("num_experts_per_tok", m.top_k), ("n_shared_experts", m.shared_experts)]
            {
                if v > m.num_experts {
                    return Err(CapacityError::Config {
                        path: path.into(),
                        message: format!(
                            "field `{name}` = {v} is impossible: more than the {} experts",
                            m.num_experts
                        ),
                    });
                }
            }
        }
        if !c.num_heads.is_multiple_of(c.num_kv_heads) {
            return Err(CapacityError::Config {
                path: path.into(),
                message: format!(
                    "field `num_key_value_heads` = {} does not divide `num_attention_heads` = {} \
                     (grouped-query attention needs heads = k x KV heads)",
                    c.num_kv_heads, c.num_heads
                ),
            });
        }
        let total = upper_bound_params(c);
        if total > self.max_total_params as u128 {
            return Err(CapacityError::Config {
                path: path.into(),
                message: format!(
                    "the fields describe over {} parameters (at least {total}): impossible ({})",
                    self.max_total_params, self.max_total_params_source
                ),
            });
        }
        Ok(())
    }

    /// Errors a framework would raise for this tensor-parallel size (empty: accepted).
    pub fn parallel_errors(&self, c: &ModelConfig, attn_tp: u64) -> Vec<String> {
        let mut errors = Vec::new();
        let tp = attn_tp.max(1);
        if c.mla.is_some() {
            return errors; // MLA: one latent KV head, replicated across TP.
        }
        if self.parallel.heads_divisible_by_tp && !c.num_heads.is_multiple_of(tp) {
            errors.push(format!(
                "ValueError: Total number of attention heads ({}) must be divisible by tensor \
                 parallel size ({tp}). [{}]",
                c.num_heads, self.parallel.source
            ));
        }
        let kv = c.num_kv_heads.max(1);
        let ok = if tp >= kv { tp.is_multiple_of(kv) } else { kv.is_multiple_of(tp) };
        if self.parallel.kv_heads_tp_divisible && !ok {
            errors.push(format!(
                "AssertionError: {kv} KV heads cannot be split over tensor parallel size {tp} \
                 (KV heads must divide by TP, or TP by KV heads). [{}]",
                self.parallel.source
            ));
        }
        errors
    }
}

/// A generous upper bound on the parameter count, in 128 bits, saturating (never overflows).
fn upper_bound_params(c: &ModelConfig) -> u128 {
    let w = |v: u64| v as u128;
    let mul = |xs: &[u128]| xs.iter().fold(1u128, |a, b| a.saturating_mul(*b));
    let h = w(c.hidden_size);
    let heads = w(c.num_heads).max(w(c.num_kv_heads));
    let hd = w(c.head_dim).max(w(c.v_head_dim));
    let attn = mul(&[h, heads, hd, 4]);
    let width = w(c.intermediate_size);
    let mlp = match &c.moe {
        Some(m) => {
            let e = w(m.num_experts) + w(m.shared_experts) + 1;
            let ei = w(m.expert_intermediate).max(w(m.shared_intermediate)).max(width);
            mul(&[e, 3, h, ei])
        }
        None => mul(&[3, h, width]),
    };
    let mla = c.mla.as_ref().map_or(0, |m| {
        let r = w(m.q_lora_rank.unwrap_or(0)).max(w(m.kv_lora_rank));
        let d = w(m.qk_nope_head_dim)
            .saturating_add(w(m.qk_rope_head_dim))
            .saturating_add(w(m.v_head_dim));
        let hd = mul(&[w(c.num_heads), d]).saturating_add(h);
        mul(&[hd, r.saturating_add(h), 4])
    });
    let linear = c.linear.as_ref().map_or(0, |l| {
        let k = mul(&[w(l.num_key_heads), w(l.key_head_dim)])
            .saturating_add(mul(&[w(l.num_value_heads), w(l.value_head_dim)]));
        mul(&[k, (4 * h).saturating_add(w(l.conv_kernel)).saturating_add(4)])
    });
    let layer = attn.saturating_add(mlp).saturating_add(mla).saturating_add(linear) + 4 * h;
    mul(&[w(c.num_layers), layer])
        .saturating_add(mul(&[2, w(c.vocab_size), h]))
        .saturating_add(w(c.vision_params))
}
