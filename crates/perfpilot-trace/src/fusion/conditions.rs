//! Entry conditions (`[fusion.when]`) checked against a [`Context`].

use regex::Regex;
use schemars::JsonSchema;
use serde::Serialize;

use super::Context;

/// Whether an entry's conditions hold for the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConditionStatus {
    /// Every condition holds (or the entry has none).
    Holds,
    /// At least one condition is known to fail: the fusion does not apply to this run.
    Fails,
    /// None fails, but at least one could not be checked (the fact is unknown).
    Unknown,
}

/// Compiled `[fusion.when]`.
#[derive(Debug, Clone, Default)]
pub(crate) struct When {
    pub dtype: Vec<String>,
    pub quantization: Vec<String>,
    pub min_tp: Option<u32>,
    pub framework: Vec<String>,
    pub model: Option<Regex>,
}

/// `bfloat16` → `bf16` and friends.
pub(crate) fn normalise_dtype(s: &str) -> String {
    let s = s.trim().to_ascii_lowercase();
    let s = s.trim_start_matches("torch.");
    match s {
        "bfloat16" | "bf16" => "bf16".into(),
        "float16" | "half" | "fp16" => "fp16".into(),
        "float32" | "float" | "fp32" => "fp32".into(),
        other => other.to_string(),
    }
}

impl When {
    /// Evaluate against `ctx`; notes explain failures and unknowns.
    pub(crate) fn check(&self, ctx: &Context) -> (ConditionStatus, Vec<String>) {
        let mut fails = Vec::new();
        let mut unknown = Vec::new();
        if !self.dtype.is_empty() {
            match &ctx.dtype {
                None => unknown.push(format!("dtype unknown (needs {})", self.dtype.join("/"))),
                Some(d) => {
                    let d = normalise_dtype(d);
                    if !self.dtype.contains(&d) {
                        fails.push(format!("dtype {d} (needs {})", self.dtype.join("/")));
                    }
                }
            }
        }
        if !self.quantization.is_empty() {
            match &ctx.quantization {
                None => unknown
                    .push(format!("quantization unknown (needs {})", self.quantization.join("/"))),
                Some(q) => {
                    let q = q.trim().to_ascii_lowercase();
                    let q = if q.is_empty() { "none".to_string() } else { q };
                    let ok = self
                        .quantization
                        .iter()
                        .any(|w| if w == "none" { q == "none" } else { q.contains(w.as_str()) });
                    if !ok {
                        fails.push(format!(
                            "quantization {q} (needs {})",
                            self.quantization.join("/")
                        ));
                    }
                }
            }
        }
        if let Some(min) = self.min_tp {
            match ctx.tp_size {
                None => unknown.push(format!("TP size unknown (needs >= {min})")),
                Some(tp) if tp < min => fails.push(format!("TP {tp} (needs >= {min})")),
                Some(_) => {}
            }
        }
        if !self.framework.is_empty() {
            match &ctx.framework {
                None => unknown
                    .push(format!("framework unknown (provided for {})", self.framework.join("/"))),
                Some(f) => {
                    let f = f.trim().to_ascii_lowercase();
                    if !self.framework.contains(&f) {
                        fails.push(format!(
                            "framework {f} (provided for {})",
                            self.framework.join("/")
                        ));
                    }
                }
            }
        }
        if let Some(re) = &self.model {
            match &ctx.model {
                None => unknown.push(format!("model unknown (needs /{}/)", re.as_str())),
                Some(m) if !re.is_match(m) => {
                    fails.push(format!("model {m} (needs /{}/)", re.as_str()))
                }
                Some(_) => {}
            }
        }
        let status = if !fails.is_empty() {
            ConditionStatus::Fails
        } else if !unknown.is_empty() {
            ConditionStatus::Unknown
        } else {
            ConditionStatus::Holds
        };
        fails.extend(unknown);
        (status, fails)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_is_not_holds_and_failure_wins() {
        let w = When { quantization: vec!["fp8".into()], min_tp: Some(2), ..When::default() };
        assert_eq!(w.check(&Context::default()).0, ConditionStatus::Unknown);
        let ctx =
            Context { quantization: Some("none".into()), tp_size: None, ..Context::default() };
        let (s, notes) = w.check(&ctx);
        assert_eq!(s, ConditionStatus::Fails);
        assert_eq!(notes.len(), 2);
        let ctx = Context {
            quantization: Some("w8a8_fp8".into()),
            tp_size: Some(4),
            ..Context::default()
        };
        assert_eq!(w.check(&ctx).0, ConditionStatus::Holds);
        let d = When { dtype: vec!["bf16".into()], ..When::default() };
        let ctx = Context { dtype: Some("torch.bfloat16".into()), ..Context::default() };
        assert_eq!(d.check(&ctx).0, ConditionStatus::Holds);
    }
}
