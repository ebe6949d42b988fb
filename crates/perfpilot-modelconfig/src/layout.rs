//! The decoder layers of a model: how many, the token mixer of each (full / sliding /
//! linear attention, mamba, none) and its MLP (dense / MoE), with how that was derived.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{HfConfig, ModelConfigError, Rules};

/// What a layer keeps per request in the KV cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KvKind {
    /// Full attention (MHA, GQA or MLA): one entry per token.
    Full,
    /// Sliding-window (or chunked) attention: at most the window.
    Sliding,
    /// Linear attention / state-space layer (mamba, Gated-DeltaNet, …): a fixed state per request.
    Linear,
    /// No token mixer (an MLP-only layer).
    None,
}

/// The MLP of a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MlpKind {
    /// A dense MLP.
    Dense,
    /// Routed experts.
    Moe,
    /// No MLP (a mixer-only layer).
    None,
}

impl MlpKind {
    /// `dense`, `moe` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            MlpKind::Dense => "dense",
            MlpKind::Moe => "moe",
            MlpKind::None => "none",
        }
    }
}

/// One decoder layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// `full_attention`, `sliding_attention`, `linear_attention`, `chunked_attention`,
    /// `mamba`, `none`, `attention` (kind not stated), or a `layer_types` value as spelled.
    pub attention: String,
    /// What the layer keeps in the KV cache.
    pub kv: KvKind,
    /// Its MLP.
    pub mlp: MlpKind,
}

/// The decoder layers, and how they were derived.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// `model_type` (of the text model when nested).
    pub model_type: Option<String>,
    /// First entry of `architectures` (the wrapper's when nested).
    pub architecture: Option<String>,
    /// The key the layer count came from.
    pub count_key: String,
    /// One entry per layer.
    pub layers: Vec<Layer>,
    /// The window, when some layers slide.
    pub sliding_window: Option<u64>,
    /// How the kinds were derived (config keys and defaults used), in order.
    pub evidence: Vec<String>,
    /// Defaults applied where the file was silent (with their rule's note).
    pub assumptions: Vec<String>,
}

impl Layout {
    /// Number of decoder layers.
    pub fn num_layers(&self) -> usize {
        self.layers.len()
    }

    /// Layers of a KV kind.
    pub fn count(&self, kind: KvKind) -> usize {
        self.layers.iter().filter(|l| l.kv == kind).count()
    }
}

impl HfConfig {
    /// The decoder layers: count (bounded by the rules' `max_layers`), kinds and evidence.
    pub fn layout(&self, rules: &Rules) -> Result<Layout, ModelConfigError> {
        let (count_key, n) = self.uint(rules, "num_layers").ok_or_else(|| {
            self.invalid(format!(
                "no layer count: expected one of {:?} as a non-negative integer at the top level or in a nested text config",
                rules.keys("num_layers")
            ))
        })?;
        if n == 0 || n > rules.max_layers {
            return Err(self.invalid(format!(
                "`{count_key}` is {n}; expected 1 to {} layers",
                rules.max_layers
            )));
        }
        // Bounded by max_layers just above.
        let n = n as usize;
        let mut out = Layout {
            model_type: self.flat.get("model_type").and_then(Value::as_str).map(str::to_string),
            architecture: self.architecture().map(str::to_string),
            count_key: count_key.clone(),
            layers: Vec::new(),
            sliding_window: None,
            evidence: vec![format!("{n} layers from `{count_key}`")],
            assumptions: Vec::new(),
        };
        let attention = self.attention_kinds(rules, n, &mut out)?;
        let mlp = self.mlp_kinds(rules, n, &mut out.evidence);
        out.layers = attention
            .into_iter()
            .zip(mlp)
            .map(|(attention, mlp)| Layer { kv: rules.kv_kind(&attention), attention, mlp })
            .collect();
        out.sliding_window = match out.count(KvKind::Sliding) {
            0 => None,
            _ => out.sliding_window.or_else(|| self.u(rules, "sliding_window")),
        };
        Ok(out)
    }

    fn attention_kinds(
        &self,
        rules: &Rules,
        n: usize,
        out: &mut Layout,
    ) -> Result<Vec<String>, ModelConfigError> {
        // 1. An explicit per-layer list.
        for key in rules.keys("layer_list") {
            if let Some(list) = self.flat.get(key).and_then(Value::as_array) {
                if list.len() != n {
                    return Err(self.invalid(format!(
                        "`{key}` has {} entries but the model has {n} layers",
                        list.len()
                    )));
                }
                out.evidence.push(format!("layer kinds from `{key}`"));
                return Ok(list
                    .iter()
                    .map(|v| rules.normalise(v.as_str().unwrap_or("unknown")))
                    .collect());
            }
        }
        // 2. A pattern string: one character per layer (Nemotron-H).
        if let Some((key, pattern)) = self.pattern(rules) {
            let kinds: Vec<String> = pattern.chars().map(|c| rules.pattern_char(c).0).collect();
            if kinds.len() == n {
                out.evidence
                    .push(format!("layer kinds from `{key}` (M mamba, * attention, - MLP, E MoE)"));
                return Ok(kinds);
            }
            out.evidence
                .push(format!("`{key}` has {} characters for {n} layers; ignored", kinds.len()));
        }
        // 3. Explicit linear-attention layer numbers, 1-based (Kimi-Linear).
        if let Some((key, Value::Object(lin))) = self.raw(rules, "linear_attn_config") {
            let ids: Vec<u64> = rules
                .keys("kda_layers")
                .iter()
                .find_map(|k| lin.get(k).and_then(Value::as_array))
                .map(|a| a.iter().filter_map(Value::as_u64).collect())
                .unwrap_or_default();
            if !ids.is_empty() {
                let sub = first_key(rules, "kda_layers");
                out.evidence.push(format!("linear-attention layers from `{key}.{sub}` (1-based)"));
                return Ok((1..=n as u64)
                    .map(|i| if ids.contains(&i) { "linear_attention" } else { "full_attention" })
                    .map(str::to_string)
                    .collect());
            }
        }
        // 4. Every k-th layer full attention, the others linear (Qwen3-Next).
        let interval = match self.uint(rules, "full_attention_interval").filter(|(_, k)| *k > 0) {
            Some((key, k)) => Some((k, format!("`{key}`"))),
            None if self.u(rules, "linear_num_value_heads").is_some() => {
                let d = rules.default_for("full_attention_interval", self.model_type());
                let k = rules.default_u64("full_attention_interval", self.model_type()).max(1);
                let src = d.map(|d| d.source.as_str()).unwrap_or("");
                Some((k, format!("the default full_attention_interval {k} ({src})")))
            }
            None => None,
        };
        if let Some((k, why)) = interval {
            out.evidence.push(format!(
                "every {k}th layer full attention, the others linear attention ({why})"
            ));
            return Ok(every_kth(n, k, "full_attention", "linear_attention"));
        }
        // 5. Sliding-window attention, when the window is on and shorter than the context.
        if let Some(kinds) = self.sliding_kinds(rules, n, out) {
            return Ok(kinds);
        }
        Ok(vec!["attention".to_string(); n])
    }

    fn pattern<'a>(&'a self, rules: &Rules) -> Option<(&'a str, &'a str)> {
        rules.keys("hybrid_pattern").iter().find_map(|k| {
            let (key, v) = self.flat.get_key_value(k)?;
            Some((key.as_str(), v.as_str()?))
        })
    }

    fn sliding_kinds(&self, rules: &Rules, n: usize, out: &mut Layout) -> Option<Vec<String>> {
        let window = self.u(rules, "sliding_window")?;
        let enabled = self.flag(rules, "use_sliding_window");
        let max_pos = self.max_position(rules).unwrap_or(u64::MAX);
        if enabled == Some(false) || window >= max_pos {
            return None;
        }
        out.sliding_window = Some(window);
        let mt = self.model_type();
        let pattern = match self.u(rules, "sliding_window_pattern") {
            Some(p) => Some((p, "`sliding_window_pattern`".to_string(), None)),
            None => rules.default_for("sliding_window_pattern", mt).and_then(|d| {
                let p = u64::try_from(d.value.as_integer()?).ok()?;
                let why = format!("the {mt} default sliding_window_pattern {p} ({})", d.source);
                Some((p, why, d.note.clone()))
            }),
        };
        if let Some((p, why, note)) = pattern.filter(|(p, _, _)| *p > 1) {
            out.evidence.push(format!("sliding attention except every {p}th layer, from {why}"));
            out.assumptions.extend(note);
            return Some(every_kth(n, p, "full_attention", "sliding_attention"));
        }
        if enabled == Some(true) {
            // Qwen2: sliding only on layers from max_window_layers on.
            let from = self.u(rules, "max_window_layers").unwrap_or(0);
            out.evidence.push(format!(
                "sliding attention from layer {from} on (`use_sliding_window`, `max_window_layers`)"
            ));
            return Some(
                (0..n as u64)
                    .map(|i| if i >= from { "sliding_attention" } else { "full_attention" })
                    .map(str::to_string)
                    .collect(),
            );
        }
        // Mistral: a window and no pattern: every layer slides.
        out.evidence.push(format!(
            "every layer sliding attention (`sliding_window` {window}, no per-layer pattern)"
        ));
        Some(vec!["sliding_attention".to_string(); n])
    }

    /// `max_position_embeddings`, or the model type's default.
    pub(crate) fn max_position(&self, rules: &Rules) -> Option<u64> {
        if let Some(v) = self.u(rules, "max_position_embeddings") {
            return Some(v);
        }
        let d = rules.default_for("max_position_embeddings", self.model_type())?;
        u64::try_from(d.value.as_integer()?).ok()
    }

    fn mlp_kinds(&self, rules: &Rules, n: usize, evidence: &mut Vec<String>) -> Vec<MlpKind> {
        let Some((key, e)) = self.uint(rules, "num_experts").filter(|(_, e)| *e > 1) else {
            return vec![MlpKind::Dense; n];
        };
        let mut moe = vec![true; n];
        let mut why = vec![format!("{e} routed experts (`{key}`)")];
        if let Some((kkey, k)) = self.uint(rules, "first_dense_layers") {
            let (fkey, freq) = self
                .uint(rules, "moe_layer_freq")
                .unwrap_or_else(|| (first_key(rules, "moe_layer_freq"), 1));
            let freq = freq.max(1);
            for (i, m) in (0u64..).zip(moe.iter_mut()) {
                *m = i >= k && i % freq == 0;
            }
            why.push(format!(
                "first {k} layers dense (`{kkey}`), MoE every {freq} after (`{fkey}`)"
            ));
        }
        for field in ["decoder_sparse_step", "interleave_moe_layer_step"] {
            if let Some((skey, step)) = self.uint(rules, field).filter(|(_, s)| *s > 1) {
                for (i, m) in (1u64..).zip(moe.iter_mut()) {
                    *m = *m && i % step == 0;
                }
                why.push(format!("MoE every {step}th layer (`{skey}`)"));
            }
        }
        if let Some((dkey, Value::Array(dense))) = self.raw(rules, "mlp_only_layers") {
            let ids: Vec<u64> = dense.iter().filter_map(Value::as_u64).collect();
            if !ids.is_empty() {
                for i in &ids {
                    if let Some(m) = usize::try_from(*i).ok().and_then(|i| moe.get_mut(i)) {
                        *m = false;
                    }
                }
                why.push(format!("layers {ids:?} dense (`{dkey}`)"));
            }
        }
        // Nemotron-H: MLP-only and MoE layers are their own pattern characters; the
        // attention/mamba layers carry no MLP.
        if let Some((_, pattern)) = self.pattern(rules).filter(|(_, p)| p.chars().count() == n) {
            return pattern.chars().map(|c| rules.pattern_char(c).1).collect();
        }
        let count = moe.iter().filter(|m| **m).count();
        why.push(format!("{count} MoE and {} dense layers", n - count));
        evidence.push(why.join("; "));
        moe.into_iter().map(|m| if m { MlpKind::Moe } else { MlpKind::Dense }).collect()
    }
}

/// Layer i is `every` when (i + 1) % k == 0, else `other`.
fn every_kth(n: usize, k: u64, every: &str, other: &str) -> Vec<String> {
    (1..=n as u64)
        .map(|i| if i % k.max(1) == 0 { every } else { other })
        .map(str::to_string)
        .collect()
}

/// The first key of a field (for evidence that names a key the config left out).
fn first_key(rules: &Rules, field: &str) -> String {
    rules.keys(field).first().cloned().unwrap_or_default()
}
