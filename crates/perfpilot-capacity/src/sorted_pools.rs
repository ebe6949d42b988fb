//! SGLang's target and draft KV pools in a copy that lost the program's line order (round 33):
//! a sweep driver that keeps the server's capacity lines as `grep … | sort -u` (the InferenceX
//! AgentX drivers) prints a start's two `KV Cache is allocated` lines and its `Memory pool end`
//! lines sorted as text, so the first pool line is not the target's.
//!
//! SGLang sizes a speculative draft's pool with the target's token count (`model_runner.py`:
//! "Target worker and draft worker share the same indices for the token_to_kv_pool") and the
//! draft (EAGLE, MTP: one or a few layers) holds far fewer layers than its target, so of two pools
//! of one token count the draft's is the smaller. A launch whose pool read as the draft's (the
//! second printed) is larger than the one read as the target's (the first) with the same token
//! count was not printed in the program's order: the two lines' roles are swapped. Its `Memory
//! pool end. avail mem=X` lines are then sorted too: a rank's memory after the draft's pool is its
//! memory after the target's pool less the draft's KV size, so the values more than half the
//! draft's size below the highest are the draft's (`draft_pool_avail_after`), the others the
//! target's. Launches in program order (the target's pool first and larger) are left as they are.

use crate::stated::{StatedValue, Value};

/// Swaps the target and draft pools of each launch whose pair was printed out of order.
pub(crate) fn reorder(v: &mut [StatedValue]) {
    let launches: std::collections::BTreeSet<u32> =
        v.iter().filter(|x| x.key == "draft_kv_size").map(|x| x.launch).collect();
    for launch in launches {
        let one = |key: &str| {
            let mut it = v.iter().filter(|x| x.launch == launch && x.key == key);
            match (it.next(), it.next()) {
                (Some(x), None) => Some((x.line, number(&x.value)?)),
                _ => None,
            }
        };
        let (Some((t_line, t_size)), Some((d_line, d_size))) =
            (one("kv_size"), one("draft_kv_size"))
        else {
            continue;
        };
        let tokens = |line: u64, key: &str| {
            v.iter()
                .find(|x| x.launch == launch && x.line == line && x.key == key)
                .and_then(|x| number(&x.value))
        };
        let same_tokens = tokens(t_line, "kv_tokens").is_some()
            && tokens(t_line, "kv_tokens") == tokens(d_line, "draft_kv_tokens");
        if !(same_tokens && d_size > t_size && d_line > t_line) {
            continue;
        }
        for x in v.iter_mut().filter(|x| x.launch == launch) {
            if x.line == t_line {
                x.key = format!("draft_{}", x.key);
            } else if x.line == d_line
                && let Some(k) = x.key.strip_prefix("draft_")
            {
                x.key = k.to_string();
            }
        }
        // The target's pool is `d_size`, the draft's `t_size` now.
        let avail = |x: &StatedValue| {
            (x.key == "pool_avail_after" || x.key == "draft_pool_avail_after")
                .then(|| number(&x.value))
                .flatten()
        };
        let top = v
            .iter()
            .filter(|x| x.launch == launch)
            .filter_map(avail)
            .fold(f64::NEG_INFINITY, f64::max);
        if !top.is_finite() {
            continue;
        }
        for x in v.iter_mut().filter(|x| x.launch == launch) {
            if let Some(a) = avail(x) {
                let draft = a < top - t_size / 2.0;
                x.key = if draft { "draft_pool_avail_after" } else { "pool_avail_after" }.into();
            }
        }
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        _ => None,
    }
}
