//! Per-rank prefixes: SGLang `[2025-03-10 16:21:21 DP1 TP2 EP2]`, vLLM
//! `(VllmWorker rank=3 pid=1090)`, `(Worker_DP1_TP1_EP3 pid=…)`, `(EngineCore_DP0 pid=…)`.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The process a line came from, as far as its prefix says. All fields absent: no prefix.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct RankId {
    /// Pipeline stage (`PP1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pp: Option<u32>,
    /// Data-parallel rank (`DP1`, `EngineCore_DP0`, `EngineCore_0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dp: Option<u32>,
    /// Tensor-parallel rank (`TP3`, `Worker_TP1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tp: Option<u32>,
    /// Expert-parallel rank (`EP3`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ep: Option<u32>,
    /// Global worker rank (`rank=3`, `[rank4]:`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker: Option<u32>,
    /// Process role for vLLM (`EngineCore`, `Worker`, `VllmWorker`, `APIServer`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

impl RankId {
    /// True when the prefix named no rank (single-GPU logs, engine-level or unprefixed lines).
    pub fn is_unranked(&self) -> bool {
        self.tp.is_none() && self.worker.is_none() && self.pp.is_none()
    }

    /// A short label: `TP3`, `DP1 TP2 EP2`, `rank=3`, `EngineCore_DP0`, or `all` when unranked.
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if let Some(v) = self.pp {
            parts.push(format!("PP{v}"));
        }
        if let Some(v) = self.dp {
            parts.push(format!("DP{v}"));
        }
        if let Some(v) = self.tp {
            parts.push(format!("TP{v}"));
        }
        if let Some(v) = self.ep {
            parts.push(format!("EP{v}"));
        }
        if let Some(v) = self.worker {
            parts.push(format!("rank={v}"));
        }
        if parts.is_empty() {
            return self.role.clone().unwrap_or_else(|| "all".to_string());
        }
        parts.join(" ")
    }
}

impl fmt::Display for RankId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// A parallelism axis a rank token names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankAxis {
    /// `TPn`.
    Tp,
    /// `DPn`.
    Dp,
    /// `PPn`.
    Pp,
    /// `EPn`.
    Ep,
    /// `rank=n`, `rankn` (a worker or torch rank).
    Worker,
}

/// A rank token: `TP3`, `DP1`, `EP2`, `PP0`, `rank=3`, `rank3` → its axis and index.
pub fn rank_token(tok: &str) -> Option<(RankAxis, u32)> {
    if let Some(r) = tok.strip_prefix("rank") {
        return r.trim_start_matches('=').parse().ok().map(|n| (RankAxis::Worker, n));
    }
    let (name, num) = (tok.get(..2)?, tok.get(2..)?);
    let n = num.parse::<u32>().ok()?;
    let axis = match name {
        "TP" => RankAxis::Tp,
        "DP" => RankAxis::Dp,
        "PP" => RankAxis::Pp,
        "EP" => RankAxis::Ep,
        _ => return None,
    };
    Some((axis, n))
}

/// Rank fields that a rank token fills (`TP3` sets the tensor-parallel rank): the one
/// setter for [`RankId`] and the borrowed rank views of other log parsers.
pub trait RankSlots {
    /// The field `axis` names.
    fn slot(&mut self, axis: RankAxis) -> &mut Option<u32>;

    /// Apply a rank token (`TP3`, `rank=3`). Returns true if `tok` is one.
    fn apply_rank_token(&mut self, tok: &str) -> bool {
        let Some((axis, n)) = rank_token(tok) else { return false };
        *self.slot(axis) = Some(n);
        true
    }
}

impl RankAxis {
    /// The one of five per-axis values (given in the order pp, dp, tp, ep, worker) that
    /// this axis names.
    pub fn pick<T>(self, [pp, dp, tp, ep, worker]: [T; 5]) -> T {
        match self {
            RankAxis::Pp => pp,
            RankAxis::Dp => dp,
            RankAxis::Tp => tp,
            RankAxis::Ep => ep,
            RankAxis::Worker => worker,
        }
    }
}

impl RankSlots for RankId {
    fn slot(&mut self, axis: RankAxis) -> &mut Option<u32> {
        axis.pick([&mut self.pp, &mut self.dp, &mut self.tp, &mut self.ep, &mut self.worker])
    }
}

/// Apply a rank token to `id`. Returns true if `tok` is one.
fn apply_token(tok: &str, id: &mut RankId) -> bool {
    id.apply_rank_token(tok)
}

/// Find the rank prefix in the text that precedes an event phrase on the same line segment.
/// The nearest SGLang-style `[... TP3]` bracket or vLLM-style `(... pid=N)` group wins.
pub fn rank_before(before: &str) -> RankId {
    let mut best: Option<(usize, RankId)> = None;
    // SGLang: `[date time DP1 TP2 EP2]`; torch: `[rank4]:`.
    let mut search_end = before.len();
    while let Some(close) = before[..search_end].rfind(']') {
        let Some(open) = before[..close].rfind('[') else { break };
        let inner = &before[open + 1..close];
        let mut id = RankId::default();
        let mut any = false;
        for tok in inner.split([' ', '\t']) {
            any |= apply_token(tok, &mut id);
        }
        // TensorRT-LLM 1.x: `[TRT-LLM] [I] [_torch][RANK 0] …`, `[batchmgr][RANK 2]` (a word and
        // the number, upper case).
        if !any && let Some(n) = spaced_rank(inner) {
            id.worker = Some(n);
            any = true;
        }
        if any {
            best = Some((open, id));
            break;
        }
        search_end = open;
    }
    // vLLM: `(Role[_DPx][_TPy] [rank=N ]pid=M[, ip=…])`.
    if let Some(pid) = before.rfind(" pid=")
        && let Some(open) = before[..pid].rfind('(')
        && best.as_ref().is_none_or(|(pos, _)| open > *pos)
    {
        let name = &before[open + 1..pid];
        let mut id = RankId::default();
        let mut role_parts = Vec::new();
        for tok in name.split([' ', '_']) {
            if tok.is_empty() {
                continue;
            }
            if !apply_token(tok, &mut id) {
                if let Ok(n) = tok.parse::<u32>() {
                    // `EngineCore_0`: the engine (data-parallel) index.
                    id.dp = Some(n);
                } else {
                    role_parts.push(tok);
                }
            }
        }
        if !role_parts.is_empty() {
            id.role = Some(role_parts.join("_"));
        }
        best = Some((open, id));
    }
    best.map(|(_, id)| id).unwrap_or_default()
}

/// The rank of a bracket that holds only `RANK N` (any case, one space): TensorRT-LLM's
/// per-rank prefix (`[_torch][RANK 0]`, `[batchmgr][RANK 2]`).
fn spaced_rank(inner: &str) -> Option<u32> {
    let (word, n) = inner.split_once(' ')?;
    if !word.eq_ignore_ascii_case("rank") || n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    n.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sglang_prefixes() {
        let id = rank_before("[2026-05-07 13:39:13 DP3 TP3 EP3] ");
        assert_eq!((id.dp, id.tp, id.ep), (Some(3), Some(3), Some(3)));
        assert_eq!(id.label(), "DP3 TP3 EP3");
        let id = rank_before("  0%|      | 0/23 [00:00<?, ?it/s][2025-03-10 16:21:21 TP1] ");
        assert_eq!(id.tp, Some(1));
        assert!(rank_before("[2025-11-30 11:18:01] ").is_unranked());
    }

    #[test]
    fn vllm_prefixes() {
        let id = rank_before(
            "(VllmWorker rank=3 pid=1090) ERROR 06-05 06:18:13 [multiproc_executor.py:470] ",
        );
        assert_eq!(id.worker, Some(3));
        assert_eq!(id.role.as_deref(), Some("VllmWorker"));
        let id = rank_before(
            "(Worker_DP1_TP1_EP3 pid=3585771) INFO 08-19 05:56:57 [gpu_model_runner.py:6936] ",
        );
        assert_eq!((id.dp, id.tp, id.ep), (Some(1), Some(1), Some(3)));
        let id =
            rank_before("(EngineCore_0 pid=5839) INFO 08-20 18:04:10 [gpu_model_runner.py:2007] ");
        assert_eq!(id.dp, Some(0));
        assert!(id.is_unranked());
        let id =
            rank_before("(EngineCore_DP0 pid=387) INFO 03-08 16:44:28 [gpu_model_runner.py:5651] ");
        assert_eq!(id.role.as_deref(), Some("EngineCore"));
    }

    #[test]
    fn torch_rank() {
        let id = rank_before("[rank4]:[E304 12:54:52.122900428 ProcessGroupNCCL.cpp:616] ");
        assert_eq!(id.worker, Some(4));
    }
}
