//! `--what-if KEY=VALUE`: change one setting, recompute, show before and after.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::CapacityError;
use crate::model::KvFormat;
use crate::scenario::{Outcome, Scenario};
use crate::units::{fmt_gib, fmt_int};

/// One parsed what-if.
#[derive(Debug, Clone, PartialEq)]
pub enum WhatIf {
    /// mem_fraction_static / gpu_memory_utilization.
    MemFraction(f64),
    /// KV cache dtype.
    KvDtype(KvFormat),
    /// Tensor-parallel size.
    Tp(u64),
    /// Context length / max_model_len.
    ContextLen(u64),
    /// max_running_requests / max_num_seqs.
    MaxRunningRequests(u64),
}

/// Parse `KEY=VALUE`.
pub fn parse(s: &str) -> Result<WhatIf, CapacityError> {
    let (k, v) = s.split_once('=').ok_or_else(|| {
        CapacityError::invalid(format!("what-if `{s}`: expected KEY=VALUE (mem_fraction, kv_dtype, tp, context_len, max_running_requests)"))
    })?;
    let key = k.trim().trim_start_matches("--").replace('-', "_").to_ascii_lowercase();
    let v = v.trim();
    let num = |what: &str| -> Result<u64, CapacityError> {
        v.replace(['_', ','], "").parse().map_err(|_| {
            CapacityError::invalid(format!("what-if `{s}`: {what} must be a whole number"))
        })
    };
    Ok(match key.as_str() {
        "mem_fraction" | "mem_fraction_static" | "gpu_memory_utilization" | "util" | "fraction" => {
            let f: f64 = v.parse().map_err(|_| {
                CapacityError::invalid(format!("what-if `{s}`: expected a fraction such as 0.85"))
            })?;
            if !(f > 0.0 && f <= 1.0) {
                return Err(CapacityError::invalid(format!(
                    "what-if `{s}`: the fraction must be in (0, 1]"
                )));
            }
            WhatIf::MemFraction(f)
        }
        "kv_dtype" | "kv_cache_dtype" => WhatIf::KvDtype(KvFormat::parse(v)?),
        "tp" | "tp_size" | "tensor_parallel_size" => {
            let n = num("tp")?;
            if n == 0 {
                return Err(CapacityError::invalid(format!(
                    "what-if `{s}`: tp must be at least 1"
                )));
            }
            WhatIf::Tp(n)
        }
        "context_len" | "context_length" | "max_model_len" => {
            WhatIf::ContextLen(num("context length")?)
        }
        "max_running_requests" | "max_num_seqs" => {
            WhatIf::MaxRunningRequests(num("max_running_requests")?)
        }
        _ => {
            return Err(CapacityError::invalid(format!(
                "what-if `{s}`: unknown key `{k}` (expected mem_fraction, kv_dtype, tp, context_len, max_running_requests)"
            )));
        }
    })
}

/// Before/after of one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WhatIfRow {
    /// Stable id.
    pub id: String,
    /// Metric.
    pub metric: String,
    /// Before.
    pub before: String,
    /// After.
    pub after: String,
}

/// A what-if comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WhatIfReport {
    /// The changes applied, as given.
    pub changes: Vec<String>,
    /// What "before" is (the log's observed state, or the plan).
    pub baseline: String,
    /// Metrics side by side.
    pub rows: Vec<WhatIfRow>,
    /// Start-up errors after the change.
    pub errors_after: Vec<String>,
    /// Caveats (what the recomputation could not model).
    pub caveats: Vec<String>,
}

/// Apply scalar what-ifs (everything but `tp`, which needs the model config) to a scenario.
/// `kv_now` is the KV format the scenario's per-token cost was priced in.
pub fn apply_scalar(s: &mut Scenario, w: &WhatIf, kv_now: KvFormat) {
    match w {
        WhatIf::MemFraction(f) => s.fraction = *f,
        WhatIf::KvDtype(to) => {
            let scale = |b: u64| b * to.bytes_x16() / kv_now.bytes_x16();
            s.kv.full_bytes_per_token = scale(s.kv.full_bytes_per_token);
            s.kv.swa_bytes_per_token = scale(s.kv.swa_bytes_per_token);
            s.kv.per_layer_bytes_per_token = scale(s.kv.per_layer_bytes_per_token);
        }
        WhatIf::ContextLen(l) => s.context_len = *l,
        WhatIf::MaxRunningRequests(n) => s.max_running_requests = Some(*n),
        WhatIf::Tp(_) => {}
    }
}

fn ctx(v: u64) -> String {
    if v == 0 { "unknown".into() } else { fmt_int(v as i64) }
}

fn opt(v: Option<i64>) -> String {
    v.map(fmt_int).unwrap_or_else(|| "unknown".into())
}

/// Side-by-side rows for two evaluations.
pub fn compare(before: (&Scenario, &Outcome), after: (&Scenario, &Outcome)) -> Vec<WhatIfRow> {
    let (bs, bo) = before;
    let (a_s, ao) = after;
    let mut rows = vec![
        r(
            "fraction",
            "mem fraction / utilization",
            format!("{:.3}", bs.fraction),
            format!("{:.3}", a_s.fraction),
        ),
        r(
            "weights",
            "weights per rank (GiB)",
            fmt_gib(bs.weights_bytes),
            fmt_gib(a_s.weights_bytes),
        ),
        r("kv_budget", "KV budget (GiB)", fmt_gib(bo.kv_budget_bytes), fmt_gib(ao.kv_budget_bytes)),
        r(
            "bytes_per_token",
            "KV bytes per token (per rank)",
            fmt_int((bs.kv.full_bytes_per_token + bs.kv.swa_bytes_per_token) as i64),
            fmt_int((a_s.kv.full_bytes_per_token + a_s.kv.swa_bytes_per_token) as i64),
        ),
        r("kv_tokens", "KV tokens", fmt_int(bo.kv_tokens), fmt_int(ao.kv_tokens)),
        r(
            "max_running_requests",
            "max running requests",
            opt(bo.max_running_requests.map(|v| v as i64)),
            opt(ao.max_running_requests.map(|v| v as i64)),
        ),
        r(
            "headroom",
            "headroom outside the budget (GiB)",
            fmt_gib(bo.headroom_bytes),
            fmt_gib(ao.headroom_bytes),
        ),
        r("context_len", "context length", ctx(bs.context_len), ctx(a_s.context_len)),
    ];
    for (b, a) in bo.concurrency.iter().zip(&ao.concurrency) {
        rows.push(r(
            &format!("concurrency_{}", b.request_tokens),
            &format!("max concurrent at {} tokens", fmt_int(b.request_tokens as i64)),
            format!("{} ({})", opt(b.max_concurrent.map(|v| v as i64)), b.binding),
            format!("{} ({})", opt(a.max_concurrent.map(|v| v as i64)), a.binding),
        ));
    }
    rows
}

fn r(id: &str, metric: &str, before: String, after: String) -> WhatIfRow {
    WhatIfRow { id: id.into(), metric: metric.into(), before, after }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys() {
        assert_eq!(parse("mem-fraction-static=0.85").unwrap(), WhatIf::MemFraction(0.85));
        assert_eq!(parse("kv_dtype=fp8_e4m3").unwrap(), WhatIf::KvDtype(KvFormat::Fp8));
        assert_eq!(parse("tp=8").unwrap(), WhatIf::Tp(8));
        assert_eq!(parse("max_model_len=32,768").unwrap(), WhatIf::ContextLen(32768));
        assert!(parse("mem_fraction=1.5").is_err());
        assert!(parse("colour=blue").is_err());
        assert!(parse("tp").is_err());
    }
}
